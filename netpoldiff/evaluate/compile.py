"""Policies compiled over a universe: subjects and rule peers as masks, ports once each."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from netpoldiff.addresses import IPSet
from netpoldiff.admin_policies import (
    AdminPeer,
    AdminPolicy,
    AdminRule,
    NamespacesPeer,
    NetworksPeer,
    PodsPeer,
)
from netpoldiff.bitsets import SharedMasks, mask_of
from netpoldiff.compiled import (
    CompiledAdminPolicy,
    CompiledAdminRule,
    CompiledPolicy,
    CompiledPorts,
    CompiledRule,
    NamedPort,
)
from netpoldiff.evaluate.answers import (
    EVERY_WORKLOAD,
    Query,
    Scope,
    namespace_query,
    namespaces_query,
    pods_query,
)
from netpoldiff.evaluate.selection import Selection
from netpoldiff.evaluate.universe import Universe
from netpoldiff.intervals import IntervalSet
from netpoldiff.policies import NetworkPolicy, PodPeer, PolicyPort, Rule
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet


def compile_ports(ports: Sequence[PolicyPort]) -> CompiledPorts:
    """A rule's ports: numeric ranges merged, named ports kept to resolve per destination."""
    # "ports ... If this field is empty or missing, this rule matches all ports (traffic not
    # restricted by port). If this field is present and contains at least one item, then this
    # rule allows traffic only if the traffic matches at least one port in the list."
    if not ports:
        return CompiledPorts(ALL_CONNECTIONS, ())
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
    return CompiledPorts(numeric, tuple(sorted(set(named))))


def policy_queries(policy: NetworkPolicy) -> Iterator[Query]:
    """Every answer of a selection that compiling ``policy`` may read (and a few more).

    A policy compiled over one selection holds over another that gives the same answers to
    all of these. Rules are listed whether or not they take effect: more is only slower.
    """
    namespace = policy.namespace
    yield pods_query(policy.pod_selector, namespace)
    yield namespace_query(namespace)
    for rule in (*policy.ingress, *policy.egress):
        if rule.peers is None:
            yield EVERY_WORKLOAD
            continue
        for peer in rule.peers:
            if not isinstance(peer, PodPeer):
                continue
            scope: Scope = namespace
            if peer.namespace_selector is None:
                yield namespace_query(namespace)
            else:
                yield namespaces_query(peer.namespace_selector)
                scope = peer.namespace_selector
            if peer.pod_selector is not None:
                yield pods_query(peer.pod_selector, scope)


def admin_queries(policy: AdminPolicy) -> Iterator[Query]:
    """Every answer of a selection that compiling an admin policy may read."""
    for peer in (policy.subject, *(p for r in (*policy.ingress, *policy.egress) for p in r.peers)):
        if isinstance(peer, NamespacesPeer | PodsPeer):
            yield namespaces_query(peer.namespace_selector)
            if isinstance(peer, PodsPeer):
                yield pods_query(peer.pod_selector, peer.namespace_selector)
        elif isinstance(peer, NetworksPeer):
            yield EVERY_WORKLOAD


