"""Admin policies: where each is asked within its tier."""

from __future__ import annotations

from netpoldiff.admin_policies import CLUSTER_NETWORK_POLICY, AdminTier
from tests.testing.builders import admin, in_namespaces

EVERYONE = in_namespaces()


def test_policies_are_asked_by_priority_then_kind_then_name() -> None:
    order = [
        admin("z", 1, EVERYONE),
        admin("b", 5, EVERYONE, kind=CLUSTER_NETWORK_POLICY),
        admin("a", 5, EVERYONE, kind=CLUSTER_NETWORK_POLICY),
        admin("c", 5, EVERYONE),
        admin("default", None, EVERYONE),
        admin("y", 1000, EVERYONE, tier=AdminTier.BASELINE, kind=CLUSTER_NETWORK_POLICY),
    ]
    ranked = sorted(order, key=lambda p: p.order_key())
    # AdminNetworkPolicy sorts before ClusterNetworkPolicy at one priority; the baseline
    # AdminNetworkPolicy, which has no priority, after every ClusterNetworkPolicy.
    assert [p.ref.name for p in ranked] == ["z", "c", "a", "b", "y", "default"]


def test_an_admin_policy_lives_in_no_namespace() -> None:
    assert admin("x", 1, EVERYONE).namespace is None
