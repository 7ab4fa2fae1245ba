"""The naive oracle's admin tiers, written from the policy.networking.k8s.io API text.

AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy
(v1alpha2) are read here as their documentation says, pair by pair: the policies of a tier in
precedence order, each policy's rules in the order written, and for each connection the first
rule that matches it. Nothing is shared with ``netpoldiff.evaluate``: no masks, no compiled
rules, no ``order_key``; CIDRs are re-read from their text with the standard library.

Quotes are from the Go types' documentation (apis/v1alpha1 at release-0.1, apis/v1alpha2 at
main), "ANP" and "CNP" marking which.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final

from netpoldiff.addresses import IPSet
from netpoldiff.admin_policies import (
    AdminAction,
    AdminPeer,
    AdminPolicy,
    AdminRule,
    AdminTier,
    NamespacesPeer,
    NetworksPeer,
    PodsPeer,
)
from netpoldiff.intervals import IntervalSet
from netpoldiff.model import Endpoint, ExternalEndpoint, Workload, WorkloadEndpoint
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet
from tests.semantics.oracle_addresses import cidr_addresses, inside

Matched = tuple[AdminAction, ConnectionSet]
"""A rule that matches a pair, and the connections of the pair it matches."""

WHOLE_V4: Final = ipaddress.IPv4Network("0.0.0.0/0")
WHOLE_V6: Final = ipaddress.IPv6Network("::/0")


def first_match(
    rules: Iterable[Matched], undecided: ConnectionSet
) -> tuple[ConnectionSet, ConnectionSet]:
    """(allowed, handed on) of ``undecided``: each connection decided by its first rule.

    ANP: "The relative precedence of ingress rules within a single ANP object ... will be
    determined by the order in which the rule is written. Thus, a rule that appears at the top
    of the ingress rules would take the highest precedence." A rule may match only some
    ports, so what it does not match stays for the rules after it.
    """
    allowed = handed_on = NO_CONNECTIONS
    for action, connections in rules:
        matched = undecided & connections
        undecided = undecided - matched
        if action is AdminAction.ALLOW:
            # "Allow: allows the selected traffic (even if it would otherwise have been
            # denied by NetworkPolicy)"; CNP: "Accept: Accepts the selected traffic".
            allowed = allowed | matched
        elif action is AdminAction.PASS:
            # "Pass: instructs the selected traffic to skip any remaining ANP rules, and then
            # pass execution to any NetworkPolicies that select the pod"; CNP: "Skips all
            # further ClusterNetworkPolicy rules in the current tier".
            handed_on = handed_on | matched
        # "Deny: denies the selected traffic": in neither.
    # What no rule matched is not this tier's to decide either.
    return allowed, handed_on | undecided


def tiered(
    rules: Callable[[AdminTier], list[Matched]], network_policy: ConnectionSet | None
) -> ConnectionSet:
    """One direction of one pair, tier after tier.

    ``rules`` gives a tier's matching rules in precedence order; ``network_policy`` is what
    the NetworkPolicies selecting the pod allow that way, None when none selects it.

    CNP: "Policy tiers are evaluated in the following order: * Admin tier * NetworkPolicy tier
    * Baseline tier".
    """
    # "The Admin tier takes precedence over all other policies. ... If Admin tier has made a
    # final decision (Accept or Deny) on a connection, then no further evaluation is done."
    allowed, undecided = first_match(rules(AdminTier.ADMIN), ALL_CONNECTIONS)
    if network_policy is not None:
        # "v1.NetworkPolicy always makes a final decision for selected pods."
        return allowed | (undecided & network_policy)
    # "Further evaluation only happens for Pods not selected by a v1.NetworkPolicy." ANP Pass:
    # "If the pod is not selected by any NetworkPolicies then execution is passed to any
    # BaselineAdminNetworkPolicies that select the pod."
    baseline, undecided = first_match(rules(AdminTier.BASELINE), undecided)
    # "If a given connection wasn't allowed or denied by any of the tiers, the default
    # kubernetes policy is applied, which says that all pods can communicate with each other."
    # A Baseline-tier Pass lands here too: "passes evaluation to the next tier".
    return allowed | baseline | undecided


def holds_every_pod(cidrs: Sequence[str]) -> bool:
    """Whether the CIDRs together hold every address of IPv4, or every address of IPv6."""
    networks = [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]
    v4 = [n for n in networks if isinstance(n, ipaddress.IPv4Network)]
    v6 = [n for n in networks if isinstance(n, ipaddress.IPv6Network)]
    return list(ipaddress.collapse_addresses(v4)) == [WHOLE_V4] or list(
        ipaddress.collapse_addresses(v6)
    ) == [WHOLE_V6]


class AdminOracle:
    """The admin-tier rules that match one pair, policy by policy and rule by rule."""

    def __init__(
        self,
        policies: Iterable[AdminPolicy],
        namespace_labels: Mapping[str, Mapping[str, str]],
        workloads: Mapping[WorkloadEndpoint, Workload],
    ) -> None:
        self.policies = list(policies)
        self.namespace_labels = namespace_labels
        self.workloads = workloads

    def ordered(self, tier: AdminTier) -> list[AdminPolicy]:
        """The policies of one tier, highest precedence first.

        ANP: "Policies with lower priority values have higher precedence, and are checked
        before policies with higher priority values." Ties: "the implementation can apply any
        of the matching policies"; netpoldiff's documented choice is by kind, then name. The
        BaselineAdminNetworkPolicy, which has no priority, comes after the Baseline tier's
        ClusterNetworkPolicies (two API versions side by side: netpoldiff's choice too).
        """
        members = [policy for policy in self.policies if policy.tier is tier]
        with_priority = [policy for policy in members if policy.priority is not None]
        without = [policy for policy in members if policy.priority is None]
        return [
            *sorted(with_priority, key=lambda p: (p.priority, p.ref.kind, p.ref.name)),
            *sorted(without, key=lambda p: p.ref.name),
        ]

    def in_namespaces(self, peer: NamespacesPeer | PodsPeer, workload: Workload) -> bool:
        """Whether the workload's namespace is one the peer's namespace selector selects."""
        # "NamespaceSelector follows standard label selector semantics; if empty, it selects
        # all Namespaces."
        labels = self.namespace_labels.get(workload.namespace)
        return labels is not None and peer.namespace_selector.matches(dict(labels))

    def selects(self, subject: NamespacesPeer | PodsPeer, workload: Workload) -> bool:
        """A subject, or a namespaces or pods peer, holds the workload's pods."""
        # "Namespaces is used to select pods via namespace selectors." "Pods is used to select
        # pods via namespace AND pod selectors."
        if not self.in_namespaces(subject, workload):
            return False
        if isinstance(subject, NamespacesPeer):
            return True
        # "PodSelector is used to explicitly select pods within a namespace; if empty, it
        # selects all Pods."
        return subject.pod_selector.matches(dict(workload.labels))

    def peer_matches(self, peer: AdminPeer, endpoint: Endpoint) -> bool:
        """Whether one ``from``/``to`` entry covers the endpoint."""
        if isinstance(peer, NetworksPeer):
            if isinstance(endpoint, ExternalEndpoint):
                block = IPSet()
                for cidr in peer.cidrs:
                    block = block | cidr_addresses(cidr)
                return inside(endpoint, block, f"networks {list(peer.cidrs)}")
            # "note that cluster-internal traffic will be checked against the rule as well.
            # So if you Allow or Deny traffic to "0.0.0.0/0", that will allow or deny all IPv4
            # pod-to-pod traffic as well." Manifests give no pod addresses: only CIDRs that
            # hold a whole family surely hold a pod's.
            return holds_every_pod(peer.cidrs)
        if not isinstance(peer, NamespacesPeer | PodsPeer):
            # nodes and domainNames: "It selects the nodeIPs ..."; no manifest names any.
            return False
        if not isinstance(endpoint, WorkloadEndpoint):
            # "Namespaces defines a way to select all pods within a set of Namespaces": pods.
            return False
        return self.selects(peer, self.workloads[endpoint])

    def rule_connections(self, rule: AdminRule, destination: Endpoint) -> ConnectionSet:
        """The connections toward ``destination`` that a rule's ports match."""
        if rule.ports is None:
            # "If Ports is not set then the rule does not filter traffic via port."
            return ALL_CONNECTIONS
        result = NO_CONNECTIONS
        for port in rule.ports:
            if isinstance(port.port, str):
                # "NamedPort selects a port on a pod(s) based on name"; CNP: "selects a
                # destination port on a pod based on the ContainerPort name" -- whatever its
                # protocol (the API names none). An address outside has no names.
                if isinstance(destination, WorkloadEndpoint):
                    for container in self.workloads[destination].ports:
                        if container.name == port.port:
                            result = result | ConnectionSet.of(
                                container.protocol,
                                IntervalSet.of((container.number, container.number)),
                            )
            elif port.port is None:
                result = result | ConnectionSet.of(port.protocol)
            else:
                # "PortRange defines an inclusive range of ports from the the assigned Start
                # value to End value."
                end = port.port if port.end_port is None else port.end_port
                result = result | ConnectionSet.of(port.protocol, IntervalSet.of((port.port, end)))
        return result

    def matching(
        self, rules: Iterable[AdminRule], peer_end: Endpoint, destination: Endpoint
    ) -> list[Matched]:
        """The rules one of whose peers holds ``peer_end``, with their connections."""
        # "If any element matches the source of incoming traffic then the specified action is
        # applied" (and the destination of outgoing traffic, for ``to``).
        return [
            (rule.action, self.rule_connections(rule, destination))
            for rule in rules
            if any(self.peer_matches(peer, peer_end) for peer in rule.peers)
        ]

    def egress_rules(
        self, tier: AdminTier, source: Workload, destination: Endpoint
    ) -> list[Matched]:
        """The egress rules of ``tier`` that match source -> destination, in precedence order."""
        # "ANPs with no egress rules do not affect egress traffic."
        found: list[Matched] = []
        for policy in self.ordered(tier):
            if self.selects(policy.subject, source):
                found += self.matching(policy.egress, destination, destination)
        return found

    def ingress_rules(
        self, tier: AdminTier, source: Endpoint, destination: Workload
    ) -> list[Matched]:
        """The ingress rules of ``tier`` that match source -> destination, in precedence order."""
        if isinstance(source, ExternalEndpoint):
            # Ingress peers are namespaces or pods only: an address outside is no peer.
            return []
        found: list[Matched] = []
        for policy in self.ordered(tier):
            if self.selects(policy.subject, destination):
                found += self.matching(policy.ingress, source, destination.endpoint)
        return found
