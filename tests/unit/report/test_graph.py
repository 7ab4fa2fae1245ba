"""The layout of a picture of the changes: boxes per namespace, one edge per line, largest first."""

from __future__ import annotations

import dataclasses

from netpoldiff.ports import NO_CONNECTIONS
from netpoldiff.report.graph import EDGE_COLORS, EDGE_WORDS, Graph, Node
from netpoldiff.report.lines import OUTSIDE, ChangeLine
from tests.testing.builders import tcp

BASE = ChangeLine(
    sign="+",
    sources=(),
    destinations=(),
    source_namespace="",
    destination_namespace="",
    opened=tcp(80),
    closed=NO_CONNECTIONS,
    causes=(),
    pairs=1,
    from_outside=False,
    cross_namespace=False,
)


def line(
    sources: str, source_ns: str, destinations: str, destination_ns: str, pairs: int
) -> ChangeLine:
    return dataclasses.replace(
        BASE,
        sources=tuple(sources.split(", ")),
        source_namespace=source_ns,
        destinations=tuple(destinations.split(", ")),
        destination_namespace=destination_ns,
        pairs=pairs,
    )


SMALL = line("a/x[Pod]", "a", "b/y[Pod]", "b", 1)
LARGE = line("a/*", "a", "b/*", "b", 12)
MIDDLE = line("0.0.0.0/0", OUTSIDE, "b/y[Pod]", "b", 3)
TIED = line("c/z[Pod]", "c", "b/y[Pod]", "b", 3)


def test_edges_are_the_lines_with_the_most_pairs_first_ties_in_report_order() -> None:
    graph = Graph([SMALL, MIDDLE, LARGE, TIED], limit=10)
    assert graph.shown == [LARGE, MIDDLE, TIED, SMALL]
    assert [edge_line for _, _, edge_line in graph.edges] == graph.shown
    assert graph.hidden == 0


def test_a_graph_over_its_limit_keeps_the_largest_lines_and_counts_the_rest() -> None:
    graph = Graph([SMALL, MIDDLE, LARGE, TIED], limit=2)
    assert graph.shown == [LARGE, MIDDLE]
    assert graph.hidden == 2
    assert len(graph.edges) == 2


def test_a_label_is_one_node_however_many_edges_reach_it() -> None:
    graph = Graph([LARGE, MIDDLE, SMALL], limit=10)
    assert list(graph.nodes.values()) == [
        Node("n0", "a/*", "a"),
        Node("n1", "b/*", "b"),
        Node("n2", "0.0.0.0/0", OUTSIDE),
        Node("n3", "b/y[Pod]", "b"),
        Node("n4", "a/x[Pod]", "a"),
    ]
    assert [(source, target) for source, target, _ in graph.edges] == [
        ("n0", "n1"),
        ("n2", "n3"),
        ("n4", "n3"),
    ]


def test_a_node_of_several_labels_joins_them_with_commas() -> None:
    several = line("a/*, anywhere outside the cluster", "several namespaces", "b/y[Pod]", "b", 1)
    graph = Graph([several], limit=10)
    assert "a/*, anywhere outside the cluster" in graph.nodes


def test_namespaces_are_grouped_by_name_with_outside_the_cluster_last() -> None:
    zed = line("zz/z[Pod]", "zz", "0.0.0.0/0", OUTSIDE, 1)
    graph = Graph([zed, MIDDLE, SMALL], limit=10)
    groups = graph.by_namespace()
    assert list(groups) == ["a", "b", "zz", OUTSIDE]
    assert [node.label for node in groups[OUTSIDE]] == ["0.0.0.0/0"]
    assert [node.label for node in groups["b"]] == ["b/y[Pod]"]


def test_every_sign_has_a_colour_and_a_word() -> None:
    assert EDGE_WORDS == {"+": "opened", "-": "closed", "~": "changed"}
    assert set(EDGE_COLORS) == set(EDGE_WORDS)
    assert len(set(EDGE_COLORS.values())) == 3
