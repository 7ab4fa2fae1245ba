"""Edits of an admin policy: ordered rules matched by what they say, in order."""

from __future__ import annotations

import pytest

from netpoldiff.admin_edits import describe_admin_edits
from netpoldiff.admin_policies import AdminPolicy, AdminRule, AdminTier
from tests.testing.builders import (
    admin,
    admin_named,
    admin_pods,
    admin_rule,
    in_namespaces,
    networks,
    port,
)

A, B, ALL = in_namespaces(team="a"), in_namespaces(team="b"), in_namespaces()
DENY_ALL = admin_rule("deny", ALL)
ALLOW_WEB = admin_rule(
    "allow", admin_pods({"app": "web"}), ports=(port(number=443), *admin_named("http"))
)


def ingress(*rules: AdminRule, priority: int = 10) -> AdminPolicy:
    return admin("p", priority, B, ingress=rules)


CASES = {
    "rule-inserted-at-top": (
        ingress(DENY_ALL),
        ingress(ALLOW_WEB, DENY_ALL),
        ["ingress rule 1 added: Allow from app=web in any namespace on TCP/443 port http"],
    ),
    "rules-reordered": (
        ingress(ALLOW_WEB, DENY_ALL),
        ingress(DENY_ALL, ALLOW_WEB),
        ["ingress rules reordered (the first rule that matches decides)"],
    ),
    "action-changed": (
        ingress(ALLOW_WEB, DENY_ALL),
        ingress(ALLOW_WEB, admin_rule("pass", ALL)),
        ["ingress rule 2: action Deny -> Pass"],
    ),
    "rule-removed": (
        ingress(ALLOW_WEB, DENY_ALL),
        ingress(ALLOW_WEB),
        ["ingress rule removed: Deny from any namespace on all ports"],
    ),
    "priority-and-subject": (
        ingress(DENY_ALL),
        admin("p", 20, A, ingress=(DENY_ALL,)),
        ["priority 10 -> 20", "subject namespaces team=b -> namespaces team=a"],
    ),
    "tier": (
        ingress(DENY_ALL),
        admin("p", 10, B, ingress=(DENY_ALL,), tier=AdminTier.BASELINE),
        ["tier Admin -> Baseline"],
    ),
    "egress-networks": (
        admin("p", 1, A, egress=(admin_rule("deny", networks("0.0.0.0/0", "::/0")),)),
        admin("p", 1, A),
        ["egress rule removed: Deny to 0.0.0.0/0,::/0 on all ports"],
    ),
    "nothing-in-meaning": (ingress(DENY_ALL), ingress(admin_rule("deny", ALL)), []),
}


@pytest.mark.parametrize(("before", "after", "edits"), CASES.values(), ids=CASES.keys())
def test_each_edit_reads_in_the_words_of_the_manifest(
    before: AdminPolicy, after: AdminPolicy, edits: list[str]
) -> None:
    assert describe_admin_edits(before, after) == edits
