"""The layout of a picture of the changed flows, shared by the Mermaid and Graphviz drawings.

Each endpoint is drawn once. The endpoints of the drawn lines are cut into the coarsest blocks
such that every line's sources and destinations are unions of blocks and each block lies in
one namespace (or outside the cluster). A block is one node, named as the reports name a group,
inside the box of its namespace. A line is drawn as an edge from each of its source blocks to
each of its destination blocks: opened flows green, closed red, changed amber, labelled with
the connections. The largest lines come first; a graph stops before the first line that would
take it past its limit of lines or of edges, and says how many lines it leaves out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from netpoldiff.model import Endpoint, WorkloadEndpoint, endpoint_sort_key
from netpoldiff.report.labels import Population, describe_group
from netpoldiff.report.lines import OUTSIDE, ChangeLine

EDGE_COLORS: Final = {"+": "#1a7f37", "-": "#cf222e", "~": "#bf8700"}
EDGE_WORDS: Final = {"+": "opened", "-": "closed", "~": "changed"}

# A side of one drawn line: (its number among the drawn lines, 0 for sources, 1 for destinations).
_Side = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Node:
    """One box: a block of endpoints of one namespace, with the labels of that group."""

    key: str
    labels: tuple[str, ...]
    namespace: str
    members: tuple[Endpoint, ...]


def _namespace(endpoint: Endpoint) -> str:
    return endpoint.namespace if isinstance(endpoint, WorkloadEndpoint) else OUTSIDE


class _Blocks:
    """The coarsest cut of the endpoints of some lines, refined as each line is added.

    Two endpoints share a block when they lie in one namespace and every side of every line
    added holds both or neither. Each block keeps the sides that hold it, so that a split
    counts one more block on each of them, and the edge count stays exact without a recount.
    """

    def __init__(self, lines: Iterable[ChangeLine] = ()) -> None:
        self.block_of: dict[Endpoint, int] = {}
        self.members: list[set[Endpoint]] = []
        self.holders: list[set[_Side]] = []
        self.spans: dict[_Side, int] = {}  # how many blocks each side is cut into
        self.lines = 0
        for line in lines:
            self.add(line)

    def add(self, line: ChangeLine) -> None:
        """Cut the blocks along the sources, then the destinations, of one more line."""
        number = self.lines
        self.lines += 1
        self._cut((number, 0), line.source_members)
        self._cut((number, 1), line.destination_members)

    def edges(self) -> int:
        """The edges the lines added would draw: sources' blocks times destinations' blocks."""
        return sum(self.spans[n, 0] * self.spans[n, 1] for n in range(self.lines))

    def _cut(self, side: _Side, endpoints: Sequence[Endpoint]) -> None:
        touched: dict[int, set[Endpoint]] = defaultdict(set)
        fresh: dict[str, set[Endpoint]] = defaultdict(set)
        for endpoint in endpoints:
            block = self.block_of.get(endpoint)
            if block is None:
                fresh[_namespace(endpoint)].add(endpoint)
            else:
                touched[block].add(endpoint)
        for block, part in touched.items():
            if len(part) == len(self.members[block]):
                self.holders[block].add(side)
                continue
            # Part of a block: the part becomes a block of its own, and every side that held
            # the whole now spans one block more.
            self.members[block] -= part
            for holder in self.holders[block]:
                self.spans[holder] += 1
            self._new(part, {*self.holders[block], side})
        for part in fresh.values():
            self._new(part, {side})
        self.spans[side] = len(touched) + len(fresh)

    def _new(self, members: set[Endpoint], holders: set[_Side]) -> None:
        block = len(self.members)
        self.members.append(members)
        self.holders.append(holders)
        self.block_of.update(dict.fromkeys(members, block))


class Graph:
    """The nodes and edges of the largest report lines, within ``limit`` lines and ``max_edges``.

    Edges come line by line, each line's blocks in the order of their endpoints, and nodes in
    the order the edges first reach them: the same report always draws the same graph.
    """

    def __init__(
        self,
        lines: Iterable[ChangeLine],
        population: Population,
        *,
        limit: int,
        max_edges: int,
    ) -> None:
        ordered = sorted(lines, key=lambda line: -line.pairs)
        blocks = _Blocks()
        shown: list[ChangeLine] = []
        for line in ordered[:limit]:
            blocks.add(line)
            if blocks.edges() > max_edges:
                blocks = _Blocks(shown)
                break
            shown.append(line)
        self.shown = shown
        self.hidden = len(ordered) - len(shown)
        # Blocks in the order of their endpoints; nodes numbered as the edges first reach them.
        cut = sorted(
            (sorted(members, key=endpoint_sort_key) for members in blocks.members),
            key=lambda members: endpoint_sort_key(members[0]),
        )
        block_of = {endpoint: block for block, members in enumerate(cut) for endpoint in members}
        keys: dict[int, str] = {}
        self.edges: list[tuple[str, str, ChangeLine]] = []
        for line in shown:
            sources = sorted({block_of[endpoint] for endpoint in line.source_members})
            targets = sorted({block_of[endpoint] for endpoint in line.destination_members})
            for source in sources:
                for target in targets:
                    source_key = keys.setdefault(source, f"n{len(keys)}")
                    self.edges.append((source_key, keys.setdefault(target, f"n{len(keys)}"), line))
        self.nodes = [
            Node(
                key,
                tuple(describe_group(cut[block], population)),
                _namespace(cut[block][0]),
                tuple(cut[block]),
            )
            for block, key in keys.items()
        ]

    def by_namespace(self) -> dict[str, list[Node]]:
        """The nodes of each namespace, namespaces by name and outside the cluster last."""
        groups: dict[str, list[Node]] = {}
        for node in self.nodes:
            groups.setdefault(node.namespace, []).append(node)
        return dict(sorted(groups.items(), key=lambda item: (item[0] == OUTSIDE, item[0])))
