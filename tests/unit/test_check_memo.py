"""check_memo: a check of the same objects is answered once; other objects are checked again."""

from __future__ import annotations

from netpoldiff.check_memo import CheckMemo, found_by
from netpoldiff.diagnostics import Diagnostic
from tests.testing.builders import policy

WARNING = Diagnostic("NPD000", "a warning")


def test_the_same_objects_are_checked_once_equal_ones_again() -> None:
    memo, asked = CheckMemo(), []
    first, equal = policy("shop/p"), policy("shop/p")
    assert first == equal
    assert first is not equal

    def check(name: str) -> tuple[Diagnostic, ...]:
        asked.append(name)
        return (WARNING,)

    for each in (first, first, equal):
        assert memo.found("check", (each,), lambda: check("check")) == (WARNING,)
    memo.found("other check", (first,), lambda: check("other check"))
    memo.found("check", (first,), lambda: check("in context"), context=True)
    assert asked == ["check", "check", "other check", "in context"]


def test_without_a_memo_every_check_runs() -> None:
    asked: list[str] = []
    subject = policy("shop/p")

    def check() -> tuple[Diagnostic, ...]:
        asked.append("check")
        return ()

    for _ in range(2):
        assert found_by(None, "check", (subject,), check) == ()
    assert asked == ["check", "check"]


def test_values_given_under_a_name_are_numbered_equal_when_equal() -> None:
    memo = CheckMemo()
    wide = 1 << 100_000
    assert memo.token("mask", wide) == 0
    assert memo.token("mask", 3) == 1
    assert memo.token("mask", (1 << 100_000) | 0) == 0  # equal, another object
    assert memo.token("mask", 3) == 1
    assert memo.token("other", 3) == 0  # each name numbers its own values
