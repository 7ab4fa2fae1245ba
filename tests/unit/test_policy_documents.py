"""A policy as its manifest says it, and the canonical form that reads every list as a set."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.policies import NetworkPolicy, Rule
from netpoldiff.policy_documents import canonical_document, policy_document
from netpoldiff.selectors import LabelSelector, Operator, Requirement
from tests.semantics.test_oracle_equivalence import NAMESPACE_NAMES, policies_named
from tests.testing.builders import TCP, UDP, ip_block, pods, policy, port, rule

T = TypeVar("T")


def test_a_policy_reads_as_its_spec_after_defaulting() -> None:
    web = policy(
        "shop/web",
        {"app": "web"},
        ingress=(
            rule(
                pods({"app": "api"}),
                pods(namespaces={"team": "a"}),
                ip_block("10.0.0.0/8", "10.1.0.0/16"),
                ports=(port(TCP, 80, 90), port(UDP, "dns"), port(TCP)),
            ),
            rule(),
        ),
        egress=(),
    )
    assert policy_document(web) == {
        "podSelector": {"matchLabels": {"app": "web"}},
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [
            {
                "from": [
                    {"podSelector": {"matchLabels": {"app": "api"}}},
                    {"namespaceSelector": {"matchLabels": {"team": "a"}}},
                    {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}},
                ],
                "ports": [
                    {"protocol": "TCP", "port": 80, "endPort": 90},
                    {"protocol": "UDP", "port": "dns"},
                    {"protocol": "TCP"},
                ],
            },
            {},
        ],
        "egress": [],
    }


@pytest.mark.parametrize(
    ("selector", "document"),
    [
        (LabelSelector(), {}),
        (
            LabelSelector.build({}, (Requirement("tier", Operator.EXISTS),)),
            {"matchExpressions": [{"key": "tier", "operator": "Exists"}]},
        ),
        (
            LabelSelector.build(
                {"app": "web"}, (Requirement("env", Operator.NOT_IN, ("dev", "ci")),)
            ),
            {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["ci", "dev"]}],
            },
        ),
    ],
    ids=["empty", "exists-has-no-values", "labels-and-expressions"],
)
def test_a_selector_reads_as_in_its_manifest(
    selector: LabelSelector, document: dict[str, object]
) -> None:
    web = dataclasses.replace(policy("shop/web", ingress=()), pod_selector=selector)
    assert policy_document(web)["podSelector"] == document


@pytest.mark.parametrize(
    ("peer", "document"),
    [
        (pods(namespaces={}), {"namespaceSelector": {}}),
        (pods({}), {"podSelector": {}}),
        (pods({}, namespaces={}), {"namespaceSelector": {}, "podSelector": {}}),
        (ip_block("::/0"), {"ipBlock": {"cidr": "::/0"}}),
    ],
    ids=["every-namespace", "own-namespace", "every-pod", "ip-block-without-except"],
)
def test_a_peer_keeps_which_selectors_it_has(peer: object, document: dict[str, object]) -> None:
    out = policy("x/out", egress=(Rule((peer,)),))  # type: ignore[arg-type]
    assert policy_document(out)["egress"] == [{"to": [document]}]


def test_policy_types_list_only_the_directions_a_policy_governs() -> None:
    assert policy_document(policy("x/in", ingress=()))["policyTypes"] == ["Ingress"]
    assert policy_document(policy("x/out", egress=()))["policyTypes"] == ["Egress"]


def shuffled(draw: st.DrawFn, items: Sequence[T]) -> tuple[T, ...]:
    """The items in another order, some of them repeated."""
    if not items:
        return ()
    repeated = [*items, *draw(st.lists(st.sampled_from(items), max_size=2))]
    return tuple(draw(st.permutations(repeated)))


@st.composite
def reworded(draw: st.DrawFn, policy_: NetworkPolicy) -> NetworkPolicy:
    """The same policy with its rules, peers and ports reordered and repeated."""

    def rules(found: tuple[Rule, ...]) -> tuple[Rule, ...]:
        return tuple(
            Rule(
                None if r.peers is None else shuffled(draw, r.peers),
                shuffled(draw, r.ports),
            )
            for r in shuffled(draw, found)
        )

    return dataclasses.replace(
        policy_, ingress=rules(policy_.ingress), egress=rules(policy_.egress)
    )


@given(st.data(), policies_named("p", NAMESPACE_NAMES))
def test_order_and_repetition_never_change_the_canonical_form(
    data: st.DataObject, policy_: NetworkPolicy
) -> None:
    """The order and repetition of rules, peers and ports never change what a policy allows."""
    assert canonical_document(data.draw(reworded(policy_))) == canonical_document(policy_)


@pytest.mark.parametrize(
    "other",
    [
        policy("x/p", {"app": "web"}, ingress=(rule(ports=(port(TCP, 81),)),)),
        policy("x/p", {"app": "web"}, ingress=(rule(ports=(port(UDP, 80),)),)),
        policy("x/p", {"app": "api"}, ingress=(rule(ports=(port(TCP, 80),)),)),
        policy("x/p", {"app": "web"}, ingress=(rule(pods({}), ports=(port(TCP, 80),)),)),
        policy("x/p", {"app": "web"}, ingress=(rule(ports=(port(TCP, 80),)),), egress=()),
    ],
    ids=["port", "protocol", "selector", "peers", "policy-types"],
)
def test_a_policy_that_says_something_else_reads_otherwise(other: NetworkPolicy) -> None:
    base = policy("x/p", {"app": "web"}, ingress=(rule(ports=(port(TCP, 80),)),))
    assert canonical_document(other) != canonical_document(base)
