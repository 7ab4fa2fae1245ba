"""``netpoldiff hook install`` and ``hook run`` on the command line."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import replace

import click

from netpoldiff.cli import hook_options, options, run_options
from netpoldiff.cli.invocation import paths_from, settings_from
from netpoldiff.cli.output import ColorMode, say, use_color, write
from netpoldiff.cli.receive import read_input, run_pre_receive
from netpoldiff.commands import (
    FailOn,
    OnTimeout,
    ReceiveJob,
    ReceiveOptions,
    Stage,
    hook_install_command,
    hook_run_command,
    hook_script_command,
)
from netpoldiff.errors import UsageError

_VERBS = {"pre-commit": "commit", "pre-merge-commit": "merge", "pre-push": "push"}


@click.group("hook")
def hook() -> None:
    """Plain git hooks, for teams that do not use the pre-commit framework."""


@hook.command("install")
@hook_options.install_stage
@hook_options.hook_fail_on
@hook_options.force
@hook_options.print_script
@hook_options.protect
@hook_options.timeout
@hook_options.on_timeout
@hook_options.cache_dir
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
    print_script: bool,
    protect: tuple[str, ...],
    timeout: float | None,
    on_timeout: OnTimeout | None,
    cache_dir: str | None,
    directory: str | None,  # noqa: ARG001 - read by settings_from(context)
    config_file: str | None,  # noqa: ARG001 - read by settings_from(context)
) -> None:
    """Write .git/hooks/pre-commit (or pre-push, pre-merge-commit, pre-receive) to run netpoldiff.

    Without --fail-on, a hook for a repository whose configuration sets fail_on follows
    that configuration each time it runs. --pre-receive in a bare repository writes its
    hooks/pre-receive; with --print, the script goes to standard output instead, for a
    server's hook directory (GitLab: custom_hooks/pre-receive).
    """
    settings = settings_from(context)
    given = context.get_parameter_source("fail_on") is not click.core.ParameterSource.DEFAULT
    receive = ReceiveOptions(protect, timeout, on_timeout, cache_dir)
    _receive_options_only_for_pre_receive(stage, receive, print_script=print_script)
    if print_script:
        click.echo(
            hook_script_command(
                stage, fail_on=fail_on if given else None, settings=settings, receive=receive
            ),
            nl=False,
        )
        return
    target = hook_install_command(
        stage, fail_on=fail_on if given else None, force=force, settings=settings, receive=receive
    )
    say(f"installed {target}")


def _receive_options_only_for_pre_receive(
    stage: Stage, receive: ReceiveOptions, *, print_script: bool
) -> None:
    if stage == "pre-receive":
        return
    given = [
        option
        for option, value in (
            ("--print", print_script),
            ("--protect", receive.protect),
            ("--timeout", receive.timeout is not None),
            ("--on-timeout", receive.on_timeout),
            ("--cache-dir", receive.cache_dir),
        )
        if value
    ]
    if given:
        msg = f"{given[0]} is for --pre-receive only"
        raise UsageError(msg)


@hook.command("run")
@hook_options.run_stage
@click.argument("remote", required=False)
@click.argument("url", required=False)
@options.diff_format
@options.fail_on
@options.color
@hook_options.protect
@hook_options.timeout
@hook_options.on_timeout
@hook_options.cache_dir
@options.common
@click.pass_context
def hook_run(
    context: click.Context,
    /,
    *,
    stage: Stage,
    protect: tuple[str, ...],
    timeout: float | None,
    on_timeout: OnTimeout | None,
    cache_dir: str | None,
    remote: str | None,
    url: str | None,  # noqa: ARG001 - git passes it; the remote name is enough
    output_format: str,
    fail_on: Sequence[FailOn],
    color: ColorMode,
    output: str | None,
    **_common: object,  # read by settings_from(context)
) -> None:
    """What a git hook runs: the staged change, the merge, or each pushed ref.

    pre-commit and pre-merge-commit check the index against HEAD; pre-push each pushed
    ref; pre-receive, on the server, each update of a protected branch within a time limit.
    """
    settings = settings_from(context)
    _receive_options_only_for_pre_receive(
        stage, ReceiveOptions(protect, timeout, on_timeout, cache_dir), print_script=False
    )
    if stage == "pre-receive":
        # No cache but the one a directory is given for: a server hook writes nowhere else.
        cache = None if cache_dir is None else settings.start / cache_dir
        job = ReceiveJob(
            read_input(),
            replace(settings, use_cache=cache is not None, cache_directory=cache),
            protect,
            tuple(fail_on),
            output_format,
            timeout,
            on_timeout,
            dict(os.environ),
        )
        run_pre_receive(job, output)
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
        verb = _VERBS[stage]
        conditions = ", ".join(report.fail_on) or "changes"
        say(
            f"{verb} refused (--fail-on {conditions}); "
            f"review the report above, or bypass with `git {verb} --no-verify`"
        )
    sys.exit(report.exit_status)
