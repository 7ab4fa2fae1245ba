"""Blocks shared by the text reports: problems (skipped input, warnings, what was hidden)."""

from __future__ import annotations

import pytest

from netpoldiff.diagnostics import NOT_FOLLOWED, Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.report.text_blocks import problems_text, wrap_text
from netpoldiff.suppression import Suppressed

BROKEN = InputError(Location("k8s/bad.yaml", 3, 7), "spec: expected a mapping")
WARNED = NOT_FOLLOWED.at(Location("k8s/link"), what="skipped")


@pytest.mark.parametrize(
    ("warnings", "errors", "expected"),
    [
        ((), (), ""),
        (
            (WARNED,),
            (BROKEN,),
            (
                "INCOMPLETE: this input was skipped (--keep-going):\n"
                "  k8s/bad.yaml (document 3, line 7): spec: expected a mapping\n"
                "Warnings:\n"
                "  k8s/link: skipped [NPD004]"
            ),
        ),
        ((WARNED,), (), "Warnings:\n  k8s/link: skipped [NPD004]"),
    ],
    ids=["nothing", "errors-then-warnings", "warnings-only"],
)
def test_problems_list_skipped_input_then_warnings(
    warnings: tuple[Diagnostic, ...], errors: tuple[InputError, ...], expected: str
) -> None:
    assert problems_text(warnings, errors) == expected


HIDDEN = Suppressed((WARNED, WARNED), ("configuration",))


@pytest.mark.parametrize(
    ("warnings", "expected"),
    [
        ((), "2 warnings suppressed (the configuration's ignore)"),
        (
            (WARNED,),
            (
                "Warnings:\n  k8s/link: skipped [NPD004]\n"
                "2 warnings suppressed (the configuration's ignore)"
            ),
        ),
    ],
    ids=["all-hidden", "after-the-warnings-left"],
)
def test_problems_count_the_suppressed_warnings_after_those_left(
    warnings: tuple[Diagnostic, ...], expected: str
) -> None:
    assert problems_text(warnings, (), HIDDEN) == expected


def test_text_wraps_at_spaces_only_and_keeps_a_long_name_whole() -> None:
    name = "shop/a-very-long-workload-name-that-does-not-fit[Deployment]"
    assert wrap_text(f"to {name} on TCP/80", 20).splitlines() == ["to", name, "on TCP/80"]
