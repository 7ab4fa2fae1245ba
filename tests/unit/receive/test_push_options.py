"""receive/push_options: the approval reason in git's push-option variables."""

from __future__ import annotations

import pytest

from netpoldiff.receive import approval_reason


def _options(*options: str) -> dict[str, str]:
    environ = {"GIT_PUSH_OPTION_COUNT": str(len(options))}
    environ.update({f"GIT_PUSH_OPTION_{i}": option for i, option in enumerate(options)})
    return environ


@pytest.mark.parametrize(
    ("environ", "reason"),
    [
        ({}, None),
        (_options("ci.skip"), None),
        (_options("netpoldiff.approve=INC-42"), "INC-42"),
        (_options("netpoldiff.approve=  two\n lines "), "two lines"),
        (_options("netpoldiff.approve="), None),
        (_options("netpoldiff.approve"), None),
        (_options("netpoldiff.approve=first", "netpoldiff.approve=last"), "last"),
        ({"GIT_PUSH_OPTION_COUNT": "x", "GIT_PUSH_OPTION_0": "netpoldiff.approve=a"}, None),
        ({"GIT_PUSH_OPTION_COUNT": "2", "GIT_PUSH_OPTION_0": "netpoldiff.approve=a"}, "a"),
        (_options("netpoldiff.approve=ok\x1b[2Jwiped"), "ok\\x1b[2Jwiped"),
        (_options("netpoldiff.approve=" + "y" * 600), "y" * 500),
    ],
    ids=[
        "none",
        "other",
        "given",
        "one-line",
        "empty",
        "no-value",
        "last",
        "bad-count",
        "gap",
        "escape-sequence-escaped",
        "cut-at-500",
    ],
)
def test_the_reason_is_the_approve_option_value(
    environ: dict[str, str], reason: str | None
) -> None:
    assert approval_reason(environ) == reason
