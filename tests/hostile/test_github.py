"""A hostile or failing GitHub API in front of ``netpoldiff pr-comment``.

The API's answers are input like any manifest: a ``next`` link may point anywhere, a rate limit
may ask for waits, a proxy may answer with an HTML page. Each test runs the CLI in-process
against the fake of tests/testing/fakegithub.py and asserts what a user sees (exit 2, one
line naming the call) and what the API saw (where the token went, how often it was asked).
Time is a fake clock: the client's waits are recorded, never slept.
"""

from __future__ import annotations

import email.utils
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from netpoldiff.github import client
from netpoldiff.report.markdown import MARKER
from tests.conftest import CliResult, CliRunner, assert_one_line_error
from tests.testing.fakegithub import Canned, FakeGitHub, Recorded, serve, serving_the_cli

OLD = "fixtures/demo/old"
NEW = "fixtures/demo/new"
COMMENTS = "/repos/o/r/issues/7/comments"
EPOCH = 1_750_000_000.0  # what the fake clock's wall time starts at


@dataclass
class FakeClock:
    """Time that moves only when the client sleeps or a test says so."""

    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return EPOCH + self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(client, "SYSTEM_CLOCK", fake)
    return fake


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> Iterator[FakeGitHub]:  # noqa: ARG001 - no test may really sleep
    with serving_the_cli(monkeypatch) as fake:
        yield fake
    assert not fake.overflowed, "the client made more requests than any run needs"


def _comment(run_cli: CliRunner, *args: str) -> CliResult:
    """Run pr-comment with the report written to /dev/null: stdout stays for errors."""
    return run_cli("pr-comment", "--repo", "o/r", "--pr", "7", "-o", os.devnull, *args)


def _listings(fake: FakeGitHub) -> list[Recorded]:
    return [r for r in fake.requests if r.method == "GET" and r.path == COMMENTS]


def _http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(EPOCH + seconds_from_now, usegmt=True)


# ---- 1. pagination: the token stays on the API's origin, the pages end -----------------------


@pytest.mark.parametrize(
    "elsewhere",
    ["other-host", "other-port", "other-scheme", "file", "bad-port"],
)
def test_a_next_link_to_another_origin_is_refused_and_gets_no_token(
    github: FakeGitHub, run_cli: CliRunner, elsewhere: str
) -> None:
    github.seed("o", "r", 7, "first", "second")
    with serve(FakeGitHub(token="another token")) as other:  # noqa: S106 - a test value
        port = other.base_url.rsplit(":", 1)[1]
        own_port = github.base_url.rsplit(":", 1)[1]
        target, shown = {
            "other-host": (
                f"http://localhost:{own_port}{COMMENTS}?page=2",
                f"localhost:{own_port}",
            ),
            "other-port": (f"http://127.0.0.1:{port}{COMMENTS}?page=2", f"127.0.0.1:{port}"),
            "other-scheme": (
                f"https://127.0.0.1:{own_port}{COMMENTS}",
                f"https://127.0.0.1:{own_port}",
            ),
            "file": ("file:///etc/passwd", "file://"),
            "bad-port": (f"http://127.0.0.1:{own_port}0x/", f"http://127.0.0.1:{own_port}0x"),
        }[elsewhere]
        github.next_link = lambda page: target if page == 1 else None

        result = _comment(run_cli, OLD, NEW)

    assert_one_line_error(
        result,
        f"GitHub API GET {COMMENTS}: the next page is on another origin",
        shown,
        "the token was not sent there",
    )
    assert other.requests == []
    assert len(_listings(github)) == 1  # the first page only: localhost is not asked again
    assert github.calls("POST") == []  # a partial list could hide the earlier comment
    assert {r.authorization for r in github.requests} == {f"Bearer {github.token}"}


def test_next_links_that_never_end_stop_after_a_bounded_number_of_pages(
    github: FakeGitHub, run_cli: CliRunner
) -> None:
    github.max_requests = client.MAX_PAGES + 20
    github.next_link = lambda page: f"{github.base_url}{COMMENTS}?per_page=100&page={page + 1}"

    result = _comment(run_cli, OLD, NEW)

    assert_one_line_error(result, f"more than {client.MAX_PAGES} pages of comments")
    assert len(_listings(github)) == client.MAX_PAGES
    assert github.calls("POST") == []


def test_a_next_link_back_to_the_first_page_is_a_loop_that_ends(
    github: FakeGitHub, run_cli: CliRunner
) -> None:
    github.max_requests = client.MAX_PAGES + 20
    github.next_link = lambda _page: f"{github.base_url}{COMMENTS}?per_page=100"

    result = _comment(run_cli, OLD, NEW)

    assert_one_line_error(result, f"more than {client.MAX_PAGES} pages of comments")
    assert github.calls("POST") == []


