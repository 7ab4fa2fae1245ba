"""Risk findings as data: flows from outside or across namespaces, default denies removed."""

from __future__ import annotations

import dataclasses

import pytest

from netpoldiff.admin_policies import AdminPolicy, AdminTier, AnyPolicy
from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.diff import diff_matrices
from netpoldiff.evaluate import evaluate_pair
from netpoldiff.findings import (
    ConfigurationChanged,
    DefaultDenyRemoved,
    Direction,
    Finding,
    findings,
    is_default_deny,
    removed_default_denies,
)
from netpoldiff.model import NAMESPACE_NAME_LABEL
from netpoldiff.policies import NetworkPolicy
from tests.testing.builders import (
    TCP,
    UDP,
    admin,
    admin_rule,
    cluster,
    in_namespaces,
    ip_block,
    networks,
    pods,
    policy,
    port,
    rule,
    workload,
)

DENY_IN = policy("shop/deny-in", ingress=())
DENY_OUT = policy("shop/deny-out", egress=())
DENY_BOTH = policy("shop/deny-all", ingress=(), egress=())


@pytest.mark.parametrize(
    ("policy_", "ingress", "egress"),
    [
        (DENY_IN, True, False),
        (DENY_OUT, False, True),
        (DENY_BOTH, True, True),
        (policy("shop/allow-in", ingress=(rule(),)), False, False),
        (policy("shop/web", {"app": "web"}, ingress=(), egress=()), False, False),
        (policy("shop/some-in", ingress=(rule(pods({})),), egress=()), False, True),
    ],
    ids=[
        "deny-ingress (CC-03)",
        "deny-egress",
        "deny-both",
        "allow-all-is-no-deny (CC-03)",
        "selecting-some-pods-is-no-default",
        "rules-one-way-deny-the-other",
    ],
)
def test_a_default_deny_selects_every_pod_and_allows_nothing_that_way(
    policy_: NetworkPolicy, ingress: bool, egress: bool
) -> None:
    """The documentation's default deny: "a NetworkPolicy that selects all pods but does not
    allow any ingress traffic to those pods" (``ingress: []``); ``ingress: [{}]`` allows all.
    """
    directions: dict[Direction, bool] = {"ingress": ingress, "egress": egress}
    for direction, expected in directions.items():
        assert is_default_deny(policy_, direction) is expected


def changes(old: tuple[NetworkPolicy, ...], new: tuple[NetworkPolicy, ...]) -> ChangeSet:
    return ChangeSet.between(Cluster(policies=old), Cluster(policies=new))


def renamed(policy_: NetworkPolicy, spec: str) -> NetworkPolicy:
    return dataclasses.replace(policy_, ref=policy(spec, ingress=()).ref)


