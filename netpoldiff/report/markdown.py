"""The pull-request comment: a Markdown report that stays readable, safe and under budget."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from netpoldiff.report.equivalence import EQUIVALENT_LINE, equivalence, verdict_line
from netpoldiff.report.graph import EDGE_COLORS, Graph
from netpoldiff.report.labels import Population
from netpoldiff.report.lines import ChangeLine
from netpoldiff.report.reports import DiffReport, Style
from netpoldiff.report.verdicts import EXPLAIN_COMMAND, EXPLAIN_HINT
from netpoldiff.report.words import (
    CONFIGURATION_HEADING,
    OBJECTS_HEADING,
    WORKLOADS_HEADING,
    change_counts,
    configuration_change_text,
    coverage_gaps,
    finding_text,
    kept_warnings_text,
    moved_text,
    nothing_read_text,
    object_change_lines,
    plan_step_text,
    plural,
    suppressed_text,
    unevaluated_groups,
    unevaluated_text,
    why,
    workload_rows,
)

MARKER: Final = "<!-- netpoldiff -->"
BUDGET: Final = 60_000  # characters; GitHub refuses comments over 65,536
MAX_LINES: Final = 40  # lines of the Mermaid graph: a larger one is unreadable in a comment
MAX_EDGES: Final = 100  # and its edges, as a line of many blocks draws many
_SIGN_EMOJI: Final = {"+": "🟢 opened", "-": "🔴 closed", "~": "🟡 changed"}
_MENTION: Final = re.compile(r"([@#])(?=\w)")


def escape(text: str) -> str:
    """Text safe in a Markdown table cell: no HTML, no table breaks, no mentions or links."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("|", "\\|").replace("`", "'").replace("*", "\\*").replace("_", "\\_")
    # No links or images: [text](url) and ![alt](url) lose their brackets' meaning.
    text = text.replace("[", "\\[").replace("]", "\\]").replace("](", "]\u200b(")
    # A zero-width space after @ and # stops @org/team mentions and #123 links.
    return _MENTION.sub("\\1\u200b", text)


def code(text: str) -> str:
    """Inline code for a name: mentions and HTML are inert inside it; pipes still need escaping."""
    text = " ".join(text.split()).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _mermaid_text(text: str) -> str:
    """Text safe inside a Mermaid quoted label (entities, no quotes or markup)."""
    # Mentions are broken in the text as given, before any entity is written: the "#" that
    # starts an entity code must stay whole, and a "#" of the text followed by a word
    # character gets its zero-width space, so the text can never spell an entity itself.
    text = _MENTION.sub("\\1\u200b", " ".join(text.split()))
    for char, entity in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, entity)
    return text


def mermaid(
    lines: Iterable[ChangeLine],
    population: Population,
    limit: int = MAX_LINES,
    max_edges: int = MAX_EDGES,
) -> str:
    """A Mermaid flowchart of the changed flows (without the code fence)."""
    graph = Graph(lines, population, limit=limit, max_edges=max_edges)
    out = ["flowchart LR"]
    for index, (namespace, nodes) in enumerate(graph.by_namespace().items()):
        out.append(f'  subgraph ns{index}["{_mermaid_text(namespace)}"]')
        out.extend(
            f'    {node.key}["{"<br>".join(_mermaid_text(label) for label in node.labels)}"]'
            for node in nodes
        )
        out.append("  end")
    for number, (source, target, line) in enumerate(graph.edges):
        arrow = "-.->" if line.sign == "-" else "-->"
        label = _mermaid_text(
            f"{line.sign}{line.connections}" if line.sign != "~" else line.connections
        )
        out.append(f'  {source} {arrow}|"{label}"| {target}')
        out.append(f"  linkStyle {number} stroke:{EDGE_COLORS[line.sign]},stroke-width:2px")
    if graph.hidden:
        out.append(f'  more["… {graph.hidden} more changes not drawn"]')
    return "\n".join(out)


def _bold(text: str) -> str:
    return f"**{text}**"


def _warnings(report: DiffReport) -> list[str]:
    """The findings, configuration changes aside (they have their own alert, first)."""
    return [
        finding_text(finding, name=code, strong=_bold)
        for finding in report.findings
        if finding.kind != "configuration-changed"
    ]


def _flow_table(lines: Sequence[ChangeLine], limit: int) -> list[str]:
    rows = ["| | Source | Destination | Ports | Why |", "|---|---|---|---|---|"]
    rows.extend(
        f"| {_SIGN_EMOJI[line.sign]} | {'<br>'.join(code(s) for s in line.sources)} "
        f"| {'<br>'.join(code(d) for d in line.destinations)} "
        f"| {escape(line.connections)} | {escape(why(line))} |"
        for line in lines[:limit]
    )
    if len(lines) > limit:
        rows.append(f"| | … {len(lines) - limit} more lines not shown | | | |")
    return rows


def _diff_block(lines: Sequence[ChangeLine], limit: int) -> list[str]:
    body = [
        f"{'!' if line.sign == '~' else line.sign} {', '.join(line.sources)} -> "
        f"{', '.join(line.destinations)}  {line.connections}"
        for line in lines[:limit]
    ]
    if len(lines) > limit:
        body.append(f"# … {len(lines) - limit} more lines not shown")
    longest = max((len(run) for text in body for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}diff", *body, fence]


def _headline(report: DiffReport) -> list[str]:
    gaps = coverage_gaps(report)
    if len(report.nothing_read) == len(("old", "new")):
        title = "### netpoldiff: nothing to compare (no workload or policy read)"
    elif report.view.is_empty() and not report.diff.is_empty():
        title = f"### netpoldiff: no flow changed but by {moved_text(report)}"
    elif report.diff.is_empty():
        title = "### netpoldiff: no reachability changes"
        if gaps:
            title += f" in what was evaluated ({gaps})"
    else:
        title = f"### netpoldiff: {change_counts(report)}"
        if gaps:
            # The counts may end in brackets already: a second pair would read as theirs.
            title += f"; not covered: {gaps}"
    return [MARKER, title, f"{code(report.header.old)} → {code(report.header.new)}"]


def _alerts(report: DiffReport, limit: int) -> list[str]:
    out = []
    for change in report.configuration_changes:
        text = escape(configuration_change_text(change))
        out += ["", "> [!WARNING]", f"> **{CONFIGURATION_HEADING}**: {text}"]
    if report.errors:
        out += ["", "> [!CAUTION]", "> **Incomplete analysis**: some input could not be read."]
        out += [f"> - {escape(str(e))}" for e in report.errors[:limit]]
        if len(report.errors) > limit:
            out.append(f"> - … {len(report.errors) - limit} more not shown")
    if report.nothing_read:
        out += ["", "> [!CAUTION]"]
        out += [f"> - {escape(nothing_read_text(report, side))}" for side in report.nothing_read]
    for heading, entries in unevaluated_groups(report):
        out += ["", "> [!WARNING]", f"> **{escape(heading)}**", ">"]
        out += [f"> - {escape(unevaluated_text(entry))}" for entry in entries[:limit]]
        if len(entries) > limit:
            out.append(f"> - … {len(entries) - limit} more not shown")
    notes = _warnings(report)
    if notes:
        out += ["", "> [!WARNING]", *(f"> {note}" for note in notes[:limit])]
        if len(notes) > limit:
            out.append(f"> … {len(notes) - limit} more not shown")
    return out


def _rollout(report: DiffReport, limit: int) -> list[str]:
    """When applying NEW's files in order would cut or expose flows: say so, and a safe order."""
    if report.rollout is None:
        return []
    naive, planned = report.rollout
    exposed = sum(v.counts()[0] for v in naive.violations)
    cut = sum(v.counts()[1] for v in naive.violations)
    harm = " and ".join(
        part
        for part in (
            f"cut {plural(cut, 'flow')} both sides allow" if cut else "",
            f"expose {plural(exposed, 'flow')} neither allows" if exposed else "",
        )
        if part
    )
    out = [
        "",
        "> [!IMPORTANT]",
        (
            "> **Rollout order matters**: applied file by file (`kubectl apply -f` of the "
            f"directory), this change would {harm} between its steps (counted per step)."
        ),
    ]
    if planned.safe:
        out.append("> This order keeps every common flow and exposes nothing:")
    else:
        out.append("> No order avoids every window; this one does the least harm:")
    steps = [plan_step_text(number, step) for number, step in enumerate(planned.steps, 1)]
    out += [f"> {escape(text)}" for text in steps[:limit]]
    if len(steps) > limit:
        out.append(f"> … {len(steps) - limit} more not shown")
    out.append("> (`netpoldiff plan OLD NEW` prints the commands and what each step changes.)")
    return out


def _flows(report: DiffReport, limit: int) -> list[str]:
    lines = report.lines
    out = []
    for title, selected in (
        ("Opened", [line for line in lines if line.sign == "+"]),
        ("Closed", [line for line in lines if line.sign == "-"]),
        ("Opened and closed", [line for line in lines if line.sign == "~"]),
    ):
        if selected:
            out += ["", f"#### {title}", "", *_flow_table(selected, limit)]
    if lines:
        out += ["", f"{EXPLAIN_HINT} {code(EXPLAIN_COMMAND)}"]
    if lines:
        out += ["", "<details><summary>Graph of the changes</summary>", ""]
        out += [
            "```mermaid",
            mermaid(lines, Population.of_diff(report.diff), min(limit, MAX_LINES)),
            "```",
            "",
            "</details>",
        ]
        out += ["", "<details><summary>All changes as a diff</summary>", ""]
        out += [*_diff_block(lines, limit), "", "</details>"]
    rows = workload_rows(report)
    if rows:
        out += [
            "",
            f"<details><summary>{WORKLOADS_HEADING} ({len(rows)})</summary>",
            "",
        ]
        out += [f"- {sign} {code(name)}" for sign, name in rows[:limit]]
        if len(rows) > limit:
            out.append(f"- … {len(rows) - limit} more not shown")
        out += ["", "</details>"]
    return out


