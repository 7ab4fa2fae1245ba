"""What changed inside a modified admin policy, in the words of its manifest.

Unlike a NetworkPolicy's, an admin policy's rules are ordered: the first that matches a
connection decides it. So rules are matched by what they say, in order: a rule inserted reads
as added at its place, a reordered list as reordered (which can change what is allowed), and a
rule whose peers and ports stay but whose action changes as that one change.
"""

from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher
from typing import Final

from netpoldiff.admin_policies import (
    AdminPeer,
    AdminPolicy,
    AdminRule,
    NamespacesPeer,
    NetworksPeer,
    PodsPeer,
)
from netpoldiff.policy_edits import ALL_PORTS, namespaces_text, ports_text

NAMED_PEERS: Final = 3  # peers that name a rule before "and N more"


def admin_peer_text(peer: AdminPeer) -> str:
    """One subject or peer: ``namespaces team=a``, ``app=web in any namespace``, ``0.0.0.0/0``."""
    if isinstance(peer, NamespacesPeer):
        return namespaces_text(peer.namespace_selector)
    if isinstance(peer, PodsPeer):
        pods = peer.pod_selector
        pods_text = "any pod" if pods.is_empty() else str(pods)
        return f"{pods_text} in {namespaces_text(peer.namespace_selector)}"
    if isinstance(peer, NetworksPeer):
        return ",".join(peer.cidrs)
    return f"{peer.kind} {','.join(peer.value)}"


def admin_rule_text(rule: AdminRule, direction: str) -> str:
    """``Deny from any namespace on all ports``, ``Allow to 0.0.0.0/0 on TCP/443``."""
    word = "from" if direction == "ingress" else "to"
    peers = [admin_peer_text(peer) for peer in rule.peers]
    if len(peers) > NAMED_PEERS:
        peers = [*peers[:NAMED_PEERS], f"and {len(peers) - NAMED_PEERS} more"]
    ports = ALL_PORTS if rule.ports is None else _ports(rule)
    return f"{rule.action.value.capitalize()} {word} {', '.join(peers)} on {ports}"


def _ports(rule: AdminRule) -> str:
    # A named port is kept once per protocol (the API's names carry none): say it once.
    assert rule.ports is not None  # noqa: S101 - callers check
    numbered = [port for port in rule.ports if not isinstance(port.port, str)]
    names = sorted({port.port for port in rule.ports if isinstance(port.port, str)})
    parts = [ports_text(numbered)] if numbered else []
    parts.extend(f"port {name}" for name in names)
    return " ".join(parts)


def _label(rule: AdminRule) -> str:
    return f" {rule.name!r}" if rule.name else ""


def _same_match(before: AdminRule, after: AdminRule) -> bool:
    """Whether two rules match the same connections (their peers and ports, as sets)."""
    return set(before.peers) == set(after.peers) and (
        (before.ports is None and after.ports is None)
        or (
            before.ports is not None
            and after.ports is not None
            and set(before.ports) == set(after.ports)
        )
    )


def _meaning(rule: AdminRule) -> tuple[object, ...]:
    ports = None if rule.ports is None else frozenset(rule.ports)
    return (rule.action, frozenset(rule.peers), ports)


def _rule_edits(
    direction: str, before: tuple[AdminRule, ...], after: tuple[AdminRule, ...]
) -> list[str]:
    old = [_meaning(rule) for rule in before]
    new = [_meaning(rule) for rule in after]
    if old == new:
        return []
    if Counter(old) == Counter(new):
        return [f"{direction} rules reordered (the first rule that matches decides)"]
    edits: list[str] = []
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = list(before[i1:i2]), list(after[j1:j2])
        if tag == "replace" and len(removed) == len(added):
            pairs = list(zip(removed, added, strict=True))
            if all(_same_match(a, b) for a, b in pairs):
                for offset, (was, now) in enumerate(pairs):
                    edits.append(
                        f"{direction} rule {j1 + offset + 1}{_label(now)}: action "
                        f"{was.action.value.capitalize()} -> {now.action.value.capitalize()}"
                    )
                continue
        edits.extend(
            f"{direction} rule removed: {admin_rule_text(rule, direction)}" for rule in removed
        )
        edits.extend(
            f"{direction} rule {j1 + offset + 1} added: {admin_rule_text(rule, direction)}"
            for offset, rule in enumerate(added)
        )
    return edits


def describe_admin_edits(before: AdminPolicy, after: AdminPolicy) -> list[str]:
    """The edits from ``before`` to ``after``, in the order a reader meets them."""
    edits: list[str] = []
    if before.tier != after.tier:
        edits.append(f"tier {before.tier.value.capitalize()} -> {after.tier.value.capitalize()}")
    if before.priority != after.priority:
        edits.append(f"priority {before.priority} -> {after.priority}")
    if before.subject != after.subject:
        edits.append(
            f"subject {admin_peer_text(before.subject)} -> {admin_peer_text(after.subject)}"
        )
    edits.extend(_rule_edits("ingress", before.ingress, after.ingress))
    edits.extend(_rule_edits("egress", before.egress, after.egress))
    return edits
