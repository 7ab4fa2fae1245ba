"""lint_covered: policies others cover, so that removing one changes nothing in the matrix."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff import lint_covered
from netpoldiff.bitsets import iter_bits
from netpoldiff.cluster import Cluster
from netpoldiff.compiled import CompiledPolicy, CompiledRule
from netpoldiff.coverage import implies
from netpoldiff.errors import Location
from netpoldiff.evaluate import evaluate, evaluate_states
from netpoldiff.lint_covered import _Finder, _Isolating, covered_policies
from netpoldiff.model import ObjectRef, Workload
from netpoldiff.policies import NetworkPolicy
from netpoldiff.selectors import LabelSelector
from netpoldiff.unmatched import _port_maps
from tests.semantics.test_oracle_equivalence import clusters, pod_selectors
from tests.testing.builders import (
    TCP,
    cluster,
    named,
    pods,
    policy,
    port,
    rule,
    workload,
)

WEB = workload("shop/web", {"app": "web"}, (named("http", 8080),))
UI = workload("shop/ui", {"tier": "frontend"})
DB = workload("shop/db", {"app": "db"}, (named("sql", 5432),))
WORKLOADS = (WEB, UI, DB)
FRONTEND = pods({"tier": "frontend"})
HTTP, ADMIN = port(TCP, 8080), port(TCP, 9090)

WEB_FROM_FRONTEND = policy(
    "shop/web-from-frontend", {"app": "web"}, ingress=(rule(FRONTEND, ports=(HTTP,)),)
)
SHOP_FROM_SHOP = policy("shop/shop-from-shop", ingress=(rule(pods({})),))


def covered(*policies: NetworkPolicy, workloads: tuple[Workload, ...] = WORKLOADS) -> list[str]:
    state = cluster(*workloads, *policies)
    matrix = evaluate(state)
    found = covered_policies(state, matrix, _port_maps(state, matrix), set())
    names = [d.message.split(":")[0] for d in found]
    # Removing those reported, one or all, changes nothing: the engine says so too.
    for removed in [{name} for name in names] + [set(names)]:
        without = dataclasses.replace(
            state, policies=tuple(p for p in state.policies if str(p.ref) not in removed)
        )
        before, after = evaluate_states([state, without])
        assert before == after, removed
    return names


@pytest.mark.parametrize(
    ("policies", "expected"),
    [
        pytest.param((WEB_FROM_FRONTEND, SHOP_FROM_SHOP), ["shop/web-from-frontend"], id="covered"),
        pytest.param(
            (
                policy(
                    "shop/web-in",
                    {"app": "web"},
                    ingress=(rule(FRONTEND, ports=(HTTP,)), rule(FRONTEND, ports=(ADMIN,))),
                ),
                policy("shop/http", ingress=(rule(FRONTEND, ports=(HTTP,)),)),
                policy("shop/admin", ingress=(rule(pods({}), ports=(ADMIN,)),)),
            ),
            ["shop/web-in"],
            id="by-two-policies-together",
        ),
        pytest.param(
            (
                policy(
                    "shop/web-in", {"app": "web"}, ingress=(rule(FRONTEND, ports=(HTTP, ADMIN)),)
                ),
                policy("shop/http", ingress=(rule(FRONTEND, ports=(HTTP,)),)),
            ),
            [],
            id="a-port-left-out",
        ),
        pytest.param(
            (
                policy(
                    "shop/web-in",
                    {"app": "web"},
                    ingress=(rule(FRONTEND, ports=(port(TCP, "http"),)),),
                ),
                policy("shop/tcp", ingress=(rule(FRONTEND, ports=(port(TCP),)),)),
            ),
            ["shop/web-in"],
            id="named-port-within-every-port",
        ),
        pytest.param(
            (
                policy(
                    "shop/web-out",
                    {"app": "web"},
                    egress=(rule(pods({"app": "db"}), ports=(port(TCP, "sql"),)),),
                ),
                policy("shop/out", egress=(rule(pods({}), ports=(port(TCP, 5432),)),)),
            ),
            ["shop/web-out"],
            id="egress-named-port-resolved-on-the-destination",
        ),
        pytest.param(
            (
                policy(
                    "shop/web-out",
                    {"app": "web"},
                    egress=(rule(pods({"app": "db"}), ports=(port(TCP, "sql"),)),),
                ),
                policy("shop/out", egress=(rule(pods({}), ports=(port(TCP, 5433),)),)),
            ),
            [],
            id="egress-named-port-elsewhere",
        ),
        pytest.param(
            (
                policy("shop/allow-dns-everywhere", egress=(rule(pods({}), ports=(HTTP,)),)),
                *(
                    policy(f"shop/{name}", {"app": name}, egress=(rule(pods({}), ports=(HTTP,)),))
                    for name in ("web", "db")
                ),
                policy("shop/ui", {"tier": "frontend"}, egress=(rule(pods({}), ports=(HTTP,)),)),
            ),
            ["shop/db", "shop/ui", "shop/web"],
            id="the-namespace-wide-one-stays-the-narrow-ones-go",
        ),
        pytest.param(
            (policy("shop/deny-all", ingress=()), SHOP_FROM_SHOP),
            [],
            id="only-isolates",
        ),
        pytest.param(
            (
                policy("shop/web-in", {"app": "web"}, ingress=(rule(pods({"tier": "nothing"})),)),
                SHOP_FROM_SHOP,
            ),
            [],
            id="a-peer-matching-nothing",
        ),
        pytest.param(
            (
                WEB_FROM_FRONTEND,
                policy("shop/shop-from-shop", ingress=(rule(pods({})),), egress=()),
            ),
            ["shop/web-from-frontend"],
            id="the-other-also-governs-egress",
        ),
        pytest.param(
            (
                policy(
                    "shop/both", {"app": "web"}, ingress=(rule(FRONTEND),), egress=(rule(FRONTEND),)
                ),
                SHOP_FROM_SHOP,
            ),
            [],
            id="a-direction-no-other-governs",
        ),
    ],
)
def test_a_policy_others_cover_is_warned_about(
    policies: tuple[NetworkPolicy, ...], expected: list[str]
) -> None:
    assert covered(*policies) == expected


def test_the_warning_names_the_others_and_points_at_the_policy() -> None:
    at = Location("web.yaml", 1, 1)
    located = dataclasses.replace(WEB_FROM_FRONTEND, origin=at)
    state = Cluster(cluster(*WORKLOADS).namespaces, WORKLOADS, (located, SHOP_FROM_SHOP))
    matrix = evaluate(state)
    [warning] = covered_policies(state, matrix, _port_maps(state, matrix), set())
    assert warning.location == at
    assert warning.message == (
        "shop/web-from-frontend: other policies select every pod it selects and allow every "
        "flow it allows to the workloads in the input (shop/shop-from-shop), so removing it "
        "changes nothing"
    )


def test_of_two_policies_that_cover_each_other_one_is_reported() -> None:
    first = policy("shop/a", {"app": "web"}, ingress=(rule(FRONTEND, ports=(HTTP, ADMIN)),))
    second = policy("shop/b", {"app": "web"}, ingress=(rule(FRONTEND, ports=(ADMIN, HTTP)),))
    narrower = policy("shop/c", {"app": "web"}, ingress=(rule(FRONTEND, ports=(ADMIN,)),))
    assert covered(first, second) == ["shop/a"]
    assert covered(first, narrower) == ["shop/c"]


def test_policies_to_skip_are_not_reported() -> None:
    state = cluster(*WORKLOADS, WEB_FROM_FRONTEND, SHOP_FROM_SHOP)
    matrix = evaluate(state)
    skipped = covered_policies(state, matrix, {}, {WEB_FROM_FRONTEND.ref})
    assert skipped == ()


def test_many_covering_policies_are_counted_beyond_a_few() -> None:
    others = [
        policy(f"shop/from-shop-{i}", ingress=(rule(pods({}), ports=(port(TCP, 8080 + i),)),))
        for i in range(5)
    ]
    [message] = covered(WEB_FROM_FRONTEND, *others)
    assert message == "shop/web-from-frontend"
    state = cluster(*WORKLOADS, WEB_FROM_FRONTEND, *others)
    matrix = evaluate(state)
    [warning] = covered_policies(state, matrix, {}, set())
    assert "(shop/from-shop-0, shop/from-shop-1, shop/from-shop-2 and 2 more)" in warning.message


class _FinderByComplement(_Finder):
    """The finder as first written: subjects OR-ed in bit by bit, peers tested on ~listed."""

    def covered(self, mine: CompiledPolicy, direction: str, others: set[ObjectRef]) -> bool:
        selected_by = self.matrix.ingress_by if direction == "ingress" else self.matrix.egress_by
        rules: tuple[CompiledRule, ...] = getattr(mine, direction)
        groups: dict[tuple[CompiledPolicy, ...], int] = defaultdict(int)
        for subject in iter_bits(mine.subjects):
            kept = (p for p in selected_by[subject] if p is not mine and p not in self.removed)
            groups[tuple(kept)] |= 1 << subject
        for covering, subjects in groups.items():
            theirs = [rule for policy in covering for rule in getattr(policy, direction)]
            listed = 0
            for rule_ in theirs:
                listed |= rule_.peers
            if any(rule_.peers & ~listed for rule_ in rules):
                return False
            others.update(policy.ref for policy in covering)
            places = self._places(direction, subjects, rules, theirs)
            if not all(self._ports_covered(rules, theirs, place) for place in places):
                return False
        return True


@st.composite
def clusters_with_narrowed_copies(draw: st.DrawFn) -> Cluster:
    """A cluster, and copies of some of its policies with fewer rules: often covered."""
    state = draw(clusters())
    copies = []
    for index, each in enumerate(state.policies):
        if draw(st.booleans()):
            copies.append(
                dataclasses.replace(
                    each,
                    ref=ObjectRef.network_policy(each.namespace, f"copy-{index}"),
                    ingress=each.ingress[: draw(st.integers(0, len(each.ingress)))],
                    egress=each.egress[: draw(st.integers(0, len(each.egress)))],
                )
            )
    return dataclasses.replace(state, policies=(*state.policies, *copies))


@settings(max_examples=300, deadline=None)
@given(clusters_with_narrowed_copies())
def test_covered_policies_are_those_the_finder_as_first_written_finds(state: Cluster) -> None:
    matrix = evaluate(state)
    port_maps = _port_maps(state, matrix)
    found = covered_policies(state, matrix, port_maps, set())
    with mock.patch.object(lint_covered, "_Finder", _FinderByComplement):
        assert found == covered_policies(state, matrix, port_maps, set())


def without_as_first_written(
    counted: list[NetworkPolicy], policy_: NetworkPolicy, direction: str
) -> bool:
    """``_Isolating.without`` the straightforward way: every selector counted, implies asked."""
    selectors: Counter[LabelSelector] = Counter(
        each.pod_selector
        for each in counted
        if each.namespace == policy_.namespace and getattr(each, f"affects_{direction}")
    )
    mine = policy_.pod_selector
    return any(
        count > (selector == mine) and implies(mine, selector)
        for selector, count in selectors.items()
    )


@st.composite
def isolating_policies(draw: st.DrawFn) -> tuple[list[NetworkPolicy], list[bool]]:
    """Policies of two namespaces with selectors often alike; which of them are counted out."""
    written = draw(st.lists(pod_selectors, min_size=1, max_size=4))
    found = []
    for index in range(draw(st.integers(1, 8))):
        ingress, egress = draw(st.booleans()), draw(st.booleans())
        found.append(
            NetworkPolicy(
                ref=ObjectRef.network_policy(draw(st.sampled_from(["a", "b"])), f"p{index}"),
                pod_selector=draw(st.sampled_from(written)),
                affects_ingress=ingress,
                affects_egress=egress,
            )
        )
    return found, draw(st.lists(st.booleans(), min_size=len(found), max_size=len(found)))


@settings(max_examples=300, deadline=None)
@given(isolating_policies())
def test_isolating_policies_are_those_counting_every_selector_finds(
    drawn: tuple[list[NetworkPolicy], list[bool]],
) -> None:
    policies, out = drawn
    isolating = _Isolating.of(policies)
    for policy_, counted_out in zip(policies, out, strict=True):
        if counted_out:
            isolating.count(policy_, -1)
    counted = [p for p, counted_out in zip(policies, out, strict=True) if not counted_out]
    for policy_ in policies:
        for direction in ("ingress", "egress"):
            expected = without_as_first_written(counted, policy_, direction)
            assert isolating.without(policy_, direction) == expected
