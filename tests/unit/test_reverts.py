"""Changed objects, and NEW with some of them as OLD had them."""

from __future__ import annotations

from netpoldiff.changes import ChangeSet
from netpoldiff.reverts import changed_objects, reverted
from tests.testing.builders import (
    cluster,
    endpoint,
    named,
    namespace,
    pods,
    policy,
    rule,
    workload,
)

WEB = workload("shop/web", {"app": "web"})
API = workload("shop/api", {"app": "api"})
ALLOW = policy("shop/allow", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
OLD = cluster(
    namespace("shop"),
    WEB,
    API,
    ALLOW,
    policy("shop/gone", ingress=()),
    policy("shop/old-name", egress=()),
    policy("shop/same", {"app": "web"}, egress=(rule(pods({"a": "1"})), rule(pods({"b": "2"})))),
)
NEW = cluster(
    namespace("shop", team="a"),
    workload("shop/web", {"app": "web"}, ports=(named("http", 80),)),
    workload("shop/db"),
    policy("shop/allow", {"app": "api"}, ingress=()),
    policy("shop/new-name", egress=()),
    policy("shop/same", {"app": "web"}, egress=(rule(pods({"b": "2"})), rule(pods({"a": "1"})))),
)
CHANGES = ChangeSet.between(OLD, NEW)


def test_changed_objects_are_what_can_move_a_flow_and_say_what_changed() -> None:
    found = [(o.ref.kind, str(o.ref), o.change, o.fields) for o in changed_objects(CHANGES)]
    # A rename and a reordering change nothing a flow depends on: they are not listed.
    assert found == [
        ("Deployment", "shop/api", "removed", ()),
        ("Deployment", "shop/db", "added", ()),
        ("Deployment", "shop/web", "modified", ("ports",)),
        ("Namespace", "shop", "modified", ("labels",)),
        ("NetworkPolicy", "shop/allow", "modified", ()),
        ("NetworkPolicy", "shop/gone", "removed", ()),
    ]


def test_reverting_nothing_is_new_and_reverting_everything_is_old_but_renames() -> None:
    objects = changed_objects(CHANGES)
    unchanged = reverted(CHANGES, [])
    assert set(unchanged.workloads) == set(NEW.workloads)
    assert set(unchanged.policies) == set(NEW.policies)
    everything = reverted(CHANGES, objects)
    assert set(everything.workloads) == set(OLD.workloads)
    assert set(everything.namespaces) == set(OLD.namespaces)
    assert {p.ref.name for p in everything.policies} == {"allow", "gone", "new-name", "same"}


def test_reverting_one_object_touches_that_object_only() -> None:
    (allow,) = [o for o in changed_objects(CHANGES) if o.ref.name == "allow"]
    state = reverted(CHANGES, [allow])
    assert ALLOW in state.policies
    assert set(state.workloads) == set(NEW.workloads)


def test_within_keeps_those_workloads_and_the_policies_that_select_them() -> None:
    # A NetworkPolicy decides only for the pods it selects: shop/allow (app=api) and ops/deny
    # decide no pair of shop/web's; shop/web-out does. Admin policies would all stay.
    web_out = policy("shop/web-out", {"app": "web"}, egress=())
    other = cluster(
        namespace("shop"),
        namespace("ops"),
        WEB,
        API,
        workload("ops/probe"),
        ALLOW,
        web_out,
        policy("ops/deny", ingress=()),
    )
    changes = ChangeSet.between(other, other)
    state = reverted(changes, [], within=[endpoint("shop/web")])
    assert [w.endpoint for w in state.workloads] == [endpoint("shop/web")]
    assert [p.ref for p in state.policies] == [web_out.ref]
    assert {n.name for n in state.namespaces} == {"shop", "ops"}