def _objects(report: DiffReport, limit: int) -> list[str]:
    rows = object_change_lines(report.objects)
    if not rows:
        return []
    out = (
        ["", "The manifests changed, but not who can reach whom."]
        if report.diff.is_empty() and report.is_complete
        else []
    )
    out += [
        "",
        f"<details><summary>{OBJECTS_HEADING} ({len({p for _, p, _ in rows})})</summary>",
        "",
    ]
    out += ["| | Object | Change |", "|---|---|---|"]
    out += [f"| {s} | {code(p)} | {code(w)} |" for s, p, w in rows[:limit]]
    if len(rows) > limit:
        out.append(f"| | … {len(rows) - limit} more not shown | |")
    return [*out, "", "</details>"]


def _problems(report: DiffReport, limit: int) -> list[str]:
    # Hidden warnings are counted even when none is left to show: hiding is never silent.
    hidden = [] if not report.suppressed.count else ["", escape(suppressed_text(report.suppressed))]
    # NEW's warnings that OLD had too are counted: the comment reviews the change.
    kept = [] if not report.kept_warnings else ["", f"{kept_warnings_text(report.kept_warnings)}."]
    warnings = report.listed_warnings
    if not warnings:
        return [*kept, *hidden]
    summary = plural(len(warnings), "warning")
    out = ["", f"<details><summary>{summary}</summary>", ""]
    out += [f"- {escape(str(w))}" for w in warnings[:limit]]
    if len(warnings) > limit:
        out.append(f"- … {len(warnings) - limit} more not shown")
    return [*out, "", "</details>", *kept, *hidden]


