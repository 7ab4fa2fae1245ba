"""A picture of the changed flows: Mermaid for the PR comment, Graphviz DOT for artifacts.

Namespaces are boxes, each report line is one edge from its sources to its destinations,
opened flows green, closed red, changed amber, labelled with the connections. The largest
changes come first, and a graph that would be too big says how many lines it leaves out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from netpoldiff.report.lines import OUTSIDE, ChangeLine

MAX_EDGES: Final = 40
_COLORS: Final = {"+": "#1a7f37", "-": "#cf222e", "~": "#bf8700"}
_WORDS: Final = {"+": "opened", "-": "closed", "~": "changed"}


@dataclass(frozen=True, slots=True)
class _Node:
    key: str
    label: str
    namespace: str


class _Graph:
    def __init__(self, lines: Iterable[ChangeLine], limit: int) -> None:
        ordered = sorted(lines, key=lambda line: -line.pairs)
        self.shown = ordered[:limit]
        self.hidden = len(ordered) - len(self.shown)
        self.nodes: dict[str, _Node] = {}
        self.edges: list[tuple[str, str, ChangeLine]] = []
        for line in self.shown:
            source = self._node(", ".join(line.sources), line.source_namespace)
            target = self._node(", ".join(line.destinations), line.destination_namespace)
            self.edges.append((source.key, target.key, line))

    def _node(self, label: str, namespace: str) -> _Node:
        node = self.nodes.get(label)
        if node is None:
            node = _Node(f"n{len(self.nodes)}", label, namespace)
            self.nodes[label] = node
        return node

    def by_namespace(self) -> dict[str, list[_Node]]:
        groups: dict[str, list[_Node]] = {}
        for node in self.nodes.values():
            groups.setdefault(node.namespace, []).append(node)
        return dict(sorted(groups.items(), key=lambda item: (item[0] == OUTSIDE, item[0])))


def _mermaid_text(text: str) -> str:
    """Text safe inside a Mermaid quoted label (entities, no quotes or markup)."""
    text = " ".join(text.split())
    for char, entity in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, entity)
    return re.sub(r"([@#])(?=\w)", "\\1\u200b", text).replace("#\u200bamp;", "#amp;")


def mermaid(lines: Iterable[ChangeLine], limit: int = MAX_EDGES) -> str:
    """A Mermaid flowchart of the changed flows (without the code fence)."""
    graph = _Graph(lines, limit)
    out = ["flowchart LR"]
    for index, (namespace, nodes) in enumerate(graph.by_namespace().items()):
        out.append(f'  subgraph ns{index}["{_mermaid_text(namespace)}"]')
        out.extend(f'    {node.key}["{_mermaid_text(node.label)}"]' for node in nodes)
        out.append("  end")
    for number, (source, target, line) in enumerate(graph.edges):
        arrow = "-.->" if line.sign == "-" else "-->"
        label = _mermaid_text(
            f"{line.sign}{line.connections}" if line.sign != "~" else line.connections
        )
        out.append(f'  {source} {arrow}|"{label}"| {target}')
        out.append(f"  linkStyle {number} stroke:{_COLORS[line.sign]},stroke-width:2px")
    if graph.hidden:
        out.append(f'  more["… {graph.hidden} more changes not drawn"]')
    return "\n".join(out)


def dot(lines: Iterable[ChangeLine], limit: int = 500) -> str:
    """The same graph for Graphviz (``dot -Tsvg``)."""
    graph = _Graph(lines, limit)

    def quoted(text: str) -> str:
        return json.dumps(" ".join(text.split()))

    out = [
        "digraph netpoldiff {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fillcolor="#f6f8fa", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for index, (namespace, nodes) in enumerate(graph.by_namespace().items()):
        out.append(f"  subgraph cluster_{index} {{")
        out.append(f'    label={quoted(namespace)}; style=rounded; color="#8c959f";')
        out.extend(f"    {node.key} [label={quoted(node.label)}];" for node in nodes)
        out.append("  }")
    for source, target, line in graph.edges:
        style = "dashed" if line.sign == "-" else "solid"
        label = f"{_WORDS[line.sign]} {line.connections}"
        out.append(
            f'  {source} -> {target} [label={quoted(label)}, color="{_COLORS[line.sign]}", '
            f'fontcolor="{_COLORS[line.sign]}", style={style}];'
        )
    if graph.hidden:
        out.append(
            f"  more [shape=note, label={quoted(f'{graph.hidden} more changes not drawn')}];"
        )
    out.append("}")
    return "\n".join(out) + "\n"