# ---- 2. rate limits and outages: bounded waits, bounded retries, one deadline ----------------

RATE_LIMITED = {"message": "API rate limit exceeded"}


@pytest.mark.parametrize(
    ("refusal", "wait"),
    [
        (Canned(429, RATE_LIMITED, {"Retry-After": "7"}), 7.0),
        (Canned(503, {"message": "Unavailable"}, {"Retry-After": _http_date(30)}), 30.0),
        (Canned(503, b"<html>down</html>", {"Retry-After": _http_date(-5)}), 0.0),
        (Canned(403, {"message": "secondary rate limit"}, {"Retry-After": "5"}), 5.0),
        (
            Canned(
                403,
                RATE_LIMITED,
                {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(EPOCH) + 20)},
            ),
            20.0,
        ),
    ],
    ids=["429-seconds", "503-http-date", "503-date-past", "403-secondary", "403-primary-reset"],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_wait_the_api_asks_for_is_honoured_then_the_call_succeeds(
    github: FakeGitHub,
    run_cli: CliRunner,
    clock: FakeClock,
    refusal: Canned,
    wait: float,
    method: str,
) -> None:
    github.answer(method, COMMENTS, refusal)

    result = _comment(run_cli, OLD, NEW)

    assert result.status == 0, result.err
    assert clock.slept == [wait]
    asked = [r for r in github.requests if (r.method, r.path) == (method, COMMENTS)]
    assert len(asked) == 2  # refused once, then answered
    assert len(github.thread()) == 1  # one comment, however often the call was made


@pytest.mark.parametrize(
    ("answers", "message", "slept"),
    [
        (
            [Canned(429, RATE_LIMITED, {"Retry-After": "1"})] * 4,
            "HTTP 429 Too Many Requests: API rate limit exceeded (still refused after 3 retries)",
            [1.0] * 3,
        ),
        (
            [Canned(503, {"message": "Unavailable"}, {"Retry-After": "3600"})],
            "Unavailable (asked to wait 3600 s; netpoldiff waits at most 60 s)",
            [],
        ),
        (
            [Canned(429, RATE_LIMITED, {"Retry-After": "50"})] * 3,
            "(waiting 50 s would pass the 120 s deadline)",
            [50.0, 50.0],
        ),
        (
            [Canned(429, RATE_LIMITED, {"Retry-After": "soon"})],
            "HTTP 429 Too Many Requests: API rate limit exceeded",
            [],
        ),
        (
            [Canned(429, RATE_LIMITED, {"Retry-After": "9" * 5000})],
            "HTTP 429 Too Many Requests: API rate limit exceeded",
            [],
        ),
    ],
    ids=["retries-bounded", "wait-capped", "waits-meet-the-deadline", "odd-date", "huge-number"],
)
def test_rate_limits_that_do_not_lift_end_the_run_in_one_line(
    github: FakeGitHub,
    run_cli: CliRunner,
    clock: FakeClock,
    answers: list[Canned],
    message: str,
    slept: list[float],
) -> None:
    github.answer("GET", COMMENTS, *answers)

    result = _comment(run_cli, OLD, NEW)

    assert_one_line_error(result, f"GitHub API GET {COMMENTS} failed: ", message)
    assert clock.slept == slept
    assert len(_listings(github)) == len(slept) + 1
    assert github.calls("POST") == []


def test_a_slow_api_meets_the_overall_deadline(
    github: FakeGitHub, run_cli: CliRunner, clock: FakeClock
) -> None:
    github.seed("o", "r", 7, "1", "2", "3", "4", "5", "6", "7", "8")

    def slow(_request: Recorded) -> None:
        clock.now += 45  # every answer takes 45 s

    github.on_request = slow

    result = _comment(run_cli, OLD, NEW)

    assert_one_line_error(
        result, f"GitHub API GET {COMMENTS}: gave up: the 120 s deadline for the GitHub API passed"
    )
    assert len(github.requests) == 3  # /user, then pages 1 and 2; page 2 ends at 135 s
    assert clock.slept == []
    assert github.calls("POST") == []


