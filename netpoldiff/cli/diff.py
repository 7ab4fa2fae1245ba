"""``netpoldiff [diff] OLD [NEW]`` on the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from netpoldiff.cli import options
from netpoldiff.cli.invocation import paths_from, settings_from, source_from
from netpoldiff.cli.output import ColorMode, use_color, write
from netpoldiff.commands import FailOn, diff_command


@click.command("diff")
@options.old_and_new
@options.staged
@options.diff_format
@options.exit_code
@options.fail_on
@options.equivalent
@options.color
@options.common
@click.pass_context
def diff(
    context: click.Context,
    /,
    *,
    old: str | None,
    new: str | None,
    staged: bool,
    output_format: str,
    exit_code: bool,
    fail_on: Sequence[FailOn],
    equivalent: bool,
    color: ColorMode,
    output: str | None,
    **_common: object,  # read by settings_from(context)
) -> None:
    """Show the flows NEW opens and closes relative to OLD.

    OLD and NEW are git revisions (HEAD~1, a branch, a tag, a sha, A...B for the merge base of
    A and B) or directories / files of manifests. OLD defaults to HEAD and NEW to the working
    tree (tracked files), or the index with --staged. PATHS after -- restrict both sides.
    --equivalent proves a rewrite: exit 0 only when both sides allow exactly the same flows.
    """
    settings = settings_from(context)
    workspace = settings.workspace()
    report = diff_command(
        source_from(workspace, old),
        source_from(workspace, new),
        paths_from(context),
        workspace=workspace,
        staged=staged,
        output_format=output_format,
        settings=settings,
        exit_code=exit_code,
        fail_on=fail_on,
        color=use_color(color, output),
        equivalent=equivalent,
    )
    write(report, output, settings)
    sys.exit(report.exit_status)
