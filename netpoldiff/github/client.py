"""The REST calls of the PR comment bot, with the checks an untrusted answer needs.

The token goes only to the API's own origin (redirects elsewhere lose it, ``next`` links
elsewhere are refused). Waits the API asks for (``Retry-After``, an exhausted rate limit) are
honoured a bounded number of times, each bounded, all within one deadline. Every answer is
checked to be JSON of the expected shape before it is used.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final, Protocol

from netpoldiff import __version__
from netpoldiff.github.answers import (
    Answer,
    Comment,
    GitHubError,
    asked_wait,
    comment,
    error_message,
    expect_comments,
    expect_object,
    next_link,
)

DEFAULT_API_URL: Final = "https://api.github.com"
MAX_PAGES: Final = 100  # 10,000 comments at 100 a page; more is a loop of next links
MAX_RETRIES: Final = 3  # per request, when the API refuses and says when to come back
MAX_WAIT: Final = 60.0  # seconds; asked to wait longer, the run fails at once instead
DEADLINE: Final = 120.0  # seconds for the whole conversation with the API
MAX_ANSWER: Final = 32 << 20  # bytes; a page of 100 comments of 65,536 characters fits
_TIMEOUT: Final = 30.0  # seconds without progress on one connection
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_MEDIA_TYPE: Final = re.compile(r"[a-z0-9.+-]+/[a-z0-9.+-]+")


class Clock(Protocol):
    """Time as the client sees it; tests give one that does not really sleep."""

    def monotonic(self) -> float:
        """Seconds on a clock that only moves forward (deadlines)."""

    def time(self) -> float:
        """Seconds since the epoch (``Retry-After`` dates, rate-limit resets)."""

    def sleep(self, seconds: float) -> None:
        """Wait."""


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def time(self) -> float:
        """``time.time()``."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """``time.sleep()``."""
        time.sleep(seconds)


# What a client uses unless it is given a clock; looked up when a client is made.
SYSTEM_CLOCK: Clock = SystemClock()


@dataclass(frozen=True, slots=True)
class PullRequest:
    """Where the comment goes: ``owner/name`` and the pull request number."""

    repository: str
    number: int


def origin(url: str) -> str:
    """``scheme://host:port`` with the scheme's default port filled in: what the token may see."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port that is not a number is an origin of its own
        return f"{parts.scheme}://{parts.netloc}"
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}:{port}" if port else f"{parts.scheme}://{host}"


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but never carry the token to another origin."""

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
        if redirected is not None and origin(newurl) != origin(req.full_url):
            redirected.headers.pop("Authorization", None)
            redirected.unredirected_hdrs.pop("Authorization", None)
        return redirected


_OPENER: Final = urllib.request.build_opener(_SameOriginRedirects)


class GitHubClient:
    """The calls the bot needs: who am I, list comments (paginated), create one, update one."""

    def __init__(
        self, api_url: str, token: str, *, clock: Clock | None = None, deadline: float = DEADLINE
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.clock = clock if clock is not None else SYSTEM_CLOCK
        self.deadline = deadline
        self._gives_up_at = self.clock.monotonic() + deadline

    def _request(self, method: str, url: str, body: dict[str, Any] | None = None) -> Answer:
        call = f"GitHub API {method} {_path(url)}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - API URL
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("User-Agent", f"netpoldiff/{__version__}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        retries = 0
        while True:
            try:
                return self._send(call, request)
            except urllib.error.HTTPError as error:
                with error:  # its connection is done with once the message is read
                    wait = self._wait_before_retry(call, error, retries)
                self.clock.sleep(wait)
                retries += 1

    def _send(self, call: str, request: urllib.request.Request) -> Answer:
        timeout = min(_TIMEOUT, self._time_left(call))
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                payload = self._read(call, response)
                link = response.headers.get("Link", "")
                media_type = response.headers.get_content_type()
        except urllib.error.HTTPError:
            raise  # an answer: the caller decides whether to retry
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            reason = getattr(error, "reason", None) or error
            msg = f"{call} failed: {reason}"
            raise GitHubError(msg) from None
        try:
            data = json.loads(payload)
        except (ValueError, RecursionError):
            shown = f" ({media_type})" if _MEDIA_TYPE.fullmatch(media_type) else ""
            msg = f"{call}: unexpected answer: not JSON{shown}"
            raise GitHubError(msg) from None
        return Answer(call, data, link)

    def _read(self, call: str, response: http.client.HTTPResponse) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if size > MAX_ANSWER:
                msg = f"{call}: unexpected answer: more than {MAX_ANSWER >> 20} MiB"
                raise GitHubError(msg)
            self._time_left(call)  # an answer that trickles in meets the deadline too
            chunks.append(chunk)
        return b"".join(chunks)

    def _time_left(self, call: str) -> float:
        left = self._gives_up_at - self.clock.monotonic()
        if left <= 0:
            msg = f"{call}: gave up: the {self.deadline:.0f} s deadline for the GitHub API passed"
            raise GitHubError(msg)
        return left

    def _wait_before_retry(self, call: str, error: urllib.error.HTTPError, retries: int) -> float:
        """How long to wait before asking again, or the GitHubError that ends the run."""
        failed = f"{call} failed: HTTP {error.code} {error.reason}{error_message(error)}"
        wait = asked_wait(error, self.clock.time())
        if wait is None:
            raise GitHubError(failed, error.code)
        if retries >= MAX_RETRIES:
            msg = f"{failed} (still refused after {MAX_RETRIES} retries)"
        elif wait > MAX_WAIT:
            msg = (
                f"{failed} (asked to wait {wait:.0f} s; netpoldiff waits at most {MAX_WAIT:.0f} s)"
            )
        elif wait >= self._time_left(call):
            msg = f"{failed} (waiting {wait:.0f} s would pass the {self.deadline:.0f} s deadline)"
        else:
            return wait
        raise GitHubError(msg, error.code)

    def comments(self, pull: PullRequest) -> Iterator[Comment]:
        """Every comment of the pull request's conversation, following pagination."""
        url = f"{self.api_url}/repos/{pull.repository}/issues/{pull.number}/comments?per_page=100"
        home = origin(self.api_url)
        for _ in range(MAX_PAGES):
            answer = self._request("GET", url)
            yield from expect_comments(answer)
            found = next_link(answer.link)
            if found is None:
                return
            url = urllib.parse.urljoin(url, found)
            if origin(url) != home:
                msg = (
                    f"{answer.call}: the next page is on another origin, {origin(url)}; "
                    "the token was not sent there"
                )
                raise GitHubError(msg)
        msg = f"GitHub API GET {_path(url)}: more than {MAX_PAGES} pages of comments; stopped there"
        raise GitHubError(msg)

    def login(self) -> str | None:
        """The account the token acts as, or None when the API will not say.

        A personal token may ask; the token a GitHub Actions run gets may not (HTTP 403).
        """
        try:
            user = expect_object(self._request("GET", f"{self.api_url}/user"))
        except GitHubError as error:
            if error.status in {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}:
                return None
            raise  # bad credentials, no network: the next call would fail the same way
        login = user.get("login")
        return login if isinstance(login, str) else None

    def create(self, pull: PullRequest, body: str) -> int:
        """Post a new comment; returns its id."""
        url = f"{self.api_url}/repos/{pull.repository}/issues/{pull.number}/comments"
        answer = self._request("POST", url, {"body": body})
        return comment(answer.call, expect_object(answer)).comment_id

    def update(self, pull: PullRequest, comment_id: int, body: str) -> None:
        """Replace the body of an existing comment."""
        url = f"{self.api_url}/repos/{pull.repository}/issues/comments/{comment_id}"
        expect_object(self._request("PATCH", url, {"body": body}))


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path
