"""Evaluate a Cluster into a Matrix, compiling each policy and rule once.

Selectors become bitmasks over numbered endpoints (one label index, each distinct selector
answered once). A destination's column is then computed from what decides it: the ingress
policies that select it, the egress rules whose peers include it, and its named ports. Many
destinations share those, and share one computed column.

The two sides of a diff usually differ in a few policies. ``evaluate_pair`` evaluates the
second side with what the first computed: unchanged policies keep their compiled form, and a
destination decided by the same compiled policies and grants gets the very same column, which
the diff then skips by identity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from netpoldiff.addresses import IPSet, Partition, partition_of
from netpoldiff.bitsets import iter_bits, mask_of
from netpoldiff.cluster import Cluster
from netpoldiff.intervals import IntervalSet
from netpoldiff.matrix import (
    Column,
    Matrix,
    column_intersection,
    column_union,
    column_without,
)
from netpoldiff.model import Endpoint, ExternalEndpoint, ObjectRef, Workload, endpoint_sort_key
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, PodPeer, PolicyPort, Rule
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet, Protocol
from netpoldiff.selectors import LabelSelector, Operator

NamedPort = tuple[str, Protocol]
PortMap = tuple[tuple[str, Protocol, int], ...]


def ip_blocks(clusters: Iterable[Cluster]) -> list[IPSet]:
    """The address sets of every ipBlock peer that takes effect in these clusters."""
    return [
        peer.addresses
        for cluster in clusters
        for policy in cluster.policies
        for rule in _effective_rules(policy)
        for peer in rule.peers or ()
        if isinstance(peer, IPBlockPeer)
    ]


def external_partition(clusters: Iterable[Cluster]) -> Partition:
    """External address atoms exact for every ipBlock of these clusters (for a diff: both)."""
    return partition_of(ip_blocks(clusters))


def universe(clusters: Iterable[Cluster], externals: Partition) -> tuple[Endpoint, ...]:
    """Every workload of these clusters plus every external atom, in report order."""
    endpoints: set[Endpoint] = {w.endpoint for c in clusters for w in c.workloads}
    endpoints.update(ExternalEndpoint(atom) for atom in externals.atoms)
    return tuple(sorted(endpoints, key=endpoint_sort_key))


def _effective_rules(policy: NetworkPolicy) -> Iterable[Rule]:
    # "policyTypes ... If this field is not specified, it will default based on the existence
    # of ingress or egress rules" -- defaulting happens on load; here rules of a direction the
    # policy does not list are ignored, as the API server's consumers do.
    if policy.affects_ingress:
        yield from policy.ingress
    if policy.affects_egress:
        yield from policy.egress


@dataclass(frozen=True, slots=True)
class _CompiledPorts:
    """A rule's ports split into what holds for every peer and what depends on port names."""

    numeric: ConnectionSet
    named: tuple[NamedPort, ...]

    def resolve(self, port_map: PortMap | None) -> ConnectionSet:
        """The connections toward one destination, whose named ports are ``port_map``.

        ``port_map`` None is an address outside the cluster: "a named port never matches".
        """
        if not self.named or port_map is None:
            return self.numeric
        result = self.numeric
        for name, protocol in self.named:
            # A named port matches every container port of the destination with that name
            # and protocol; one the destination lacks matches nothing.
            numbers = [
                n for (p_name, p_proto, n) in port_map if (p_name, p_proto) == (name, protocol)
            ]
            if numbers:
                result = result | ConnectionSet.of(
                    protocol, IntervalSet.from_ranges((n, n) for n in numbers)
                )
        return result


