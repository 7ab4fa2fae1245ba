"""Rules written in a way that allows more, or less, than it seems: found on the manifests alone.

Two mistakes, each a warning at the line of the rule or peer:

- a rule with ``ports`` and no ``from`` (``to``) allows every peer on those ports. The
  Kubernetes documentation's example invites it: ``ports`` written as a list item of its own
  (``- ports:``) becomes a second rule instead of a key of the rule above. An egress rule to
  port 53 only is left alone: DNS to any resolver is the usual way to allow name resolution;
- an ipBlock (or an admin policy's ``networks``) of every IPv4 address, ``0.0.0.0/0``, with no
  ``::/0`` beside it: on a dual-stack cluster IPv6 traffic is left out (or, with ``except``
  lists on one family only, let through). Left out is said only where the policies name IPv6
  addresses elsewhere: without any, the cluster is most likely single-stack.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Final

from netpoldiff.addresses import V4_SPACE, V6_SPACE, parse_cidr
from netpoldiff.admin_policies import AdminAction, AdminPolicy, NetworksPeer
from netpoldiff.check_memo import CheckMemo, found_by
from netpoldiff.cluster import Cluster
from netpoldiff.diagnostics import IPV4_ONLY, PORTS_WITHOUT_PEERS, Diagnostic
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, PolicyPort, Rule
from netpoldiff.ports import Protocol

_V4: Final = 4
_V6: Final = 6
_DNS_PORT: Final = 53
_DNS_PORT_NAMES: Final = frozenset({"dns", "dns-tcp"})
_PEERS_KEY: Final = {"ingress": "from", "egress": "to"}
_ADMIN_EFFECT: Final = {
    AdminAction.ALLOW: "not allowed",
    AdminAction.DENY: "not denied",
    AdminAction.PASS: "not passed on",
}


def rule_checks(cluster: Cluster, memo: CheckMemo | None = None) -> tuple[Diagnostic, ...]:
    """Warnings about rules of the cluster's policies that allow more, or less, than they seem.

    ``memo``: a policy checked already (the same object, as dual-stack) is answered from it.
    """
    found: list[Diagnostic] = []
    dual_stack = _uses_ipv6(cluster)
    for policy in cluster.policies:
        find = functools.partial(_policy_checks, policy, dual_stack=dual_stack)
        found.extend(found_by(memo, "rule_checks", (policy,), find, dual_stack))
    for admin in cluster.admin_policies if dual_stack else ():
        found.extend(_admin_networks(admin))
    return tuple(found)


def _policy_checks(policy: NetworkPolicy, *, dual_stack: bool) -> Iterator[Diagnostic]:
    for direction, rules in _effective(policy):
        yield from _ports_without_peers(policy, direction, rules)
        for index, rule in enumerate(rules):
            field = f"spec.{direction}[{index}].{_PEERS_KEY[direction]}"
            yield from _ip_blocks(str(policy.ref), field, (direction, dual_stack), rule)


def _uses_ipv6(cluster: Cluster) -> bool:
    """Whether a policy names an IPv6 address: the cluster is then likely dual-stack.

    Without one, an IPv4-only ``0.0.0.0/0`` is most likely meant for a single-stack cluster,
    where nothing is left out.
    """
    cidrs = [
        peer.cidr
        for policy in cluster.policies
        for rule in (*policy.ingress, *policy.egress)
        for peer in rule.peers or ()
        if isinstance(peer, IPBlockPeer)
    ]
    cidrs.extend(
        cidr
        for admin in cluster.admin_policies
        for rule in admin.egress
        for peer in rule.peers
        if isinstance(peer, NetworksPeer)
        for cidr in peer.cidrs
    )
    return any(":" in cidr for cidr in cidrs)


def _effective(policy: NetworkPolicy) -> Iterator[tuple[str, tuple[Rule, ...]]]:
    # A direction its policyTypes leave out is ignored, and warned about as such (NPD003).
    if policy.affects_ingress:
        yield "ingress", policy.ingress
    if policy.affects_egress:
        yield "egress", policy.egress


def _ports_text(ports: Sequence[PolicyPort]) -> str:
    parts = []
    for port in ports:
        if port.port is None:
            parts.append(f"every {port.protocol} port")
        elif port.end_port is not None:
            parts.append(f"{port.protocol}/{port.port}-{port.end_port}")
        else:
            parts.append(f"{port.protocol}/{port.port}")
    return ", ".join(parts)


def _is_dns(port: PolicyPort) -> bool:
    """Port 53 (or kube-dns's port names) of UDP or TCP."""
    if port.protocol not in {Protocol.UDP, Protocol.TCP}:
        return False
    return port.port in _DNS_PORT_NAMES or (
        port.port == _DNS_PORT and port.end_port in {None, _DNS_PORT}
    )


def _only_peers(rule: Rule) -> bool:
    return rule.peers is not None and not rule.ports


def _ports_without_peers(
    policy: NetworkPolicy, direction: str, rules: tuple[Rule, ...]
) -> Iterator[Diagnostic]:
    peers = _PEERS_KEY[direction]
    for index, rule in enumerate(rules):
        # "If this field is empty or missing, this rule matches all sources/destinations."
        if rule.peers is not None or not rule.ports:
            continue
        if direction == "egress" and all(_is_dns(port) for port in rule.ports):
            continue  # DNS to any resolver: the usual way to allow name resolution
        hint = ""
        # The documentation's mistake: a rule's keys written as two list items, either way
        # round, make a rule of peers on every port and a rule of ports for every peer.
        if index > 0 and _only_peers(rules[index - 1]):
            hint = "; if `ports` belongs to the rule above, remove the leading `-`"
        elif index + 1 < len(rules) and _only_peers(rules[index + 1]):
            hint = f"; if the `{peers}` below belongs to this rule, remove its leading `-`"
        yield PORTS_WITHOUT_PEERS.at(
            rule.origin,
            policy=str(policy.ref),
            field=f"spec.{direction}[{index}]",
            peers=peers,
            connections=_ports_text(rule.ports),
            hint=hint,
        )


@functools.lru_cache(maxsize=64)  # a few distinct CIDRs of prefix 0, written again and again
def _family(cidr: str) -> int:
    """4 or 6 when ``cidr`` holds every address of that family, else 0."""
    # Only a prefix length of 0 holds a whole family: the others need not be parsed.
    if not cidr.rstrip("0").endswith("/"):
        return 0
    addresses = parse_cidr(cidr).addresses
    return _V4 if addresses.v4 == V4_SPACE else _V6 if addresses.v6 == V6_SPACE else 0


def _ip_blocks(
    policy: str, field: str, context: tuple[str, bool], rule: Rule
) -> Iterator[Diagnostic]:
    """IPv4-only blocks of every address in one rule; ``context``: direction, dual stack."""
    direction, dual_stack = context
    blocks = [
        (position, peer)
        for position, peer in enumerate(rule.peers or ())
        if isinstance(peer, IPBlockPeer)
    ]
    v6 = [peer for _, peer in blocks if _family(peer.cidr) == _V6]
    whom = "sources" if direction == "ingress" else "destinations"
    for position, peer in blocks:
        if _family(peer.cidr) != _V4:
            continue
        where = f"{field}[{position}]"
        if not v6:
            if not dual_stack:
                continue
            shape = f"ipBlock {peer.cidr} has no ::/0 beside it"
            effect = f"IPv6 {whom} are not allowed by this rule"
        elif peer.excepts and not any(other.excepts for other in v6):
            shape = (
                f"ipBlock {peer.cidr} excepts {', '.join(peer.excepts)} but the ::/0 beside "
                "it excepts nothing"
            )
            effect = f"IPv6 {whom} are allowed with no exception"
        else:
            continue
        yield IPV4_ONLY.at(peer.origin, policy=policy, field=where, shape=shape, effect=effect)


def _admin_networks(policy: AdminPolicy) -> Iterator[Diagnostic]:
    name = f"{policy.ref.kind} {policy.ref.name}"
    for index, rule in enumerate(policy.egress):
        networks = [
            (position, peer)
            for position, peer in enumerate(rule.peers)
            if isinstance(peer, NetworksPeer)
        ]
        if any(_family(cidr) == _V6 for _, peer in networks for cidr in peer.cidrs):
            continue
        for position, peer in networks:
            for cidr in peer.cidrs:
                if _family(cidr) == _V4:
                    yield IPV4_ONLY.at(
                        peer.origin or rule.origin,
                        policy=name,
                        field=f"spec.egress[{index}].to[{position}].networks",
                        shape=f"{cidr} has no ::/0 beside it",
                        effect=f"IPv6 destinations are {_ADMIN_EFFECT[rule.action]} by this rule",
                    )
