"""A deliberately naive evaluator, written from the NetworkPolicy API documentation.

It shares nothing with ``netpoldiff.evaluate``: no bitmasks, no compiled rules, no column
sharing. For every ordered pair it looks for the policies that select the destination for
ingress and the source for egress, walks their rules and peers one by one, resolves named
ports on the destination, and intersects the two sides. ipBlocks are re-read from their CIDR
text with the standard library. Slow and obvious on purpose.

Documentation quoted is from networking.k8s.io/v1 NetworkPolicySpec and its parts. The admin
tiers around NetworkPolicy (AdminNetworkPolicy and its kin) are in ``admin_oracle``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from netpoldiff.addresses import IPSet
from netpoldiff.cluster import Cluster
from netpoldiff.intervals import IntervalSet
from netpoldiff.model import Endpoint, ExternalEndpoint, Workload, WorkloadEndpoint
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, Peer, PolicyPort, Rule
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet
from tests.semantics.admin_oracle import AdminOracle, tiered
from tests.semantics.oracle_addresses import cidr_addresses, inside

Pair = tuple[Endpoint, Endpoint]


def ip_block_addresses(peer: IPBlockPeer) -> IPSet:
    """``cidr`` minus every ``except`` entry, recomputed from the text."""
    result = cidr_addresses(peer.cidr)
    for excluded in peer.excepts:
        result = result - cidr_addresses(excluded)
    return result


class Oracle:
    """Answers "what may src use to reach dst" for one cluster, one pair at a time."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.namespace_labels: dict[str, dict[str, str]] = {
            namespace.name: dict(namespace.labels) for namespace in cluster.namespaces
        }
        self.workloads: dict[WorkloadEndpoint, Workload] = {
            workload.endpoint: workload for workload in cluster.workloads
        }
        self.admin = AdminOracle(cluster.admin_policies, self.namespace_labels, self.workloads)

    # -- selection ---------------------------------------------------------------------------

    def selects(self, policy: NetworkPolicy, workload: Workload) -> bool:
        """``podSelector`` "selects the pods to which this NetworkPolicy object applies ...
        An empty podSelector matches all pods in this namespace" -- and only that namespace.
        """
        return policy.namespace == workload.namespace and policy.pod_selector.matches(
            dict(workload.labels)
        )

    def peer_matches(self, peer: Peer, policy: NetworkPolicy, endpoint: Endpoint) -> bool:
        """Whether one ``from``/``to`` entry of ``policy`` covers the endpoint."""
        if isinstance(peer, IPBlockPeer):
            # ipBlock "selects particular IPBlocks": addresses, which here are only ever
            # addresses outside the cluster; a pod is never matched by an ipBlock.
            if not isinstance(endpoint, ExternalEndpoint):
                return False
            return inside(endpoint, ip_block_addresses(peer), f"ipBlock {peer.cidr}")
        if not isinstance(endpoint, WorkloadEndpoint):
            return False
        workload = self.workloads[endpoint]
        # "If namespaceSelector is also set, then the NetworkPolicyPeer as a whole selects the
        # pods matching podSelector in the Namespaces selected by NamespaceSelector.
        # Otherwise it selects the Pods matching podSelector in the policy's own Namespace."
        if peer.namespace_selector is None:
            in_namespace = workload.namespace == policy.namespace
        else:
            labels = self.namespace_labels.get(workload.namespace)
            in_namespace = labels is not None and peer.namespace_selector.matches(labels)
        if not in_namespace:
            return False
        # "If podSelector is also set ... Otherwise it selects all Pods in the Namespaces
        # selected by NamespaceSelector."
        return peer.pod_selector is None or peer.pod_selector.matches(dict(workload.labels))

    def rule_matches(self, rule: Rule, policy: NetworkPolicy, peer_endpoint: Endpoint) -> bool:
        """``from``/``to``: "If this field is empty or missing, this rule matches all
        sources/destinations"; otherwise the endpoint must match at least one item.
        """
        if rule.peers is None:
            return True
        return any(self.peer_matches(peer, policy, peer_endpoint) for peer in rule.peers)

    # -- ports --------------------------------------------------------------------------------

    def port_connections(self, port: PolicyPort, destination: Endpoint) -> ConnectionSet:
        """One ``ports`` entry, toward one destination."""
        if port.port is None:
            # "If this field is not provided, this matches all port names and numbers."
            return ConnectionSet.of(port.protocol)
        if isinstance(port.port, int):
            # "endPort indicates that the range of ports from port to endPort if set,
            # inclusive, should be allowed by the policy."
            end = port.port if port.end_port is None else port.end_port
            return ConnectionSet.of(port.protocol, IntervalSet.of((port.port, end)))
        # A named port is looked up on the destination pod's containers: every container
        # port with that name and protocol. An address outside the cluster has no names.
        if not isinstance(destination, WorkloadEndpoint):
            return NO_CONNECTIONS
        result = NO_CONNECTIONS
        for container_port in self.workloads[destination].ports:
            if container_port.name == port.port and container_port.protocol == port.protocol:
                result = result | ConnectionSet.of(
                    port.protocol, IntervalSet.of((container_port.number, container_port.number))
                )
        return result

    def rule_connections(self, rule: Rule, destination: Endpoint) -> ConnectionSet:
        """``ports``: "If this field is empty or missing, this rule matches all ports ...
        If this field is present and contains at least one item, then this rule allows
        traffic only if the traffic matches at least one port in the list."
        """
        if not rule.ports:
            return ALL_CONNECTIONS
        result = NO_CONNECTIONS
        for port in rule.ports:
            result = result | self.port_connections(port, destination)
        return result

    # -- each side ----------------------------------------------------------------------------

    def network_policy_egress(self, workload: Workload, dst: Endpoint) -> ConnectionSet | None:
        """What the NetworkPolicies selecting ``workload`` for egress let it send to dst.

        None when none selects it: "Outgoing traffic is allowed if there are no
        NetworkPolicies selecting the pod" -- unless a tier below says otherwise.
        """
        policies = [
            p for p in self.cluster.policies if p.affects_egress and self.selects(p, workload)
        ]
        if not policies:
            return None
        result = NO_CONNECTIONS
        for policy in policies:
            for rule in policy.egress:
                if self.rule_matches(rule, policy, dst):
                    result = result | self.rule_connections(rule, dst)
        return result

    def network_policy_ingress(self, src: Endpoint, workload: Workload) -> ConnectionSet | None:
        """What the NetworkPolicies selecting ``workload`` for ingress let it receive from src.

        None when none selects it: "Traffic is allowed to a pod if there are no
        NetworkPolicies selecting the pod" -- unless a tier below says otherwise.
        """
        policies = [
            p for p in self.cluster.policies if p.affects_ingress and self.selects(p, workload)
        ]
        if not policies:
            return None
        result = NO_CONNECTIONS
        for policy in policies:
            for rule in policy.ingress:
                if self.rule_matches(rule, policy, src):
                    result = result | self.rule_connections(rule, workload.endpoint)
        return result

    def egress(self, src: Endpoint, dst: Endpoint) -> ConnectionSet:
        """What src's egress policies of every tier let it send to dst."""
        if not isinstance(src, WorkloadEndpoint):
            return ALL_CONNECTIONS  # no policy governs an address outside the cluster
        workload = self.workloads[src]
        return tiered(
            lambda tier: self.admin.egress_rules(tier, workload, dst),
            self.network_policy_egress(workload, dst),
        )

    def ingress(self, src: Endpoint, dst: Endpoint) -> ConnectionSet:
        """What dst's ingress policies of every tier let it receive from src."""
        if not isinstance(dst, WorkloadEndpoint):
            return ALL_CONNECTIONS
        workload = self.workloads[dst]
        return tiered(
            lambda tier: self.admin.ingress_rules(tier, src, workload),
            self.network_policy_ingress(src, workload),
        )

    def connections(self, src: Endpoint, dst: Endpoint) -> ConnectionSet:
        """Both sides must allow a (protocol, port): egress of src AND ingress of dst."""
        if isinstance(src, ExternalEndpoint) and isinstance(dst, ExternalEndpoint):
            return NO_CONNECTIONS  # traffic between two outside addresses is not ours
        if isinstance(src, WorkloadEndpoint) and src == dst and self.workloads[src].is_bare_pod:
            return NO_CONNECTIONS  # one pod talking to itself is loopback, not governed
        return self.egress(src, dst) & self.ingress(src, dst)

    def matrix(self, endpoints: Iterable[Endpoint]) -> dict[Pair, ConnectionSet]:
        """Every ordered pair of the endpoints with a non-empty answer."""
        listed = list(endpoints)
        result = {}
        for src in listed:
            for dst in listed:
                allowed = self.connections(src, dst)
                if allowed:
                    result[src, dst] = allowed
        return result


def oracle_matrix(cluster: Cluster, endpoints: Iterable[Endpoint]) -> Mapping[Pair, ConnectionSet]:
    """The naive answer for every ordered pair of ``endpoints`` (non-empty answers only)."""
    return Oracle(cluster).matrix(endpoints)
