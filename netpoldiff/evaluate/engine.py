"""The evaluation of clusters over one universe, sharing what their inputs share.

Clusters evaluated one after another (the two sides of a diff, the states of a migration plan)
usually differ in a few objects. The engine keeps what it computed, keyed by what it was
computed from, never by which cluster asked: a selection per set of workloads and namespaces,
a compiled policy per policy and selection, a column per everything that decides it. A state
can use what another computed; none can change it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from netpoldiff.admin_policies import AdminPolicy, AdminTier
from netpoldiff.cluster import Cluster
from netpoldiff.columns import Column, column_intersection, column_without
from netpoldiff.compiled import CompiledAdminPolicy, CompiledPolicy, PortMap
from netpoldiff.evaluate.admin_tiers import AdminEgress, AdminIngress
from netpoldiff.evaluate.compile import Compiler
from netpoldiff.evaluate.selection import Selection
from netpoldiff.evaluate.tiers import (
    DefaultAllow,
    GroupCache,
    NetworkPolicyEgress,
    NetworkPolicyIngress,
    Tier,
    decide,
)
from netpoldiff.evaluate.universe import Universe
from netpoldiff.matrix import Matrix
from netpoldiff.model import Namespace, ObjectRef, Workload
from netpoldiff.policies import NetworkPolicy
from netpoldiff.ports import ALL_CONNECTIONS

ColumnKey = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class _Subjects:
    """A cluster's workloads and namespaces: what every selection is answered from."""

    workloads: frozenset[Workload]  # sets: the order a source lists them in decides nothing
    namespaces: frozenset[Namespace]


@dataclass(slots=True)
class _State:
    """One cluster's selection, and what its workloads and namespaces hold."""

    selection: Selection
    workload_at: dict[int, Workload]
    port_maps: dict[int, PortMap]


class Engine:
    """Evaluates clusters over one universe, reusing work wherever the inputs are the same."""

    def __init__(self, universe: Universe) -> None:
        self.universe = universe
        self._compiler = Compiler(universe)
        self._states: dict[_Subjects, _State] = {}
        self._compiled: dict[tuple[ObjectRef, int], list[tuple[NetworkPolicy, CompiledPolicy]]] = {}
        self._admin: dict[tuple[AdminPolicy, int], CompiledAdminPolicy] = {}
        self._groups: GroupCache = {}
        self._columns: dict[tuple[int, ...], dict[ColumnKey, Column]] = {}

    def _state(self, cluster: Cluster) -> _State:
        subjects = _Subjects(frozenset(cluster.workloads), frozenset(cluster.namespaces))
        state = self._states.get(subjects)
        if state is None:
            number = self.universe.number
            workload_at = {number[w.endpoint]: w for w in cluster.workloads}
            state = self._states[subjects] = _State(
                Selection(cluster, number),
                workload_at,
                {i: w.named_ports() for i, w in workload_at.items()},
            )
        return state

    def _compile(self, policy: NetworkPolicy, state: _State) -> CompiledPolicy:
        # Found by name, then compared: a policy's equality stops at its first difference,
        # where hashing it would read all of it.
        versions = self._compiled.setdefault((policy.ref, id(state.selection)), [])
        for known, compiled in versions:
            if known == policy:
                return compiled
        compiled = self._compiler.policy(policy, state.selection)
        versions.append((policy, compiled))
        return compiled

    def _compile_admin(self, policy: AdminPolicy, state: _State) -> CompiledAdminPolicy:
        key = (policy, id(state.selection))
        compiled = self._admin.get(key)
        if compiled is None:
            compiled = self._admin[key] = self._compiler.admin_policy(policy, state.selection)
        return compiled

    def evaluate(self, cluster: Cluster) -> Matrix:
        """The reachability matrix of ``cluster`` over the engine's universe."""
        state = self._state(cluster)
        size = len(self.universe)
        policies = [self._compile(p, state) for p in sorted(cluster.policies, key=lambda p: p.ref)]
        admin = sorted(
            (self._compile_admin(p, state) for p in cluster.admin_policies), key=lambda p: p.order
        )
        ingress = NetworkPolicyIngress.of(policies, size)
        egress = NetworkPolicyEgress.of(policies, size, self._groups)
        # Per direction: the admin tier, NetworkPolicy, the baseline tier, then the default.
        above = [p for p in admin if p.tier is AdminTier.ADMIN]
        below = [p for p in admin if p.tier is AdminTier.BASELINE]
        ingress_tiers: list[Tier] = [ingress, DefaultAllow()]
        egress_tiers: list[Tier] = [egress, DefaultAllow()]
        if above:
            ingress_tiers.insert(0, AdminIngress.of(above, size))
            egress_tiers.insert(0, AdminEgress.of(above, size))
        if below:
            ingress_tiers.insert(-1, AdminIngress.of(below, size))
            egress_tiers.insert(-1, AdminEgress.of(below, size))
        present = state.selection.all_workloads | self.universe.all_externals
        # Everything a column depends on besides its key: equal, and columns carry over.
        tiers = (bool(above), bool(below))
        context = (present, egress.isolated, state.selection.all_workloads, *tiers)
        cache = self._columns.setdefault(context, {})
        run = _Run(
            state,
            present,
            self.universe.all_externals,
            cache,
            ingress_tiers,
            egress_tiers,
        )
        columns = tuple(run.column(dst) for dst in range(size))
        return Matrix(
            endpoints=self.universe.endpoints,
            present=present,
            columns=columns,
            ingress_by=tuple(ingress.keys),
            egress_by=tuple(egress.selected_by),
            policies=tuple(policies),
            admin_policies=tuple(admin),
        )


@dataclass(slots=True)
class _Run:
    """One cluster's columns, destination by destination."""

    state: _State
    present: int
    externals: int
    cache: dict[ColumnKey, Column]
    ingress: Sequence[Tier]
    egress: Sequence[Tier]
    keyed: list[Tier] = field(init=False)  # the tiers whose verdict varies: the column keys

    def __post_init__(self) -> None:
        self.keyed = [tier for tier in (*self.ingress, *self.egress) if tier.keys]

    def column(self, dst: int) -> Column:
        workload = self.state.workload_at.get(dst)
        if workload is None and not (self.externals >> dst) & 1:
            return {}  # a workload of another cluster of the universe
        port_map = self.state.port_maps[dst] if workload is not None else None
        keyed = self.keyed
        uses_names = any(tier.names[dst] for tier in keyed)
        # Destinations that the same policies, rules and port names decide share a column.
        key: ColumnKey = (
            workload is None,
            port_map if uses_names else None,
            *[tier.keys[dst] for tier in keyed],
        )
        column = self.cache.get(key)
        if column is None:
            column = self.cache[key] = self._decide(dst, port_map, external=workload is None)
        if workload is not None and workload.is_bare_pod:
            column = column_without(column, 1 << dst)
        return column

    def _decide(self, dst: int, port_map: PortMap | None, *, external: bool) -> Column:
        # An external destination is not a pod: no policy governs its ingress, and traffic
        # between two externals is not in the matrix.
        workloads = self.state.selection.all_workloads
        sources = workloads if external else self.present
        admitted = decide(self.ingress, dst, port_map, {ALL_CONNECTIONS: sources})
        leaving = decide(self.egress, dst, port_map, {ALL_CONNECTIONS: self.present})
        # Allowed iff the source's egress AND the destination's ingress allow it.
        return column_intersection(leaving, admitted)
