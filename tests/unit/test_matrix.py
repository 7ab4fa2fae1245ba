"""Matrix queries: endpoint numbering and lookups by endpoint."""

from __future__ import annotations

import pytest

from netpoldiff.addresses import ALL_ADDRESSES
from netpoldiff.columns import Column
from netpoldiff.intervals import IntervalSet
from netpoldiff.matrix import Matrix
from netpoldiff.model import ExternalEndpoint, WorkloadEndpoint
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet, Protocol

A = WorkloadEndpoint("x", "a", "Pod")
B = WorkloadEndpoint("x", "b", "Pod")
WORLD = ExternalEndpoint(ALL_ADDRESSES)


def _matrix() -> Matrix:
    # a may reach b; nothing else.
    columns: tuple[Column, ...] = ({}, {ALL_CONNECTIONS: 0b001}, {})
    return Matrix((A, B, WORLD), 0b111, columns, ((),) * 3, ((),) * 3)


def test_the_endpoint_numbering_is_built_once_and_read_only() -> None:
    matrix = _matrix()
    assert matrix.index() is matrix.index()
    assert dict(matrix.index()) == {A: 0, B: 1, WORLD: 2}
    with pytest.raises(TypeError):
        matrix.index()[A] = 5  # type: ignore[index]


def test_get_by_endpoint_agrees_with_get_by_index() -> None:
    matrix = _matrix()
    assert matrix.get(A, B) == matrix.get_by_index(0, 1) == ALL_CONNECTIONS
    assert matrix.get(B, A) == NO_CONNECTIONS
    assert matrix == _matrix()  # the numbering takes no part in equality


def test_a_moved_endpoint_takes_its_row_column_and_presence_to_its_new_number() -> None:
    # a moves to the (absent) number of b: a -> b becomes b -> a's old column, now b's.
    columns: tuple[Column, ...] = ({ALL_CONNECTIONS: 0b100}, {}, {ALL_CONNECTIONS: 0b001})
    matrix = Matrix((A, B, WORLD), 0b101, columns, ((),) * 3, ((),) * 3)
    moved = matrix.moved({0: 1})
    assert moved.present == 0b110
    assert moved.columns == ({}, {ALL_CONNECTIONS: 0b100}, {ALL_CONNECTIONS: 0b010})
    assert matrix.moved({}) is matrix


def test_a_moved_endpoint_present_beside_its_new_one_joins_its_flows() -> None:
    # a and b both present; a moves onto b: b keeps the union of what each reached and was
    # reached by, and appears once in each column.
    columns: tuple[Column, ...] = (
        {ALL_CONNECTIONS: 0b100},
        {NO_CONNECTIONS | tcp_80(): 0b100},
        {tcp_80(): 0b010, ALL_CONNECTIONS: 0b001},
    )
    matrix = Matrix((A, B, WORLD), 0b111, columns, ((),) * 3, ((),) * 3)
    moved = matrix.moved({0: 1})
    assert moved.present == 0b110
    assert moved.columns == ({}, {ALL_CONNECTIONS: 0b100}, {ALL_CONNECTIONS: 0b010})


def tcp_80() -> ConnectionSet:
    return ConnectionSet.of(Protocol.TCP, IntervalSet.of((80, 80)))
