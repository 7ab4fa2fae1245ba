"""The PR comment bot's side of GitHub: one sticky comment per pull request, via the REST API."""

from __future__ import annotations

from netpoldiff.github.answers import GitHubError
from netpoldiff.github.client import DEFAULT_API_URL, Clock, GitHubClient, PullRequest
from netpoldiff.github.sticky import Posted, sticky_comment

__all__ = [
    "DEFAULT_API_URL",
    "Clock",
    "GitHubClient",
    "GitHubError",
    "Posted",
    "PullRequest",
    "sticky_comment",
]
