"""Admin policy documents: one shape for both API versions; rules in order, their parts as sets."""

from __future__ import annotations

from netpoldiff.admin_documents import admin_document, canonical_admin_document
from netpoldiff.admin_policies import CLUSTER_NETWORK_POLICY
from tests.testing.builders import admin, admin_named, admin_rule, in_namespaces, networks, port

A, B = in_namespaces(team="a"), in_namespaces(team="b")


def test_the_document_says_tier_priority_subject_and_rules_as_v1alpha1_writes_them() -> None:
    policy = admin(
        "p",
        7,
        A,
        egress=(
            admin_rule(
                "allow",
                networks("10.0.0.0/8"),
                ports=(port(number=80, end=90), *admin_named("http")),
            ),
        ),
    )
    assert admin_document(policy) == {
        "tier": "Admin",
        "priority": 7,
        "subject": {"namespaces": {"matchLabels": {"team": "a"}}},
        "ingress": [],
        "egress": [
            {
                "action": "Allow",
                "to": [{"networks": ["10.0.0.0/8"]}],
                "ports": [
                    {"portRange": {"protocol": "TCP", "start": 80, "end": 90}},
                    {"namedPort": "http"},
                ],
            }
        ],
    }


def test_the_kind_is_not_part_of_the_document() -> None:
    rules = (admin_rule("deny", B),)
    v1 = admin("p", 1, A, ingress=rules)
    v2 = admin("p", 1, A, ingress=rules, kind=CLUSTER_NETWORK_POLICY)
    assert admin_document(v1) == admin_document(v2)


def test_peers_are_a_set_but_rules_keep_their_order() -> None:
    one = admin("p", 1, A, ingress=(admin_rule("deny", A, B), admin_rule("allow", B)))
    peers_swapped = admin("p", 1, A, ingress=(admin_rule("deny", B, A), admin_rule("allow", B)))
    rules_swapped = admin("p", 1, A, ingress=(admin_rule("allow", B), admin_rule("deny", A, B)))
    assert canonical_admin_document(one) == canonical_admin_document(peers_swapped)
    assert canonical_admin_document(one) != canonical_admin_document(rules_swapped)