@pytest.mark.parametrize(
    ("old", "new", "removed"),
    [
        ((DENY_IN,), (), [DefaultDenyRemoved("shop", "ingress", ((DENY_IN.ref, "removed"),))]),
        (
            (DENY_IN,),
            (policy("shop/deny-in", ingress=(rule(ip_block("10.0.0.0/8")),)),),
            [DefaultDenyRemoved("shop", "ingress", ((DENY_IN.ref, "changed"),))],
        ),
        (
            (DENY_BOTH,),
            (),
            [
                DefaultDenyRemoved("shop", "ingress", ((DENY_BOTH.ref, "removed"),)),
                DefaultDenyRemoved("shop", "egress", ((DENY_BOTH.ref, "removed"),)),
            ],
        ),
        ((DENY_IN,), (renamed(DENY_IN, "shop/default-deny"),), []),
        ((DENY_BOTH,), (DENY_IN, DENY_OUT), []),
        ((DENY_IN,), (DENY_IN, policy("shop/open", ingress=(rule(),))), []),
        ((), (DENY_IN,), []),
        (
            (renamed(DENY_OUT, "zoo/deny"), DENY_IN, renamed(DENY_IN, "bank/deny")),
            (),
            [
                DefaultDenyRemoved(
                    "bank", "ingress", ((policy("bank/deny", ingress=()).ref, "removed"),)
                ),
                DefaultDenyRemoved("shop", "ingress", ((DENY_IN.ref, "removed"),)),
                DefaultDenyRemoved(
                    "zoo", "egress", ((policy("zoo/deny", egress=()).ref, "removed"),)
                ),
            ],
        ),
        (
            (renamed(DENY_IN, "shop/deny-2"), DENY_IN),
            (),
            [
                DefaultDenyRemoved(
                    "shop",
                    "ingress",
                    ((policy("shop/deny-2", ingress=()).ref, "removed"), (DENY_IN.ref, "removed")),
                )
            ],
        ),
    ],
    ids=[
        "removed",
        "changed-to-allow",
        "both-directions",
        "renamed-is-no-removal",
        "split-is-no-removal",
        "an-allow-beside-it-is-not-judged-here",
        "added",
        "ingress-first-then-by-namespace",
        "every-deny-of-the-namespace-is-named",
    ],
)
def test_a_namespace_whose_default_deny_is_gone(
    old: tuple[NetworkPolicy, ...],
    new: tuple[NetworkPolicy, ...],
    removed: list[DefaultDenyRemoved],
) -> None:
    assert removed_default_denies(changes(old, new)) == removed


SHOP_EGRESS_DENIED = admin(
    "shop-egress",
    10,
    in_namespaces(**{NAMESPACE_NAME_LABEL: "shop"}),
    egress=(admin_rule("deny", networks("0.0.0.0/0", "::/0")),),
)
SHOP_INGRESS_DENIED = admin(
    "shop-ingress",
    10,
    in_namespaces(**{NAMESPACE_NAME_LABEL: "shop"}),
    ingress=(admin_rule("deny", in_namespaces()),),
)


@pytest.mark.parametrize(
    ("old", "new", "removed"),
    [
        ((DENY_OUT,), (SHOP_EGRESS_DENIED,), []),
        (
            (DENY_OUT,),
            (dataclasses.replace(SHOP_EGRESS_DENIED, tier=AdminTier.BASELINE, priority=None),),
            [],
        ),
        (
            (DENY_OUT,),
            (
                dataclasses.replace(
                    SHOP_EGRESS_DENIED, egress=(admin_rule("deny", networks("0.0.0.0/0")),)
                ),
            ),
            [DefaultDenyRemoved("shop", "egress", ((DENY_OUT.ref, "removed"),))],
        ),
        (
            (DENY_IN,),
            (SHOP_INGRESS_DENIED,),
            [DefaultDenyRemoved("shop", "ingress", ((DENY_IN.ref, "removed"),))],
        ),
    ],
    ids=[
        "egress-deny-handed-to-an-admin-deny",
        "egress-deny-handed-to-a-baseline-deny",
        "an-admin-deny-to-ipv4-only-leaves-ipv6-open",
        "an-admin-ingress-deny-leaves-traffic-from-outside",
    ],
)
def test_a_default_deny_handed_over_to_admin_policies(
    old: tuple[NetworkPolicy, ...], new: tuple[AdminPolicy, ...], removed: list[DefaultDenyRemoved]
) -> None:
    after = ChangeSet.between(Cluster(policies=old), Cluster(admin_policies=new))
    assert removed_default_denies(after) == removed


def test_the_order_policies_are_declared_in_changes_no_finding() -> None:
    second = renamed(DENY_IN, "shop/deny-2")
    assert removed_default_denies(changes((second, DENY_IN), ())) == removed_default_denies(
        changes((DENY_IN, second), ())
    )


# --- findings of a diff ------------------------------------------------------------------------

