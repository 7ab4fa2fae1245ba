"""Whether admin policies deny a namespace's egress by default: one row per way the tiers end."""

from __future__ import annotations

import pytest

from netpoldiff.admin_denies import denies_all_egress
from netpoldiff.admin_policies import AdminPolicy, AdminRule, AdminTier, Subject
from netpoldiff.model import NAMESPACE_NAME_LABEL, label_pairs
from netpoldiff.policies import PolicyPort
from tests.testing.builders import TCP, admin, admin_pods, admin_rule, in_namespaces, networks

SHOP = label_pairs({NAMESPACE_NAME_LABEL: "shop"})
IN_SHOP = in_namespaces(**{NAMESPACE_NAME_LABEL: "shop"})
WEB_IN_SHOP = admin_pods({"app": "web"}, namespaces={NAMESPACE_NAME_LABEL: "shop"})
EVERYWHERE = networks("0.0.0.0/0", "::/0")
DENY_ALL = admin_rule("deny", EVERYWHERE)
ALLOW_ALL = admin_rule("allow", EVERYWHERE)
PASS_ALL = admin_rule("pass", EVERYWHERE)


def egress(name: str, priority: int, *rules: AdminRule, subject: Subject = IN_SHOP) -> AdminPolicy:
    """An admin-tier policy of these egress rules, for every pod of shop unless told."""
    return admin(name, priority, subject, egress=rules)


def baseline(*rules: AdminRule) -> AdminPolicy:
    """The baseline policy, for every pod of shop."""
    return admin("default", None, IN_SHOP, egress=rules, tier=AdminTier.BASELINE)


@pytest.mark.parametrize(
    ("policies", "denies"),
    [
        ((), False),
        ((egress("deny", 10, DENY_ALL),), True),
        ((egress("deny", 10, DENY_ALL, subject=in_namespaces()),), True),
        ((baseline(DENY_ALL),), True),
        # Exceptions before the deny are what allow rules are to a NetworkPolicy default deny.
        (
            (
                egress(
                    "deny",
                    10,
                    admin_rule("allow", networks("0.0.0.0/0"), ports=(PolicyPort(TCP, 443),)),
                    admin_rule("pass", in_namespaces()),
                    DENY_ALL,
                ),
            ),
            True,
        ),
        ((egress("deny", 10, admin_rule("deny", networks("0.0.0.0/0"))),), False),
        ((egress("deny", 10, admin_rule("deny", EVERYWHERE, ports=(PolicyPort(TCP),))),), False),
        ((egress("allow", 5, ALLOW_ALL), egress("deny", 10, DENY_ALL)), False),
        ((egress("deny", 10, DENY_ALL), egress("allow", 5, ALLOW_ALL, subject=WEB_IN_SHOP)), False),
        ((egress("deny", 10, DENY_ALL, subject=WEB_IN_SHOP),), False),
        ((egress("web", 5, DENY_ALL, subject=WEB_IN_SHOP), egress("deny", 10, DENY_ALL)), True),
        ((egress("pass", 10, PASS_ALL),), False),
        ((egress("pass", 10, PASS_ALL), baseline(DENY_ALL)), True),
        ((egress("web", 5, PASS_ALL, subject=WEB_IN_SHOP), egress("deny", 10, DENY_ALL)), False),
        (
            (
                egress("web", 5, PASS_ALL, subject=WEB_IN_SHOP),
                egress("deny", 10, DENY_ALL),
                baseline(DENY_ALL),
            ),
            True,
        ),
        ((baseline(PASS_ALL, DENY_ALL),), False),
        ((baseline(ALLOW_ALL, DENY_ALL),), False),
        ((egress("deny", 10, DENY_ALL, subject=in_namespaces(team="other")),), False),
    ],
    ids=[
        "no-admin-policy",
        "admin-deny-to-every-address",
        "admin-deny-for-every-namespace",
        "baseline-deny-to-every-address",
        "narrower-rules-before-the-deny-are-exceptions",
        "deny-to-ipv4-only-leaves-ipv6",
        "deny-on-some-ports-only",
        "allow-all-first-in-tier-order",
        "allow-all-for-some-pods-first",
        "deny-for-some-pods-only",
        "deny-for-some-pods-then-for-all",
        "pass-all-to-no-baseline",
        "pass-all-to-a-baseline-deny",
        "pass-for-some-pods-before-the-deny",
        "pass-for-some-pods-to-a-baseline-deny",
        "baseline-pass-goes-to-the-default-allow",
        "baseline-allow-all-first",
        "subject-selects-other-namespaces",
    ],
)
def test_a_namespace_is_denied_by_default_when_its_tiers_end_in_a_deny_for_every_pod(
    policies: tuple[AdminPolicy, ...], denies: bool
) -> None:
    assert denies_all_egress(policies, SHOP) is denies
