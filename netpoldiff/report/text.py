"""``--format text``: terminal reports in plain text tables (tabulate), readable at any size."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Final

from netpoldiff.bitsets import iter_bits
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
from netpoldiff.report.reports import DiffReport, ExplainReport, MatrixReport, Style
from netpoldiff.report.text_blocks import (
    DESTINATION_WIDTH,
    draw_table,
    findings_lines,
    flow_sections,
    problems_text,
    wrap,
)
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
    OBJECTS_HEADING,
    WORKLOADS_HEADING,
    configuration_change_text,
    nothing_read_text,
    object_change_lines,
    plural,
    summary_line,
    unevaluated_groups,
    unevaluated_text,
    workload_rows,
)

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
            label = f"all {len(labels)} workloads" if whole else wrap(labels, DESTINATION_WIDTH)
            groups = list(sources_by_connections(matrix, index))
            if not groups:
                rows.append([label, NOBODY, "-"])
            for position, (connections, sources) in enumerate(groups):
                rows.append(
                    [
                        label if position == 0 else "",
                        wrap(describer.describe(sources)),
                        connections,
                    ]
                )
        out.extend(["", title])
        table = draw_table(rows, ["DESTINATION", "SOURCES", "CONNECTIONS"], fmt="simple")
        out.extend("  " + line for line in table.splitlines())
    problems = problems_text(report.warnings, report.errors, report.suppressed)
    if problems:
        out.extend(["", problems])
    return ["\n".join(out) + "\n"]


# ---- diff ------------------------------------------------------------------------------------

_COLORS: Final = {"+": "\033[32m", "-": "\033[31m", "~": "\033[33m"}
_RESET: Final = "\033[0m"
_BOLD: Final = "\033[1m"


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
        table = draw_table([[paint(s, s), p, w] for s, p, w in object_rows], fmt="plain")
        out.extend("  " + row for row in table.splitlines())
    for heading, entries in unevaluated_groups(report):
        out.extend(["", bold(heading)])
        out.extend(f"  ? {unevaluated_text(entry)}" for entry in entries)
    if report.nothing_read:
        out.append("")
        out.extend(nothing_read_text(report, side) for side in report.nothing_read)
    problems = problems_text(
        report.listed_warnings, report.errors, report.suppressed, kept=report.kept_warnings
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
            out.extend("  " + row for row in draw_table(rows, fmt="plain").splitlines())
    problems = problems_text(report.warnings, report.errors, report.suppressed)
    if problems:
        out.extend(["", problems])
    return ["\n".join(out) + "\n"]
