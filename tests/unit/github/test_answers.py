"""answers: what the GitHub API answers, checked before use; nothing in it is trusted."""

from __future__ import annotations

import email.message
import email.utils
import io
import urllib.error
from typing import Any

import pytest

from netpoldiff.github.answers import (
    Answer,
    Comment,
    GitHubError,
    asked_wait,
    comment,
    error_message,
    expect_comments,
    expect_object,
    kind,
    next_link,
)

CALL = "GitHub API GET /repos/o/r/issues/7/comments"
NOW = 1_750_000_000.0


def refusal(status: int, body: bytes = b"", **headers: str) -> urllib.error.HTTPError:
    """An error answer as urllib gives it (header names as GitHub spells them)."""
    message = email.message.Message()
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return urllib.error.HTTPError("https://api/x", status, "refused", message, io.BytesIO(body))


@pytest.mark.parametrize(
    ("data", "shown"),
    [(None, "null"), ([], "a list"), ({}, "an object"), ("", "a string"), (True, "a boolean"),
     (1, "a number"), (1.5, "a number")],
)  # fmt: skip
def test_kind_names_each_json_type(data: object, shown: str) -> None:
    assert kind(data) == shown


def test_a_comment_needs_an_integer_id_and_nothing_else() -> None:
    odd: dict[str, Any] = {"id": 5, "body": ["not", "text"], "user": "mallory"}
    assert comment(CALL, odd) == Comment(5, "", None, None)
    assert comment(CALL, {"id": 6, "user": {"login": 7, "type": None}}) == Comment(
        6, "", None, None
    )
    assert comment(CALL, {"id": 7, "body": "b", "user": {"login": "me", "type": "Bot"}}) == (
        Comment(7, "b", "me", "Bot")
    )
    for item in ({"id": "7"}, {"id": True}, {"id": None}, {}):
        with pytest.raises(GitHubError, match=f"^{CALL}: .*a comment without an integer id$"):
            comment(CALL, item)


def test_shapes_other_than_the_expected_one_name_the_call() -> None:
    with pytest.raises(GitHubError, match=f"^{CALL}: unexpected answer: a list, not an object$"):
        expect_object(Answer(CALL, [], ""))
    with pytest.raises(GitHubError, match=f"^{CALL}: unexpected answer: null, not a list$"):
        expect_comments(Answer(CALL, None, ""))
    with pytest.raises(GitHubError, match=r"a comment that is a number, not an object$"):
        expect_comments(Answer(CALL, [{"id": 1}, 2], ""))
    assert expect_comments(Answer(CALL, [{"id": 1}], "")) == [Comment(1, "", None, None)]
    assert expect_object(Answer(CALL, {"a": 1}, "")) == {"a": 1}


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ('<https://api/x?page=2>; rel="next", <https://api/x?page=9>; rel="last"', "https://api/x?page=2"),
        ('<https://api/x?page=1>; rel="prev", <https://api/x?page=3>; rel="next"', "https://api/x?page=3"),
        ("<https://api/x?page=2>; rel=next", "https://api/x?page=2"),
        ('<https://api/x?page=2>; REL="next last"', "https://api/x?page=2"),
        ('<https://api/x?page=2>; rel="nextpage"', None),
        ('https://api/x?page=2; rel="next"', None),
        ('<https://api/x?page=9>; rel="last"', None),
        ("", None),
        (",,,;;;<>" * 1000, None),
    ],
    ids=["first", "after-another", "unquoted", "several-relations",
         "another-relation", "no-brackets", "no-next", "empty", "garbage"],
)  # fmt: skip
def test_next_link_finds_the_target_of_rel_next(header: str, target: str | None) -> None:
    assert next_link(header) == target


def test_a_next_link_with_more_parameters_is_found() -> None:
    assert next_link('<https://api/x?page=2>;title="a";rel="next"') == "https://api/x?page=2"


def test_a_next_link_with_space_before_its_parameters_is_found() -> None:
    assert next_link('<https://api/x?page=2> ; rel="next"') == "https://api/x?page=2"


