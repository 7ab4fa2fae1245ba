"""Admin tiers, rule by rule: what each branch of the API text decides for one pair.

Each case is a small cluster of two namespaces (``a``: team=a with ``web``, whose port ``http``
is 8080; ``b``: team=b with ``db``) and what one source may open to one destination.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pytest

from netpoldiff.addresses import ALL_ADDRESSES, parse_cidr
from netpoldiff.admin_policies import CLUSTER_NETWORK_POLICY, AdminAction, AdminPolicy, AdminTier
from netpoldiff.columns import Column
from netpoldiff.compiled import CompiledAdminRule, CompiledPorts
from netpoldiff.evaluate import evaluate
from netpoldiff.evaluate.admin_tiers import first_match
from netpoldiff.model import Endpoint, ExternalEndpoint
from netpoldiff.policies import NetworkPolicy
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet
from tests.testing.builders import (
    admin,
    admin_named,
    admin_pods,
    admin_rule,
    cluster,
    endpoint,
    in_namespaces,
    named,
    namespace,
    networks,
    pods,
    policy,
    port,
    rule,
    tcp,
    workload,
)

WEB, DB = endpoint("a/web"), endpoint("b/db")
BASE: Final = (
    namespace("a", team="a"),
    namespace("b", team="b"),
    workload("a/web", {"app": "web"}, (named("http", 8080),)),
    workload("b/db", {"app": "db"}),
)
FROM_A = in_namespaces(team="a")
TO_B = in_namespaces(team="b")
EVERYONE = in_namespaces()
ALL_BUT_8080 = ALL_CONNECTIONS - tcp(8080)


def deny_into_b(priority: int = 10, name: str = "deny-b") -> AdminPolicy:
    return admin(name, priority, TO_B, ingress=(admin_rule("deny", EVERYONE),))


def allow_a_into_b(priority: int = 10, name: str = "allow-a") -> AdminPolicy:
    return admin(name, priority, TO_B, ingress=(admin_rule("allow", FROM_A),))


NP_ALLOW_ALL_INTO_B = policy("b/allow-all", ingress=(rule(),))
NP_DENY_INTO_B = policy("b/deny", ingress=())
NP_5432_FROM_A = policy(
    "b/db-from-a", ingress=(rule(pods(namespaces={"team": "a"}), ports=(port(number=5432),)),)
)
BANP_DENY_INTO_B = admin("default", None, TO_B, ingress=(admin_rule("deny", EVERYONE),))


@dataclass(frozen=True)
class Case:
    objects: tuple[NetworkPolicy | AdminPolicy, ...]
    src: Endpoint
    dst: Endpoint
    expected: ConnectionSet


CASES = {
    # "Deny: ... Pods will never receive traffic which has been matched by a "Deny" rule".
    "admin-deny-above-networkpolicy-allow": Case(
        (NP_ALLOW_ALL_INTO_B, deny_into_b()), WEB, DB, NO_CONNECTIONS
    ),
    # "Allow: ... allowed regardless of NetworkPolicy and BaselineAdminNetworkPolicy rules".
    "admin-allow-above-networkpolicy-deny": Case(
        (NP_DENY_INTO_B, allow_a_into_b()), WEB, DB, ALL_CONNECTIONS
    ),
    # "Pass: ... skip any remaining ANP rules, and then pass execution to any NetworkPolicies".
    "pass-to-networkpolicy": Case(
        (
            admin("pass", 1, TO_B, ingress=(admin_rule("pass", FROM_A),)),
            deny_into_b(priority=2),
            NP_5432_FROM_A,
            BANP_DENY_INTO_B,
        ),
        WEB,
        DB,
        tcp(5432),
    ),
    # "If the pod is not selected by any NetworkPolicies then execution is passed to any
    # BaselineAdminNetworkPolicies that select the pod."
    "pass-to-baseline": Case(
        (admin("pass", 1, TO_B, ingress=(admin_rule("pass", FROM_A),)), BANP_DENY_INTO_B),
        WEB,
        DB,
        NO_CONNECTIONS,
    ),
    "baseline-only-when-no-networkpolicy-selects": Case(
        (NP_5432_FROM_A, BANP_DENY_INTO_B), WEB, DB, tcp(5432)
    ),
    "baseline-deny": Case((BANP_DENY_INTO_B,), WEB, DB, NO_CONNECTIONS),
    # "Policies with lower priority values have higher precedence".
    "lower-priority-value-first": Case(
        (deny_into_b(priority=20), allow_a_into_b(priority=10)), WEB, DB, ALL_CONNECTIONS
    ),
    "lower-priority-value-first-swapped": Case(
        (deny_into_b(priority=10), allow_a_into_b(priority=20)), WEB, DB, NO_CONNECTIONS
    ),
    # "a rule that appears at the top of the ingress rules would take the highest precedence".
    "first-rule-that-matches-decides": Case(
        (
            admin(
                "ordered",
                1,
                TO_B,
                ingress=(
                    admin_rule("allow", EVERYONE, ports=(port(number=80),)),
                    admin_rule("deny", EVERYONE),
                ),
            ),
        ),
        WEB,
        DB,
        tcp(80),
    ),
    # "So if you Allow or Deny traffic to "0.0.0.0/0", that will allow or deny all IPv4
    # pod-to-pod traffic as well."
    "networks-of-a-whole-family-hold-the-pods": Case(
        (admin("no-v6", 1, FROM_A, egress=(admin_rule("deny", networks("::/0")),)),),
        WEB,
        DB,
        NO_CONNECTIONS,
    ),
    "networks-ipv6-deny": Case(
        (admin("no-v6", 1, FROM_A, egress=(admin_rule("deny", networks("::/0")),)),),
        WEB,
        ExternalEndpoint(parse_cidr("::/0").addresses),
        NO_CONNECTIONS,
    ),
    "networks-ipv6-leave-ipv4": Case(
        (admin("no-v6", 1, FROM_A, egress=(admin_rule("deny", networks("::/0")),)),),
        WEB,
        ExternalEndpoint(parse_cidr("0.0.0.0/0").addresses),
        ALL_CONNECTIONS,
    ),
    # A named port resolves on the destination: web's http is TCP/8080.
    "named-port-on-the-destination": Case(
        (
            admin(
                "no-http",
                1,
                FROM_A,
                ingress=(admin_rule("deny", EVERYONE, ports=admin_named("http")),),
            ),
        ),
        DB,
        WEB,
        ALL_BUT_8080,
    ),
    "named-port-the-destination-lacks": Case(
        (
            admin(
                "no-http",
                1,
                TO_B,
                ingress=(admin_rule("deny", EVERYONE, ports=admin_named("http")),),
            ),
        ),
        WEB,
        DB,
        ALL_CONNECTIONS,
    ),
    # A flow needs both directions: an egress Deny at the source is enough.
    "egress-deny-at-the-source": Case(
        (NP_ALLOW_ALL_INTO_B, admin("a-out", 1, FROM_A, egress=(admin_rule("deny", TO_B),))),
        WEB,
        DB,
        NO_CONNECTIONS,
    ),
    # Ingress peers are pods: addresses outside the cluster pass on to the next tier.
    "outside-sources-pass-admin-ingress": Case(
        (deny_into_b(),), ExternalEndpoint(ALL_ADDRESSES), DB, ALL_CONNECTIONS
    ),
    "pods-peer-by-namespace-and-labels": Case(
        (admin("web-only", 1, TO_B, ingress=(admin_rule("deny", admin_pods({"app": "web"})),)),),
        WEB,
        DB,
        NO_CONNECTIONS,
    ),
    "cluster-network-policy-admin-tier": Case(
        (
            NP_ALLOW_ALL_INTO_B,
            admin(
                "deny-b",
                10,
                TO_B,
                ingress=(admin_rule("deny", EVERYONE),),
                kind=CLUSTER_NETWORK_POLICY,
            ),
        ),
        WEB,
        DB,
        NO_CONNECTIONS,
    ),
    "cluster-network-policy-baseline-tier-pass": Case(
        (
            admin(
                "skip",
                1,
                TO_B,
                ingress=(admin_rule("pass", FROM_A),),
                tier=AdminTier.BASELINE,
                kind=CLUSTER_NETWORK_POLICY,
            ),
            admin(
                "deny",
                2,
                TO_B,
                ingress=(admin_rule("deny", EVERYONE),),
                tier=AdminTier.BASELINE,
                kind=CLUSTER_NETWORK_POLICY,
            ),
        ),
        WEB,
        DB,
        ALL_CONNECTIONS,  # Pass skips the rest of the Baseline tier: the default allows
    ),
    # Equal priorities: asked by kind, then name (documented, deterministic).
    "same-priority-by-name": Case(
        (deny_into_b(priority=5, name="b-deny"), allow_a_into_b(priority=5, name="a-allow")),
        WEB,
        DB,
        ALL_CONNECTIONS,
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_rule_of_the_api_text_decides_the_pair(case: Case) -> None:
    matrix = evaluate(cluster(*BASE, *case.objects))
    assert matrix.get(case.src, case.dst) == case.expected


def _rule(action: str, sources: int, ports: ConnectionSet = ALL_CONNECTIONS) -> CompiledAdminRule:
    return CompiledAdminRule(0, None, AdminAction(action), 0, sources, CompiledPorts(ports, ()))


def test_first_match_allows_denies_and_passes_what_it_matches_and_passes_the_rest() -> None:
    undecided: Column = {ALL_CONNECTIONS: 0b1111}
    rules = (_rule("allow", 0b0001), _rule("deny", 0b0011, tcp(80)), _rule("pass", 0b0110))
    verdict = first_match(rules, None, undecided, egress=False)
    assert verdict.allowed == {ALL_CONNECTIONS: 0b0001}
    # Source 1: TCP/80 denied, the rest passed; source 2 passed; source 3 matched by none.
    assert verdict.passed == {ALL_CONNECTIONS - tcp(80): 0b0010, ALL_CONNECTIONS: 0b1100}
