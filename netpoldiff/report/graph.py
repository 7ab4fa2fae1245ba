"""The layout of a picture of the changed flows, shared by the Mermaid and Graphviz drawings.

Namespaces are boxes, each report line is one edge from its sources to its destinations,
opened flows green, closed red, changed amber, labelled with the connections. The largest
changes come first, and a graph that would be too big says how many lines it leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from netpoldiff.report.lines import OUTSIDE, ChangeLine

EDGE_COLORS: Final = {"+": "#1a7f37", "-": "#cf222e", "~": "#bf8700"}
EDGE_WORDS: Final = {"+": "opened", "-": "closed", "~": "changed"}


@dataclass(frozen=True, slots=True)
class Node:
    """One box: a group of sources or destinations, in its namespace."""

    key: str
    label: str
    namespace: str


class Graph:
    """The nodes and edges of at most ``limit`` report lines, the largest first."""

    def __init__(self, lines: Iterable[ChangeLine], limit: int) -> None:
        ordered = sorted(lines, key=lambda line: -line.pairs)
        self.shown = ordered[:limit]
        self.hidden = len(ordered) - len(self.shown)
        self.nodes: dict[str, Node] = {}
        self.edges: list[tuple[str, str, ChangeLine]] = []
        for line in self.shown:
            source = self._node(", ".join(line.sources), line.source_namespace)
            target = self._node(", ".join(line.destinations), line.destination_namespace)
            self.edges.append((source.key, target.key, line))

    def _node(self, label: str, namespace: str) -> Node:
        node = self.nodes.get(label)
        if node is None:
            node = Node(f"n{len(self.nodes)}", label, namespace)
            self.nodes[label] = node
        return node

    def by_namespace(self) -> dict[str, list[Node]]:
        """The nodes of each namespace, namespaces by name and outside the cluster last."""
        groups: dict[str, list[Node]] = {}
        for node in self.nodes.values():
            groups.setdefault(node.namespace, []).append(node)
        return dict(sorted(groups.items(), key=lambda item: (item[0] == OUTSIDE, item[0])))