WEB_A = workload("a/web", {"app": "web"})
API_B = workload("b/api", {"app": "api"})
DB_B = workload("b/db", {"app": "db"})
LOCKED = (
    policy("a/deny", ingress=(), egress=()),
    policy("b/deny", ingress=(), egress=()),
)
WEB_TO_PUBLIC = policy(
    "a/web-out", {"app": "web"}, egress=(rule(ip_block("0.0.0.0/0"), ports=(port(number=443),)),)
)
WEB_TO_ALL_BUT_DNS = policy(
    "a/web-out",
    {"app": "web"},
    egress=(
        rule(
            ip_block("0.0.0.0/0"),
            ports=tuple(
                port(protocol, low, high)
                for protocol in (TCP, UDP)
                for low, high in ((1, 52), (54, 65535))
            ),
        ),
    ),
)
WEB_TO_API = policy(
    "a/web-out", {"app": "web"}, egress=(rule(pods({"app": "api"}, namespaces={})),)
)
API_FROM_WEB = policy(
    "b/api-in",
    {"app": "api"},
    ingress=(rule(pods({"app": "web"}, namespaces={}), ports=(port(number=80),)),),
)
API_FROM_OFFICE = policy(
    "b/api-in",
    {"app": "api"},
    ingress=(rule(ip_block("203.0.113.0/24"), ports=(port(number=80),)),),
)
DB_TO_API = policy("b/db-out", {"app": "db"}, egress=(rule(pods({"app": "api"})),))
API_FROM_DB = policy("b/api-in", {"app": "api"}, ingress=(rule(pods({"app": "db"})),))
API_FROM_ANYONE = policy(
    "b/api-in", {"app": "api"}, ingress=(rule(pods({}, namespaces={}), ports=(port(number=80),)),)
)
EVERYONE_OUT = (
    policy("a/out", egress=(rule(pods({}, namespaces={})),)),
    policy("b/out", egress=(rule(pods({}, namespaces={})),)),
)
Seen = tuple[str, int, tuple[str, ...], tuple[str, ...], str | None]


def seen(found: Finding) -> Seen:
    """A finding as a row: kind, flows, objects, endpoints, namespace."""
    return (
        found.kind,
        found.flows,
        tuple(str(ref) for ref in found.objects),
        tuple(str(e) for e in found.endpoints),
        found.namespace,
    )


def findings_of(old: tuple[NetworkPolicy, ...], new: tuple[NetworkPolicy, ...]) -> list[Seen]:
    workloads = (WEB_A, API_B, DB_B)
    before = cluster(*workloads, *old)
    after = cluster(*workloads, *new)
    diff = diff_matrices(*evaluate_pair(before, after))
    return [seen(f) for f in findings(diff, ChangeSet.between(before, after))]


WEB = "a/web[Deployment]"
API = "b/api[Deployment]"
DB = "b/db[Deployment]"


@pytest.mark.parametrize(
    ("added", "expected"),
    [
        ((), []),
        ((WEB_TO_PUBLIC,), [("egress-to-outside", 1, ("a/web-out",), (WEB,), None)]),
        ((WEB_TO_ALL_BUT_DNS,), [("egress-to-outside", 1, ("a/web-out",), (WEB,), None)]),
        ((API_FROM_OFFICE,), [("ingress-from-outside", 1, ("b/api-in",), (API,), None)]),
        (
            (WEB_TO_API, API_FROM_WEB),
            [("cross-namespace", 1, ("a/web-out", "b/api-in"), (API,), None)],
        ),
        ((DB_TO_API, API_FROM_DB), [("all-ports", 1, ("b/api-in", "b/db-out"), (API,), None)]),
        (
            (*EVERYONE_OUT, API_FROM_ANYONE),
            [
                ("cross-namespace", 1, ("a/out", "b/api-in"), (API,), None),
                ("namespace-open-to-all", 2, ("a/out", "b/api-in", "b/out"), (API,), "b"),
            ],
        ),
    ],
    ids=[
        "nothing-opened",
        "egress-to-the-internet-on-443",
        "egress-on-every-port-but-53",
        "ingress-from-an-address-block",
        "across-namespaces",
        "every-port-within-a-namespace",
        "a-namespace-open-to-every-namespace",
    ],
)
def test_each_kind_of_finding_names_its_flows_objects_and_workloads(
    added: tuple[NetworkPolicy, ...], expected: list[Seen]
) -> None:
    assert findings_of(LOCKED, (*LOCKED, *added)) == expected


