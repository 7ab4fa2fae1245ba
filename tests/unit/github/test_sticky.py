"""sticky: one netpoldiff comment per pull request, found again and edited, never someone else's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from netpoldiff.github.client import GitHubClient, PullRequest
from netpoldiff.github.sticky import Posted, sticky_comment
from tests.testing.fakegithub import FakeGitHub, serving_the_cli

MARKER = "<!-- sticky-test -->"
PULL = PullRequest("o/r", 7)


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with serving_the_cli(monkeypatch) as fake:
        yield fake
    assert not fake.overflowed


def post(github: FakeGitHub, body: str, *, skip_if_new: bool = False) -> Posted:
    client = GitHubClient(github.api_url, github.token)
    return sticky_comment(client, PULL, body, marker=MARKER, skip_if_new=skip_if_new)


def bodies(github: FakeGitHub) -> list[str]:
    return [str(c["body"]) for c in github.thread()]


def test_created_then_updated_then_unchanged(github: FakeGitHub) -> None:
    github.seed("o", "r", 7, "a human comment")

    created = post(github, f"{MARKER}\nfirst")
    updated = post(github, f"{MARKER}\nsecond")
    unchanged = post(github, f"{MARKER}\nsecond")

    assert created.action == "created"
    assert created.comment_id is not None
    assert updated == Posted("updated", created.comment_id)
    assert unchanged == Posted("unchanged", created.comment_id)
    assert bodies(github) == ["a human comment", f"{MARKER}\nsecond"]
    assert len(github.calls("POST")) == 1
    assert len(github.calls("PATCH")) == 1


def test_skip_if_new_posts_nothing_without_an_earlier_comment(github: FakeGitHub) -> None:
    assert post(github, f"{MARKER}\nnothing changed", skip_if_new=True) == Posted("skipped")
    assert github.thread() == []

    first = post(github, f"{MARKER}\nchanged")
    again = post(github, f"{MARKER}\nnothing changed", skip_if_new=True)

    assert again == Posted("updated", first.comment_id)
    assert bodies(github) == [f"{MARKER}\nnothing changed"]


def test_only_a_comment_that_starts_with_the_marker_is_ours(github: FakeGitHub) -> None:
    github.seed("o", "r", 7, f"quoting:\n{MARKER}\nold report", user="bot[bot]", kind="Bot")

    posted = post(github, f"{MARKER}\nreport")

    assert posted.action == "created"
    assert bodies(github) == [f"quoting:\n{MARKER}\nold report", f"{MARKER}\nreport"]


def test_without_a_login_only_a_bot_comment_is_ours(github: FakeGitHub) -> None:
    github.seed("o", "r", 7, f"{MARKER}\nimitated", user="mallory")
    github.seed("o", "r", 7, f"{MARKER}\nby the bot", user="github-actions[bot]", kind="Bot")

    posted = post(github, f"{MARKER}\nnew")

    assert posted == Posted("updated", github.thread()[1]["id"])
    assert bodies(github) == [f"{MARKER}\nimitated", f"{MARKER}\nnew"]


def test_with_a_login_only_that_account_s_comment_is_ours(github: FakeGitHub) -> None:
    github.tells_login = True
    github.account = {"login": "ci-user", "type": "User"}
    github.seed("o", "r", 7, f"{MARKER}\nanother bot", user="other[bot]", kind="Bot")
    github.seed("o", "r", 7, f"{MARKER}\nours", user="ci-user", kind="User")

    posted = post(github, f"{MARKER}\nnew")

    assert posted == Posted("updated", github.thread()[1]["id"])
    assert bodies(github) == [f"{MARKER}\nanother bot", f"{MARKER}\nnew"]


def test_of_two_earlier_comments_the_oldest_is_edited(github: FakeGitHub) -> None:
    github.seed("o", "r", 7, f"{MARKER}\nolder", f"{MARKER}\nnewer", user="x[bot]", kind="Bot")
    older = github.thread()[0]["id"]

    assert post(github, f"{MARKER}\nnew") == Posted("updated", older)
    assert bodies(github) == [f"{MARKER}\nnew", f"{MARKER}\nnewer"]
