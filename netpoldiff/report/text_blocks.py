"""Blocks of the text reports that more than one report draws: tables, flows, findings, problems.

The terminal report of a diff and the short one a pusher reads (push_text.py) show flows,
findings and problems alike; each is drawn here once.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError
from netpoldiff.report.lines import OUTSIDE, ChangeLine
from netpoldiff.report.reports import DiffReport
from netpoldiff.report.words import (
    FINDINGS_HEADING,
    finding_text,
    kept_warnings_text,
    suppressed_text,
    why,
)
from netpoldiff.suppression import NOTHING_SUPPRESSED, Suppressed

SOURCES_WIDTH: Final = 64
DESTINATION_WIDTH: Final = 44
WHY_WIDTH: Final = 48


def draw_table(rows: Sequence[Sequence[str]], headers: Sequence[str] = (), *, fmt: str) -> str:
    """Rows drawn by tabulate in ``fmt``."""
    # tabulate is imported only when a table is drawn: start-up time is paid on every run,
    # and every format module is imported with the registry.
    from tabulate import tabulate  # noqa: PLC0415

    return tabulate(rows, headers=headers, tablefmt=fmt)


def wrap(labels: Sequence[str], width: int = SOURCES_WIDTH) -> str:
    """Labels joined by commas, wrapped at spaces."""
    text = ", ".join(labels)
    return wrap_text(text, width)


def wrap_text(text: str, width: int) -> str:
    """Wrap at spaces only: names and addresses are never cut."""
    wrapped = textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)
    return "\n".join(wrapped) or text


def problems_text(
    warnings: Sequence[Diagnostic],
    errors: Sequence[InputError],
    suppressed: Suppressed = NOTHING_SUPPRESSED,
    *,
    kept: int | None = None,
) -> str:
    """The warnings and skipped input of a run, and how many warnings were hidden; or nothing.

    In a diff, ``warnings`` are those the change introduces (and those about input not seen),
    and ``kept`` counts NEW's others: a reviewer reads what the change brings, not every
    warning of the repository again.
    """
    lines = []
    if errors:
        lines.append("INCOMPLETE: this input was skipped (--keep-going):")
        lines.extend(f"  {error}" for error in errors)
    if warnings:
        lines.append("Warnings:")
        lines.extend(f"  {warning}" for warning in warnings)
    if kept:
        lines.append(f"{kept_warnings_text(kept)}.")
    if suppressed.count:
        lines.append(suppressed_text(suppressed))
    return "\n".join(lines)


def findings_lines(report: DiffReport, bold: Callable[[str], str]) -> list[str]:
    """The risks the change brings, one marked paragraph each (configuration has its own)."""
    risks = [f for f in report.findings if f.kind != "configuration-changed"]
    out = ["", bold(FINDINGS_HEADING)] if risks else []
    for finding in risks:
        wrapped = textwrap.wrap(finding_text(finding), 94, break_on_hyphens=False)
        out.extend(f"  {'!' if n == 0 else ' '} {row}" for n, row in enumerate(wrapped))
    return out


def flow_sections(
    lines: Iterable[ChangeLine], paint: Callable[[str, str], str], bold: Callable[[str], str]
) -> list[str]:
    """Changed flows under their destination's namespace: one table row per line."""
    out: list[str] = []
    sections: dict[str, list[list[str]]] = {}
    for line in lines:
        title = (
            "Outside the cluster"
            if line.destination_namespace == OUTSIDE
            else f"Namespace {line.destination_namespace}"
        )
        sections.setdefault(title, []).append(
            [
                paint(line.sign, line.sign),
                wrap(line.sources, DESTINATION_WIDTH),
                "->",
                wrap(line.destinations, DESTINATION_WIDTH),
                paint(line.sign, line.connections),
                wrap_text(why(line), WHY_WIDTH),
            ]
        )
    for title, rows in sections.items():
        out.extend(["", bold(title)])
        table = draw_table(rows, fmt="plain")
        out.extend("  " + row for row in table.splitlines())
    return out
