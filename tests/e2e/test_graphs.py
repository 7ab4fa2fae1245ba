"""Graphs end to end: Graphviz and Mermaid draw each workload once, in its own namespace's box.

The fixtures' changes have lines whose sources span namespaces and workloads that several
lines name; the command line runs in-process on their folders.
"""

from __future__ import annotations

import re

import pytest

from netpoldiff.report.lines import OUTSIDE
from tests.conftest import FIXTURES, CliRunner

# Per format: a box's label, a node's label, and what joins the names of one node.
SHAPES = {
    "dot": (r'^    label="([^"]*)"; style=rounded', r'^    n\d+ \[label="(.*)"\];$', "\\n"),
    "markdown": (r'^  subgraph ns\d+\["([^"]*)"\]$', r'^    n\d+\["(.*)"\]$', "<br>"),
}


def boxes(document: str, output_format: str) -> dict[str, list[list[str]]]:
    """Each box's label, with the names of each of its nodes."""
    box_pattern, node_pattern, joiner = SHAPES[output_format]
    found: dict[str, list[list[str]]] = {}
    box = ""
    for row in document.splitlines():
        if opened := re.match(box_pattern, row):
            box = opened.group(1)
            found[box] = []
        elif node := re.match(node_pattern, row):
            found[box].append(node.group(1).split(joiner))
    return found


@pytest.mark.parametrize("output_format", ["dot", "markdown"])
@pytest.mark.parametrize("case", ["cross-namespace-opened", "default-deny-removed", "error-in-old"])
def test_a_graph_draws_each_workload_once_in_its_own_namespace_box(
    run_cli: CliRunner, case: str, output_format: str
) -> None:
    args = FIXTURES / case / "args"  # --keep-going, for the case with an error in OLD
    extra = args.read_text(encoding="utf-8").split() if args.exists() else []
    old, new = (f"fixtures/{case}/{side}" for side in ("old", "new"))
    result = run_cli(old, new, "--format", output_format, "--no-cache", *extra)
    assert result.status == 0, result.err
    drawn = boxes(result.out, output_format)
    assert drawn, "no box drawn"
    assert "several namespaces" not in drawn  # once a box of its own: never again
    names = [name for nodes in drawn.values() for node in nodes for name in node]
    assert len(names) == len(set(names)), "a name drawn twice"
    for box, nodes in drawn.items():
        for node in nodes:
            if box != OUTSIDE:
                assert all(name.startswith(f"{box}/") for name in node), (box, node)
            if node[0] == f"{box}/*":
                # The whole namespace: no other node in its box can hold one of its workloads.
                assert nodes == [node]
