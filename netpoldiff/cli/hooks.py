"""``netpoldiff hook install`` and ``hook run`` on the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from netpoldiff.cli.options import (
    color_option,
    debug_option,
    diff_format_option,
    directory_option,
    fail_on_option,
    paths_from,
    settings_from,
    source_options,
)
from netpoldiff.cli.output import ColorMode, use_color, write
from netpoldiff.commands import (
    DiffFormat,
    FailOn,
    Stage,
    diff_command,
    hook_install_command,
    pre_push_command,
)


@click.group("hook")
def hook() -> None:
    """Plain git hooks, for teams that do not use the pre-commit framework."""


@hook.command("install")
@click.option("--pre-commit", "stage", flag_value="pre-commit", default=True, help="(default)")
@click.option("--pre-push", "stage", flag_value="pre-push", help="Check pushed commits instead.")
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["opened", "closed", "any", "warnings"]),
    multiple=True,
    default=("opened",),
    show_default=True,
    help="What makes the hook refuse (repeatable).",
)
@click.option("--force", is_flag=True, help="Replace a hook that netpoldiff did not write.")
@directory_option
@debug_option
@click.pass_context
def hook_install(
    context: click.Context,
    /,
    *,
    stage: Stage,
    fail_on: Sequence[FailOn],
    force: bool,
    **_source_options: object,  # read by settings_from(context)
) -> None:
    """Write .git/hooks/pre-commit (or pre-push) to run netpoldiff with --fail-on."""
    arguments = [item for condition in fail_on for item in ("--fail-on", condition)]
    settings = settings_from(context)
    target = hook_install_command(stage, arguments, force=force, settings=settings)
    click.echo(f"netpoldiff: installed {target}", err=True)


@hook.command("run")
@click.option("--pre-commit", "stage", flag_value="pre-commit", default=True, help="(default)")
@click.option("--pre-push", "stage", flag_value="pre-push", help="Read git's pre-push input.")
@click.argument("remote", required=False)
@click.argument("url", required=False)
@diff_format_option
@fail_on_option
@color_option
@source_options
@click.pass_context
def hook_run(
    context: click.Context,
    /,
    *,
    stage: Stage,
    remote: str | None,
    url: str | None,  # noqa: ARG001 - git passes it; the remote name is enough
    output_format: DiffFormat,
    fail_on: Sequence[FailOn],
    color: ColorMode,
    output: str | None,
    **_source_options: object,  # read by settings_from(context)
) -> None:
    """What a git hook runs: the staged change (pre-commit) or each pushed ref (pre-push)."""
    settings = settings_from(context)
    if stage == "pre-push":
        report = pre_push_command(
            remote or "origin",
            sys.stdin if sys.stdin is not None and not sys.stdin.isatty() else [],
            output_format=output_format,
            settings=settings,
            fail_on=fail_on,
            color=use_color(color, output),
        )
    else:
        report = diff_command(
            None,
            None,
            paths_from(context),
            staged=True,
            output_format=output_format,
            settings=settings,
            fail_on=fail_on,
            color=use_color(color, output),
        )
    write(report, output, settings)
    if report.exit_status:
        verb = "push" if stage == "pre-push" else "commit"
        conditions = ", ".join(fail_on) or "changes"
        click.echo(
            f"netpoldiff: {verb} refused (--fail-on {conditions}); "
            f"review the report above, or bypass with `git {verb} --no-verify`",
            err=True,
        )
    sys.exit(report.exit_status)
