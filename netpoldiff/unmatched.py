"""Policies, peers and named ports that match nothing in the input, found on the decisions.

A policy whose podSelector selects no workload has no effect on the matrix, which then looks
as if the policy were fine: a typo in a label reads as "no change". Each is a warning, so the
report says what it could not show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping
from functools import partial

from netpoldiff.admin_checks import admin_checks
from netpoldiff.bitsets import iter_bits, mask_of
from netpoldiff.check_memo import CheckMemo, found_by
from netpoldiff.cluster import Cluster
from netpoldiff.compiled import CompiledPolicy, CompiledRule, NamedPort, PortMap
from netpoldiff.diagnostics import (
    DNS_BLOCKED,
    DNS_TCP_BLOCKED,
    IPV4_ONLY,
    NAMED_PORT_UNDECLARED,
    PEER_SELECTS_NOTHING,
    PORTS_WITHOUT_PEERS,
    SELECTS_NOTHING,
    Diagnostic,
)
from netpoldiff.lint_dns import dns_checks
from netpoldiff.lint_redundancy import redundancy_checks
from netpoldiff.lint_rules import rule_checks
from netpoldiff.matrix import Matrix
from netpoldiff.model import ObjectRef, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy, PodPeer, Rule
from netpoldiff.ports import Protocol


def unmatched(
    cluster: Cluster,
    matrix: Matrix,
    wanted: Collection[str] | None = None,
    memo: CheckMemo | None = None,
) -> tuple[Diagnostic, ...]:
    """Warnings for what the cluster's policies select that matches nothing in it.

    ``matrix`` is the cluster's own evaluation (it holds every compiled policy). With
    ``wanted`` (codes), the checks that can give none of them are skipped: a diff asks OLD only
    for the codes NEW shows, to tell which NEW introduces.
    """
    policies = {policy.ref: policy for policy in cluster.policies}
    port_maps = _port_maps(cluster, matrix)
    workloads = _workload_mask(matrix)
    declaring = _Declaring(port_maps)
    found: list[Diagnostic] = []
    for compiled in matrix.policies:
        policy = policies.get(compiled.ref)
        if policy is None:
            continue
        if not compiled.selects_anything:
            found.append(
                SELECTS_NOTHING.at(
                    policy.selector_origin or policy.origin,
                    policy=str(policy.ref),
                    namespace=policy.namespace,
                )
            )
            continue
        find = partial(_in_rules, policy, compiled, declaring, workloads)
        named = _named_ports_of(policy)
        # Named ports resolve on the destinations: the answer is shared with the other side
        # only where the workloads declaring each of them are the same there.
        context = declaring.context(named, workloads, memo) if named and memo is not None else None
        found.extend(found_by(memo, "in_rules", (policy, compiled), find, context))
    found.extend(admin_checks(cluster.admin_policies, matrix.admin_policies, workloads))
    # Likely mistakes beyond what matches nothing: each check is a pure function of its own.
    if wanted is None or {PORTS_WITHOUT_PEERS.code, IPV4_ONLY.code} & set(wanted):
        found.extend(rule_checks(cluster, memo))
    if wanted is None or {DNS_BLOCKED.code, DNS_TCP_BLOCKED.code} & set(wanted):
        found.extend(dns_checks(cluster, matrix))
    found.extend(redundancy_checks(cluster, matrix, port_maps, wanted, memo))
    return tuple(found)


def _port_maps(cluster: Cluster, matrix: Matrix) -> Mapping[int, PortMap]:
    if matrix.port_maps is not None:  # the engine's: numbering every workload again is slow
        return matrix.port_maps
    index = matrix.index()
    return {index[w.endpoint]: w.named_ports() for w in cluster.workloads if w.endpoint in index}


def _named_ports_of(policy: NetworkPolicy) -> tuple[NamedPort, ...]:
    return tuple(
        (port.port, port.protocol)
        for rule in (*policy.ingress, *policy.egress)
        for port in rule.ports
        if isinstance(port.port, str)
    )


def _workload_mask(matrix: Matrix) -> int:
    endpoints = matrix.endpoints
    return mask_of(
        p for p in iter_bits(matrix.present) if isinstance(endpoints[p], WorkloadEndpoint)
    )


class _Declaring:
    """Which workloads declare each named port (name, protocol), as a mask: built on first use.

    A rule's named port is then looked for among its destinations with one ``&``, instead of
    listing every destination's ports: an egress rule may reach most of a large cluster.
    """

    def __init__(self, port_maps: Mapping[int, PortMap]) -> None:
        self._port_maps = port_maps
        self._masks: dict[NamedPort, int] | None = None
        self._tokens: dict[NamedPort | None, int] | None = None

    def _declaring(self, named: NamedPort) -> int:
        if self._masks is None:
            held: dict[NamedPort, list[int]] = defaultdict(list)
            for position, port_map in self._port_maps.items():
                for port_name, port_protocol, _ in port_map:
                    held[port_name, port_protocol].append(position)
            self._masks = {key: mask_of(positions) for key, positions in held.items()}
        return self._masks.get(named, 0)

    def any_of(self, mask: int, name: str, protocol: Protocol) -> bool:
        """Whether a workload of ``mask`` declares port ``name`` of ``protocol``."""
        return bool(self._declaring((name, protocol)) & mask)

    def context(self, named: Iterable[NamedPort], workloads: int, memo: CheckMemo) -> Hashable:
        """What a check of these named ports reads beyond its policy, as ``memo``'s tokens.

        The workloads, and those declaring each named port: equal on both sides of a diff
        unless the change touched them. Each is compared once per side, not per policy.
        """
        if self._tokens is None:
            self._tokens = {None: memo.token("workloads", workloads)}
        tokens = self._tokens
        for key in named:
            if key not in tokens:
                tokens[key] = memo.token(key, self._declaring(key))
        return (tokens[None], *(tokens[key] for key in named))


def _in_rules(
    policy: NetworkPolicy,
    compiled: CompiledPolicy,
    declaring: _Declaring,
    workloads: int,
) -> Iterator[Diagnostic]:
    directions = (
        ("ingress", "from", policy.ingress, compiled.ingress),
        ("egress", "to", policy.egress, compiled.egress),
    )
    for direction, peers_key, rules, compiled_rules in directions:
        if compiled_rules is None:
            continue  # its policyTypes leave this direction out
        for rule, compiled_rule in zip(rules, compiled_rules, strict=True):
            field = f"spec.{direction}[{compiled_rule.index}]"
            yield from _peers(policy.ref, rule, compiled_rule, f"{field}.{peers_key}")
            if not any(isinstance(port.port, str) for port in rule.ports):
                continue
            # Named ports resolve on the destination: the policy's own pods for ingress, the
            # workloads the rule's peers select for egress.
            destinations = (
                (compiled.subjects, "workload the policy selects")
                if direction == "ingress"
                else (compiled_rule.peers & workloads, "workload of its peers")
            )
            yield from _named_ports(policy.ref, rule, field, destinations, declaring)


def _peers(
    ref: ObjectRef, rule: Rule, compiled_rule: CompiledRule, field: str
) -> Iterator[Diagnostic]:
    for position, (peer, mask) in enumerate(
        zip(rule.peers or (), compiled_rule.peer_masks, strict=True)
    ):
        if isinstance(peer, PodPeer) and not mask:
            where = f"{field}[{position}]"
            yield PEER_SELECTS_NOTHING.at(peer.origin, policy=str(ref), field=where)


def _named_ports(
    ref: ObjectRef,
    rule: Rule,
    field: str,
    destinations: tuple[int, str],
    declaring: _Declaring,
) -> Iterator[Diagnostic]:
    """Named ports of a rule that no destination (a mask, and who they are) declares."""
    mask, whom = destinations
    for position, port in enumerate(rule.ports):
        if isinstance(port.port, str) and not declaring.any_of(mask, port.port, port.protocol):
            yield NAMED_PORT_UNDECLARED.at(
                port.origin,
                policy=str(ref),
                field=f"{field}.ports[{position}]",
                destinations=whom,
                protocol=port.protocol.value,
                port=port.port,
            )
