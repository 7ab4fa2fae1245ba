"""``--format dot``: namespaces as clusters, one styled edge per report line, every name quoted."""

from __future__ import annotations

import dataclasses
import re

import pytest

from netpoldiff.model import WorkloadEndpoint
from netpoldiff.report.dot import MAX_EDGES, MAX_LINES, render_diff
from netpoldiff.report.lines import ChangeLine
from netpoldiff.report.reports import DiffReport, Style
from tests.testing.builders import cluster, pods, policy, port, rule, workload
from tests.unit.report.reporting import diff_report, rendered

# A DOT quoted string: anything but a quote or a backslash, or a backslash and one character.
QUOTED = r'"((?:[^"\\\n]|\\.)*)"'

D = workload("shop/d", {"app": "d"})
X, Y, W = (workload(f"shop/{name}", {"app": name}) for name in ("x", "y", "w"))
OUTSIDER = workload("zz/outsider", {"app": "w"})
D_OLD = policy(
    "shop/d-in",
    {"app": "d"},
    ingress=(rule(pods({"app": "x"}), ports=(port(number=80),)), rule(pods({"app": "y"}))),
)
D_NEW = policy(
    "shop/d-in",
    {"app": "d"},
    ingress=(
        rule(pods({"app": "x"}), ports=(port(number=443),)),
        rule(pods({"app": "w"}, namespaces={}), ports=(port(number=22),)),
    ),
)
REPORT = diff_report(cluster(D, X, Y, W, OUTSIDER, D_OLD), cluster(D, X, Y, W, OUTSIDER, D_NEW))


def edges(document: str) -> dict[str, str]:
    """Each edge's label, with the rest of its attributes."""
    found = re.findall(rf"^  n\d+ -> n\d+ \[label={QUOTED}, (.*)\];$", document, re.MULTILINE)
    return dict(found)


def test_a_graph_is_one_digraph_document() -> None:
    pieces = list(render_diff(REPORT, Style()))
    assert len(pieces) == 1
    # newrank: without it, Graphviz gives up on clusters joined by many edges.
    assert pieces[0].startswith("digraph netpoldiff {\n  rankdir=LR; newrank=true;\n")
    assert pieces[0].endswith("\n}\n")


@pytest.mark.parametrize(
    ("label", "attributes"),
    [
        (
            "opened TCP/22",
            'color="#1a7f37", fontcolor="#1a7f37", style=solid',
        ),
        ("closed all", 'color="#cf222e", fontcolor="#cf222e", style=dashed'),
        (
            "changed +TCP/443 -TCP/80",
            'color="#bf8700", fontcolor="#bf8700", style=solid',
        ),
    ],
    ids=["opened", "closed", "changed"],
)
def test_an_edge_says_and_shows_how_its_flows_changed(label: str, attributes: str) -> None:
    assert edges(rendered(render_diff, REPORT))[label] == attributes


def test_each_namespace_is_a_cluster_of_its_own_nodes_each_workload_once() -> None:
    document = rendered(render_diff, REPORT)
    clusters = re.findall(rf"subgraph (cluster_\d+) {{\n    label={QUOTED};", document)
    # w's line has sources in two namespaces: each sits in its own namespace's box.
    assert clusters == [("cluster_0", "shop"), ("cluster_1", "zz")]
    nodes = dict(re.findall(rf"^    (n\d+) \[label={QUOTED}\];$", document, re.MULTILINE))
    assert sorted(nodes.values()) == [
        "shop/d[Deployment]",
        "shop/w[Deployment]",
        "shop/x[Deployment]",
        "shop/y[Deployment]",
        "zz/outsider[Deployment]",
    ]
    drawn = re.findall(rf"^  (n\d+) -> (n\d+) \[label={QUOTED}, ", document, re.MULTILINE)
    assert sorted((nodes[s], nodes[t]) for s, t, label in drawn if label == "opened TCP/22") == [
        ("shop/w[Deployment]", "shop/d[Deployment]"),
        ("zz/outsider[Deployment]", "shop/d[Deployment]"),
    ]


def with_lines(report: DiffReport, lines: list[ChangeLine]) -> DiffReport:
    """The report with other lines: labels no manifest could hold, or more than a graph shows."""
    report.__dict__["lines"] = tuple(lines)  # the cached value of DiffReport.lines
    return report


def test_names_are_quoted_so_no_character_ends_a_string_or_a_line() -> None:
    (line,) = (line for line in REPORT.lines if line.sign == "-")
    evil = 'ns"; evil -> x [label="'
    hostile = dataclasses.replace(
        line,
        source_members=(
            WorkloadEndpoint(evil, 'a"b\\', "Pod"),
            WorkloadEndpoint(evil, "c\nd}", "Pod"),
        ),
    )
    document = rendered(render_diff, with_lines(diff_report(cluster(), cluster()), [hostile]))
    labels = re.findall(rf"label={QUOTED}", document)
    # Quote and backslash escaped, a line break in a name a space; the node's two names on
    # two lines of its label (Graphviz's own escape).
    quoted = 'ns\\"; evil -> x [label=\\"'
    assert quoted + '/a\\"b\\\\[Pod]\\n' + quoted + "/c d}[Pod]" in labels
    assert quoted in labels  # the namespace's box
    assert 'evil -> x [label="\n' not in document
    assert all(line == line.rstrip("\\") for line in document.splitlines())


def test_a_graph_over_its_line_limit_draws_the_largest_and_notes_how_many_it_leaves_out() -> None:
    (line,) = (line for line in REPORT.lines if line.sign == "-")
    many = [
        dataclasses.replace(
            line, destination_members=(WorkloadEndpoint("shop", f"d{i}", "Pod"),), pairs=i
        )
        for i in range(MAX_LINES + 3)
    ]
    document = rendered(render_diff, with_lines(diff_report(cluster(), cluster()), many))
    assert len(edges_of(document)) == MAX_LINES
    assert 'more [shape=note, label="3 more changes not drawn"];' in document
    assert '"shop/d0[Pod]"' not in document  # the smallest are left out


def test_a_line_of_more_edges_than_a_graph_draws_is_noted_not_drawn() -> None:
    (line,) = (line for line in REPORT.lines if line.sign == "-")
    # Sources in one namespace more than the edges allowed: one node, so one edge each.
    wide = dataclasses.replace(
        line,
        source_members=tuple(WorkloadEndpoint(f"ns{i}", "w", "Pod") for i in range(MAX_EDGES + 1)),
    )
    document = rendered(render_diff, with_lines(diff_report(cluster(), cluster()), [wide]))
    assert edges_of(document) == []
    assert "subgraph" not in document
    assert 'more [shape=note, label="1 more changes not drawn"];' in document
    fits = dataclasses.replace(wide, source_members=wide.source_members[:MAX_EDGES])
    document = rendered(render_diff, with_lines(diff_report(cluster(), cluster()), [fits]))
    assert len(edges_of(document)) == MAX_EDGES


def edges_of(document: str) -> list[str]:
    return re.findall(r"^  n\d+ -> n\d+ ", document, re.MULTILINE)


def test_no_change_is_an_empty_digraph() -> None:
    same = cluster(D, X, D_OLD)
    document = rendered(render_diff, diff_report(same, same))
    assert "subgraph" not in document
    assert edges_of(document) == []
    assert "more" not in document
