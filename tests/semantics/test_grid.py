"""The truth-table harness itself: patterns, the ignored diagonal, and the mismatch report."""

from __future__ import annotations

import pytest

from tests.semantics.grid import (
    ALLOWED,
    DENIED,
    MEMBERS,
    TCP80,
    UDP80,
    Grid,
    check_grids,
    differences,
    evaluate_grid,
    netpol,
    on,
    render_side_by_side,
)


def test_patterns_name_one_pod_a_namespace_a_pod_name_or_everything() -> None:
    assert ALLOWED.deny_to("x/a").denied == {(m, "x/a") for m in MEMBERS if m != "x/a"}
    assert len(ALLOWED.deny_from("y/*").denied) == 3 * 8
    to_b = ALLOWED.deny_to("*/b").denied
    assert len(to_b) == 3 * 8
    assert {dst for _, dst in to_b} == {"x/b", "y/b", "z/b"}
    assert len(DENIED.denied) == 9 * 8


def test_edits_apply_in_order() -> None:
    grid = ALLOWED.deny_to("x/*").allow("x/b", "x/a")
    assert not grid.allows(("x/c", "x/a"))
    assert grid.allows(("x/b", "x/a"))
    assert ALLOWED.allow("x/b", "x/a").deny_to("x/*") == ALLOWED.deny_to("x/*")


def test_a_pattern_naming_no_pod_is_an_error() -> None:
    with pytest.raises(ValueError, match="names no pod"):
        ALLOWED.deny_to("w/a")
    with pytest.raises(ValueError, match="names no pod"):
        ALLOWED.deny_from("x/d")


def test_the_diagonal_is_never_expected_nor_compared() -> None:
    assert not any(src == dst for src, dst in DENIED.denied)
    result = evaluate_grid("")
    observed = result.grid(TCP80)
    assert not any(src == dst for src, dst in observed.allowed)
    assert len(observed.allowed) == 9 * 8
    assert differences(ALLOWED, observed) == []


def test_the_model_is_nine_pods_with_six_named_ports_each() -> None:
    result = evaluate_grid("")
    workloads = result.loaded.cluster.workloads
    assert [f"{w.namespace}/{w.name}" for w in workloads] == list(MEMBERS)
    for workload in workloads:
        assert [name for name, _, _ in workload.named_ports()] == sorted(
            f"serve-{port}-{protocol}" for port in (80, 81) for protocol in ("tcp", "udp", "sctp")
        )
    labels = {n.name: dict(n.labels) for n in result.loaded.cluster.namespaces}
    assert labels["y"] == {"ns": "y", "kubernetes.io/metadata.name": "y"}


def test_a_mismatch_prints_both_tables_and_lists_the_differing_cells() -> None:
    result = evaluate_grid(netpol("deny", "podSelector: {matchLabels: {pod: a}}\ningress: []\n"))
    with pytest.raises(AssertionError) as raised:
        check_grids(result, on(ALLOWED.deny_to("x/a").allow("y/b", "x/a"), TCP80, UDP80))
    message = str(raised.value)
    assert "TCP/80: expected vs observed" in message
    assert "UDP/80: expected vs observed" in message
    assert "y/b -> x/a: expected to connect, observed blocked" in message
    assert message.count("->") == 2
    header = next(line for line in message.splitlines() if line.startswith("expected"))
    assert "observed" in header


def test_the_side_by_side_rows_mark_blocked_cells_with_x() -> None:
    observed = Grid(TCP80, frozenset())
    text = render_side_by_side(ALLOWED, observed)
    row = next(line for line in text.splitlines() if line.startswith("x/b "))
    left, right = row[: len(row) // 2], row[len(row) // 2 :]
    assert left.split()[1:] == [".", "-", ".", ".", ".", ".", ".", ".", "."]
    assert right.split()[1:] == ["X", "-", "X", "X", "X", "X", "X", "X", "X"]
    assert len(differences(ALLOWED, observed)) == 72
