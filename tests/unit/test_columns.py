"""Column algebra: each operation is the pointwise one on functions from sources to connections.

A column is checked against the brute-force model it encodes: a dict from source number to
its (non-empty) connections. Because a column files each source under exactly one set, and
each set once, two columns are equal exactly when they encode the same function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.bitsets import iter_bits
from netpoldiff.columns import (
    Column,
    LazyColumn,
    column_difference,
    column_intersection,
    column_sources,
    column_union,
    column_without,
)
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet
from tests.testing.builders import tcp, udp

SOURCES: Final = 7
POOL: Final = (
    tcp(80),
    tcp(80, 443),
    tcp(443),
    tcp((1, 1024)),
    tcp(),
    udp(53),
    tcp(53) | udp(53),
    ALL_CONNECTIONS,
)
Function = dict[int, ConnectionSet]


def column_of(function: Mapping[int, ConnectionSet]) -> Column:
    """The column encoding a function (sources mapped to nothing are left out)."""
    column: dict[ConnectionSet, int] = {}
    for source, connections in function.items():
        if connections:
            column[connections] = column.get(connections, 0) | 1 << source
    return column


def function_of(column: Column) -> Function:
    """The function a column encodes, checking that it is well formed."""
    function: Function = {}
    for connections, sources in column.items():
        assert connections, "a column files no source under the empty set"
        assert sources > 0, "a column holds no empty mask"
        for source in iter_bits(sources):
            assert source not in function, f"source {source} is filed twice"
            function[source] = connections
    return function


functions = st.dictionaries(st.integers(0, SOURCES - 1), st.sampled_from(POOL), max_size=SOURCES)
columns = functions.map(column_of)


def pointwise(
    op: Callable[[ConnectionSet, ConnectionSet], ConnectionSet], f: Column, g: Column
) -> Function:
    a, b = function_of(f), function_of(g)
    result = {s: op(a.get(s, NO_CONNECTIONS), b.get(s, NO_CONNECTIONS)) for s in a.keys() | b}
    return {s: c for s, c in result.items() if c}


@given(columns, columns)
def test_union_is_pointwise(f: Column, g: Column) -> None:
    union = column_union(f, g)
    assert function_of(union) == pointwise(ConnectionSet.__or__, f, g)
    assert union == column_of(pointwise(ConnectionSet.__or__, f, g))


@given(columns, columns)
def test_intersection_is_pointwise(f: Column, g: Column) -> None:
    assert column_intersection(f, g) == column_of(pointwise(ConnectionSet.__and__, f, g))


@given(columns, columns)
def test_difference_is_pointwise(f: Column, g: Column) -> None:
    assert column_difference(f, g) == column_of(pointwise(ConnectionSet.__sub__, f, g))


@given(columns, st.integers(0, SOURCES))
def test_without_drops_one_source_only(f: Column, source: int) -> None:
    expected = {s: c for s, c in function_of(f).items() if s != source}
    assert column_without(f, 1 << source) == column_of(expected)


@given(columns)
def test_sources_are_every_source_mentioned(f: Column) -> None:
    assert set(iter_bits(column_sources(f))) == set(function_of(f))


@given(columns, columns, columns)
def test_union_and_intersection_distribute(f: Column, g: Column, h: Column) -> None:
    left = column_intersection(f, column_union(g, h))
    right = column_union(column_intersection(f, g), column_intersection(f, h))
    assert left == right


@given(columns, columns)
def test_what_f_allows_is_what_both_allow_plus_what_only_f_allows(f: Column, g: Column) -> None:
    assert column_union(column_intersection(f, g), column_difference(f, g)) == f


@pytest.mark.parametrize(
    ("f", "g", "union"),
    [
        ({}, {tcp(80): 0b01}, {tcp(80): 0b01}),
        ({tcp(80): 0b01}, {tcp(80): 0b10}, {tcp(80): 0b11}),
        ({tcp(80): 0b11}, {udp(53): 0b10}, {tcp(80): 0b01, tcp(80) | udp(53): 0b10}),
        ({tcp(80): 0b01}, {udp(53): 0b10}, {tcp(80): 0b01, udp(53): 0b10}),
    ],
    ids=["empty-is-neutral", "same-set-merges-sources", "shared-source-merges-sets", "apart"],
)
def test_union_by_example(f: Column, g: Column, union: Column) -> None:
    assert column_union(f, g) == union
    assert column_union(g, f) == union


@pytest.mark.parametrize(
    ("f", "g", "difference"),
    [
        ({tcp(80, 443): 0b11}, {}, {tcp(80, 443): 0b11}),
        ({tcp(80, 443): 0b11}, {tcp(443): 0b01}, {tcp(80): 0b01, tcp(80, 443): 0b10}),
        ({tcp(80): 0b01}, {tcp(): 0b01}, {}),
        ({tcp(80): 0b01, udp(53): 0b10}, {tcp(80) | udp(53): 0b11}, {}),
    ],
    ids=["nothing-taken", "some-ports-of-one-source", "all-taken", "two-sets-taken"],
)
def test_difference_by_example(f: Column, g: Column, difference: Column) -> None:
    assert column_difference(f, g) == difference


def test_a_lazy_column_is_worked_out_once_and_only_when_read() -> None:
    calls: list[int] = []

    def work() -> Column:
        calls.append(1)
        return {tcp(80): 0b101}

    lazy = LazyColumn(work)
    assert column_union(lazy, lazy) is lazy  # the same column: nothing to work out
    assert column_difference(lazy, lazy) == {}
    assert not calls
    assert lazy == {tcp(80): 0b101}
    assert (dict(lazy.items()), list(lazy), len(lazy)) == ({tcp(80): 0b101}, [tcp(80)], 1)
    assert calls == [1]


def test_a_shared_lazy_column_is_never_worked_out_by_a_diff() -> None:
    def never() -> Column:
        raise AssertionError

    shared = LazyColumn(never)
    assert column_intersection(shared, shared) is shared
