"""A NetworkPolicy as its manifest would say it: the document to compare and to describe.

A policy's spec after defaulting, in the manifest's own shape (``matchLabels``, ``from``,
``ports``), so that two policies compare by what they say and an edit reads in the words of the
manifest. Its canonical form reads every list as a set: the order and repetition of rules,
peers and ports never change what a policy allows.
"""

from __future__ import annotations

import json
from typing import Any

from netpoldiff.policies import IPBlockPeer, NetworkPolicy, PolicyPort, Rule
from netpoldiff.selectors import LabelSelector


def selector_document(selector: LabelSelector) -> dict[str, Any]:
    """A label selector as a manifest writes it (empty parts left out)."""
    result: dict[str, Any] = {}
    if selector.match_labels:
        result["matchLabels"] = dict(selector.match_labels)
    if selector.expressions:
        result["matchExpressions"] = [
            {
                "key": r.key,
                "operator": str(r.operator),
                **({"values": list(r.values)} if r.values else {}),
            }
            for r in selector.expressions
        ]
    return result


def _port(port: PolicyPort) -> dict[str, Any]:
    result: dict[str, Any] = {"protocol": str(port.protocol)}
    if port.port is not None:
        result["port"] = port.port
    if port.end_port is not None:
        result["endPort"] = port.end_port
    return result


def _rule(rule: Rule, peers_key: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if rule.peers is not None:
        peers = []
        for peer in rule.peers:
            if isinstance(peer, IPBlockPeer):
                block: dict[str, Any] = {"cidr": peer.cidr}
                if peer.excepts:
                    block["except"] = list(peer.excepts)
                peers.append({"ipBlock": block})
                continue
            entry: dict[str, Any] = {}
            if peer.namespace_selector is not None:
                entry["namespaceSelector"] = selector_document(peer.namespace_selector)
            if peer.pod_selector is not None:
                entry["podSelector"] = selector_document(peer.pod_selector)
            peers.append(entry)
        result[peers_key] = peers
    if rule.ports:
        result["ports"] = [_port(p) for p in rule.ports]
    return result


def policy_document(policy: NetworkPolicy) -> dict[str, Any]:
    """A policy's spec after defaulting, shaped like its manifest."""
    types = [
        t
        for t, on in (("Ingress", policy.affects_ingress), ("Egress", policy.affects_egress))
        if on
    ]
    return {
        "podSelector": selector_document(policy.pod_selector),
        "policyTypes": types,
        "ingress": [_rule(r, "from") for r in policy.ingress],
        "egress": [_rule(r, "to") for r in policy.egress],
    }


def _canonical(value: Any) -> Any:  # noqa: ANN401 - a policy document
    """Lists as sorted sets, recursively.

    The order and repetition of rules, peers and ports never change what a policy allows.
    """
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        # Each item made canonical once, and written out once to be ordered by.
        canonical = [_canonical(item) for item in value]
        items = {json.dumps(item, sort_keys=True): item for item in canonical}
        return [items[key] for key in sorted(items)]
    return value


def canonical_document(policy: NetworkPolicy) -> dict[str, Any]:
    """The policy document with every list read as a set."""
    return dict(_canonical(policy_document(policy)))
