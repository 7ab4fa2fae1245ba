"""Columns: for one destination, which sources may reach it on which connections.

A column maps each distinct ConnectionSet to the bitmask (a Python int) of the sources allowed
exactly those connections. Its operations are pointwise over sources, so a column is a
function from sources to connection sets, written compactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView

from netpoldiff.ports import ConnectionSet

Column = Mapping[ConnectionSet, int]
"""Sources of one destination by allowed connections: non-empty sets, disjoint masks."""


class LazyColumn(Mapping[ConnectionSet, int]):
    """A column worked out the first time it is read, then kept.

    A diff compares columns by identity first: a column both sides share is never worked
    out at all, unless something reads it.
    """

    __slots__ = ("_compute", "_value")

    def __init__(self, compute: Callable[[], Column]) -> None:
        self._compute: Callable[[], Column] | None = compute
        self._value: Column = {}

    def _column(self) -> Column:
        if self._compute is not None:
            self._value, self._compute = self._compute(), None
        return self._value

    def __getitem__(self, connections: ConnectionSet) -> int:
        return self._column()[connections]

    def __iter__(self) -> Iterator[ConnectionSet]:
        return iter(self._column())

    def __len__(self) -> int:
        return len(self._column())

    def __eq__(self, other: object) -> bool:
        return self._column() == (other._column() if isinstance(other, LazyColumn) else other)

    __hash__ = None  # type: ignore[assignment] # a mapping, as a dict is

    def items(self) -> ItemsView[ConnectionSet, int]:
        """The column's (connections, sources) pairs."""
        return self._column().items()

    def keys(self) -> KeysView[ConnectionSet]:
        """The column's connection sets."""
        return self._column().keys()

    def values(self) -> ValuesView[int]:
        """The column's source masks."""
        return self._column().values()

    def __repr__(self) -> str:
        return repr(self._column())


def column_sources(column: Column) -> int:
    """Every source a column mentions."""
    domain = 0
    for mask in column.values():
        domain |= mask
    return domain


def column_union(f: Column, g: Column) -> Column:
    """Pointwise union of two source→connections functions."""
    if f is g:
        return f
    if not f:
        return g
    if not g:
        return f
    f_all, g_all = column_sources(f), column_sources(g)
    result: dict[ConnectionSet, int] = defaultdict(int)
    for c1, m1 in f.items():
        only = m1 & ~g_all
        if only:
            result[c1] |= only
        for c2, m2 in g.items():
            both = m1 & m2
            if both:
                result[c1 | c2] |= both
    for c2, m2 in g.items():
        only = m2 & ~f_all
        if only:
            result[c2] |= only
    return dict(result)


def column_intersection(f: Column, g: Column) -> Column:
    """Pointwise intersection of two source→connections functions."""
    if f is g:
        return f
    result: dict[ConnectionSet, int] = defaultdict(int)
    for c1, m1 in f.items():
        for c2, m2 in g.items():
            both = m1 & m2
            if both:
                connections = c1 & c2
                if connections:
                    result[connections] |= both
    return dict(result)


def column_without(column: Column, bit: int) -> Column:
    """The column with one source removed."""
    result = {}
    for connections, sources in column.items():
        rest = sources & ~bit
        if rest:
            result[connections] = rest
    return result


def column_difference(f: Column, g: Column) -> Column:
    """Pointwise ``f - g``: for each source, what f allows and g does not."""
    if f is g:
        return {}
    if not g:
        return f
    result: dict[ConnectionSet, int] = defaultdict(int)
    g_all = column_sources(g)
    for c1, m1 in f.items():
        only = m1 & ~g_all
        if only:
            result[c1] |= only
        for c2, m2 in g.items():
            both = m1 & m2
            if both:
                rest = c1 - c2
                if rest:
                    result[rest] |= both
    return dict(result)