def _compile_ports(ports: Sequence[PolicyPort]) -> _CompiledPorts:
    # "ports ... If this field is empty or missing, this rule matches all ports (traffic not
    # restricted by port). If this field is present and contains at least one item, then this
    # rule allows traffic only if the traffic matches at least one port in the list."
    if not ports:
        return _CompiledPorts(ALL_CONNECTIONS, ())
    numeric = NO_CONNECTIONS
    named: list[NamedPort] = []
    for port in ports:
        if port.port is None:
            # "If this field is not provided, this matches all port names and numbers."
            numeric = numeric | ConnectionSet.of(port.protocol)
        elif isinstance(port.port, str):
            named.append((port.port, port.protocol))
        else:
            # "endPort indicates that the range of ports from port to endPort if set,
            # inclusive, should be allowed by the policy."
            end = port.end_port if port.end_port is not None else port.port
            numeric = numeric | ConnectionSet.of(port.protocol, IntervalSet.of((port.port, end)))
    return _CompiledPorts(numeric, tuple(sorted(set(named))))


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    peers: int
    ports: _CompiledPorts


@dataclass(slots=True, eq=False)  # identity: shared by both sides of a diff when unchanged
class _CompiledPolicy:
    """A policy as masks: the workloads it selects, and its rules per direction it affects."""

    id: ObjectRef
    subjects: int
    ingress: tuple[_CompiledRule, ...] | None
    egress: tuple[_CompiledRule, ...] | None


class _Selection:
    """Selectors answered as bitmasks over the numbered workloads of one cluster."""

    def __init__(self, cluster: Cluster, number: dict[Endpoint, int]) -> None:
        by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_key: dict[str, list[int]] = defaultdict(list)
        by_namespace: dict[str, list[int]] = defaultdict(list)
        for workload in cluster.workloads:
            position = number[workload.endpoint]
            by_namespace[workload.namespace].append(position)
            for key, value in workload.labels:
                by_pair[key, value].append(position)
                by_key[key].append(position)
        self.by_pair = {pair: mask_of(members) for pair, members in by_pair.items()}
        self.by_key = {key: mask_of(members) for key, members in by_key.items()}
        self.by_namespace = {name: mask_of(members) for name, members in by_namespace.items()}
        self.all_workloads = mask_of(number[w.endpoint] for w in cluster.workloads)
        self.namespaces = cluster.namespaces
        self._pods: dict[LabelSelector, int] = {}
        self._namespaces: dict[LabelSelector, int] = {}

    def pods(self, selector: LabelSelector) -> int:
        """Workloads (any namespace) whose pod labels match."""
        cached = self._pods.get(selector)
        if cached is not None:
            return cached
        mask = self.all_workloads
        for pair in selector.match_labels:
            mask &= self.by_pair.get(pair, 0)
        for requirement in selector.expressions:
            match requirement.operator:
                case Operator.IN:
                    mask &= self._any_value(requirement.key, requirement.values)
                case Operator.NOT_IN:
                    # NotIn matches pods without the key too.
                    mask &= ~self._any_value(requirement.key, requirement.values)
                case Operator.EXISTS:
                    mask &= self.by_key.get(requirement.key, 0)
                case Operator.DOES_NOT_EXIST:
                    mask &= ~self.by_key.get(requirement.key, 0)
        self._pods[selector] = mask
        return mask

    def _any_value(self, key: str, values: Iterable[str]) -> int:
        mask = 0
        for value in values:
            mask |= self.by_pair.get((key, value), 0)
        return mask

    def in_namespaces(self, selector: LabelSelector) -> int:
        """Workloads of the namespaces whose labels match."""
        cached = self._namespaces.get(selector)
        if cached is not None:
            return cached
        mask = 0
        for namespace in self.namespaces:
            if selector.matches(dict(namespace.labels)):
                mask |= self.by_namespace.get(namespace.name, 0)
        self._namespaces[selector] = mask
        return mask

    def peer(self, peer: PodPeer, policy_namespace: str) -> int:
        """Workloads a selector peer of a policy in ``policy_namespace`` matches."""
        # "If namespaceSelector is also set, then the NetworkPolicyPeer as a whole selects the
        # pods matching podSelector in the Namespaces selected by NamespaceSelector. Otherwise
        # it selects the Pods matching podSelector in the policy's own Namespace."
        if peer.namespace_selector is None:
            namespaces = self.by_namespace.get(policy_namespace, 0)
        else:
            namespaces = self.in_namespaces(peer.namespace_selector)
        # "If podSelector is also set, ... Otherwise it selects all Pods in the Namespaces
        # selected by namespaceSelector."
        if peer.pod_selector is None:
            return namespaces
        return namespaces & self.pods(peer.pod_selector)


