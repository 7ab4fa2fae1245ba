"""The evaluation of clusters over one universe, sharing what their inputs share.

Clusters evaluated one after another (the two sides of a diff, the states of a migration plan)
usually differ in a few objects. The engine keeps what it computed, keyed by what it was
computed from, never by which cluster asked: a selection per set of workloads and namespaces,
a compiled policy per policy and selection, a column per everything that decides it. A state
can use what another computed; none can change it.

Each evaluation starts from the one before: a selection is updated where workloads changed,
a policy is recompiled only if it read an answer that changed, the tiers are redone only
where the policies that differ select or grant, and only those destinations' columns are
looked up again. Every shortcut gives what a fresh engine would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import MappingProxyType

from netpoldiff.admin_policies import AdminPolicy, AdminTier
from netpoldiff.bitsets import iter_bits
from netpoldiff.cluster import Cluster
from netpoldiff.columns import Column
from netpoldiff.compiled import CompiledAdminPolicy, CompiledPolicy
from netpoldiff.evaluate.admin_tiers import AdminEgress, AdminIngress
from netpoldiff.evaluate.answers import Query
from netpoldiff.evaluate.cluster_columns import ClusterColumns, ColumnKey
from netpoldiff.evaluate.compile import Compiler, admin_queries, policy_queries
from netpoldiff.evaluate.selection import Selection
from netpoldiff.evaluate.states import State, Subjects
from netpoldiff.evaluate.tier_updates import updated_egress, updated_ingress
from netpoldiff.evaluate.tiers import (
    DefaultAllow,
    GroupCache,
    NetworkPolicyEgress,
    NetworkPolicyIngress,
    Tier,
)
from netpoldiff.evaluate.universe import Universe
from netpoldiff.matrix import Matrix
from netpoldiff.model import ObjectRef
from netpoldiff.policies import NetworkPolicy

# Past this share of the policies changed, the tiers are built afresh rather than updated.
_UPDATE_AT_MOST = 4  # 1 / 4
_UPDATE_ALWAYS = 16  # this many changed policies or fewer


@dataclass(slots=True)
class _Compiled:
    """The policies compiled over one selection: by object, and by name."""

    by_object: dict[int, tuple[NetworkPolicy, CompiledPolicy]] = field(default_factory=dict)
    by_ref: dict[ObjectRef, list[tuple[NetworkPolicy, CompiledPolicy]]] = field(
        default_factory=dict
    )

    def find(self, policy: NetworkPolicy) -> CompiledPolicy | None:
        """The compiled version of ``policy``, or of a policy equal to it."""
        known = self.by_object.get(id(policy))
        if known is not None:
            return known[1]
        # Found by name, then compared: a policy's equality stops at its first difference,
        # where hashing it would read all of it.
        for version, compiled in self.by_ref.get(policy.ref, ()):
            if version == policy:
                return compiled
        return None

    def keep(
        self, policy: NetworkPolicy, compiled: CompiledPolicy, *, by_name: bool = True
    ) -> None:
        """Keep ``compiled`` as ``policy``'s (the object too: its id stays its own).

        ``by_name`` False: found by name over a base selection, where it still is.
        """
        self.by_object[id(policy)] = (policy, compiled)
        if by_name:
            versions = self.by_ref.setdefault(policy.ref, [])
            if not any(known is compiled for _, known in versions):
                versions.append((policy, compiled))


@dataclass(frozen=True, slots=True)
class _AdminTiers:
    """The admin tiers of one list of admin policies: above and below NetworkPolicy."""

    policies: list[CompiledAdminPolicy]
    above: tuple[AdminIngress, AdminEgress] | None
    below: tuple[AdminIngress, AdminEgress] | None

    @classmethod
    def of(cls, admin: list[CompiledAdminPolicy], size: int) -> _AdminTiers:
        above = [p for p in admin if p.tier is AdminTier.ADMIN]
        below = [p for p in admin if p.tier is AdminTier.BASELINE]
        return cls(
            admin,
            (AdminIngress.of(above, size), AdminEgress.of(above, size)) if above else None,
            (AdminIngress.of(below, size), AdminEgress.of(below, size)) if below else None,
        )


@dataclass(frozen=True, slots=True)
class _Evaluated:
    """What one evaluation computed: where the next one starts from."""

    state: State
    policies: list[CompiledPolicy]
    ingress: NetworkPolicyIngress
    egress: NetworkPolicyEgress
    admin: _AdminTiers
    context: tuple[object, ...]
    columns: list[Column]


class Engine:
    """Evaluates clusters over one universe, reusing work wherever the inputs are the same."""

    def __init__(self, universe: Universe) -> None:
        self.universe = universe
        self._compiler = Compiler(universe)
        self._states: dict[Subjects, State] = {}
        self._derived: list[State] = []
        self._compiled: dict[int, _Compiled] = {}  # by selection (each kept by its state)
        self._admin: dict[tuple[AdminPolicy, int], CompiledAdminPolicy] = {}
        # Who read what, by query (grouped by kind and subject only when a state is derived:
        # noting every policy's reads is on the path of every evaluation, deriving is not).
        self._readers: dict[Query, set[ObjectRef]] = {}
        self._groups: GroupCache = {}
        self._columns: dict[tuple[object, ...], dict[ColumnKey, Column]] = {}
        self._last: _Evaluated | None = None

    def _state(self, cluster: Cluster) -> State:
        subjects = Subjects.of(cluster)
        state = self._states.get(subjects)
        if state is not None:
            return state
        number = self.universe.number
        if self._last is not None:
            state = self._last.state.derived(cluster, subjects, number)
        if state is None:
            state = State.of(cluster, subjects, number)
        elif state.changed is not None:
            changed = state.changed
            by_subject: dict[tuple[str, object], list[Query]] = defaultdict(list)
            for query in self._readers:
                by_subject[query[:2]].append(query)
            for (kind, subject), queries in by_subject.items():
                if changed.may_change(kind, subject):
                    for query in queries:
                        if changed.touches(query):
                            state.affected.update(self._readers[query])
            self._derived.append(state)
        self._states[subjects] = state
        return state

    def _read(self, ref: ObjectRef, queries: Iterable[Query]) -> None:
        """Note that compiling ``ref`` read ``queries``: derived states learn who they affect."""
        read = set(queries)
        readers = self._readers
        for query in read:
            known = readers.get(query)
            if known is None:
                readers[query] = {ref}
            else:
                known.add(ref)
        for state in self._derived:
            if state.changed is not None and any(state.changed.touches(q) for q in read):
                state.affected.add(ref)

    @staticmethod
    def _lineage(ref: ObjectRef, state: State) -> Iterator[Selection]:
        """The selections over which ``ref`` compiles as over ``state``'s.

        Its own, then its bases' as long as no answer the object reads changed between them.
        """
        yield state.selection
        while state.base is not None and ref not in state.affected:
            state = state.base
            yield state.selection

    def _compile_all(self, policies: Iterable[NetworkPolicy], state: State) -> list[CompiledPolicy]:
        """Each policy compiled over ``state``'s selection, or over a base's when the same."""
        here = self._compiled.setdefault(id(state.selection), _Compiled())
        base = None
        if state.base is not None:
            base = self._compiled.get(id(state.base.selection))
        affected = state.affected
        result = []
        for policy in policies:
            known = here.by_object.get(id(policy))
            if known is not None:
                result.append(known[1])
                continue
            # The common case, spelt out: compiled over the base, and nothing it read changed.
            compiled = None
            if base is not None and policy.ref not in affected:
                compiled = base.find(policy)
            if compiled is None:
                compiled = self._compile(policy, state, here)
            else:
                here.keep(policy, compiled, by_name=False)
            result.append(compiled)
        return result

    def _compile(self, policy: NetworkPolicy, state: State, here: _Compiled) -> CompiledPolicy:
        """``policy`` compiled over ``state``'s selection, whose compiled policies are ``here``."""
        for selection in self._lineage(policy.ref, state):
            book = self._compiled.get(id(selection))
            compiled = None if book is None else book.find(policy)
            if compiled is not None:
                here.keep(policy, compiled, by_name=selection is state.selection)
                return compiled
        compiled = self._compiler.policy(policy, state.selection)
        self._read(policy.ref, policy_queries(policy))
        here.keep(policy, compiled)
        return compiled

    def _compile_admin(self, policy: AdminPolicy, state: State) -> CompiledAdminPolicy:
        for selection in self._lineage(policy.ref, state):
            compiled = self._admin.get((policy, id(selection)))
            if compiled is not None:
                break
        else:
            compiled = self._compiler.admin_policy(policy, state.selection)
            self._read(policy.ref, admin_queries(policy))
        self._admin[policy, id(state.selection)] = compiled
        return compiled

    def _policy_tiers(
        self, policies: list[CompiledPolicy]
    ) -> tuple[NetworkPolicyIngress, NetworkPolicyEgress, int | None]:
        """The NetworkPolicy tiers, and the destinations whose keys changed since last.

        None: built afresh, every destination's key may differ from the last evaluation's.
        """
        last, size = self._last, len(self.universe)
        if last is not None:
            before, now = set(last.policies), set(policies)  # by identity
            removed = [p for p in last.policies if p not in now]
            added = [p for p in policies if p not in before]
            changes = len(removed) + len(added)
            # A policy listed twice (manifests cannot) is left to a fresh build.
            twice = len(before) < len(last.policies) or len(now) < len(policies)
            if not twice and changes <= max(_UPDATE_ALWAYS, len(policies) // _UPDATE_AT_MOST):
                ingress, changed_in = updated_ingress(last.ingress, removed, added)
                egress, changed_out = updated_egress(last.egress, removed, added, self._groups)
                return ingress, egress, changed_in | changed_out
        ingress = NetworkPolicyIngress.of(policies, size)
        egress = NetworkPolicyEgress.of(policies, size, self._groups)
        return ingress, egress, None

    def _admin_tiers(self, admin: list[CompiledAdminPolicy]) -> _AdminTiers:
        """The admin tiers: the last evaluation's when its admin policies are these."""
        last = self._last
        if last is not None and last.admin.policies == admin:  # compiled: by identity
            return last.admin
        return _AdminTiers.of(admin, len(self.universe))

    def evaluate(self, cluster: Cluster) -> Matrix:
        """The reachability matrix of ``cluster`` over the engine's universe."""
        state = self._state(cluster)
        size = len(self.universe)
        policies = self._compile_all(
            sorted(cluster.policies, key=lambda p: p.ref.sort_key()), state
        )
        admin = sorted(
            (self._compile_admin(p, state) for p in cluster.admin_policies), key=lambda p: p.order
        )
        ingress, egress, changed = self._policy_tiers(policies)
        tiers = self._admin_tiers(admin)
        last = self._last
        if last is None or tiers is not last.admin:
            changed = None
        # Per direction: the admin tier, NetworkPolicy, the baseline tier, then the default.
        ingress_tiers: list[Tier] = [ingress, DefaultAllow()]
        egress_tiers: list[Tier] = [egress, DefaultAllow()]
        if tiers.above is not None:
            ingress_tiers.insert(0, tiers.above[0])
            egress_tiers.insert(0, tiers.above[1])
        if tiers.below is not None:
            ingress_tiers.insert(-1, tiers.below[0])
            egress_tiers.insert(-1, tiers.below[1])
        present = self._compiler.present(state.selection)
        # Everything a column depends on besides its key: equal, and columns carry over.
        context = (
            present,
            egress.isolated,
            state.selection.all_workloads,
            tiers.above is not None,
            tiers.below is not None,
        )
        cache = self._columns.setdefault(context, {})
        run = ClusterColumns(
            state, present, self.universe.all_externals, cache, ingress_tiers, egress_tiers
        )
        redo = self._redo(state, context, changed)
        if last is None or redo is None:
            columns = [run.column(dst) for dst in range(size)]
        else:
            columns = list(last.columns)
            for dst in iter_bits(redo):
                columns[dst] = run.column(dst)
        self._last = _Evaluated(state, policies, ingress, egress, tiers, context, columns)
        return Matrix(
            endpoints=self.universe.endpoints,
            present=present,
            columns=tuple(columns),
            ingress_by=tuple(ingress.keys),
            egress_by=tuple(egress.selected_by),
            policies=tuple(policies),
            admin_policies=tuple(admin),
            numbered=MappingProxyType(self.universe.number),
            workload_at=MappingProxyType(state.workload_at),
            port_maps=MappingProxyType(state.port_maps),
        )

    def _redo(self, state: State, context: tuple[object, ...], changed: int | None) -> int | None:
        """The destinations whose columns may differ from the last evaluation's (None: all)."""
        last = self._last
        if last is None or changed is None or context != last.context:
            return None
        if state is last.state:
            return changed
        if state.base is last.state:
            return changed | state.touched
        if last.state.base is state:
            return changed | last.state.touched
        return None
