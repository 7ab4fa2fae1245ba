"""The rollout planner: orders that keep common flows and expose nothing, or the least bad."""

from __future__ import annotations

from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.diff import diff_matrices
from netpoldiff.evaluate import Engine, Universe
from netpoldiff.model import NAMESPACE_NAME_LABEL
from netpoldiff.plan import EXACT_STEPS, Plan, Planner
from tests.testing.builders import (
    admin,
    admin_pods,
    admin_rule,
    cluster,
    in_namespaces,
    namespace,
    networks,
    pods,
    policy,
    rule,
    workload,
)

WEB = workload("shop/web", {"app": "web"})
API = workload("shop/api", {"app": "api"})
MONITOR = workload("shop/monitor", {"app": "monitor"})
DB = workload("shop/db", {"app": "db"})
SHOP = namespace("shop")


def plan_of(old: Cluster, new: Cluster) -> Plan:
    engine = Engine(Universe.of([old, new]))
    diff = diff_matrices(engine.evaluate(old), engine.evaluate(new))
    return Planner(diff, ChangeSet.between(old, new), engine).plan()


def order(plan: Plan) -> list[str]:
    return [f"{step.action} {step.ref}" for step in plan.steps]


def test_a_default_deny_comes_after_the_allow_rules_it_would_cut() -> None:
    # Alone, the deny cuts web -> api, which both sides allow: the allow goes first.
    deny = policy("shop/aaa-default-deny", ingress=())
    allow = policy("shop/allow-api-from-web", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
    plan = plan_of(cluster(SHOP, WEB, API), cluster(SHOP, WEB, API, deny, allow))
    assert order(plan) == ["apply shop/allow-api-from-web", "apply shop/aaa-default-deny"]
    assert plan.safe


def test_a_replacement_is_applied_before_the_policy_it_replaces_is_deleted() -> None:
    deny = policy("shop/deny", ingress=())
    before = policy("shop/a-old-allow", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
    after = policy("shop/z-new-allow", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
    plan = plan_of(cluster(SHOP, WEB, API, deny, before), cluster(SHOP, WEB, API, deny, after))
    assert order(plan) == ["apply shop/z-new-allow", "delete shop/a-old-allow"]
    assert plan.safe


def test_a_swap_of_rules_is_split_widened_first_then_each_policy_as_new_has_it() -> None:
    # Two policies swap what they allow: in either order one common flow is cut, unless one
    # is first applied with both its rules (OLD's and NEW's), and narrowed last.
    from_web = (rule(pods({"app": "web"})),)
    from_monitor = (rule(pods({"app": "monitor"})),)
    workloads = (SHOP, WEB, MONITOR, API)
    old = cluster(
        *workloads,
        policy("shop/p", {"app": "api"}, ingress=from_web),
        policy("shop/q", {"app": "api"}, ingress=from_monitor),
    )
    new = cluster(
        *workloads,
        policy("shop/p", {"app": "api"}, ingress=from_monitor),
        policy("shop/q", {"app": "api"}, ingress=from_web),
    )
    plan = plan_of(old, new)
    assert plan.safe
    assert order(plan) == ["apply shop/p", "apply shop/q", "apply shop/p"]
    widened = plan.steps[0].intermediate
    assert widened is not None
    assert set(widened.ingress) == {*from_web, *from_monitor}
    assert plan.steps[2].intermediate is None


def test_when_no_order_is_safe_the_plan_names_the_unavoidable_window() -> None:
    # The two policies swap whom they select (no split can keep both): one flow is cut.
    api = workload("shop/api", {"app": "api", "role": "api"})
    workloads = (SHOP, WEB, MONITOR, api)
    old = cluster(
        *workloads,
        policy("shop/p", {"app": "api"}, ingress=(rule(pods({"app": "web"})),)),
        policy("shop/q", {"role": "api"}, ingress=(rule(pods({"app": "monitor"})),)),
    )
    new = cluster(
        *workloads,
        policy("shop/p", {"role": "api"}, ingress=(rule(pods({"app": "monitor"})),)),
        policy("shop/q", {"app": "api"}, ingress=(rule(pods({"app": "web"})),)),
    )
    plan = plan_of(old, new)
    assert not plan.safe
    assert plan.exact
    (violation,) = plan.violations
    assert violation.counts() == (0, 1)
    _, cut = plan.transient()
    assert sum(m.bit_count() for column in cut for m in column.values()) == 1


def test_nothing_changed_is_an_empty_safe_plan() -> None:
    same = cluster(SHOP, WEB, API)
    plan = plan_of(same, same)
    assert plan.steps == ()
    assert plan.safe


def test_beyond_the_exact_limit_the_rule_orders_and_every_state_is_still_checked() -> None:
    allows = [
        policy(f"shop/allow-{i:02}", {"app": "api"}, ingress=(rule(pods({"app": f"w{i}"})),))
        for i in range(EXACT_STEPS + 1)
    ]
    deny = policy("shop/000-deny", ingress=())
    clients = [workload(f"shop/w{i}", {"app": f"w{i}"}) for i in range(EXACT_STEPS + 1)]
    plan = plan_of(cluster(SHOP, API, *clients), cluster(SHOP, API, *clients, deny, *allows))
    # The first allow isolates api from the clients whose allows are not applied yet: cut
    # until the last; the deny, which alone cuts every client, waits for them all.
    assert order(plan)[-1] == "apply shop/000-deny"
    assert not plan.exact
    assert [v.counts() for v in plan.violations] == [(0, EXACT_STEPS - n) for n in range(11)]
    assert len(plan.states) == len(plan.steps) + 1


# --- admin policies as steps -------------------------------------------------------------------

IN_SHOP = in_namespaces(**{NAMESPACE_NAME_LABEL: "shop"})
EVERY_ADDRESS = networks("0.0.0.0/0", "::/0")
DENY_EGRESS = policy("shop/deny-egress", egress=())
METADATA = admin_rule("deny", networks("169.254.169.254/32"))


def planner_of(old: Cluster, new: Cluster) -> Planner:
    engine = Engine(Universe.of([old, new]))
    diff = diff_matrices(engine.evaluate(old), engine.evaluate(new))
    return Planner(diff, ChangeSet.between(old, new), engine)


def test_an_admin_deny_is_applied_before_the_networkpolicy_deny_it_replaces_is_deleted() -> None:
    admin_deny = admin("shop-egress", 10, IN_SHOP, egress=(admin_rule("deny", EVERY_ADDRESS),))
    planner = planner_of(cluster(SHOP, WEB, API, DENY_EGRESS), cluster(SHOP, WEB, API, admin_deny))
    plan = planner.plan()
    assert order(plan) == ["apply shop-egress", "delete shop/deny-egress"]
    assert plan.safe
    # The other order opens shop's egress while neither policy is in place: web and api to
    # each other, to themselves and to every address.
    index = {f"{step.action} {step.ref}": i for i, step in enumerate(planner.steps)}
    wrong = planner.replay([index["delete shop/deny-egress"], index["apply shop-egress"]])
    assert [v.counts() for v in wrong.violations] == [(6, 0)]


def test_an_admin_pass_waits_for_the_networkpolicy_it_hands_the_traffic_to() -> None:
    # The platform keeps the metadata address denied and hands the rest back to the namespace.
    old = admin("shop-egress", 10, IN_SHOP, egress=(METADATA, admin_rule("deny", EVERY_ADDRESS)))
    new = admin("shop-egress", 10, IN_SHOP, egress=(METADATA, admin_rule("pass", EVERY_ADDRESS)))
    planner = planner_of(cluster(SHOP, WEB, API, old), cluster(SHOP, WEB, API, new, DENY_EGRESS))
    plan = planner.plan()
    assert order(plan) == ["apply shop/deny-egress", "apply shop-egress"]
    assert plan.safe
    # Applied by kind and name, the admin policy would come first and open shop's egress.
    assert order(planner.naive()) == ["apply shop-egress", "apply shop/deny-egress"]
    assert not planner.naive().safe


def test_admin_policies_that_swap_their_rules_are_never_applied_widened() -> None:
    # As two NetworkPolicies swapping rules (above), but their rules' order decides: no union of
    # two versions is a safe intermediate, so the plan says what stays cut instead.
    subject = admin_pods({"app": "api"}, namespaces={NAMESPACE_NAME_LABEL: "shop"})
    from_web = (admin_rule("allow", admin_pods({"app": "web"})),)
    from_monitor = (admin_rule("allow", admin_pods({"app": "monitor"})),)
    deny = policy("shop/deny", ingress=())
    old = cluster(
        SHOP,
        WEB,
        MONITOR,
        API,
        deny,
        admin("p", 10, subject, ingress=from_web),
        admin("q", 20, subject, ingress=from_monitor),
    )
    new = cluster(
        SHOP,
        WEB,
        MONITOR,
        API,
        deny,
        admin("p", 10, subject, ingress=from_monitor),
        admin("q", 20, subject, ingress=from_web),
    )
    plan = planner_of(old, new).plan()
    assert sorted(order(plan)) == ["apply p", "apply q"]
    assert all(step.intermediate is None for step in plan.steps)
    assert not plan.safe
    assert [v.counts() for v in plan.violations] == [(0, 1)]
