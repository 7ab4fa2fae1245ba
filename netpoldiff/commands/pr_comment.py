"""``netpoldiff pr-comment``: the pull request's one netpoldiff comment."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from netpoldiff.commands.diff import diff_command
from netpoldiff.commands.shared import Report, Settings
from netpoldiff.configuration import FailOn
from netpoldiff.errors import SourceError, UsageError, WriteError
from netpoldiff.sources import Source, Workspace

if TYPE_CHECKING:
    from netpoldiff.github import Posted

# The pull-request client and the Markdown report are imported where used: start-up time is
# paid on every commit a hook checks, and only this command needs them.

_REPOSITORY: Final = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def comment_body(
    old: Source | None,
    new: Source | None,
    paths: Sequence[str] = (),
    *,
    workspace: Workspace | None = None,
    body_file: str | None = None,
    settings: Settings | None = None,
    fail_on: Sequence[FailOn] = (),
) -> Report:
    """The comment to post, whole in one piece: ``--body-file``'s text or the Markdown diff."""
    if body_file is not None:
        return Report((_read_body_file(body_file),), 0, changed=True)
    report = diff_command(
        old,
        new,
        paths,
        workspace=workspace,
        output_format="markdown",
        settings=settings,
        fail_on=fail_on,
    )
    return Report(("".join(report.chunks),), report.exit_status, changed=report.changed)


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


def append_step_summary(path: str, body: str) -> None:
    """Add the report to the job summary file GitHub Actions names in GITHUB_STEP_SUMMARY."""
    try:
        with Path(path).open("a", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(body)
    except OSError as error:
        msg = f"GITHUB_STEP_SUMMARY {path}: cannot append the report: {error.strerror or error}"
        raise WriteError(msg) from None


def post_pr_comment(
    body: str,
    *,
    repository: str,
    number: int,
    token: str,
    api_url: str | None = None,
    skip_if_new: bool = False,
) -> Posted:
    """Post the report as the pull request's one netpoldiff comment, or update that comment."""
    from netpoldiff.github import (  # noqa: PLC0415
        DEFAULT_API_URL,
        GitHubClient,
        PullRequest,
        sticky_comment,
    )
    from netpoldiff.report.markdown import MARKER  # noqa: PLC0415

    if not token:
        msg = "pr-comment needs a GitHub token in GITHUB_TOKEN"
        raise UsageError(msg)
    if not _REPOSITORY.fullmatch(repository):
        # GitHub's own alphabet: the name goes into API paths and onto the terminal.
        msg = f"--repo {repository!r} must be OWNER/NAME (letters, digits, '-', '_', '.')"
        raise UsageError(msg)
    api_url = api_url or DEFAULT_API_URL
    try:
        address = urllib.parse.urlsplit(api_url)
        usable = address.scheme in {"http", "https"} and bool(address.hostname)
    except ValueError:  # an unclosed "[" of an IPv6 address
        usable = False
    if not usable:
        msg = f"GITHUB_API_URL {api_url!r} is not an http:// or https:// URL"
        raise UsageError(msg)
    if MARKER not in body:
        body = f"{MARKER}\n{body}"  # the marker is how the next run finds this comment
    client = GitHubClient(api_url, token)
    return sticky_comment(
        client, PullRequest(repository, number), body, marker=MARKER, skip_if_new=skip_if_new
    )
