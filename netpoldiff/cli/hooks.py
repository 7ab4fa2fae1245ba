"""``netpoldiff hook install`` and ``hook run`` on the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from netpoldiff.cli import options, run_options
from netpoldiff.cli.invocation import paths_from, settings_from
from netpoldiff.cli.output import ColorMode, say, use_color, write
from netpoldiff.commands import (
    FailOn,
    Stage,
    hook_install_command,
    hook_run_command,
)


@click.group("hook")
def hook() -> None:
    """Plain git hooks, for teams that do not use the pre-commit framework."""


@hook.command("install")
@options.install_stage
@options.hook_fail_on
@options.force
@run_options.directory
@options.config
@run_options.debug
@click.pass_context
def hook_install(
    context: click.Context,
    /,
    *,
    stage: Stage,
    fail_on: Sequence[FailOn],
    force: bool,
    directory: str | None,  # noqa: ARG001 - read by settings_from(context)
    config_file: str | None,  # noqa: ARG001 - read by settings_from(context)
) -> None:
    """Write .git/hooks/pre-commit (or pre-push) to run netpoldiff with --fail-on.

    Without --fail-on, a hook for a repository whose configuration sets fail_on follows
    that configuration each time it runs.
    """
    settings = settings_from(context)
    given = context.get_parameter_source("fail_on") is not click.core.ParameterSource.DEFAULT
    target = hook_install_command(
        stage, fail_on=fail_on if given else None, force=force, settings=settings
    )
    say(f"installed {target}")


@hook.command("run")
@options.run_stage
@click.argument("remote", required=False)
@click.argument("url", required=False)
@options.diff_format
@options.fail_on
@options.color
@options.common
@click.pass_context
def hook_run(
    context: click.Context,
    /,
    *,
    stage: Stage,
    remote: str | None,
    url: str | None,  # noqa: ARG001 - git passes it; the remote name is enough
    output_format: str,
    fail_on: Sequence[FailOn],
    color: ColorMode,
    output: str | None,
    **_common: object,  # read by settings_from(context)
) -> None:
    """What a git hook runs: the staged change (pre-commit) or each pushed ref (pre-push)."""
    settings = settings_from(context)
    report = hook_run_command(
        stage,
        paths_from(context),
        remote=remote,
        # git writes the pushed refs on standard input; a terminal there means none.
        pushed_lines=sys.stdin if sys.stdin is not None and not sys.stdin.isatty() else (),
        output_format=output_format,
        settings=settings,
        fail_on=fail_on,
        color=use_color(color, output),
    )
    write(report, output, settings)
    if report.exit_status:
        verb = "push" if stage == "pre-push" else "commit"
        conditions = ", ".join(report.fail_on) or "changes"
        say(
            f"{verb} refused (--fail-on {conditions}); "
            f"review the report above, or bypass with `git {verb} --no-verify`"
        )
    sys.exit(report.exit_status)