def test_a_next_link_with_a_comma_in_its_target_is_found() -> None:
    header = '<https://api/x?ids=1,2&page=2>; rel="next"'

    assert next_link(header) == "https://api/x?ids=1,2&page=2"


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ('<https://api/a>; title="x, y; rel=next", <https://api/b>; rel="next"', "https://api/b"),
        ('<https://api/a>; title="a \\" rel=next", <https://api/b>; rel=next', "https://api/b"),
        ('<https://api/a>; rel="last"; rel="next", <https://api/b>; rel=next', "https://api/b"),
        ("<https://api/a>; rel=, <https://api/b>; rel=next", "https://api/b"),
        ("<https://api/a> x; rel=next, <https://api/b>; rel=next", "https://api/b"),
        ('<https://api/a>; rel="next, <https://api/b>; rel=next', None),
        (' , <https://api/a>\t;\trel\t=\t"prev  NEXT";', "https://api/a"),
    ],
    ids=["comma-and-semicolon-in-a-quoted-string", "escaped-quote", "first-rel-counts",
         "empty-rel", "text-after-target", "unclosed-quote", "white-space-and-empty-elements"],
)  # fmt: skip
def test_next_link_reads_quoted_parameters_and_skips_bad_links(
    header: str, target: str | None
) -> None:
    assert next_link(header) == target


@pytest.mark.parametrize(
    "header",
    ["," * 200_000, "<" * 200_000, '"' * 200_000, ";" * 200_000, '<a>;rel="\\' * 50_000],
    ids=["commas", "open-brackets", "quotes", "semicolons", "escapes"],
)
def test_next_link_reads_a_hostile_header_in_linear_time(header: str) -> None:
    assert next_link(header) is None


@pytest.mark.parametrize(
    ("status", "headers", "wait"),
    [
        (429, {"Retry-After": "7"}, 7.0),
        (503, {"Retry-After": " 0 "}, 0.0),
        (403, {"Retry-After": "5"}, 5.0),
        (503, {"Retry-After": email.utils.formatdate(NOW + 30, usegmt=True)}, 30.0),
        (503, {"Retry-After": email.utils.formatdate(NOW + 30).replace("+0000", "-0000")}, 30.0),
        (429, {"Retry-After": email.utils.formatdate(NOW - 30, usegmt=True)}, 0.0),
        (403, {"x_ratelimit_remaining": "0", "x_ratelimit_reset": str(int(NOW) + 20)}, 20.0),
        (429, {"x_ratelimit_remaining": "0", "x_ratelimit_reset": str(int(NOW) - 20)}, 0.0),
        (403, {"x_ratelimit_remaining": "1", "x_ratelimit_reset": str(int(NOW) + 20)}, None),
        (403, {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "soon"}, None),
        (403, {}, None),
        (429, {"Retry-After": "soon"}, None),
        (429, {"Retry-After": "9" * 13}, None),
        (500, {"Retry-After": "1"}, None),
        (404, {"Retry-After": "1"}, None),
    ],
    ids=["429-seconds", "503-zero", "403-secondary", "http-date", "http-date-minus-zero",
         "date-past", "primary-reset", "reset-past", "not-exhausted", "odd-reset", "403-final",
         "odd-retry-after", "too-many-digits", "500", "404"],
)  # fmt: skip
def test_asked_wait_reads_the_wait_github_asks_for(
    status: int, headers: dict[str, str], wait: float | None
) -> None:
    assert asked_wait(refusal(status, b"", **headers), NOW) == wait


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (b'{"message": "Bad credentials"}', ": Bad credentials"),
        (b'{"message": ""}', ""),
        (b'{"message": 42}', ""),
        (b'["message"]', ""),
        (b"<html>proxy</html>", ""),
        (b"[" * 100_000, ""),
        (b'{"message": "' + b"x" * (64 << 10) + b'"}', ""),  # read in part only: not JSON
    ],
    ids=["message", "empty", "not-text", "list", "html", "deep", "longer-than-read"],
)
def test_error_message_is_the_message_of_a_json_error_answer(body: bytes, shown: str) -> None:
    assert error_message(refusal(401, body)) == shown


def test_a_github_error_keeps_the_status() -> None:
    assert GitHubError("m", 404).status == 404
    assert GitHubError("m").status is None
    assert str(GitHubError("GitHub API GET /user failed")) == "GitHub API GET /user failed"
