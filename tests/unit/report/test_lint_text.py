"""``lint --format text``: ``file:line: CODE message`` by file and line, then one summary line."""

from __future__ import annotations

import pytest

from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.report.lint_text import render_lint, summary, warning_line
from netpoldiff.report.reports import LintReport
from tests.unit.report.reporting import rendered


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (Location("k8s/a.yaml", 2, 12), "k8s/a.yaml:12: NPD003 it"),
        (Location("k8s/a.YAML"), "k8s/a.YAML: NPD003 it"),
        (None, "NPD003 it"),
        (Location("k8s/\x1b[31m.yaml", 1, 1), "k8s/\\x1b[31m.yaml:1: NPD003 it"),
    ],
    ids=["file-and-line", "file", "nowhere", "escaped-path"],
)
def test_a_warning_reads_file_line_code_message(location: Location | None, expected: str) -> None:
    assert warning_line(Diagnostic("NPD003", "it", location)) == expected


@pytest.mark.parametrize(
    ("warnings", "errors", "expected"),
    [
        (0, 0, "no warnings"),
        (1, 0, "1 warning in 1 file"),
        (3, 0, "3 warnings in 1 file"),
        (0, 2, "no warnings; INCOMPLETE: 2 inputs skipped (--keep-going)"),
        (-2, 0, "2 warnings"),
    ],
    ids=["none", "one", "several", "incomplete", "about-no-file"],
)
def test_the_summary_counts_warnings_files_and_skipped_input(
    warnings: int, errors: int, expected: str
) -> None:
    # A negative count: that many warnings about no file.
    where = (lambda n: Location("a.yaml", 1, n)) if warnings >= 0 else (lambda _: None)
    report = LintReport(
        "k8s",
        tuple(Diagnostic("NPD001", str(n), where(n)) for n in range(abs(warnings))),
        tuple(InputError(Location("bad.yaml"), str(n)) for n in range(errors)),
    )
    assert summary(report) == expected


def test_warnings_are_listed_by_file_and_line_before_skipped_input_and_the_summary() -> None:
    report = LintReport(
        "k8s",
        (
            Diagnostic("NPD001", "b", Location("b.yaml", 1, 1)),
            Diagnostic("NPD001", "a2", Location("a.yaml", 1, 20)),
            Diagnostic("NPD001", "a1", Location("a.yaml", 1, 3)),
            Diagnostic("NPD009", "nothing"),
        ),
        (InputError(Location("c.yaml", 1, 4), "broken"),),
    )
    assert rendered(render_lint, report).splitlines() == [
        "NPD009 nothing",
        "a.yaml:3: NPD001 a1",
        "a.yaml:20: NPD001 a2",
        "b.yaml:1: NPD001 b",
        "skipped: c.yaml (document 1, line 4): broken",
        "4 warnings in 2 files; INCOMPLETE: 1 input skipped (--keep-going)",
    ]
