"""``netpoldiff pr-comment`` on the command line."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from netpoldiff.cli import options
from netpoldiff.cli.invocation import paths_from, settings_from, source_from
from netpoldiff.cli.output import say, write
from netpoldiff.commands import FailOn, append_step_summary, comment_body, post_pr_comment


@click.command("pr-comment")
@options.old_and_new
@options.repo
@options.pr
@options.body_file
@options.skip_no_change
@options.fail_on
@options.common
@click.pass_context
def pr_comment(
    context: click.Context,
    /,
    *,
    old: str | None,
    new: str | None,
    repository: str,
    number: int,
    body_file: str | None,
    skip_no_change: bool,
    fail_on: Sequence[FailOn],
    output: str | None,
    **_common: object,  # read by settings_from(context)
) -> None:
    """Post the Markdown report of OLD..NEW as the pull request's one netpoldiff comment.

    Edits the comment it posted before (found by a hidden marker) instead of adding another.
    Reads GITHUB_TOKEN and GITHUB_API_URL; appends the report to GITHUB_STEP_SUMMARY when set.
    """
    settings = settings_from(context)
    workspace = settings.workspace()
    report = comment_body(
        source_from(workspace, old),
        source_from(workspace, new),
        paths_from(context),
        workspace=workspace,
        body_file=body_file,
        settings=settings,
        fail_on=fail_on,
    )
    body = "".join(report.chunks)
    write(report, output, settings)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        append_step_summary(summary, body)
    posted = post_pr_comment(
        body,
        repository=repository,
        number=number,
        token=os.environ.get("GITHUB_TOKEN", ""),
        api_url=os.environ.get("GITHUB_API_URL") or None,
        skip_if_new=skip_no_change and not report.changed,
    )
    where = f"{repository}#{number}"
    if posted.action == "skipped":
        say(f"no change and no earlier comment on {where}: nothing posted")
    else:
        say(f"{posted.action} comment {posted.comment_id} on {where}")
    sys.exit(report.exit_status)