@dataclass(slots=True)
class _IngressSide:
    """Per destination workload: the compiled policies that select it for ingress."""

    policies: list[list[_CompiledPolicy]]

    def select(self, policy: _CompiledPolicy) -> None:
        for subject in iter_bits(policy.subjects):
            self.policies[subject].append(policy)

    def key(self, dst: int) -> tuple[_CompiledPolicy, ...]:
        """What decides the ingress of ``dst`` apart from its named ports."""
        return tuple(self.policies[dst])

    def uses_names(self, dst: int) -> bool:
        return any(
            rule.ports.named for policy in self.policies[dst] for rule in policy.ingress or ()
        )

    def column(self, dst: int, port_map: PortMap, everyone: int) -> Column:
        """Sources the destination's ingress admits, by connections."""
        if not self.policies[dst]:
            # "Traffic is allowed to a pod if there are no NetworkPolicies selecting the pod."
            return {ALL_CONNECTIONS: everyone}
        # "... OR if the traffic matches at least one ingress rule across all of the
        # NetworkPolicy objects whose podSelector matches the pod." Rules are additive.
        column: Column = {}
        for policy in self.policies[dst]:
            for rule in policy.ingress or ():
                connections = rule.ports.resolve(port_map)
                if connections and rule.peers:
                    column = column_union(column, {connections: rule.peers})
        return column


Grant = tuple[int, _CompiledPorts]
"""Egress of some sources (a mask) on some ports, toward a rule's peers."""


@dataclass(slots=True, eq=False)  # identity: a group is one peer mask's grants
class _EgressGroup:
    """Egress rules that share one peer mask: numeric grants merged, named ones kept apart."""

    numeric: Column
    named: tuple[Grant, ...]

    @classmethod
    def of(cls, grants: Iterable[Grant]) -> _EgressGroup:
        numeric: Column = {}
        named: list[Grant] = []
        for subjects, ports in grants:
            if ports.named:
                named.append((subjects, ports))
            elif ports.numeric:
                numeric = column_union(numeric, {ports.numeric: subjects})
        return cls(numeric, tuple(named))


@dataclass(slots=True)
class _EgressSide:
    """Per source: the egress policies that select it; per peer mask: the grants toward it."""

    policies: list[list[ObjectRef]]
    isolated: int = 0
    grants: dict[int, list[Grant]] = field(default_factory=dict)
    groups: dict[int, _EgressGroup] = field(default_factory=dict)

    def select(self, policy: _CompiledPolicy) -> None:
        self.isolated |= policy.subjects
        for subject in iter_bits(policy.subjects):
            self.policies[subject].append(policy.id)
        for rule in policy.egress or ():
            if rule.peers:
                self.grants.setdefault(rule.peers, []).append((policy.subjects, rule.ports))

    def group(self, previous: _EgressSide | None) -> None:
        """Merge the grants toward each peer mask, keeping ``previous``'s group if unchanged."""
        for peers, grants in self.grants.items():
            if previous is not None and previous.grants.get(peers) == grants:
                self.groups[peers] = previous.groups[peers]
            else:
                self.groups[peers] = _EgressGroup.of(grants)

    def reached_by(self, size: int) -> list[tuple[_EgressGroup, ...]]:
        """For each destination, the groups whose peers include it."""
        reaching: list[list[_EgressGroup]] = [[] for _ in range(size)]
        for mask, group in self.groups.items():
            for dst in iter_bits(mask):
                reaching[dst].append(group)
        return [tuple(groups) for groups in reaching]

    def column(
        self, groups: tuple[_EgressGroup, ...], port_map: PortMap | None, everyone: int
    ) -> Column:
        """Sources whose egress lets them reach a destination, by connections."""
        # "Outgoing traffic is allowed if there are no NetworkPolicies selecting the pod ...,
        # OR if the traffic matches at least one egress rule across all of the NetworkPolicy
        # objects whose podSelector matches the pod." Externals are never isolated.
        unrestricted = everyone & ~self.isolated
        column: Column = {ALL_CONNECTIONS: unrestricted} if unrestricted else {}
        for group in groups:
            column = column_union(column, group.numeric)
            for subjects, ports in group.named:
                connections = ports.resolve(port_map)
                if connections:
                    column = column_union(column, {connections: subjects})
        return column