def _page(report: DiffReport, limit: int) -> str:
    """The whole comment, each list cut after ``limit`` entries and saying how many it cut."""
    parts = [
        *([verdict_line(equivalence(report), name=code), ""] if report.equivalence_verdict else []),
        *_headline(report),
        *_alerts(report, limit),
        *_rollout(report, limit),
        *_flows(report, limit),
        *_objects(report, limit),
        *_problems(report, limit),
    ]
    return "\n".join(parts) + "\n"


def _longest_list(report: DiffReport) -> int:
    """The length of the longest list that ``_page`` cuts: a limit this high cuts nothing."""
    return max(
        len(report.lines),
        len(workload_rows(report)),
        len(object_change_lines(report.objects)),
        len(report.listed_warnings),
        len(report.errors),
        len(report.unevaluated),
        len(_warnings(report)),
        len(report.rollout[1].steps) if report.rollout else 0,
    )


def render_diff(
    report: DiffReport,
    style: Style,  # noqa: ARG001 - GitHub renders its own colours
) -> Iterable[str]:
    """The Markdown report, cut to fit ``BUDGET`` characters with honest "N more" lines.

    One limit applies to every list, so a short list stays whole while the long ones are cut.
    The limit is the largest that fits, found by bisection between one that fits and one that
    does not; a limit of 0 leaves only the counts. With --equivalent, the verdict comes first,
    and alone when the sides are equivalent.
    """
    if report.equivalence_verdict and equivalence(report).verdict == "equivalent":
        return [EQUIVALENT_LINE + "\n"]
    fits, too_long = 0, _longest_list(report)
    page = _page(report, too_long)
    if len(page) <= BUDGET:
        return [page]
    # Only the counts are left at 0; over the budget even then only by text that is no list
    # (the revisions and paths given), which is the best there is.
    best = _page(report, fits)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        page = _page(report, middle)
        if len(page) <= BUDGET:
            fits, best = middle, page
        else:
            too_long = middle
    return [best]
