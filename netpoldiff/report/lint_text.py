"""``lint --format text``: one line per warning, ``file:line: CODE message``, then a summary.

The shape compilers and linters print, so that editors and terminals jump to the line.
"""

from __future__ import annotations

from collections.abc import Iterator

from netpoldiff.diagnostics import Diagnostic
from netpoldiff.printable import printable
from netpoldiff.report.annotations import by_place
from netpoldiff.report.reports import LintReport, Style
from netpoldiff.report.words import plural, suppressed_text


def warning_line(warning: Diagnostic) -> str:
    """``k8s/web.yaml:12: NPD003 message``; without a line ``file: ...``, a file ``...``."""
    where = warning.location
    if where is None:
        return f"{warning.code} {warning.message}"
    place = printable(where.path) + (f":{where.line}" if where.line is not None else "")
    return f"{place}: {warning.code} {warning.message}"


def summary(report: LintReport) -> str:
    """``2 warnings in 1 file``, ``no warnings``; and whether input was skipped."""
    files = {w.location.path for w in report.warnings if w.location is not None}
    if not report.warnings:
        said = "no warnings"
    elif files:
        said = f"{plural(len(report.warnings), 'warning')} in {plural(len(files), 'file')}"
    else:
        said = plural(len(report.warnings), "warning")
    if report.errors:
        skipped = plural(len(report.errors), "input")
        said += f"; INCOMPLETE: {skipped} skipped (--keep-going)"
    if report.suppressed.count:
        said += f"; {suppressed_text(report.suppressed)}"
    return said


def render_lint(
    report: LintReport,
    style: Style,  # noqa: ARG001 - no colours
) -> Iterator[str]:
    """The warnings by file and line, the skipped input, and the summary line."""
    for warning in by_place(report.warnings):
        yield warning_line(warning) + "\n"
    for error in report.errors:
        yield f"skipped: {error}\n"
    yield summary(report) + "\n"
