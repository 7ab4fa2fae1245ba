"""What the GitHub API answers, checked before use: JSON shapes, Link headers, waits asked for.

An answer comes from the network, so nothing in it is trusted: the wrong shape, a missing id
or a header of an odd form is a GitHubError naming the call, never an internal error.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import json
import re
import urllib.error
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final

from netpoldiff.errors import NetpoldiffError

_ERROR_BODY: Final = 64 << 10  # bytes of an error answer read for its message
_RETRYABLE: Final = frozenset({HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE})
_SECONDS: Final = re.compile(r"[0-9]{1,12}")  # an epoch second has 10 digits

# The Link header of RFC 8288, section 3, over the rules of RFC 9110, section 5.6:
#   Link = #link-value ; link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
#   link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
# A URI-Reference holds no ">" but may hold commas; a quoted-string may hold "," and ";".
_TCHARS: Final = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"  # a token: one or more tchar
_SEPARATORS: Final = re.compile(r"[ \t,]*")  # a list may have empty elements (RFC 9110, 5.6.1)
_TARGET: Final = re.compile(r"<([^>]*)>")
_PARAMETER: Final = re.compile(
    rf'[ \t]*;[ \t]*(?:({_TCHARS})[ \t]*(?:=[ \t]*(?:({_TCHARS})|"((?:[^"\\]|\\.)*)"))?)?'
)
_QUOTED_PAIR: Final = re.compile(r"\\(.)")
_LINK_END: Final = re.compile(r"[ \t]*(?:,|\Z)")
# The rest of a bad link-value: up to a comma outside <...> and "...", or to the end.
_MALFORMED: Final = re.compile(r'(?:[^,"<]|"(?:[^"\\]|\\.)*"?|<[^>]*>?)*')


class GitHubError(NetpoldiffError):
    """A GitHub API call that failed; the message names the call and, when known, the status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status, None when no answer came


@dataclass(frozen=True, slots=True)
class Answer:
    """A decoded JSON answer and its Link header; ``call`` prefixes every message about it."""

    call: str  # "GitHub API GET /path"
    data: Any
    link: str


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment of a pull request's conversation, as far as the bot needs it."""

    comment_id: int
    body: str
    author_login: str | None
    author_type: str | None


def kind(data: object) -> str:
    """The JSON type of a decoded value, for messages."""
    kinds = {list: "a list", dict: "an object", str: "a string", bool: "a boolean"}
    return "null" if data is None else kinds.get(type(data), "a number")


def expect_object(answer: Answer) -> dict[str, Any]:
    """The answer as a JSON object, or the GitHubError saying what came instead."""
    if not isinstance(answer.data, dict):
        msg = f"{answer.call}: unexpected answer: {kind(answer.data)}, not an object"
        raise GitHubError(msg)
    return answer.data


def expect_comments(answer: Answer) -> list[Comment]:
    """The answer as a page of comments (a JSON list of them)."""
    if not isinstance(answer.data, list):
        msg = f"{answer.call}: unexpected answer: {kind(answer.data)}, not a list"
        raise GitHubError(msg)
    return [comment(answer.call, item) for item in answer.data]


def comment(call: str, item: object) -> Comment:
    """One comment; an integer id is required, an odd body or author only makes it not ours."""
    if not isinstance(item, dict):
        msg = f"{call}: unexpected answer: a comment that is {kind(item)}, not an object"
        raise GitHubError(msg)
    comment_id = item.get("id")
    if isinstance(comment_id, bool) or not isinstance(comment_id, int):
        msg = f"{call}: unexpected answer: a comment without an integer id"
        raise GitHubError(msg)
    body = item.get("body")
    author = item.get("user")
    author = author if isinstance(author, dict) else {}
    login, author_type = author.get("login"), author.get("type")
    return Comment(
        comment_id,
        body if isinstance(body, str) else "",
        login if isinstance(login, str) else None,
        author_type if isinstance(author_type, str) else None,
    )


def next_link(header: str) -> str | None:
    """The target of the first link whose ``rel`` holds ``next`` (RFC 8288), in one linear pass.

    A link-value the grammar does not allow is skipped up to the next comma outside angle
    brackets and quotes; the links around it still count.
    """
    position = _skip(_SEPARATORS, header, 0)
    while position < len(header):
        link = _TARGET.match(header, position)
        relations: list[str] | None = None
        if link is not None:
            position = link.end()
            while parameter := _PARAMETER.match(header, position):
                position = parameter.end()
                name, token, quoted = parameter.groups()
                # "occurrences after the first MUST be ignored by parsers" (RFC 8288, 3.3)
                if relations is None and name is not None and name.lower() == "rel":
                    value = token if quoted is None else _QUOTED_PAIR.sub(r"\1", quoted)
                    relations = (value or "").lower().split()
        if link is None or not _LINK_END.match(header, position):
            position = _skip(_MALFORMED, header, position)  # to the next comma, or the end
        elif relations is not None and "next" in relations:
            return link[1]
        position = _skip(_SEPARATORS, header, position)
    return None


def _skip(pattern: re.Pattern[str], text: str, position: int) -> int:
    """The position after what ``pattern`` matches at ``position`` (itself when nothing)."""
    found = pattern.match(text, position)
    return position if found is None else found.end()


def asked_wait(error: urllib.error.HTTPError, now: float) -> float | None:
    """Seconds the API asks to wait before the same call may succeed; None: do not retry.

    GitHub says when with ``Retry-After`` (seconds or an HTTP date) on 429, 503 and its
    secondary rate limit (a 403), or with ``x-ratelimit-remaining: 0`` and the epoch second
    ``x-ratelimit-reset`` on its primary rate limit (403 or 429). Any other 403 is final.
    """
    if error.code not in _RETRYABLE and error.code != HTTPStatus.FORBIDDEN:
        return None
    headers = error.headers
    retry_after = (headers.get("Retry-After") or "").strip()
    if _SECONDS.fullmatch(retry_after):
        return float(retry_after)
    if retry_after:
        try:
            when = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # "-0000": an HTTP date is in GMT all the same
            when = when.replace(tzinfo=dt.UTC)
        return max(0.0, when.timestamp() - now)
    reset = (headers.get("x-ratelimit-reset") or "").strip()
    if (headers.get("x-ratelimit-remaining") or "").strip() == "0" and _SECONDS.fullmatch(reset):
        return max(0.0, int(reset) - now)
    return None


def error_message(error: urllib.error.HTTPError) -> str:
    """``: <message>`` from an error answer's JSON, or nothing when it has none."""
    try:
        message = json.loads(error.read(_ERROR_BODY)).get("message")
    except (ValueError, AttributeError, OSError, RecursionError, http.client.HTTPException):
        return ""
    return f": {message}" if isinstance(message, str) and message else ""
