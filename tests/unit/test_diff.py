"""Diffing two matrices: per pair, what the new side opens and closes."""

from __future__ import annotations

from typing import Final

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.addresses import ALL_ADDRESSES
from netpoldiff.columns import Column
from netpoldiff.diff import PairChange, diff_matrices
from netpoldiff.matrix import Matrix
from netpoldiff.model import Endpoint, ExternalEndpoint
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS
from tests.testing.builders import endpoint, tcp, udp
from tests.unit.test_columns import POOL, column_of

A, B, C = endpoint("x/a"), endpoint("x/b"), endpoint("y/c")
WORLD = ExternalEndpoint(ALL_ADDRESSES)
ENDPOINTS: Final[tuple[Endpoint, ...]] = (A, B, C, WORLD)
SIZE: Final = len(ENDPOINTS)


def matrix(columns: tuple[Column, ...], present: int = 0b1111) -> Matrix:
    none: tuple[tuple[()], ...] = ((),) * SIZE
    return Matrix(ENDPOINTS, present, columns, none, none)


column_functions = st.dictionaries(st.integers(0, SIZE - 1), st.sampled_from(POOL))
matrices = st.builds(
    matrix,
    st.tuples(*[column_functions.map(column_of)] * SIZE),
    st.integers(0, 2**SIZE - 1),
)


@given(matrices, matrices)
def test_opened_and_closed_are_the_per_pair_set_differences(old: Matrix, new: Matrix) -> None:
    diff = diff_matrices(old, new)
    expected = []
    for dst in range(SIZE):
        for src in range(SIZE):
            before, after = old.get_by_index(src, dst), new.get_by_index(src, dst)
            if before != after:
                expected.append(PairChange(src, dst, after - before, before - after))
    assert list(diff.changes()) == expected  # by destination, then source
    assert diff.opened_count() == sum(1 for change in expected if change.opened)
    assert diff.closed_count() == sum(1 for change in expected if change.closed)
    assert diff.is_empty() == (not expected)


@given(matrices, matrices)
def test_swapping_the_sides_swaps_opened_and_closed(old: Matrix, new: Matrix) -> None:
    forth, back = diff_matrices(old, new), diff_matrices(new, old)
    assert (forth.opened, forth.closed) == (back.closed, back.opened)
    assert forth.added_endpoints() == back.removed_endpoints()


@given(matrices)
def test_a_matrix_diffed_with_itself_changes_nothing(same: Matrix) -> None:
    diff = diff_matrices(same, same)
    assert diff.is_empty()
    assert list(diff.changes()) == []
    assert (diff.opened_count(), diff.closed_count()) == (0, 0)


def test_a_port_moved_is_opened_and_closed_on_one_pair() -> None:
    old = matrix(({}, {tcp(80): 0b001}, {}, {}))
    new = matrix(({}, {tcp(443) | udp(53): 0b001}, {}, {}))
    assert list(diff_matrices(old, new).changes()) == [
        PairChange(0, 1, tcp(443) | udp(53), tcp(80))
    ]


@pytest.mark.parametrize(
    ("old_present", "new_present", "added", "removed"),
    [
        (0b1111, 0b1111, [], []),
        (0b1011, 0b1111, [C], []),
        (0b1111, 0b1001, [], [B, C]),
        (0b1101, 0b1011, [B], [C]),
    ],
    ids=["same", "one-added", "two-removed", "one-each"],
)
def test_endpoints_only_one_side_has_are_added_or_removed(
    old_present: int, new_present: int, added: list[Endpoint], removed: list[Endpoint]
) -> None:
    empty: tuple[Column, ...] = ({},) * SIZE
    diff = diff_matrices(matrix(empty, old_present), matrix(empty, new_present))
    assert (diff.added_endpoints(), diff.removed_endpoints()) == (added, removed)
    assert diff.endpoints == ENDPOINTS


def test_matrices_numbered_differently_cannot_be_diffed() -> None:
    old = matrix(({},) * SIZE)
    other = Matrix((B, A, C, WORLD), 0b1111, ({},) * SIZE, ((),) * SIZE, ((),) * SIZE)
    with pytest.raises(ValueError, match="same endpoints"):
        diff_matrices(old, other)


def test_everything_closed_is_counted_per_pair() -> None:
    old = matrix(({ALL_CONNECTIONS: 0b0110}, {ALL_CONNECTIONS: 0b1101}, {}, {}))
    new = matrix(({}, {tcp(): 0b0001}, {}, {}))
    diff = diff_matrices(old, new)
    assert (diff.opened_count(), diff.closed_count()) == (0, 5)
    assert [c for c in diff.changes() if c.src == 0] == [
        PairChange(0, 1, NO_CONNECTIONS, ALL_CONNECTIONS - tcp())
    ]


def test_a_moved_endpoint_s_unchanged_flows_are_no_change_in_the_moved_diff() -> None:
    # OLD: 0 <-> 2 on all; NEW: endpoint 0 is now endpoint 1, and reaches 2 on TCP/80 only.
    old = matrix(({ALL_CONNECTIONS: 0b0100}, {}, {ALL_CONNECTIONS: 0b0001}, {}), 0b0101)
    new = matrix(({}, {ALL_CONNECTIONS: 0b0100}, {tcp(80): 0b0010}, {}), 0b0110)
    diff = diff_matrices(old, new)
    assert diff.opened_count() == 2  # pair by pair, as JSON lists them
    moved = diff.moved({0: 1})
    assert list(moved.changes()) == [PairChange(1, 2, NO_CONNECTIONS, ALL_CONNECTIONS - tcp(80))]
    assert diff.moved({}) is diff