# ---- 3. answers that are not the expected JSON -----------------------------------------------


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    ("method", "path", "answer", "message"),
    [
        (
            "GET",
            COMMENTS,
            Canned(200, b"<html><body>Sign in</body></html>", {"Content-Type": "text/html"}),
            "not JSON (text/html)",
        ),
        ("GET", COMMENTS, Canned(200, b'[{"id": 1, "body": '), "not JSON"),
        ("GET", COMMENTS, Canned(200, b""), "not JSON"),
        ("GET", COMMENTS, Canned(200, _nested(100_000)), "not JSON"),
        ("GET", COMMENTS, Canned(200, {"message": "hello"}), "an object, not a list"),
        ("GET", COMMENTS, Canned(200, ["text"]), "a comment that is a string, not an object"),
        ("GET", COMMENTS, Canned(200, [{"body": MARKER}]), "a comment without an integer id"),
        ("GET", COMMENTS, Canned(200, [{"id": "12"}]), "a comment without an integer id"),
        ("GET", COMMENTS, Canned(200, [{"id": True}]), "a comment without an integer id"),
        ("GET", "/user", Canned(200, ["octocat"]), "a list, not an object"),
        ("POST", COMMENTS, Canned(201, []), "a list, not an object"),
        ("POST", COMMENTS, Canned(201, {"id": 1.5}), "a comment without an integer id"),
        ("POST", COMMENTS, Canned(201, b"Created"), "not JSON"),
        (
            "POST",
            COMMENTS,
            Canned(0, b"SSH-2.0-OpenSSH_9.6\r\n"),
            "failed: ",
        ),
    ],
    ids=[
        "html-page",
        "truncated-json",
        "empty",
        "deep-nesting",
        "object-for-list",
        "string-comment",
        "no-id",
        "string-id",
        "boolean-id",
        "user-list",
        "created-list",
        "created-float-id",
        "created-text",
        "not-http",
    ],
)
def test_answers_of_the_wrong_form_fail_in_one_line_naming_the_call(
    github: FakeGitHub, run_cli: CliRunner, method: str, path: str, answer: Canned, message: str
) -> None:
    github.tells_login = True
    github.answer(method, path, answer)

    result = _comment(run_cli, OLD, NEW)

    assert_one_line_error(result, f"GitHub API {method} {path}", message)


def test_an_edit_answered_with_an_html_page_fails_in_one_line(
    github: FakeGitHub, run_cli: CliRunner
) -> None:
    assert _comment(run_cli, OLD, NEW).status == 0
    (earlier,) = github.thread()
    edit = f"/repos/o/r/issues/comments/{earlier['id']}"
    github.answer("PATCH", edit, Canned(200, b"<html></html>", {"Content-Type": "text/html"}))

    result = _comment(run_cli, NEW, OLD)

    assert_one_line_error(result, f"GitHub API PATCH {edit}: unexpected answer: not JSON")


def test_an_answer_larger_than_any_page_is_cut_off(github: FakeGitHub, run_cli: CliRunner) -> None:
    github.answer("GET", COMMENTS, Canned(200, b"[" + b" " * client.MAX_ANSWER + b"]"))

    result = _comment(run_cli, OLD, NEW)

    assert_one_line_error(result, f"GitHub API GET {COMMENTS}: unexpected answer: more than 32 MiB")


# ---- 4. the environment of a pr-comment run --------------------------------------------------


@pytest.mark.parametrize("case", ["not-utf8", "unreadable"])
def test_a_body_file_that_is_not_utf8_text_fails_in_one_line(
    github: FakeGitHub, run_cli: CliRunner, tmp_path: Path, case: str
) -> None:
    if case == "not-utf8":
        body_file = tmp_path / "comment.md"
        body_file.write_bytes(f"{MARKER}\n### caf".encode() + b"\xe9\n")
        message = "--body-file is not UTF-8 text (byte 0xe9 at offset 27)"
    else:  # a file even root cannot read: reading it fails with EIO
        body_file = Path("/proc/self/mem")
        message = "cannot read --body-file: Input/output error"

    result = _comment(run_cli, "--body-file", str(body_file))

    assert_one_line_error(result, f"{body_file}: {message}")
    assert github.requests == []


@pytest.mark.parametrize("where", ["a-directory", "in-a-missing-directory"])
def test_a_step_summary_that_cannot_be_written_fails_in_one_line(
    github: FakeGitHub,
    run_cli: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    summary = tmp_path if where == "a-directory" else tmp_path / "missing" / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    result = _comment(run_cli, OLD, NEW)

    assert_one_line_error(result, f"GITHUB_STEP_SUMMARY {summary}: cannot append the report")
    assert github.requests == []


@pytest.mark.parametrize(
    "api_url", ["api.github.com", "ftp://example.com", "http://[::1", "https://"]
)
def test_an_api_url_that_is_not_http_fails_in_one_line(
    github: FakeGitHub, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, api_url: str
) -> None:
    monkeypatch.setenv("GITHUB_API_URL", api_url)

    result = _comment(run_cli, OLD, NEW)

    assert_one_line_error(result, f"GITHUB_API_URL {api_url!r} is not an http:// or https:// URL")
    assert github.requests == []