def test_a_removed_egress_default_deny_counts_the_flows_leaving_its_namespace() -> None:
    ingress_only = policy("a/deny", ingress=())
    assert findings_of(LOCKED, (ingress_only, LOCKED[1])) == [
        ("egress-to-outside", 1, ("a/deny",), (WEB,), None),
        ("all-ports", 1, ("a/deny",), (WEB,), None),
        ("default-deny-removed", 1, ("a/deny",), (), "a"),
    ]


def test_configuration_changes_come_first_and_open_no_flow() -> None:
    change = ConfigurationChanged(".netpoldiff.yaml", "modified", ("exclude",))
    same = cluster(WEB_A)
    diff = diff_matrices(*evaluate_pair(same, same))
    assert findings(diff, ChangeSet.between(same, same), (change,)) == [
        Finding("configuration-changed", 0, detail=change)
    ]


# --- admin policies among the causes -----------------------------------------------------------

A_TO_EVERY_ADDRESS = admin(
    "a-to-internet",
    20,
    in_namespaces(**{NAMESPACE_NAME_LABEL: "a"}),
    egress=(admin_rule("allow", networks("0.0.0.0/0", "::/0")),),
)
INTO_B_FROM_ALL = admin(
    "b-from-all",
    20,
    in_namespaces(**{NAMESPACE_NAME_LABEL: "b"}),
    ingress=(admin_rule("allow", in_namespaces()),),
)
A_NO_IPV4 = admin(
    "default",
    None,
    in_namespaces(**{NAMESPACE_NAME_LABEL: "a"}),
    egress=(admin_rule("deny", networks("0.0.0.0/0")),),
)


def admin_findings(old: tuple[AnyPolicy, ...], new: tuple[AnyPolicy, ...]) -> list[Seen]:
    workloads = (WEB_A, API_B, DB_B)
    before, after = cluster(*workloads, *old), cluster(*workloads, *new)
    diff = diff_matrices(*evaluate_pair(before, after))
    return [seen(f) for f in findings(diff, ChangeSet.between(before, after))]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            LOCKED,
            (*LOCKED, A_TO_EVERY_ADDRESS),
            [
                ("egress-to-outside", 1, ("a-to-internet",), (WEB,), None),
                ("all-ports", 1, ("a-to-internet",), (WEB,), None),
            ],
        ),
        (
            (*LOCKED, *EVERYONE_OUT),
            (*LOCKED, *EVERYONE_OUT, INTO_B_FROM_ALL),
            [
                ("cross-namespace", 2, ("b-from-all",), (API, DB), None),
                ("all-ports", 6, ("b-from-all",), (API, DB), None),
                ("namespace-open-to-all", 4, ("b-from-all",), (API, DB), "b"),
            ],
        ),
        (
            (A_NO_IPV4,),
            (),
            # All of IPv4 holds the pods too: a's egress to b opens with the internet.
            [
                ("egress-to-outside", 1, ("default",), (WEB,), None),
                ("cross-namespace", 2, ("default",), (API, DB), None),
                ("all-ports", 4, ("default",), (WEB, API, DB), None),
                ("namespace-open-to-all", 2, ("default",), (API, DB), "b"),
            ],
        ),
    ],
    ids=[
        "admin-allow-to-every-address-over-a-networkpolicy-deny",
        "admin-allow-from-every-namespace-over-a-networkpolicy-deny",
        "baseline-deny-to-all-of-ipv4-removed",
    ],
)
def test_admin_policies_are_the_objects_of_the_findings_they_cause(
    old: tuple[AnyPolicy, ...], new: tuple[AnyPolicy, ...], expected: list[Seen]
) -> None:
    assert admin_findings(old, new) == expected
