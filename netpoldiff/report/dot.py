"""``--format dot``: the changed flows as a Graphviz graph, for artifacts (``dot -Tsvg``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Final

from netpoldiff.report.graph import EDGE_COLORS, EDGE_WORDS, Graph
from netpoldiff.report.labels import Population
from netpoldiff.report.reports import DiffReport, Style

MAX_LINES: Final = 500
# A line of many blocks draws many edges: no more in all than when each line was one edge.
MAX_EDGES: Final = 500


def _quoted(text: str) -> str:
    return json.dumps(" ".join(text.split()))


def _quoted_lines(texts: Iterable[str]) -> str:
    """One quoted label of several lines, joined by the escape that breaks a Graphviz label."""
    return '"' + "\\n".join(_quoted(text)[1:-1] for text in texts) + '"'


def render_diff(
    report: DiffReport,
    style: Style,  # noqa: ARG001 - a graph has its own colours, whatever the terminal's
) -> Iterable[str]:
    """The graph of the changed flows, namespaces as clusters."""
    population = Population.of_diff(report.diff)
    graph = Graph(report.lines, population, limit=MAX_LINES, max_edges=MAX_EDGES)
    out = [
        "digraph netpoldiff {",
        # newrank ranks the nodes of all clusters at once: the older ranking gives up ("trouble
        # in init_rank") on clusters joined by many edges.
        "  rankdir=LR; newrank=true;",
        '  node [shape=box, style="rounded,filled", fillcolor="#f6f8fa", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for index, (namespace, nodes) in enumerate(graph.by_namespace().items()):
        out.append(f"  subgraph cluster_{index} {{")
        out.append(f'    label={_quoted(namespace)}; style=rounded; color="#8c959f";')
        out.extend(f"    {node.key} [label={_quoted_lines(node.labels)}];" for node in nodes)
        out.append("  }")
    for source, target, line in graph.edges:
        style_name = "dashed" if line.sign == "-" else "solid"
        label = f"{EDGE_WORDS[line.sign]} {line.connections}"
        color = EDGE_COLORS[line.sign]
        out.append(
            f'  {source} -> {target} [label={_quoted(label)}, color="{color}", '
            f'fontcolor="{color}", style={style_name}];'
        )
    if graph.hidden:
        out.append(
            f"  more [shape=note, label={_quoted(f'{graph.hidden} more changes not drawn')}];"
        )
    out.append("}")
    return ["\n".join(out) + "\n"]