ColumnKey = tuple[object, ...]


class _Evaluator:
    def __init__(
        self,
        cluster: Cluster,
        externals: Partition,
        endpoints: tuple[Endpoint, ...],
        previous: _Evaluator | None = None,
    ) -> None:
        self.cluster = cluster
        self.endpoints = endpoints
        self.externals = externals
        # The same workloads and namespaces select the same masks: the previous side's
        # selection and compiled policies hold here too.
        if previous is not None and not _same_subjects(previous, cluster, endpoints, externals):
            previous = None
        self.previous = previous
        if previous is not None:
            self.selection: _Selection = previous.selection
            self.workload_at: dict[int, Workload] = previous.workload_at
            self.port_maps: dict[int, PortMap] = previous.port_maps
            self.external_position: list[int] = previous.external_position
        else:
            number = {endpoint: i for i, endpoint in enumerate(endpoints)}
            self.selection = _Selection(cluster, number)
            self.workload_at = {number[w.endpoint]: w for w in cluster.workloads}
            self.port_maps = {i: w.named_ports() for i, w in self.workload_at.items()}
            self.external_position = [number[ExternalEndpoint(atom)] for atom in externals.atoms]
        self.all_externals = mask_of(self.external_position)
        self._blocks: dict[IPSet, int] = {}
        self._ports: dict[tuple[PolicyPort, ...], _CompiledPorts] = {}
        self.present = self.selection.all_workloads | self.all_externals
        self.compiled: dict[ObjectRef, tuple[NetworkPolicy, _CompiledPolicy]] = {}
        self.columns: dict[ColumnKey, Column] = {}
        self.context: tuple[int, ...] = ()
        self.egress: _EgressSide | None = None

    def rule(self, rule: Rule, namespace: str) -> _CompiledRule:
        # "from/to ... If this field is empty or missing, this rule matches all sources
        # (traffic not restricted by source)."
        ports = self._ports.get(rule.ports)
        if ports is None:
            ports = self._ports[rule.ports] = _compile_ports(rule.ports)
        if rule.peers is None:
            return _CompiledRule(self.present, ports)
        mask = 0
        for peer in rule.peers:
            if isinstance(peer, PodPeer):
                mask |= self.selection.peer(peer, namespace)
            else:
                mask |= self.block(peer.addresses)
        return _CompiledRule(mask, ports)

    def block(self, addresses: IPSet) -> int:
        """The external atoms an ipBlock peer matches."""
        # ipBlocks match only addresses outside the cluster: pod IPs are not known from
        # manifests (and whether an ipBlock covers them is implementation-defined).
        mask = self._blocks.get(addresses)
        if mask is None:
            atoms = self.externals.atoms_within(addresses)
            mask = self._blocks[addresses] = mask_of(self.external_position[a] for a in atoms)
        return mask

    def compile(self, policy: NetworkPolicy) -> _CompiledPolicy:
        """The policy as masks; the previous side's object when the policy did not change."""
        if self.previous is not None:
            known = self.previous.compiled.get(policy.ref)
            if known is not None and known[0] == policy:
                return known[1]
        # "podSelector selects the pods to which this NetworkPolicy object applies ...
        # An empty podSelector matches all pods in this namespace."
        namespace = policy.namespace
        subjects = self.selection.pods(policy.pod_selector) & self.selection.by_namespace.get(
            namespace, 0
        )
        ingress = egress = None
        if subjects and policy.affects_ingress:
            ingress = tuple(self.rule(r, namespace) for r in policy.ingress)
        if subjects and policy.affects_egress:
            egress = tuple(self.rule(r, namespace) for r in policy.egress)
        return _CompiledPolicy(policy.ref, subjects, ingress, egress)

    def sides(self) -> tuple[_IngressSide, _EgressSide]:
        """Compile every policy once into the grants of each direction."""
        size = len(self.endpoints)
        ingress = _IngressSide([[] for _ in range(size)])
        egress = _EgressSide([[] for _ in range(size)])
        for policy in sorted(self.cluster.policies, key=lambda p: p.ref):
            compiled = self.compile(policy)
            self.compiled[policy.ref] = (policy, compiled)
            if compiled.ingress is not None:
                ingress.select(compiled)
            if compiled.egress is not None:
                egress.select(compiled)
        egress.group(self.previous.egress if self.previous else None)
        self.egress = egress
        # Everything a column depends on besides its key: equal, and columns carry over.
        self.context = (self.present, egress.isolated, self.selection.all_workloads)
        if self.previous is not None and self.previous.context == self.context:
            self.columns = self.previous.columns
        return ingress, egress

    def run(self) -> Matrix:
        ingress, egress = self.sides()
        reached_by = egress.reached_by(len(self.endpoints))
        columns: list[Column] = []
        cache = self.columns
        for dst in range(len(self.endpoints)):
            workload = self.workload_at.get(dst)
            if workload is None and not (self.all_externals >> dst) & 1:
                columns.append({})  # an endpoint of the other side of a diff
                continue
            port_map = self.port_maps[dst] if workload is not None else None
            groups = reached_by[dst]
            uses_names = any(g.named for g in groups) or ingress.uses_names(dst)
            # Destinations that the same policies, rules and port names decide share a column.
            key = (workload is None, ingress.key(dst), groups, port_map if uses_names else None)
            column = cache.get(key)
            if column is None:
                if port_map is None:
                    # An external destination is not a pod: no policy governs its ingress, and
                    # traffic between two externals is not in the matrix.
                    admitted: Column = {ALL_CONNECTIONS: self.selection.all_workloads}
                else:
                    admitted = ingress.column(dst, port_map, self.present)
                # Allowed iff the source's egress AND the destination's ingress allow it.
                column = column_intersection(
                    egress.column(groups, port_map, self.present), admitted
                )
                cache[key] = column
            if workload is not None and workload.is_bare_pod:
                column = column_without(column, 1 << dst)
            columns.append(column)
        return Matrix(
            endpoints=self.endpoints,
            present=self.present,
            columns=tuple(columns),
            ingress_by=tuple(tuple(p.id for p in ids) for ids in ingress.policies),
            egress_by=tuple(tuple(ids) for ids in egress.policies),
        )


