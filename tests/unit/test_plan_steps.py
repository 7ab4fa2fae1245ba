"""The steps of a rollout: one per changed object, and a policy's widened version."""

from __future__ import annotations

from netpoldiff.changes import ChangeSet
from netpoldiff.plan_steps import plan_steps, widened
from tests.testing.builders import cluster, namespace, pods, policy, rule, workload

WEB = workload("shop/web", {"app": "web"})
API = workload("shop/api", {"app": "api"})
SHOP = namespace("shop")


def test_steps_are_every_changed_object_renames_as_two() -> None:
    old = cluster(SHOP, WEB, API, policy("shop/old-name", ingress=()))
    new = cluster(
        namespace("shop", team="a"),
        WEB,
        workload("shop/api", {"app": "api", "v": "2"}),
        policy("shop/new-name", ingress=()),
    )
    steps = [(s.action, s.ref.kind, str(s.ref)) for s in plan_steps(ChangeSet.between(old, new))]
    assert steps == [
        ("apply", "NetworkPolicy", "shop/new-name"),
        ("delete", "NetworkPolicy", "shop/old-name"),
        ("apply", "Deployment", "shop/api"),
        ("apply", "Namespace", "shop"),
    ]


def test_a_widened_policy_keeps_both_rule_lists_only_when_selector_and_directions_stay() -> None:
    from_web = (rule(pods({"app": "web"})),)
    from_db = (rule(pods({"app": "db"})),)
    before = policy("shop/p", {"app": "api"}, ingress=from_web)
    after = policy("shop/p", {"app": "api"}, ingress=from_db)
    both = widened(before, after)
    assert both is not None
    assert both.ingress == from_web + from_db
    assert widened(before, policy("shop/p", {"app": "web"}, ingress=from_db)) is None
    assert widened(before, policy("shop/p", {"app": "api"}, ingress=from_web + from_db)) is None
