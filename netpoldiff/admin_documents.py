"""An admin policy as one document, whatever its API version: to compare and to describe.

The shape is v1alpha1's (``ports`` with ``portNumber``, ``portRange``, ``namedPort``), with the
tier and v1alpha2's ``Accept`` read as ``Allow``: a ClusterNetworkPolicy that repeats an
AdminNetworkPolicy reads the same. Its canonical form keeps rules in order (the first match
decides) and reads the peers and ports of a rule as sets.
"""

from __future__ import annotations

import json
from typing import Any

from netpoldiff.admin_policies import (
    AdminPeer,
    AdminPolicy,
    AdminRule,
    NamespacesPeer,
    NetworksPeer,
    PodsPeer,
)
from netpoldiff.policies import PolicyPort
from netpoldiff.policy_documents import selector_document


def peer_document(peer: AdminPeer) -> dict[str, Any]:
    """One subject or peer, as the manifest writes it."""
    if isinstance(peer, NamespacesPeer):
        return {"namespaces": selector_document(peer.namespace_selector)}
    if isinstance(peer, PodsPeer):
        return {
            "pods": {
                "namespaceSelector": selector_document(peer.namespace_selector),
                "podSelector": selector_document(peer.pod_selector),
            }
        }
    if isinstance(peer, NetworksPeer):
        return {"networks": list(peer.cidrs)}
    return {peer.kind: list(peer.value)}


def ports_document(ports: tuple[PolicyPort, ...]) -> list[dict[str, Any]]:
    """A rule's ports as v1alpha1 writes them; a named port once, whatever its protocols."""
    result: list[dict[str, Any]] = []
    named: set[str] = set()
    for port in ports:
        if isinstance(port.port, str):
            if port.port not in named:
                named.add(port.port)
                result.append({"namedPort": port.port})
        elif port.end_port is not None:
            result.append(
                {
                    "portRange": {
                        "protocol": str(port.protocol),
                        "start": port.port,
                        "end": port.end_port,
                    }
                }
            )
        else:
            result.append({"portNumber": {"protocol": str(port.protocol), "port": port.port}})
    return result


def rule_document(rule: AdminRule, peers_key: str) -> dict[str, Any]:
    """One rule: its action, peers and ports (its name, which decides nothing, left out)."""
    result: dict[str, Any] = {
        "action": rule.action.value.capitalize(),
        peers_key: [peer_document(peer) for peer in rule.peers],
    }
    if rule.ports is not None:
        result["ports"] = ports_document(rule.ports)
    return result


def admin_document(policy: AdminPolicy) -> dict[str, Any]:
    """An admin policy's spec, with its tier: what decides where and how it applies."""
    document: dict[str, Any] = {"tier": policy.tier.value.capitalize()}
    if policy.priority is not None:
        document["priority"] = policy.priority
    document["subject"] = peer_document(policy.subject)
    document["ingress"] = [rule_document(r, "from") for r in policy.ingress]
    document["egress"] = [rule_document(r, "to") for r in policy.egress]
    return document


def _as_set(items: list[Any]) -> list[Any]:
    keyed = {json.dumps(item, sort_keys=True): item for item in items}
    return [keyed[key] for key in sorted(keyed)]


def canonical_admin_document(policy: AdminPolicy) -> dict[str, Any]:
    """The document with each rule's peers and ports read as sets; rules stay in order."""
    document = admin_document(policy)
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for rule in document[direction]:
            rule[peers_key] = _as_set(rule[peers_key])
            if "ports" in rule:
                rule["ports"] = _as_set(rule["ports"])
    return document