def _same_subjects(
    previous: _Evaluator, cluster: Cluster, endpoints: tuple[Endpoint, ...], externals: Partition
) -> bool:
    before = previous.cluster
    return (
        previous.endpoints == endpoints
        and previous.externals == externals
        and _same_elements(before.namespaces, cluster.namespaces)
        and _same_elements(before.workloads, cluster.workloads)
    )


def _same_elements(a: tuple[Hashable, ...], b: tuple[Hashable, ...]) -> bool:
    # Loaded clusters list objects sorted, so the first test decides; order does not matter.
    return a == b or (len(a) == len(b) and set(a) == set(b))


def evaluate(
    cluster: Cluster,
    *,
    externals: Partition | None = None,
    endpoints: tuple[Endpoint, ...] | None = None,
) -> Matrix:
    """The reachability matrix of a cluster.

    ``externals`` (default: cut by this cluster's ipBlocks) and ``endpoints`` (default: this
    cluster's workloads and the external atoms) let two clusters share one numbering for a diff.
    """
    if externals is None:
        externals = external_partition([cluster])
    if endpoints is None:
        endpoints = universe([cluster], externals)
    return _Evaluator(cluster, externals, endpoints).run()


def evaluate_pair(old: Cluster, new: Cluster) -> tuple[Matrix, Matrix]:
    """The matrices of two clusters over one numbering, for a diff.

    Equal to ``evaluate`` of each over the shared external atoms and endpoints; the second
    reuses the first's work wherever the inputs are the same.
    """
    externals = external_partition([old, new])
    endpoints = universe([old, new], externals)
    first = _Evaluator(old, externals, endpoints)
    old_matrix = first.run()
    return old_matrix, _Evaluator(new, externals, endpoints, previous=first).run()
