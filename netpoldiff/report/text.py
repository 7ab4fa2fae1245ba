"""``--format text``: terminal reports in plain text tables (tabulate), readable at any size."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from netpoldiff.bitsets import iter_bits
from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError
from netpoldiff.explain import DirectionVerdict
from netpoldiff.matrix import Matrix
from netpoldiff.model import Endpoint, WorkloadEndpoint
from netpoldiff.printable import printable
from netpoldiff.report.equivalence import equivalence, verdict_line
from netpoldiff.report.labels import (
    ANYWHERE_OUTSIDE,
    MaskDescriber,
    endpoint_label,
    sources_by_connections,
)
from netpoldiff.report.lines import OUTSIDE, ChangeLine
from netpoldiff.report.reports import DiffReport, ExplainReport, MatrixReport, Style
from netpoldiff.report.verdicts import (
    EXPLAIN_COMMAND,
    EXPLAIN_HINT,
    Direction,
    decision_rows,
    direction_text,
    verdict_text,
)
from netpoldiff.report.words import (
    CONFIGURATION_HEADING,
    FINDINGS_HEADING,
    OBJECTS_HEADING,
    WORKLOADS_HEADING,
    configuration_change_text,
    finding_text,
    kept_warnings_text,
    nothing_read_text,
    object_change_lines,
    plural,
    summary_line,
    suppressed_text,
    unevaluated_groups,
    unevaluated_text,
    why,
    workload_rows,
)
from netpoldiff.suppression import NOTHING_SUPPRESSED, Suppressed

SOURCES_WIDTH: Final = 64
DESTINATION_WIDTH: Final = 44
NOBODY: Final = "(nobody)"
WHOLE_NAMESPACE_AFTER: Final = 4  # destinations listed by name up to this many

_LEGEND: Final = f"""\
Each row lists who may open connections to a destination, and on what.
  ns/name[Kind]  a workload (for a controller, its pods, replicas among them)
  ns/*           every workload of namespace ns      any workload   every workload
  ns/* except x[Kind]   every workload of ns but x; several: ns/* except (x[Kind], y[Kind])
  ns/ (k of n workloads)   some workloads of ns, counted (--format json lists them)
  {ANYWHERE_OUTSIDE}   every address outside the cluster
  all            every port of TCP, UDP and SCTP     {NOBODY}       nothing may connect
  all but TCP/22  every port but those named"""


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str] = (), *, fmt: str) -> str:
    # tabulate is imported only when a table is drawn: start-up time is paid on every run,
    # and every format module is imported with the registry.
    from tabulate import tabulate  # noqa: PLC0415

    return tabulate(rows, headers=headers, tablefmt=fmt)


def _wrap(labels: Sequence[str], width: int = SOURCES_WIDTH) -> str:
    text = ", ".join(labels)
    return _wrap_text(text, width)


def _wrap_text(text: str, width: int) -> str:
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

    In a diff, ``warnings`` are those the change introduces and ``kept`` counts NEW's others:
    a reviewer reads what the change brings, not every warning of the repository again.
    """
    lines = []
    if errors:
        lines.append("INCOMPLETE: this input was skipped (--keep-going):")
        lines.extend(f"  {error}" for error in errors)
    if warnings:
        lines.append("Warnings:" if kept is None else "Warnings this change introduces:")
        lines.extend(f"  {warning}" for warning in warnings)
    if kept:
        lines.append(f"{kept_warnings_text(kept)}.")
    if suppressed.count:
        lines.append(suppressed_text(suppressed))
    return "\n".join(lines)


def _same_sources(
    matrix: Matrix, destinations: list[tuple[str, int]]
) -> list[tuple[list[str], int]]:
    """Destinations that exactly the same sources reach on the same connections, merged."""
    merged: dict[frozenset[tuple[object, int]], tuple[list[str], int]] = {}
    for label, index in destinations:
        key = frozenset(matrix.columns[index].items())
        if key in merged:
            merged[key][0].append(label)
        else:
            merged[key] = ([label], index)
    return list(merged.values())


def render_matrix(
    report: MatrixReport,
    style: Style,  # noqa: ARG001 - the matrix has no colours
) -> Iterable[str]:
    """The reachability matrix as one table per destination namespace, sources grouped."""
    matrix = report.matrix
    describer = MaskDescriber(matrix)
    population = describer.population
    sections: dict[str, list[tuple[str, int]]] = {}
    externals: list[tuple[str, int]] = []
    for index in iter_bits(matrix.present):
        endpoint = matrix.endpoints[index]
        if isinstance(endpoint, WorkloadEndpoint):
            sections.setdefault(f"Namespace {endpoint.namespace}", []).append(
                (f"{endpoint.name}[{endpoint.kind}]", index)
            )
        else:
            externals.append((endpoint_label(endpoint), index))
    if externals:
        sections["Outside the cluster"] = externals
    workload_count = sum(population.by_namespace.values())
    namespace_count = len(population.by_namespace)
    counts = (
        f"{plural(workload_count, 'workload')} in {plural(namespace_count, 'namespace')}, "
        f"{plural(len(externals), 'external address block')}; "
        f"{plural(matrix.flow_count(), 'allowed flow')}"
    )
    out = [f"Reachability matrix of {printable(report.source)}", counts, "", _LEGEND]
    for title, destinations in sections.items():
        rows = []
        for labels, index in _same_sources(matrix, destinations):
            whole = len(labels) == len(destinations) and len(labels) > WHOLE_NAMESPACE_AFTER
            label = f"all {len(labels)} workloads" if whole else _wrap(labels, DESTINATION_WIDTH)
            groups = list(sources_by_connections(matrix, index))
            if not groups:
                rows.append([label, NOBODY, "-"])
            for position, (connections, sources) in enumerate(groups):
                rows.append(
                    [
                        label if position == 0 else "",
                        _wrap(describer.describe(sources)),
                        connections,
                    ]
                )
        out.extend(["", title])
        table = _table(rows, ["DESTINATION", "SOURCES", "CONNECTIONS"], fmt="simple")
        out.extend("  " + line for line in table.splitlines())
    problems = problems_text(report.warnings, report.errors, report.suppressed)
    if problems:
        out.extend(["", problems])
    return ["\n".join(out) + "\n"]


# ---- diff ------------------------------------------------------------------------------------

_COLORS: Final = {"+": "\033[32m", "-": "\033[31m", "~": "\033[33m"}
_RESET: Final = "\033[0m"
_BOLD: Final = "\033[1m"
WHY_WIDTH: Final = 48


def findings_lines(report: DiffReport, bold: Callable[[str], str]) -> list[str]:
    """The risks the change brings, one marked paragraph each (configuration has its own)."""
    risks = [f for f in report.findings if f.kind != "configuration-changed"]
    out = ["", bold(FINDINGS_HEADING)] if risks else []
    for finding in risks:
        wrapped = textwrap.wrap(finding_text(finding), 94, break_on_hyphens=False)
        out.extend(f"  {'!' if n == 0 else ' '} {row}" for n, row in enumerate(wrapped))
    return out


def _explain_hint(report: DiffReport) -> list[str]:
    """How to ask why one of the changed flows is as it is (after them, when there are some)."""
    return ["", f"{EXPLAIN_HINT} {EXPLAIN_COMMAND}"] if report.lines else []


def render_diff(report: DiffReport, style: Style) -> Iterable[str]:
    """A terraform-like terminal report: one line per group of changed flows, then why.

    With --equivalent, the verdict comes first, and alone when the sides are equivalent.
    """
    if not report.equivalence_verdict:
        return [_diff_text(report, style)]
    found = equivalence(report)
    line = verdict_line(found)
    if found.verdict == "equivalent":
        return [line + "\n"]
    return [line + "\n\n", _diff_text(report, style)]


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
                _wrap(line.sources, DESTINATION_WIDTH),
                "->",
                _wrap(line.destinations, DESTINATION_WIDTH),
                paint(line.sign, line.connections),
                _wrap_text(why(line), WHY_WIDTH),
            ]
        )
    for title, rows in sections.items():
        out.extend(["", bold(title)])
        table = _table(rows, fmt="plain")
        out.extend("  " + row for row in table.splitlines())
    return out


def _diff_text(report: DiffReport, style: Style) -> str:
    color = style.color

    def paint(sign: str, text: str) -> str:
        return f"{_COLORS[sign]}{text}{_RESET}" if color and sign in _COLORS else text

    bold = (lambda text: f"{_BOLD}{text}{_RESET}") if color else (lambda text: text)
    legend = (
        f"Flows: {paint('+', '+ opened')}   {paint('-', '- closed')}   "
        f"{paint('~', '~ opened and closed')}   (SOURCE -> DESTINATION  CONNECTIONS  WHY)"
    )
    out = [bold(f"netpoldiff {report.header.old} -> {report.header.new}"), legend]
    for change in report.configuration_changes:
        # First: every line below was read with OLD's configuration, not NEW's.
        out.extend(["", bold(CONFIGURATION_HEADING)])
        out.extend(f"  {row}" for row in textwrap.wrap(configuration_change_text(change), 96))
    out.extend(findings_lines(report, bold))
    out.extend(flow_sections(report.lines, paint, bold))
    out.extend(_explain_hint(report))
    workloads = workload_rows(report)
    if workloads:
        out.extend(["", bold(WORKLOADS_HEADING)])
        out.extend(f"  {paint(sign, sign)} {name}" for sign, name in workloads)
    object_rows = object_change_lines(report.objects)
    if object_rows:
        out.extend(["", bold(OBJECTS_HEADING)])
        table = _table([[paint(s, s), p, w] for s, p, w in object_rows], fmt="plain")
        out.extend("  " + row for row in table.splitlines())
    for heading, entries in unevaluated_groups(report):
        out.extend(["", bold(heading)])
        out.extend(f"  ? {unevaluated_text(entry)}" for entry in entries)
    if report.nothing_read:
        out.append("")
        out.extend(nothing_read_text(report, side) for side in report.nothing_read)
    problems = problems_text(
        report.introduced_warnings, report.errors, report.suppressed, kept=report.kept_warnings
    )
    if problems:
        out.extend(["", problems])
    out.extend(["", bold(summary_line(report))])
    return "\n".join(out) + "\n"


# ---- explain ---------------------------------------------------------------------------------


def render_explain(
    report: ExplainReport,
    style: Style,  # noqa: ARG001 - no colours
) -> Iterable[str]:
    """The verdict on one pair, then each direction with the policies and rules deciding it."""
    explanation = report.explanation
    source, destination = explanation.source, explanation.destination
    out = [
        f"{endpoint_label(source)} -> {endpoint_label(destination)} in {printable(report.source)}",
        verdict_text(explanation),
    ]
    sides: tuple[tuple[Direction, Endpoint, DirectionVerdict], ...] = (
        ("egress", source, explanation.egress),
        ("ingress", destination, explanation.ingress),
    )
    for direction, endpoint, verdict in sides:
        out.extend(["", direction_text(direction, endpoint, verdict)])
        rows = decision_rows(direction, verdict)
        if rows:
            out.extend("  " + row for row in _table(rows, fmt="plain").splitlines())
    problems = problems_text(report.warnings, report.errors, report.suppressed)
    if problems:
        out.extend(["", problems])
    return ["\n".join(out) + "\n"]
