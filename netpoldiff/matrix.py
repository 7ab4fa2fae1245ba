"""Matrix: who may reach whom on which connections, with the policies that decided it.

Pure data and queries; ``evaluate`` builds it. Endpoints are numbered, and each destination
has a column (columns.py) of the sources that may reach it. Columns are shared between
destinations that policies treat alike, which keeps a 10,000-workload matrix small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from types import MappingProxyType

from netpoldiff.bitsets import iter_bits, mask_of
from netpoldiff.columns import Column, column_union
from netpoldiff.compiled import CompiledAdminPolicy, CompiledPolicy, PortMap
from netpoldiff.model import Endpoint, ExternalEndpoint, ObjectRef, Workload, WorkloadEndpoint
from netpoldiff.ports import NO_CONNECTIONS, ConnectionSet


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
    ``egress_by[i]`` are the decisions about endpoint i: the compiled policies that select it
    in that direction, whether they allow or only isolate, with their rules. They depend on the
    endpoint alone, so they survive when a flow closes. ``policies`` are all of them, by
    reference, including those that select nothing.
    """

    endpoints: tuple[Endpoint, ...]
    present: int
    columns: tuple[Column, ...]
    # Compiled policies are compared by identity; two matrices are equal when they allow the
    # same flows (compare the decisions by ``ingress_refs``/``egress_refs``).
    ingress_by: tuple[tuple[CompiledPolicy, ...], ...] = field(compare=False)
    egress_by: tuple[tuple[CompiledPolicy, ...], ...] = field(compare=False)
    # Every policy of the cluster, compiled, by reference: also those that select nothing.
    policies: tuple[CompiledPolicy, ...] = field(default=(), compare=False)
    # Every admin policy, compiled, in the order its tier asks them.
    admin_policies: tuple[CompiledAdminPolicy, ...] = field(default=(), compare=False)
    # The cluster's workloads and their named ports by position, when the evaluation has them
    # at hand (the engine does): checks read them instead of numbering every workload again.
    # A workload here equals the cluster's but may be another's copy: its origin may differ.
    workload_at: Mapping[int, Workload] | None = field(default=None, compare=False, repr=False)
    port_maps: Mapping[int, PortMap] | None = field(default=None, compare=False, repr=False)
    _positions: Mapping[Endpoint, int] = field(init=False, compare=False, repr=False)
    # The number of each endpoint, when the caller has it already (the universe's).
    numbered: InitVar[Mapping[Endpoint, int] | None] = None

    def __post_init__(self, numbered: Mapping[Endpoint, int] | None) -> None:
        if numbered is None:
            numbered = MappingProxyType({endpoint: i for i, endpoint in enumerate(self.endpoints)})
        object.__setattr__(self, "_positions", numbered)

    def ingress_refs(self, index: int) -> tuple[ObjectRef, ...]:
        """The objects that select endpoint ``index`` for ingress."""
        return tuple(policy.ref for policy in self.ingress_by[index])

    def egress_refs(self, index: int) -> tuple[ObjectRef, ...]:
        """The objects that select endpoint ``index`` for egress."""
        return tuple(policy.ref for policy in self.egress_by[index])

    def index(self) -> Mapping[Endpoint, int]:
        """Endpoint number by endpoint (built once, read-only)."""
        return self._positions

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
        return self.get_by_index(self._positions[src], self._positions[dst])

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

    def moved(self, moves: Mapping[int, int]) -> Matrix:
        """This matrix with each endpoint ``old`` of ``moves`` renumbered as its ``new``.

        For reading a moved workload's flows under its new name. Where both are present (a
        state of a rollout that runs both copies), the two are one: their flows are joined.
        """
        if not moves:
            return self

        def renumbered(mask: int) -> int:
            for old, new in moves.items():
                if (mask >> old) & 1:
                    mask = (mask & ~(1 << old)) | (1 << new)
            return mask

        columns: list[Column] = [_renumbered(column, moves) for column in self.columns]
        ingress_by, egress_by = list(self.ingress_by), list(self.egress_by)
        for old, new in moves.items():
            columns[new], columns[old] = column_union(columns[new], columns[old]), {}
            ingress_by[new], ingress_by[old] = ingress_by[new] + ingress_by[old], ()
            egress_by[new], egress_by[old] = egress_by[new] + egress_by[old], ()
        return Matrix(
            self.endpoints,
            renumbered(self.present),
            tuple(columns),
            tuple(ingress_by),
            tuple(egress_by),
            self.policies,
            self.admin_policies,
        )

    def flow_count(self) -> int:
        """Number of allowed pairs."""
        return sum(mask.bit_count() for column in self.columns for mask in column.values())


def workload_masks(
    endpoints: Sequence[Endpoint], positions: Iterable[int]
) -> tuple[int, dict[str, int]]:
    """The workloads among ``positions`` of ``endpoints``, and them by namespace, as masks.

    Each mask is built once from its positions: OR-ing bits in one at a time copies the growing
    int every time, quadratic over a large cluster.
    """
    in_namespace: dict[str, list[int]] = defaultdict(list)
    for position in positions:
        endpoint = endpoints[position]
        if isinstance(endpoint, WorkloadEndpoint):
            in_namespace[endpoint.namespace].append(position)
    workloads = mask_of(p for members in in_namespace.values() for p in members)
    return workloads, {name: mask_of(members) for name, members in in_namespace.items()}


def _renumbered(column: Column, moves: Mapping[int, int]) -> Column:
    """A column with each source ``old`` known as ``new``; one that is both gets both's."""
    result: dict[ConnectionSet, int] = {}
    gained: dict[int, ConnectionSet] = {}
    for connections, sources in column.items():
        kept = sources
        for old, new in moves.items():
            if (kept >> old) & 1:
                kept &= ~(1 << old)
                gained[new] = gained.get(new, NO_CONNECTIONS) | connections
        if kept:
            result[connections] = result.get(connections, 0) | kept
    for new, extra in gained.items():
        bit, joined = 1 << new, extra
        for held, sources in list(result.items()):
            if sources & bit:
                joined = joined | held
                if sources == bit:
                    del result[held]
                else:
                    result[held] = sources & ~bit
        result[joined] = result.get(joined, 0) | bit
    return result
