"""``netpoldiff pr-comment`` on the command line."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from netpoldiff.cli import options
from netpoldiff.cli.invocation import paths_from, settings_from
from netpoldiff.cli.output import say, write
from netpoldiff.commands import FailOn, Report, diff_command, post_pr_comment
from netpoldiff.errors import SourceError


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
    if body_file is not None:
        report = Report([_read_body_file(body_file)], 0, changed=True)
    else:
        report = diff_command(
            old,
            new,
            paths_from(context),
            output_format="markdown",
            settings=settings,
            fail_on=fail_on,
        )
    body = "".join(report.chunks)
    write(Report([body], report.exit_status), output, settings)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        _append_step_summary(summary, body)
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


def _read_body_file(path: str) -> str:
    """The Markdown of ``--body-file``: UTF-8 text, like everything GitHub is sent."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        msg = (
            f"{path}: --body-file is not UTF-8 text "
            f"(byte 0x{error.object[error.start]:02x} at offset {error.start})"
        )
        raise SourceError(msg) from None
    except OSError as error:
        msg = f"{path}: cannot read --body-file: {error.strerror or error}"
        raise SourceError(msg) from None


def _append_step_summary(path: str, body: str) -> None:
    """Add the report to the job summary file GitHub Actions names in GITHUB_STEP_SUMMARY."""
    try:
        with Path(path).open("a", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(body)
    except OSError as error:
        msg = f"GITHUB_STEP_SUMMARY {path}: cannot append the report: {error.strerror or error}"
        raise SourceError(msg) from None
