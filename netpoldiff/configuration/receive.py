"""The ``pre_receive`` key of ``.netpoldiff.yaml``: what a server's pre-receive hook enforces.

::

    pre_receive:
      protect: [refs/heads/main, "refs/heads/release/*"]   # besides the default branch
      approvers: "ask #netsec (Jane or Ali) to review and push"
      approve_option: true      # honour `git push -o netpoldiff.approve=<reason>` (default false)
      timeout: 30               # seconds (default 60); 0: no limit
      on_timeout: refuse        # or accept (default refuse)

The hook reads this from the default branch as the server has it before the push, never from
what is pushed: a push cannot unprotect itself (see commands/pre_receive.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, get_args

OnTimeout = Literal["refuse", "accept"]
"""What the hook does when its time limit is reached: refuse the push, or let it through."""

KEYS: Final = ("protect", "approvers", "approve_option", "timeout", "on_timeout")
PROTECTABLE: Final = "refs/heads/"
# A glob over full branch names, as git's ref globs are written: no space, no control
# character, none of the characters git forbids in a ref name besides the glob's own.
_PATTERN: Final = re.compile(r"refs/heads/[^\x00-\x20\x7f~^:\\]+")
_MAX_TIMEOUT: Final = 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class ReceiveSettings:
    """What ``pre_receive`` says; ``None`` (or empty) where it says nothing."""

    protect: tuple[str, ...] = ()
    approvers: str | None = None
    approve_option: bool = False
    timeout: float | None = None
    on_timeout: OnTimeout | None = None


class ReceiveProblem(Exception):  # noqa: N818 - a reading problem, reported as InputError
    """What is wrong with a value of ``pre_receive``, and on which line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot name protected branches (None when it can).

    Only branches are checked: a pattern is a full ref name under ``refs/heads/``, where
    ``*``, ``?`` and ``[...]`` match as in shell globs (``*`` crosses ``/``).
    """
    if _PATTERN.fullmatch(pattern) is None:
        return (
            f"{pattern!r} is not a branch pattern: write a full ref name such as "
            "refs/heads/main or refs/heads/release/*"
        )
    return None


def receive_settings(value: object, line: int) -> ReceiveSettings:
    """The settings a ``pre_receive`` mapping gives; raises ReceiveProblem."""
    if not isinstance(value, Mapping):
        msg = f"pre_receive must be a mapping ({', '.join(KEYS)})"
        raise ReceiveProblem(line, msg)
    line_of = getattr(value, "line_of", lambda _key: line)
    for key in value:
        if key not in KEYS:
            msg = f"unknown key 'pre_receive.{key}': expected one of {', '.join(KEYS)}"
            raise ReceiveProblem(line_of(key), msg)
        if value[key] is None:
            raise ReceiveProblem(line_of(key), f"pre_receive.{key} has no value")
    return ReceiveSettings(
        protect=_protect(value.get("protect", []), line_of("protect")),
        approvers=_approvers(value.get("approvers"), line_of("approvers")),
        approve_option=_flag(value.get("approve_option", False), line_of("approve_option")),
        timeout=_timeout(value.get("timeout"), line_of("timeout")),
        on_timeout=_on_timeout(value.get("on_timeout"), line_of("on_timeout")),
    )


def _protect(value: object, line: int) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ReceiveProblem(line, "pre_receive.protect must be a list of branch patterns")
    for pattern in value:
        problem = pattern_problem(pattern)
        if problem is not None:
            raise ReceiveProblem(line, f"pre_receive.protect: {problem}")
    return tuple(value)


def _approvers(value: object, line: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ReceiveProblem(line, "pre_receive.approvers must be text (who can approve)")
    return " ".join(value.split())  # one line to the pusher, whatever the YAML folded


def _flag(value: object, line: int) -> bool:
    if not isinstance(value, bool):
        raise ReceiveProblem(line, "pre_receive.approve_option must be true or false")
    return value


def _timeout(value: object, line: int) -> float | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= _MAX_TIMEOUT
    ):
        msg = f"pre_receive.timeout must be a number of seconds from 0 to {_MAX_TIMEOUT}"
        raise ReceiveProblem(line, msg)
    return float(value)


def _on_timeout(value: object, line: int) -> OnTimeout | None:
    if value is None:
        return None
    choices: tuple[OnTimeout, ...] = get_args(OnTimeout)
    for choice in choices:
        if value == choice:
            return choice
    msg = f"pre_receive.on_timeout must be one of {', '.join(choices)}"
    raise ReceiveProblem(line, msg)
