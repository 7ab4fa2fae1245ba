"""Where an opened flow is written: the rules of NEW that allow it, else its causes' manifests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from netpoldiff.admin_policies import AdminPolicy, AdminRule
from netpoldiff.causes import Cause, Causes
from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.diff import diff_matrices
from netpoldiff.errors import Location
from netpoldiff.evaluate import evaluate_pair
from netpoldiff.flow_origins import FlowOrigins
from netpoldiff.model import ObjectRef, Workload
from netpoldiff.policies import NetworkPolicy, Rule
from netpoldiff.reverts import ChangedObject
from tests.testing.builders import (
    admin,
    admin_pods,
    admin_rule,
    cluster,
    endpoint,
    in_namespaces,
    named,
    namespace,
    pods,
    policy,
    port,
    rule,
    tcp,
    workload,
)


def at(line: int) -> Location:
    return Location("new.yaml", 1, line)


def placed(found: Rule, line: int) -> Rule:
    return replace(found, origin=at(line))


def web() -> Workload:
    return replace(workload("shop/web", {"app": "web"}), origin=at(1))


def api() -> Workload:
    ports = (named("http", 8080),)
    return replace(workload("shop/api", {"app": "api"}, ports), origin=at(2))


def lines(old: Cluster, new: Cluster, src: str, dst: str) -> list[int | None]:
    """The lines the opened pair ``src`` -> ``dst`` is shown at."""
    diff = diff_matrices(*evaluate_pair(old, new))
    changes = ChangeSet.between(old, new)
    causes = Causes(diff, changes)
    endpoints = diff.endpoints
    s, d = endpoints.index(endpoint(src)), endpoints.index(endpoint(dst))
    opened = next(c.opened for c in diff.changes() if (c.src, c.dst) == (s, d))
    places = FlowOrigins(diff.new, changes).of_pair(s, d, opened, causes.of_pair(s, d))
    return [place.line for place in places]


def deny_all() -> NetworkPolicy:
    return replace(policy("shop/deny", ingress=()), origin=at(30))


def test_a_policy_cause_is_shown_at_the_rules_that_allow_the_pair_on_opened_ports() -> None:
    allowing = placed(rule(pods({"app": "web"}), ports=(port(number=8080),)), 10)
    other_port = placed(rule(pods({"app": "web"}), ports=(port(number=9999),)), 11)
    other_peer = placed(rule(pods({"app": "db"})), 12)
    named_port = placed(rule(pods({"app": "web"}), ports=(port(number="http"),)), 13)
    opens = replace(
        policy("shop/api-in", {"app": "api"}, ingress=(allowing, other_port, other_peer)),
        origin=at(20),
    )
    # TCP/9999 was open before: the rule that allows it opens nothing.
    already = policy("shop/already", {"app": "api"}, ingress=(other_port,))
    old = cluster(web(), api(), deny_all(), already)
    new = cluster(web(), api(), deny_all(), already, opens)
    assert lines(old, new, "shop/web", "shop/api") == [10]
    by_name = replace(opens, ingress=(named_port, other_peer))
    assert lines(old, cluster(web(), api(), already, by_name), "shop/web", "shop/api") == [13]


def test_an_egress_rule_is_shown_where_the_source_is_isolated() -> None:
    egress = placed(rule(pods({"app": "api"})), 40)
    old = cluster(
        web(), api(), replace(policy("shop/out", {"app": "web"}, egress=()), origin=at(41))
    )
    new = cluster(web(), api(), replace(policy("shop/out", {"app": "web"}, egress=(egress,))))
    assert lines(old, new, "shop/web", "shop/api") == [40]


def test_a_policy_that_stops_isolating_is_shown_at_its_first_line() -> None:
    old = cluster(web(), api(), deny_all())
    new = cluster(
        web(), api(), replace(policy("shop/deny", {"app": "none"}, ingress=()), origin=at(30))
    )
    assert lines(old, new, "shop/web", "shop/api") == [30]


def test_a_removed_policy_is_shown_at_the_workload_the_flow_reaches() -> None:
    old = cluster(web(), api(), deny_all())
    new = cluster(web(), api())
    assert lines(old, new, "shop/web", "shop/api") == [2]


def test_a_workload_cause_is_shown_at_its_manifest() -> None:
    allow_web = placed(rule(pods({"app": "web"})), 10)
    api_in = replace(policy("shop/api-in", {"app": "api"}, ingress=(allow_web,)), origin=at(9))
    before = replace(workload("shop/web", {"app": "old"}), origin=at(1))
    old = cluster(before, api(), api_in)
    new = cluster(replace(web(), origin=at(5)), api(), api_in)
    assert lines(old, new, "shop/web", "shop/api") == [5]


def test_a_namespace_cause_is_shown_where_it_is_declared() -> None:
    from_team = placed(rule(pods(namespaces={"team": "web"})), 10)
    api_in = policy("shop/api-in", {"app": "api"}, ingress=(from_team,))
    front = replace(workload("front/web", {"app": "web"}), origin=at(1))
    old = cluster(namespace("front"), front, api(), api_in)
    labelled = replace(namespace("front", team="web"), origin=at(50))
    assert lines(old, cluster(labelled, front, api(), api_in), "front/web", "shop/api") == [50]


def admin_allow(line: int) -> AdminPolicy:
    allow: AdminRule = replace(admin_rule("allow", admin_pods({"app": "web"})), origin=at(line))
    return replace(admin("allow-web", 10, in_namespaces(), ingress=(allow,)), origin=at(60))


def test_an_admin_allow_rule_is_shown_at_its_line() -> None:
    old = cluster(web(), api(), deny_all())
    new = cluster(web(), api(), deny_all(), admin_allow(61))
    assert lines(old, new, "shop/web", "shop/api") == [61]


def test_an_admin_egress_pass_rule_is_shown_at_its_line_and_a_deny_rule_is_not() -> None:
    hand_over: AdminRule = replace(admin_rule("pass", admin_pods({"app": "api"})), origin=at(71))
    refuse: AdminRule = replace(admin_rule("deny", admin_pods({"app": "api"})), origin=at(72))
    subject = admin_pods({"app": "web"})
    denying = replace(admin("web-out", 10, subject, egress=(refuse,)), origin=at(70))
    passing = replace(admin("web-out", 10, subject, egress=(hand_over, refuse)), origin=at(70))
    assert lines(
        cluster(web(), api(), denying), cluster(web(), api(), passing), "shop/web", "shop/api"
    ) == [71]


def test_a_cause_that_is_not_in_new_is_shown_at_the_workload_the_flow_reaches() -> None:
    new = cluster(web(), api())
    diff = diff_matrices(*evaluate_pair(new, new))
    endpoints = diff.endpoints
    s, d = endpoints.index(endpoint("shop/web")), endpoints.index(endpoint("shop/api"))
    gone = ChangedObject(
        ObjectRef("Deployment", "shop", "gone"), "removed", workloads=(endpoint("shop/gone"),)
    )
    removed_policy = ChangedObject(
        ObjectRef.network_policy("shop", "deny"), "removed", policies=(deny_all().ref,)
    )
    undeclared = ChangedObject(
        ObjectRef("Namespace", None, "shop"), "modified", namespaces=("shop",)
    )
    origins = FlowOrigins(diff.new, ChangeSet.between(new, new))
    causes = (Cause(gone), Cause(removed_policy), Cause(undeclared))
    assert [place.line for place in origins.of_pair(s, d, tcp(80), causes)] == [2]


@pytest.mark.parametrize(
    ("src", "dst", "expected"),
    [("shop/web", "shop/api", [2]), ("shop/api", "shop/web", [1])],
    ids=["web-to-api", "api-to-web"],
)
def test_without_causes_the_flow_is_shown_at_its_destination(
    src: str, dst: str, expected: list[int]
) -> None:
    new = cluster(web(), api())
    diff = diff_matrices(*evaluate_pair(new, new))
    endpoints = diff.endpoints
    s, d = endpoints.index(endpoint(src)), endpoints.index(endpoint(dst))
    origins = FlowOrigins(diff.new, ChangeSet.between(new, new))
    assert [place.line for place in origins.of_pair(s, d, tcp(80), ())] == expected
