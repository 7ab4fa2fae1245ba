"""A small stand-in for the three GitHub REST calls the PR comment bot makes.

It listens on 127.0.0.1 (port 0) in a thread, checks ``Authorization: Bearer <token>``, pages the
comment list with ``Link: <...>; rel="next"`` and records every request. It answers at most
``max_requests`` requests (then 429), so a client that loops cannot hang a test.

A test can make it misbehave as a hostile or failing API would: ``script`` queues canned answers
(any status, headers such as ``Retry-After``, raw bytes, or no HTTP at all) for the next requests
to a path, and ``next_link`` replaces the list's ``rel="next"`` links.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest

_LIST = ("repos", "*", "*", "issues", "*", "comments")
_EDIT = ("repos", "*", "*", "issues", "comments", "*")
_REASONS = {401: "Bad credentials", 429: "too many requests in one test"}


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str | None
    body: dict[str, Any] | None


@dataclass(frozen=True)
class Canned:
    """An answer given instead of the real one.

    ``body``: bytes are sent as they are, anything else as JSON. Status 0 sends ``body`` alone
    as the whole response, without a status line or headers: an answer that is not HTTP.
    """

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeGitHub:
    """The server's state: comments per pull request, failures to inject, requests seen."""

    token: str = "s3cret-token"  # noqa: S105 - the fake's own test credential
    # Who the token acts as; like an Actions token, it does not say unless told to.
    account: dict[str, str] = field(
        default_factory=lambda: {"login": "github-actions[bot]", "type": "Bot"}
    )
    tells_login: bool = False
    page_size: int = 2  # the server's cap on per_page, small so few comments span pages
    prefix: str = ""  # e.g. "/api/v3" for GitHub Enterprise
    max_requests: int = 60
    base_url: str = ""
    comments: dict[tuple[str, str, int], list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    failures: dict[str, tuple[int, str]] = field(default_factory=dict)  # method -> (status, msg)
    redirect: str = ""  # when set, every request is answered "301 Moved" to this origin
    # (method, path) -> answers for the next such requests, in order; then the real ones
    script: dict[tuple[str, str], list[Canned]] = field(default_factory=dict)
    # page number -> the URL of rel="next" (None: no next page), instead of real pagination
    next_link: Callable[[int], str | None] | None = None
    on_request: Callable[[Recorded], None] | None = None  # e.g. to let a fake clock run
    overflowed: bool = False
    next_id: int = 1000
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def api_url(self) -> str:
        return f"{self.base_url}{self.prefix}"

    def seed(
        self,
        owner: str,
        repo: str,
        number: int,
        *bodies: str,
        user: str = "alice",
        kind: str = "User",
    ) -> None:
        """Add comments (oldest first) written by someone else."""
        thread = self.comments.setdefault((owner, repo, number), [])
        for body in bodies:
            author = {"login": user, "type": kind}
            thread.append({"id": self._new_id(), "body": body, "user": author})

    def thread(self, owner: str = "o", repo: str = "r", number: int = 7) -> list[dict[str, Any]]:
        return self.comments.get((owner, repo, number), [])

    def calls(self, method: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method]

    def answer(self, method: str, path: str, *answers: Canned) -> None:
        """Give these answers, in order, to the next ``method`` requests for ``path``."""
        self.script.setdefault((method, path), []).extend(answers)

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    # ---- request handling (called from the server thread) ---------------------------------

    def handle(
        self, method: str, raw_path: str, authorization: str | None, body: dict[str, Any] | None
    ) -> tuple[int, Any, dict[str, str]]:
        split = urllib.parse.urlsplit(raw_path)
        query = urllib.parse.parse_qs(split.query)
        with self.lock:
            recorded = Recorded(method, split.path, query, authorization, body)
            self.requests.append(recorded)
            if self.on_request is not None:
                self.on_request(recorded)
            if self.redirect:
                return 301, {"message": "Moved Permanently"}, {"Location": self.redirect + raw_path}
            refusal = self._refusal(authorization)
            if refusal is not None:
                return refusal, {"message": _REASONS.get(refusal, "failed")}, {}
            if self.script.get((method, split.path)):
                canned = self.script[method, split.path].pop(0)
                return canned.status, canned.body, canned.headers
            if method in self.failures:
                status, message = self.failures[method]
                return status, {"message": message}, {}
            return self._route(method, split.path, query, body)

    def _refusal(self, authorization: str | None) -> int | None:
        if len(self.requests) > self.max_requests:
            self.overflowed = True
            return 429
        if authorization != f"Bearer {self.token}":
            return 401
        return None

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any] | None
    ) -> tuple[int, Any, dict[str, str]]:
        parts = tuple(path.removeprefix(self.prefix).strip("/").split("/"))
        if not path.startswith(f"{self.prefix}/"):
            parts = ()  # outside the API: nothing matches
        if parts == ("user",) and method == "GET":
            if not self.tells_login:
                return 403, {"message": "Resource not accessible by integration"}, {}
            return 200, dict(self.account), {}
        if _matches(parts, _LIST) and parts[4].isdigit():
            key = (parts[1], parts[2], int(parts[4]))
            if method == "GET":
                return self._list(path, key, query)
            if method == "POST" and body is not None:
                comment = {"id": self._new_id(), "body": body["body"], "user": dict(self.account)}
                self.comments.setdefault(key, []).append(comment)
                return 201, comment, {}
        elif _matches(parts, _EDIT) and parts[5].isdigit() and method == "PATCH" and body:
            for thread in self.comments.values():
                for comment in thread:
                    if comment["id"] == int(parts[5]):
                        comment["body"] = body["body"]
                        return 200, comment, {}
        return 404, {"message": "Not Found"}, {}

    def _list(
        self, path: str, key: tuple[str, str, int], query: dict[str, list[str]]
    ) -> tuple[int, Any, dict[str, str]]:
        requested = int(query.get("per_page", ["30"])[0])
        size = max(1, min(requested, self.page_size))
        page = int(query.get("page", ["1"])[0])
        thread = self.comments.get(key, [])
        last = max(1, -(-len(thread) // size))
        links = []
        url = f"{self.base_url}{path}?per_page={requested}&page="
        if page > 1:
            links += [f'<{url}{page - 1}>; rel="prev"', f'<{url}1>; rel="first"']
        if self.next_link is not None:
            target = self.next_link(page)
            links += [f'<{target}>; rel="next"'] if target is not None else []
        elif page < last:
            links += [f'<{url}{page + 1}>; rel="next"', f'<{url}{last}>; rel="last"']
        headers = {"Link": ", ".join(links)} if links else {}
        return 200, thread[(page - 1) * size : page * size], headers


def _matches(parts: tuple[str, ...], shape: tuple[str, ...]) -> bool:
    return len(parts) == len(shape) and all(
        s in {"*", p} for p, s in zip(parts, shape, strict=True)
    )


class _Server(HTTPServer):
    fake: FakeGitHub


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout: ClassVar[float] = 10.0  # a stuck connection cannot hold the server forever

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        status, payload, headers = self.server.fake.handle(
            self.command, self.path, self.headers.get("Authorization"), body
        )
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        if status == 0:  # not HTTP at all
            self.wfile.write(data)
            self.close_connection = True
            return
        self.send_response(status)
        if "Content-Type" not in headers:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Quiet: the test reads the recorded requests instead."""


@contextmanager
def serve(fake: FakeGitHub) -> Iterator[FakeGitHub]:
    """Run the fake on 127.0.0.1 until the block ends; always stop the thread."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    host, port = server.server_address[:2]
    fake.base_url = f"http://{host!s}:{port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert not thread.is_alive(), "the fake GitHub server did not stop"


@contextmanager
def serving_the_cli(
    monkeypatch: pytest.MonkeyPatch, fake: FakeGitHub | None = None
) -> Iterator[FakeGitHub]:
    """Serve a fake and point the CLI at it: GITHUB_API_URL, GITHUB_TOKEN, no proxies."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ALL_PROXY", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with serve(fake or FakeGitHub()) as served:
        monkeypatch.setenv("GITHUB_API_URL", served.api_url)
        monkeypatch.setenv("GITHUB_TOKEN", served.token)
        yield served