class Compiler:
    """Compiles policies over one universe; address blocks and port lists once each."""

    def __init__(self, universe: Universe) -> None:
        self.universe = universe
        self._blocks: dict[IPSet, int] = {}
        self._ports: dict[tuple[PolicyPort, ...], CompiledPorts] = {}
        # Subjects and peers repeat across policies: each distinct set is kept once.
        self._shared = SharedMasks()
        # What a rule without peers matches, for the selection last compiled over: one mask
        # per selection, not a copy of every endpoint per policy.
        self._present: tuple[Selection, int] | None = None

    def block(self, addresses: IPSet) -> int:
        """The external atoms an ipBlock peer matches."""
        # ipBlocks match only addresses outside the cluster: pod IPs are not known from
        # manifests (and whether an ipBlock covers them is implementation-defined).
        mask = self._blocks.get(addresses)
        if mask is None:
            atoms = self.universe.externals.atoms_within(addresses)
            positions = self.universe.external_positions
            mask = self._blocks[addresses] = mask_of(positions[a] for a in atoms)
        return mask

    def ports(self, ports: tuple[PolicyPort, ...]) -> CompiledPorts:
        """A rule's ports, compiled once per distinct list."""
        compiled = self._ports.get(ports)
        if compiled is None:
            compiled = self._ports[ports] = compile_ports(ports)
        return compiled

    def rule(
        self, index: int, rule: Rule, namespace: str, selection: Selection, present: int
    ) -> CompiledRule:
        """One rule of a policy in ``namespace``: its peers as a mask."""
        ports = self.ports(rule.ports)
        # "from/to ... If this field is empty or missing, this rule matches all sources
        # (traffic not restricted by source)."
        if rule.peers is None:
            return CompiledRule(index, rule.origin, present, ports)
        peer_masks = tuple(
            self._shared(selection.peer(peer, namespace))
            if isinstance(peer, PodPeer)
            else self.block(peer.addresses)
            for peer in rule.peers
        )
        return CompiledRule(index, rule.origin, self._shared.union(peer_masks), ports, peer_masks)

    def policy(self, policy: NetworkPolicy, selection: Selection) -> CompiledPolicy:
        """A policy as masks over the universe, with the workloads of ``selection``."""
        namespace = policy.namespace
        # Kept as a span (see CompiledPolicy): not shared, nor held whole by the sharing.
        subjects = selection.subjects(policy.pod_selector, namespace)
        present = self.present(selection)
        ingress = egress = None
        # A policy that selects nothing governs nothing: its rules are never evaluated.
        if subjects and policy.affects_ingress:
            ingress = tuple(
                self.rule(i, r, namespace, selection, present) for i, r in enumerate(policy.ingress)
            )
        if subjects and policy.affects_egress:
            egress = tuple(
                self.rule(i, r, namespace, selection, present) for i, r in enumerate(policy.egress)
            )
        return CompiledPolicy.of(policy.ref, policy.origin, subjects, ingress, egress)

    def present(self, selection: Selection) -> int:
        """Every endpoint there is with ``selection``'s workloads: its workloads and externals."""
        if self._present is None or self._present[0] is not selection:
            mask = self._shared(selection.all_workloads | self.universe.all_externals)
            self._present = (selection, mask)
        return self._present[1]

    def admin_peer(self, peer: AdminPeer, selection: Selection) -> int:
        """The endpoints one peer of an admin rule matches."""
        if isinstance(peer, NamespacesPeer | PodsPeer):
            return selection.cluster_wide(peer)
        if isinstance(peer, NetworksPeer):
            return self.block(peer.addresses) | self._pods_within(peer, selection)
        # A nodes peer: manifests declare no nodes, so it matches none here (read with a
        # warning).
        return 0

    def _pods_within(self, peer: NetworksPeer, selection: Selection) -> int:
        """The workloads a networks peer matches: all of them when it holds a whole family."""
        # "note that cluster-internal traffic will be checked against the rule as well. So if
        # you Allow or Deny traffic to "0.0.0.0/0", that will allow or deny all IPv4 pod-to-pod
        # traffic as well." Pod addresses are not in manifests: only a CIDR holding every
        # address of a family surely holds the pods' (a narrower private one is warned about).
        if peer.addresses.holds_a_family():
            return selection.all_workloads
        return 0

    def admin_rule(
        self, index: int, rule: AdminRule, subjects: int, selection: Selection
    ) -> CompiledAdminRule:
        """One rule of an admin policy whose subjects are ``subjects``."""
        peer_masks = tuple(self._shared(self.admin_peer(peer, selection)) for peer in rule.peers)
        mask = self._shared.union(peer_masks)
        # "Ports allows for matching traffic based on port and protocols. ... If Ports is not
        # set then the rule does not filter traffic via port."
        ports = compile_ports(()) if rule.ports is None else self.ports(rule.ports)
        return CompiledAdminRule(index, rule.origin, rule.action, subjects, mask, ports, peer_masks)

    def admin_policy(self, policy: AdminPolicy, selection: Selection) -> CompiledAdminPolicy:
        """An admin policy as masks over the universe, with the workloads of ``selection``."""
        subjects = self._shared(selection.cluster_wide(policy.subject))
        ingress = tuple(
            self.admin_rule(i, r, subjects, selection) for i, r in enumerate(policy.ingress)
        )
        egress = tuple(
            self.admin_rule(i, r, subjects, selection) for i, r in enumerate(policy.egress)
        )
        return CompiledAdminPolicy(
            policy.ref, policy.origin, policy.tier, policy.order_key(), subjects, ingress, egress
        )
