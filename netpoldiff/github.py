"""The PR comment bot's side of GitHub: one sticky comment per pull request, via the REST API."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final

from netpoldiff import __version__
from netpoldiff.errors import NetpoldiffError

DEFAULT_API_URL: Final = "https://api.github.com"
_NEXT_LINK: Final = re.compile(r'<([^>]+)>;\s*rel="next"')
_TIMEOUT: Final = 30.0


class GitHubError(NetpoldiffError):
    """A GitHub API call that failed; the message carries the HTTP status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status, None when no answer came


@dataclass(frozen=True, slots=True)
class PullRequest:
    """Where the comment goes: ``owner/name`` and the pull request number."""

    repository: str
    number: int


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but never carry the token to another host."""

    def redirect_request(  # noqa: PLR0917 - urllib calls it with six positional arguments
        self,
        req: urllib.request.Request,
        fp: Any,  # noqa: ANN401 - urllib's signature
        code: int,
        msg: str,
        headers: Any,  # noqa: ANN401 - urllib's signature
        newurl: str,
    ) -> urllib.request.Request | None:
        redirected = super().redirect_request(req, fp, code, msg, headers, newurl)
        if redirected is not None and _origin(newurl) != _origin(req.full_url):
            for name in ("Authorization",):
                redirected.headers.pop(name, None)
                redirected.unredirected_hdrs.pop(name, None)
        return redirected


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.netloc


_OPENER: Final = urllib.request.build_opener(_SameOriginRedirects)


class GitHubClient:
    """The calls the bot needs: who am I, list comments (paginated), create one, update one."""

    def __init__(self, api_url: str, token: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = token

    def _request(
        self, method: str, url: str, body: dict[str, Any] | None = None
    ) -> tuple[Any, str]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - API URL
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("User-Agent", f"netpoldiff/{__version__}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with _OPENER.open(request, timeout=_TIMEOUT) as response:
                payload = response.read()
                link = response.headers.get("Link", "")
        except urllib.error.HTTPError as error:
            detail = _error_message(error)
            msg = (
                f"GitHub API {method} {_path(url)} failed: HTTP {error.code} {error.reason}{detail}"
            )
            raise GitHubError(msg, error.code) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            msg = f"GitHub API {method} {_path(url)} failed: {reason}"
            raise GitHubError(msg) from None
        return (json.loads(payload) if payload else None), link

    def comments(self, pull: PullRequest) -> Iterator[dict[str, Any]]:
        """Every comment of the pull request's conversation, following pagination."""
        url: str | None = (
            f"{self.api_url}/repos/{pull.repository}/issues/{pull.number}/comments?per_page=100"
        )
        while url is not None:
            page, link = self._request("GET", url)
            yield from page or ()
            found = _NEXT_LINK.search(link)
            url = found.group(1) if found else None

    def login(self) -> str | None:
        """The account the token acts as, or None when the API will not say.

        A personal token may ask; the token a GitHub Actions run gets may not (HTTP 403).
        """
        try:
            user, _ = self._request("GET", f"{self.api_url}/user")
        except GitHubError as error:
            if error.status in {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}:
                return None
            raise  # bad credentials, no network: the next call would fail the same way
        login = user.get("login") if isinstance(user, dict) else None
        return login if isinstance(login, str) else None

    def create(self, pull: PullRequest, body: str) -> dict[str, Any]:
        """Post a new comment."""
        url = f"{self.api_url}/repos/{pull.repository}/issues/{pull.number}/comments"
        created, _ = self._request("POST", url, {"body": body})
        return dict(created)

    def update(self, pull: PullRequest, comment_id: int, body: str) -> dict[str, Any]:
        """Replace the body of an existing comment."""
        url = f"{self.api_url}/repos/{pull.repository}/issues/comments/{comment_id}"
        updated, _ = self._request("PATCH", url, {"body": body})
        return dict(updated)


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def _error_message(error: urllib.error.HTTPError) -> str:
    try:
        message = json.loads(error.read()).get("message")
    except (ValueError, AttributeError, OSError):
        return ""
    return f": {message}" if isinstance(message, str) and message else ""


@dataclass(frozen=True, slots=True)
class Posted:
    """What the bot did: ``created``, ``updated``, ``unchanged`` or ``skipped``."""

    action: str
    comment_id: int | None = None


def sticky_comment(
    client: GitHubClient,
    pull: PullRequest,
    body: str,
    *,
    marker: str,
    skip_if_new: bool = False,
) -> Posted:
    """Create the pull request's one netpoldiff comment, or edit the one posted before.

    ``skip_if_new``: post nothing when there is no earlier comment (used when nothing changed).
    The earlier comment is one that starts with the marker and was written by this token's
    account, or, when the API does not tell who that is, by a bot: a person's comment that
    quotes or imitates the report is never overwritten.
    """
    login = client.login()

    def ours(comment: dict[str, Any]) -> bool:
        author = comment.get("user")
        author = author if isinstance(author, dict) else {}
        written_by_us = author.get("login") == login if login else author.get("type") == "Bot"
        return written_by_us and str(comment.get("body", "")).startswith(marker)

    earlier = next((c for c in client.comments(pull) if ours(c)), None)
    if earlier is None:
        if skip_if_new:
            return Posted("skipped")
        created = client.create(pull, body)
        return Posted("created", created.get("id"))
    comment_id = int(earlier["id"])
    if earlier.get("body") == body:
        return Posted("unchanged", comment_id)
    client.update(pull, comment_id, body)
    return Posted("updated", comment_id)
