"""The layout of a picture of the changes: one node per block of endpoints, in its namespace's box.

Blocks are the coarsest cut of the drawn lines' endpoints in which every line's sources and
destinations are unions of blocks and no block spans two namespaces; a line is an edge from
each of its source blocks to each of its destination blocks.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.addresses import ALL_ADDRESSES, parse_cidr
from netpoldiff.model import Endpoint, ExternalEndpoint, WorkloadEndpoint
from netpoldiff.ports import NO_CONNECTIONS
from netpoldiff.report.graph import EDGE_COLORS, EDGE_WORDS, Graph, Node
from netpoldiff.report.labels import Population
from netpoldiff.report.lines import OUTSIDE, ChangeLine
from tests.testing.builders import endpoint, tcp

BASE = ChangeLine(
    sign="+",
    sources=(),
    destinations=(),
    destination_namespace="",
    opened=tcp(80),
    closed=NO_CONNECTIONS,
    causes=(),
    pairs=1,
)
INTERNET = ExternalEndpoint(parse_cidr("0.0.0.0/0").addresses)
# Namespace a of four workloads, b of three, c of one, big of ten.
A = [endpoint(f"a/{name}") for name in ("w", "x", "y", "z")]
B = [endpoint(f"b/{name}") for name in ("p", "q", "r")]
C = [endpoint("c/solo")]
BIG = [endpoint(f"big/w{number}") for number in range(10)]
POPULATION = Population.of_endpoints([*A, *B, *C, *BIG, INTERNET])


def line(
    sources: Sequence[Endpoint], destinations: Sequence[Endpoint], pairs: int = 0
) -> ChangeLine:
    """A line between these endpoints (its labels unused by the graph)."""
    return dataclasses.replace(
        BASE,
        sources=tuple(str(e) for e in sources),
        destinations=tuple(str(e) for e in destinations),
        source_members=tuple(sources),
        destination_members=tuple(destinations),
        pairs=pairs or len(sources) * len(destinations),
    )


def graph(*lines: ChangeLine, limit: int = 100, max_edges: int = 1000) -> Graph:
    return Graph(lines, POPULATION, limit=limit, max_edges=max_edges)


def nodes_holding(drawn: Graph, member: Endpoint) -> list[Node]:
    return [node for node in drawn.nodes if member in node.members]


def test_a_workload_in_several_lines_is_drawn_in_exactly_one_node() -> None:
    x = A[1]
    drawn = graph(line(A, [B[0]]), line([x, C[0]], [B[1]]), line([B[2]], [x]), line([x], [x]))
    assert len(nodes_holding(drawn, x)) == 1
    everyone = [member for node in drawn.nodes for member in node.members]
    assert len(everyone) == len(set(everyone))
    assert sum(str(x) in label for node in drawn.nodes for label in node.labels) == 1


def test_a_line_across_namespaces_draws_edges_from_a_node_in_each_real_box() -> None:
    across = line([A[0], C[0], INTERNET], [B[0]])
    drawn = graph(across)
    boxes = drawn.by_namespace()
    assert list(boxes) == ["a", "b", "c", OUTSIDE]  # real namespaces only
    namespace_of = {node.key: node.namespace for node in drawn.nodes}
    assert sorted(namespace_of[source] for source, _, _ in drawn.edges) == ["a", "c", OUTSIDE]
    assert {(namespace_of[target], edge_line) for _, target, edge_line in drawn.edges} == {
        ("b", across)
    }


def test_blocks_are_the_coarsest_cut_that_keeps_every_line_whole() -> None:
    # a/* toward b/p, and a/x alone toward b/q: a is cut into x and the other three.
    drawn = graph(line(A, [B[0]]), line([A[1]], [B[1]]))
    assert [node.members for node in drawn.by_namespace()["a"]] == [
        (A[0], A[2], A[3]),
        (A[1],),
    ]
    assert len(drawn.edges) == 3


def test_a_line_is_an_edge_from_each_source_block_to_each_destination_block() -> None:
    wide = line([A[0], C[0]], [B[0], BIG[0]])
    drawn = graph(wide)
    assert drawn.edges == [
        ("n0", "n1", wide),
        ("n0", "n2", wide),
        ("n3", "n1", wide),
        ("n3", "n2", wide),
    ]


def test_a_block_both_source_and_destination_of_a_line_draws_a_loop() -> None:
    drawn = graph(line(B, B))
    assert [(node.key, node.labels) for node in drawn.nodes] == [("n0", ("b/*",))]
    assert [(source, target) for source, target, _ in drawn.edges] == [("n0", "n0")]


def test_nodes_are_named_as_the_reports_name_groups() -> None:
    drawn = graph(
        line(BIG, [B[0]]),  # big/* ...
        line([BIG[0]], [B[1]]),  # ... cut into big/w0 and the nine others
        line(B[:2], [INTERNET]),  # b/p and b/q, each apart as the lines above reach it
        line([C[0]], [B[2]]),  # c's only workload: its name
    )
    assert {node.labels for node in drawn.nodes} == {
        ("big/* except w0[Deployment]",),
        ("big/w0[Deployment]",),
        ("b/p[Deployment]",),
        ("b/q[Deployment]",),
        ("b/r[Deployment]",),
        ("c/solo[Deployment]",),
        ("anywhere outside the cluster",),
    }
    whole = graph(line(B, [INTERNET]))
    assert [node.labels for node in whole.nodes] == [("b/*",), ("anywhere outside the cluster",)]
    few = graph(line(A[:3], [INTERNET]))  # three of a's four: listed
    assert few.nodes[0].labels == ("a/w[Deployment]", "a/x[Deployment]", "a/y[Deployment]")


def test_a_block_of_some_addresses_is_named_by_its_blocks() -> None:
    inside = ExternalEndpoint(parse_cidr("10.0.0.0/8").addresses)
    rest = ExternalEndpoint(ALL_ADDRESSES - inside.addresses)
    population = Population.of_endpoints([*B, inside, rest])
    drawn = Graph([line([inside], [B[0]])], population, limit=10, max_edges=10)
    assert [(node.namespace, node.labels) for node in drawn.nodes] == [
        (OUTSIDE, ("10.0.0.0/8",)),
        ("b", ("b/p[Deployment]",)),
    ]


def test_edges_are_the_lines_with_the_most_pairs_first_ties_in_report_order() -> None:
    small, middle, large, tied = (
        line([A[0]], [B[0]], 1),
        line([INTERNET], [B[0]], 3),
        line(A, B, 12),
        line([C[0]], [B[0]], 3),
    )
    drawn = graph(small, middle, large, tied)
    assert drawn.shown == [large, middle, tied, small]
    assert [edge_line for _, _, edge_line in drawn.edges[-3:]] == [middle, tied, small]
    assert drawn.hidden == 0


def test_a_graph_over_its_line_limit_keeps_the_largest_lines_and_counts_the_rest() -> None:
    lines = [line([A[0]], [B[0]], 1), line([C[0]], [B[1]], 5), line(A, [B[2]], 9)]
    drawn = graph(*lines, limit=2)
    assert drawn.shown == [lines[2], lines[1]]
    assert drawn.hidden == 1
    assert A[0] in nodes_holding(drawn, A[0])[0].members  # drawn, as a source of a/*


def test_a_line_that_cuts_drawn_blocks_counts_the_edges_they_gain() -> None:
    # Alone, each line is one edge; the second cuts a/{w,x} in two, so the first draws two.
    first, second = line(A[:2], [B[0]], 2), line([A[0]], [B[1]], 1)
    assert len(graph(first, second, max_edges=3).edges) == 3
    stopped = graph(first, second, max_edges=2)
    assert stopped.shown == [first]
    assert stopped.hidden == 1
    assert [node.members for node in stopped.nodes] == [(A[0], A[1]), (B[0],)]


def test_a_graph_stops_before_the_first_line_over_its_edge_limit() -> None:
    # The largest line spans three namespaces and the outside: four edges, over a limit of 3,
    # so nothing is drawn, even the small line after it that would fit.
    wide = line([A[0], B[0], C[0], INTERNET], [BIG[0]], 8)
    drawn = graph(wide, line([A[1]], [B[1]], 1), max_edges=3)
    assert (drawn.shown, drawn.edges, drawn.nodes, drawn.hidden) == ([], [], [], 2)


def test_the_same_lines_in_any_order_draw_the_same_graph() -> None:
    lines = [
        line(A, [B[0]], 40),
        line([A[1], C[0]], [B[1]], 30),
        line([B[2], INTERNET], [A[1]], 20),
        line(BIG[:4], BIG[3:], 10),
    ]
    drawings = []
    for order in itertools.permutations(lines):
        drawn = graph(*order)
        drawings.append((drawn.nodes, drawn.edges, drawn.by_namespace()))
    assert all(drawing == drawings[0] for drawing in drawings)
    # Nodes are numbered as the edges first reach them, boxes by name, outside the cluster last.
    nodes, edges, boxes = drawings[0]
    assert [key for key, _, _ in edges[:2]] == ["n0", "n2"]
    assert [node.key for node in nodes] == [f"n{number}" for number in range(len(nodes))]
    assert list(boxes) == ["a", "b", "big", "c", OUTSIDE]


ENDPOINTS = [*A[:3], *B[:2], C[0], INTERNET]


@given(
    st.lists(
        st.tuples(
            st.sets(st.sampled_from(ENDPOINTS), min_size=1),
            st.sets(st.sampled_from(ENDPOINTS), min_size=1),
        ),
        max_size=6,
    )
)
def test_blocks_keep_lines_whole_lie_in_one_namespace_and_are_coarsest(
    drawn_sets: list[tuple[set[Endpoint], set[Endpoint]]],
) -> None:
    lines = [line(sorted(s, key=str), sorted(d, key=str), pairs=1) for s, d in drawn_sets]
    drawn = graph(*lines)
    assert drawn.shown == lines
    node_of = {member: node.key for node in drawn.nodes for member in node.members}
    assert len(node_of) == sum(len(node.members) for node in drawn.nodes)  # one node each
    members_of = {node.key: set(node.members) for node in drawn.nodes}
    expected_edges = []
    for drawn_line in lines:
        sources, targets = (
            {node_of[e] for e in members}
            for members in (drawn_line.source_members, drawn_line.destination_members)
        )
        # Each side of a line is a union of whole nodes.
        assert set().union(*(members_of[k] for k in sources)) == set(drawn_line.source_members)
        assert set().union(*(members_of[k] for k in targets)) == set(drawn_line.destination_members)
        expected_edges += [(s, t) for s in sources for t in targets]
    assert sorted((s, t) for s, t, _ in drawn.edges) == sorted(expected_edges)

    def held_by(member: Endpoint) -> frozenset[tuple[int, int]]:
        return frozenset(
            (number, side)
            for number, drawn_line in enumerate(lines)
            for side, members in enumerate(
                (drawn_line.source_members, drawn_line.destination_members)
            )
            if member in members
        )

    def namespace(member: Endpoint) -> str:
        return member.namespace if isinstance(member, WorkloadEndpoint) else OUTSIDE

    signatures = set()
    for node in drawn.nodes:
        # Alike within a node, and no two nodes alike: the cut is the coarsest.
        (signature,) = {(namespace(m), held_by(m)) for m in node.members}
        assert signature[0] == node.namespace
        assert signature not in signatures
        signatures.add(signature)


def test_every_sign_has_a_colour_and_a_word() -> None:
    assert EDGE_WORDS == {"+": "opened", "-": "closed", "~": "changed"}
    assert set(EDGE_COLORS) == set(EDGE_WORDS)
    assert len(set(EDGE_COLORS.values())) == 3
