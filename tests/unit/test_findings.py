"""Risk findings as data: flows from outside or across namespaces, default denies removed."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.addresses import ALL_ADDRESSES, parse_cidr
from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.findings import (
    DefaultDenyRemoved,
    Direction,
    across_namespaces,
    from_outside,
    is_default_deny,
    removed_default_denies,
)
from netpoldiff.model import Endpoint, ExternalEndpoint, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy
from tests.testing.builders import endpoint, ip_block, pods, policy, rule

OUTSIDE = ExternalEndpoint(ALL_ADDRESSES)
PRIVATE = ExternalEndpoint(parse_cidr("10.0.0.0/8").addresses)
endpoints: st.SearchStrategy[Endpoint] = st.one_of(
    st.builds(
        WorkloadEndpoint,
        st.sampled_from(("a", "b", "c")),
        st.sampled_from(("x", "y")),
        st.just("Pod"),
    ),
    st.sampled_from((OUTSIDE, PRIVATE)),
)


@given(st.lists(endpoints, max_size=5))
def test_from_outside_means_some_source_is_an_address(sources: list[Endpoint]) -> None:
    assert from_outside(sources) == any(not isinstance(s, WorkloadEndpoint) for s in sources)


@given(st.lists(endpoints, max_size=5), st.lists(endpoints, max_size=5))
def test_across_namespaces_means_some_workload_pair_crosses_one(
    sources: list[Endpoint], destinations: list[Endpoint]
) -> None:
    crossing = any(
        s.namespace != d.namespace
        for s in sources
        for d in destinations
        if isinstance(s, WorkloadEndpoint) and isinstance(d, WorkloadEndpoint)
    )
    assert across_namespaces(sources, destinations) == crossing
    assert across_namespaces(iter(sources), iter(destinations)) == crossing  # read once


@pytest.mark.parametrize(
    ("sources", "destinations", "crossing"),
    [
        ([endpoint("a/x")], [endpoint("a/y")], False),
        ([endpoint("a/x")], [endpoint("b/y")], True),
        ([endpoint("a/x"), endpoint("b/x")], [endpoint("a/y")], True),
        ([OUTSIDE], [endpoint("b/y")], False),
        ([endpoint("a/x")], [PRIVATE], False),
        ([], [endpoint("b/y")], False),
    ],
    ids=["same", "other", "one-of-two-sources", "from-outside", "to-outside", "no-source"],
)
def test_across_namespaces_by_example(
    sources: list[Endpoint], destinations: list[Endpoint], crossing: bool
) -> None:
    assert across_namespaces(sources, destinations) is crossing


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


def test_the_order_policies_are_declared_in_changes_no_finding() -> None:
    second = renamed(DENY_IN, "shop/deny-2")
    assert removed_default_denies(changes((second, DENY_IN), ())) == removed_default_denies(
        changes((DENY_IN, second), ())
    )
