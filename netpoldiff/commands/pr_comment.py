"""``netpoldiff pr-comment``: the pull request's one netpoldiff comment."""

from __future__ import annotations

import re
import urllib.parse
from typing import TYPE_CHECKING, Final

from netpoldiff.errors import UsageError

if TYPE_CHECKING:
    from netpoldiff.github import Posted

# The pull-request client and the Markdown report are imported where used: start-up time is
# paid on every commit a hook checks, and only this command needs them.

_REPOSITORY: Final = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


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
