"""Evaluate a Cluster into a Matrix, compiling each policy and rule once.

Selectors become bitmasks over numbered endpoints (one label index, each distinct selector
answered once). A destination's column is then computed from what decides it: the ingress
policies that select it, the egress rules whose peers include it, and its named ports. Many
destinations share those, and share one computed column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from netpoldiff.addresses import IPSet, Partition, partition_of
from netpoldiff.intervals import IntervalSet
from netpoldiff.matrix import (
    Column,
    Matrix,
    column_intersection,
    column_union,
    column_without,
    iter_bits,
)
from netpoldiff.model import (
    Cluster,
    Endpoint,
    ExternalEndpoint,
    IPBlockPeer,
    NetworkPolicy,
    PodPeer,
    PolicyId,
    PolicyPort,
    Rule,
    Workload,
    endpoint_sort_key,
)
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


class _Selection:
    """Selectors answered as bitmasks over the numbered workloads of one cluster."""

    def __init__(self, cluster: Cluster, number: dict[Endpoint, int]) -> None:
        self.by_pair: dict[tuple[str, str], int] = defaultdict(int)
        self.by_key: dict[str, int] = defaultdict(int)
        self.by_namespace: dict[str, int] = defaultdict(int)
        self.all_workloads = 0
        for workload in cluster.workloads:
            bit = 1 << number[workload.endpoint]
            self.all_workloads |= bit
            self.by_namespace[workload.namespace] |= bit
            for key, value in workload.labels:
                self.by_pair[key, value] |= bit
                self.by_key[key] |= bit
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
    """Per destination workload: the ingress policies that select it and their rules."""

    policies: list[list[PolicyId]]
    rules: list[list[_CompiledRule]]

    def select(self, subjects: int, policy: PolicyId, rules: list[_CompiledRule]) -> None:
        for subject in iter_bits(subjects):
            self.policies[subject].append(policy)
            self.rules[subject].extend(rules)

    def key(self, dst: int) -> tuple[PolicyId, ...]:
        """What decides the ingress of ``dst`` apart from its named ports."""
        return tuple(self.policies[dst])

    def uses_names(self, dst: int) -> bool:
        return any(rule.ports.named for rule in self.rules[dst])

    def column(self, dst: int, port_map: PortMap, everyone: int) -> Column:
        """Sources the destination's ingress admits, by connections."""
        if not self.policies[dst]:
            # "Traffic is allowed to a pod if there are no NetworkPolicies selecting the pod."
            return {ALL_CONNECTIONS: everyone}
        # "... OR if the traffic matches at least one ingress rule across all of the
        # NetworkPolicy objects whose podSelector matches the pod." Rules are additive.
        column: Column = {}
        for rule in self.rules[dst]:
            connections = rule.ports.resolve(port_map)
            if connections and rule.peers:
                column = column_union(column, {connections: rule.peers})
        return column


@dataclass(slots=True, eq=False)  # identity: a group is one peer mask
class _EgressGroup:
    """Egress rules that share one peer mask: numeric grants merged, named ones kept apart."""

    numeric: Column = field(default_factory=dict)
    named: list[tuple[int, _CompiledPorts]] = field(default_factory=list)

    def add(self, subjects: int, ports: _CompiledPorts) -> None:
        if ports.named:
            self.named.append((subjects, ports))
        elif ports.numeric:
            self.numeric = column_union(self.numeric, {ports.numeric: subjects})


@dataclass(slots=True)
class _EgressSide:
    """Per source: the egress policies that select it; per peer mask: the grants toward it."""

    policies: list[list[PolicyId]]
    isolated: int = 0
    groups: dict[int, _EgressGroup] = field(default_factory=dict)

    def select(self, subjects: int, policy: PolicyId, rules: list[_CompiledRule]) -> None:
        self.isolated |= subjects
        for subject in iter_bits(subjects):
            self.policies[subject].append(policy)
        for rule in rules:
            if rule.peers:
                self.groups.setdefault(rule.peers, _EgressGroup()).add(subjects, rule.ports)

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


class _Evaluator:
    def __init__(
        self, cluster: Cluster, externals: Partition, endpoints: tuple[Endpoint, ...]
    ) -> None:
        self.cluster = cluster
        self.endpoints = endpoints
        number = {endpoint: i for i, endpoint in enumerate(endpoints)}
        self.selection = _Selection(cluster, number)
        self.workload_at: dict[int, Workload] = {number[w.endpoint]: w for w in cluster.workloads}
        self.external_bit = [1 << number[ExternalEndpoint(atom)] for atom in externals.atoms]
        self.all_externals = sum(self.external_bit)
        self.externals = externals
        self.present = self.selection.all_workloads | self.all_externals

    def rule(self, rule: Rule, namespace: str) -> _CompiledRule:
        # "from/to ... If this field is empty or missing, this rule matches all sources
        # (traffic not restricted by source)."
        if rule.peers is None:
            return _CompiledRule(self.present, _compile_ports(rule.ports))
        mask = 0
        for peer in rule.peers:
            if isinstance(peer, PodPeer):
                mask |= self.selection.peer(peer, namespace)
            else:
                # ipBlocks match only addresses outside the cluster: pod IPs are not known
                # from manifests (and whether an ipBlock covers them is implementation-defined).
                for atom in self.externals.atoms_within(peer.addresses):
                    mask |= self.external_bit[atom]
        return _CompiledRule(mask, _compile_ports(rule.ports))

    def sides(self) -> tuple[_IngressSide, _EgressSide]:
        """Compile every policy once into the grants of each direction."""
        size = len(self.endpoints)
        ingress = _IngressSide([[] for _ in range(size)], [[] for _ in range(size)])
        egress = _EgressSide([[] for _ in range(size)])
        for policy in sorted(self.cluster.policies, key=lambda p: p.id):
            # "podSelector selects the pods to which this NetworkPolicy object applies ...
            # An empty podSelector matches all pods in this namespace."
            namespace = policy.id.namespace
            subjects = self.selection.pods(policy.pod_selector) & self.selection.by_namespace.get(
                namespace, 0
            )
            if not subjects:
                continue
            if policy.affects_ingress:
                ingress.select(
                    subjects, policy.id, [self.rule(r, namespace) for r in policy.ingress]
                )
            if policy.affects_egress:
                egress.select(subjects, policy.id, [self.rule(r, namespace) for r in policy.egress])
        return ingress, egress

    def run(self) -> Matrix:
        ingress, egress = self.sides()
        reached_by = egress.reached_by(len(self.endpoints))
        columns: list[Column] = []
        cache: dict[tuple[object, ...], Column] = {}
        for dst in range(len(self.endpoints)):
            workload = self.workload_at.get(dst)
            if workload is None and not (self.all_externals >> dst) & 1:
                columns.append({})  # an endpoint of the other side of a diff
                continue
            port_map = workload.named_ports() if workload is not None else None
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
            ingress_by=tuple(tuple(ids) for ids in ingress.policies),
            egress_by=tuple(tuple(ids) for ids in egress.policies),
        )


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
