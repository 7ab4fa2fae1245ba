"""Matrix: who may reach whom on which connections, with the policies that decided it.

Pure data and queries; ``evaluate`` builds it. Endpoints are numbered, and for each
destination a *column* maps each distinct ConnectionSet to the bitmask (a Python int) of the
sources allowed exactly those connections. Columns are shared between destinations that
policies treat alike, which keeps a 10,000-workload matrix small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from netpoldiff.bitsets import iter_bits
from netpoldiff.model import Endpoint, ExternalEndpoint, ObjectRef, WorkloadEndpoint
from netpoldiff.ports import NO_CONNECTIONS, ConnectionSet

Column = Mapping[ConnectionSet, int]
"""Sources of one destination by allowed connections: non-empty sets, disjoint masks."""


def column_sources(column: Column) -> int:
    """Every source a column mentions."""
    domain = 0
    for mask in column.values():
        domain |= mask
    return domain


def column_union(f: Column, g: Column) -> Column:
    """Pointwise union of two source→connections functions."""
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


@dataclass(frozen=True, slots=True)
class Flow:
    """One allowed ordered pair and what it may use."""

    src: Endpoint
    dst: Endpoint
    connections: ConnectionSet


@dataclass(frozen=True, slots=True)
class Matrix:
    """The reachability of one cluster over a numbered list of endpoints.

    ``endpoints`` may hold endpoints absent from this cluster (so two matrices of a diff share
    numbering); ``present`` masks the ones that exist here. ``ingress_by[i]`` and
    ``egress_by[i]`` are the policies that select endpoint i in that direction, whether they
    allow or only isolate: they depend on the endpoint alone, so they survive when a flow closes.
    """

    endpoints: tuple[Endpoint, ...]
    present: int
    columns: tuple[Column, ...]
    ingress_by: tuple[tuple[ObjectRef, ...], ...]
    egress_by: tuple[tuple[ObjectRef, ...], ...]

    def index(self) -> dict[Endpoint, int]:
        """Endpoint number by endpoint."""
        return {endpoint: i for i, endpoint in enumerate(self.endpoints)}

    def present_endpoints(self) -> list[Endpoint]:
        """The endpoints that exist in this cluster, in report order."""
        return [self.endpoints[i] for i in iter_bits(self.present)]

    def workloads(self) -> list[WorkloadEndpoint]:
        """The workloads of this cluster, in report order."""
        return [e for e in self.present_endpoints() if isinstance(e, WorkloadEndpoint)]

    def externals(self) -> list[ExternalEndpoint]:
        """The external address blocks, in report order."""
        return [e for e in self.present_endpoints() if isinstance(e, ExternalEndpoint)]

    def get_by_index(self, src: int, dst: int) -> ConnectionSet:
        """What src may use to reach dst (empty when nothing)."""
        bit = 1 << src
        for connections, sources in self.columns[dst].items():
            if sources & bit:
                return connections
        return NO_CONNECTIONS

    def get(self, src: Endpoint, dst: Endpoint) -> ConnectionSet:
        """What src may use to reach dst (empty when nothing)."""
        index = self.index()
        return self.get_by_index(index[src], index[dst])

    def sources_of(self, dst: int) -> list[tuple[int, ConnectionSet]]:
        """(src, connections) of every source allowed to reach ``dst``, in endpoint order."""
        column = self.columns[dst]
        if len(column) == 1:
            ((connections, sources),) = column.items()
            return [(src, connections) for src in iter_bits(sources)]
        pairs = [(src, c) for c, sources in column.items() for src in iter_bits(sources)]
        pairs.sort(key=lambda pair: pair[0])
        return pairs

    def flow_indices(self) -> Iterator[tuple[int, int, ConnectionSet]]:
        """(src, dst, connections) of every allowed pair, by destination then source."""
        for dst, column in enumerate(self.columns):
            if column:
                for src, connections in self.sources_of(dst):
                    yield src, dst, connections

    def flows(self) -> Iterator[Flow]:
        """Every allowed pair, by destination then source."""
        endpoints = self.endpoints
        for src, dst, connections in self.flow_indices():
            yield Flow(endpoints[src], endpoints[dst], connections)

    def flow_count(self) -> int:
        """Number of allowed pairs."""
        return sum(mask.bit_count() for column in self.columns for mask in column.values())
