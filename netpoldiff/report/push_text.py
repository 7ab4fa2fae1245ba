"""The report a pusher reads in ``remote:`` lines: short, the flows the push opens first.

A refused push is read in a terminal scrolling past git's own output, once per protected
branch. It says what was opened (the reason for the refusal), the risks, what else changed in
one line, and how to see the whole report; everything that makes the answer incomplete
(input skipped, changed objects not evaluated) is said in full, as in every report.
"""

from __future__ import annotations

from collections.abc import Iterable

from netpoldiff.report.reports import DiffReport, Style
from netpoldiff.report.text_blocks import findings_lines, flow_sections, problems_text
from netpoldiff.report.words import (
    nothing_read_text,
    object_change_lines,
    plural,
    summary_line,
    unevaluated_groups,
    unevaluated_text,
    workload_rows,
)

OPENED_HEADING = "Opened by this push:"


def render_push(report: DiffReport, style: Style) -> Iterable[str]:  # noqa: ARG001 - no colours
    """Opened flows, findings, the rest counted, what is not covered, then the summary."""
    out = [f"netpoldiff {report.header.old} -> {report.header.new}"]
    opened = [line for line in report.lines if line.sign in "+~"]
    if opened:
        out.extend(["", OPENED_HEADING])
        out.extend(flow_sections(opened, _plain, _plain))
    out.extend(findings_lines(report, _plain))
    rest = _also_changed(report, closed=len(report.lines) - len(opened))
    if rest:
        out.extend(["", rest])
    for heading, entries in unevaluated_groups(report):
        out.extend(["", heading])
        out.extend(f"  ? {unevaluated_text(entry)}" for entry in entries)
    out.extend(nothing_read_text(report, side) for side in report.nothing_read)
    problems = problems_text(
        report.listed_warnings, report.errors, report.suppressed, kept=report.kept_warnings
    )
    if problems:
        out.extend(["", problems])
    out.extend(["", summary_line(report)])
    return ["\n".join(out) + "\n"]


def _also_changed(report: DiffReport, *, closed: int) -> str:
    """``Also: 2 rows closed, 1 workload added or removed, 3 objects changed (...).``."""
    parts = []
    if closed:
        parts.append(f"{plural(closed, 'row')} of flows closed")
    workloads = len(workload_rows(report))
    if workloads:
        parts.append(f"{plural(workloads, 'workload')} added or removed")
    objects = len(object_change_lines(report.objects))
    if objects:
        parts.append(f"{plural(objects, 'object')} changed")
    if not parts:
        return ""
    whole = f"netpoldiff {report.old_source[:12]} {report.new_source[:12]}"
    return f"Also: {', '.join(parts)}. The whole report: {whole}"


def _plain(*texts: str) -> str:
    """No colour: the last text as it is (``paint(sign, text)`` and ``bold(text)`` alike)."""
    return texts[-1]
