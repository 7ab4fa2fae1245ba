"""client: the REST calls of the PR comment bot, against the fake GitHub of tests/testing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from netpoldiff.github.answers import Comment, GitHubError
from netpoldiff.github.client import GitHubClient, PullRequest, origin
from tests.testing.fakegithub import Canned, FakeGitHub, serve, serving_the_cli

PULL = PullRequest("o/r", 7)
COMMENTS = "/repos/o/r/issues/7/comments"


@dataclass
class FakeClock:
    """Time that moves only when the client sleeps."""

    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return 1_750_000_000.0 + self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with serving_the_cli(monkeypatch) as fake:
        yield fake
    assert not fake.overflowed


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def client_of(github: FakeGitHub, clock: FakeClock, token: str | None = None) -> GitHubClient:
    return GitHubClient(github.api_url + "/", token or github.token, clock=clock)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://api.github.com/repos", "https://api.github.com:443"),
        ("https://API.GitHub.com:443/x", "https://api.github.com:443"),
        ("http://127.0.0.1/x", "http://127.0.0.1:80"),
        ("http://127.0.0.1:8080/x", "http://127.0.0.1:8080"),
        ("https://[::1]/x", "https://[::1]:443"),
        ("http://h:80x/", "http://h:80x"),
        ("file:///etc/passwd", "file://"),
    ],
)
def test_origin_is_scheme_host_and_port_with_the_default_port(url: str, shown: str) -> None:
    assert origin(url) == shown


def test_comments_are_read_page_after_page_with_the_token(
    github: FakeGitHub, clock: FakeClock
) -> None:
    github.seed("o", "r", 7, "one", "two", "three", "four", "five")

    found = list(client_of(github, clock).comments(PULL))

    assert [c.body for c in found] == ["one", "two", "three", "four", "five"]
    assert found[0] == Comment(found[0].comment_id, "one", "alice", "User")
    pages = [r.query.get("page", ["1"])[0] for r in github.calls("GET")]
    assert pages == ["1", "2", "3"]
    assert {r.query["per_page"][0] for r in github.calls("GET")} == {"100"}
    assert {r.authorization for r in github.requests} == {f"Bearer {github.token}"}


def test_a_relative_next_link_is_followed(github: FakeGitHub, clock: FakeClock) -> None:
    github.seed("o", "r", 7, "one", "two", "three")
    github.next_link = lambda page: f"{COMMENTS}?per_page=100&page={page + 1}" if page < 2 else None

    assert [c.body for c in client_of(github, clock).comments(PULL)] == ["one", "two", "three"]


@pytest.mark.parametrize(
    ("answer", "login"),
    [
        (None, None),  # the fake refuses with 403, as an Actions token is refused
        (Canned(404, {"message": "Not Found"}), None),
        (Canned(200, {"login": "ci-user"}), "ci-user"),
        (Canned(200, {"login": 7}), None),
    ],
    ids=["403", "404", "personal-token", "odd-login"],
)
def test_login_is_the_account_or_none_when_the_api_will_not_say(
    github: FakeGitHub, clock: FakeClock, answer: Canned | None, login: str | None
) -> None:
    if answer is not None:
        github.answer("GET", "/user", answer)

    assert client_of(github, clock).login() == login


def test_login_with_a_bad_token_is_an_error_with_the_status(
    github: FakeGitHub, clock: FakeClock
) -> None:
    with pytest.raises(GitHubError, match=r"GET /user failed: HTTP 401 .*: Bad credentials") as e:
        client_of(github, clock, token="wrong").login()  # noqa: S106 - a test value
    assert e.value.status == 401


def test_create_posts_the_body_and_update_replaces_it(github: FakeGitHub, clock: FakeClock) -> None:
    client = client_of(github, clock)

    created = client.create(PULL, "first")
    client.update(PULL, created, "second")

    assert [c["id"] for c in github.thread()] == [created]
    assert github.thread()[0]["body"] == "second"
    (post,) = github.calls("POST")
    (patch,) = github.calls("PATCH")
    assert (post.path, post.body) == (COMMENTS, {"body": "first"})
    assert (patch.path, patch.body) == (f"/repos/o/r/issues/comments/{created}", {"body": "second"})


def test_a_refused_call_keeps_its_status(github: FakeGitHub, clock: FakeClock) -> None:
    github.failures["POST"] = (422, "Validation Failed")

    with pytest.raises(GitHubError) as raised:
        client_of(github, clock).create(PULL, "body")

    assert raised.value.status == 422
    assert str(raised.value) == (
        f"GitHub API POST {COMMENTS} failed: HTTP 422 Unprocessable Entity: Validation Failed"
    )


def test_a_wait_asked_for_is_slept_on_the_client_clock(
    github: FakeGitHub, clock: FakeClock
) -> None:
    github.answer("POST", COMMENTS, Canned(429, {"message": "slow down"}, {"Retry-After": "4"}))

    client_of(github, clock).create(PULL, "body")

    assert clock.slept == [4.0]
    assert len(github.calls("POST")) == 2
    assert len(github.thread()) == 1


def test_no_call_is_made_once_the_deadline_has_passed(github: FakeGitHub, clock: FakeClock) -> None:
    client = GitHubClient(github.api_url, github.token, clock=clock, deadline=10)
    clock.now = 10

    with pytest.raises(GitHubError, match="gave up: the 10 s deadline for the GitHub API passed"):
        client.login()
    assert github.requests == []


def test_a_redirect_on_the_same_origin_keeps_the_token(
    github: FakeGitHub, clock: FakeClock
) -> None:
    github.seed("o", "r", 8, "moved here")
    moved = f"{github.base_url}/repos/o/r/issues/8/comments?per_page=100"
    github.answer("GET", COMMENTS, Canned(301, {"message": "Moved"}, {"Location": moved}))

    found = list(client_of(github, clock).comments(PULL))

    assert [c.body for c in found] == ["moved here"]
    assert [r.authorization for r in github.requests] == [f"Bearer {github.token}"] * 2


def test_a_redirect_to_another_origin_loses_the_token(github: FakeGitHub, clock: FakeClock) -> None:
    with serve(FakeGitHub(token="elsewhere")) as other:  # noqa: S106 - a test value
        other.seed("o", "r", 7, "from elsewhere")
        github.redirect = other.base_url.replace("127.0.0.1", "localhost")

        with pytest.raises(GitHubError, match="HTTP 401"):
            list(client_of(github, clock).comments(PULL))

    assert [r.authorization for r in other.requests] == [None]
