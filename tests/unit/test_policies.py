"""NetworkPolicy values: equal when they say the same thing, wherever each part is written."""

from __future__ import annotations

import dataclasses

import pytest

from netpoldiff.errors import Location
from netpoldiff.model import ObjectRef
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, PodPeer, PolicyPort, Rule
from netpoldiff.selectors import LabelSelector
from tests.testing.builders import TCP, ip_block, pods, policy, port, rule

HERE = Location("a.yaml", 1, 3)
THERE = Location("b.yaml", 4, 30)


def _written(at: Location) -> NetworkPolicy:
    """The same policy, each of its parts written at ``at``."""
    return NetworkPolicy(
        ref=ObjectRef.network_policy("shop", "web"),
        pod_selector=LabelSelector.build({"app": "web"}),
        affects_ingress=True,
        affects_egress=False,
        ingress=(
            Rule(
                (
                    PodPeer(None, LabelSelector.build({"app": "api"}), at),
                    IPBlockPeer("10.0.0.0/8", (), ip_block("10.0.0.0/8").addresses, at),
                ),
                (PolicyPort(TCP, 80, None, at),),
                at,
            ),
        ),
        origin=at,
    )


def test_policies_written_in_different_places_are_equal_and_hash_alike() -> None:
    # A diff calls a policy unchanged when only where it is written moved.
    assert _written(HERE) == _written(THERE)
    assert hash(_written(HERE)) == hash(_written(THERE))
    assert len({_written(HERE), _written(THERE)}) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"pod_selector": LabelSelector()},
        {"affects_egress": True},
        {"ingress": ()},
        {"egress": (Rule(None),)},
        {"ref": ObjectRef.network_policy("shop", "web2")},
    ],
    ids=["selector", "policy-types", "rules", "egress", "name"],
)
def test_a_policy_that_says_something_else_is_not_equal(change: dict[str, object]) -> None:
    assert dataclasses.replace(_written(HERE), **change) != _written(HERE)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (rule(), rule(pods())),
        (rule(pods({"app": "a"})), rule(pods({"app": "a"}, namespaces={}))),
        (rule(pods(namespaces={})), rule(pods({}, namespaces={}))),
        (rule(ports=(port(TCP),)), rule(ports=(port(TCP, 80),))),
        (rule(ip_block("10.0.0.0/8")), rule(ip_block("10.0.0.0/8", "10.1.0.0/16"))),
    ],
    ids=[
        "all-peers-vs-a-peer",
        "own-namespace-vs-every-namespace",
        "missing-vs-empty-pod-selector",
        "all-ports-vs-one",
        "except",
    ],
)
def test_absent_fields_are_kept_apart_from_empty_ones(a: Rule, b: Rule) -> None:
    """None is "the field was absent", whose meaning the API gives per field."""
    assert a != b


def test_a_policy_lives_in_the_namespace_of_its_reference() -> None:
    assert policy("shop/deny", ingress=()).namespace == "shop"


def test_a_network_policy_without_a_namespace_is_a_bug_not_a_user_error() -> None:
    cluster_scoped = dataclasses.replace(
        policy("shop/deny", ingress=()), ref=ObjectRef("NetworkPolicy", None, "deny")
    )
    with pytest.raises(AssertionError, match="NetworkPolicy deny has no namespace"):
        _ = cluster_scoped.namespace
