"""A modified policy's edits, field by field, in the words of its manifest."""

from __future__ import annotations

import dataclasses

import pytest

from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.errors import Location
from netpoldiff.policies import NetworkPolicy
from netpoldiff.policy_edits import compact, describe_policy_edits, policy_edits
from tests.testing.builders import TCP, ip_block, pods, policy, port, rule

BASE = policy("x/p", {"app": "web"}, ingress=(rule(pods({"app": "api"}), ports=(port(TCP, 80),)),))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ({}, "{}"),
        ({"namespaceSelector": {}}, "{namespaceSelector: {}}"),
        ({"ports": [{"protocol": "TCP", "port": 80}]}, "{ports: [{protocol: TCP, port: 80}]}"),
        (("a", 1), "[a, 1]"),
        ("Egress", "Egress"),
    ],
    ids=["empty-map", "nested-map", "list-of-maps", "tuple", "scalar"],
)
def test_values_read_as_flow_style_yaml(value: object, shown: str) -> None:
    assert compact(value) == shown


@pytest.mark.parametrize(
    ("after", "edits"),
    [
        (
            policy(
                "x/p",
                {"app": "web"},
                ingress=(rule(pods({"app": "api"}), ports=(port(TCP, 443),)),),
            ),
            ["ingress[0].ports[0].port: 80 -> 443"],
        ),
        (
            policy(
                "x/p",
                {"app": "web"},
                ingress=(rule(pods({"app": "api"}), ports=(port(TCP, "http"),)),),
            ),
            ["ingress[0].ports[0].port: 80 -> http"],
        ),
        (
            policy(
                "x/p",
                {"app": "web"},
                ingress=(rule(pods({"app": "api"}), pods(namespaces={}), ports=(port(TCP, 80),)),),
                egress=(),
            ),
            ["ingress[0].from[1] added: {namespaceSelector: {}}", "policyTypes[1] added: Egress"],
        ),
        (
            policy("x/p", {"app": "web"}, ingress=()),
            [
                (
                    "ingress[0] removed: {from: [{podSelector: {matchLabels: {app: api}}}],"
                    " ports: [{protocol: TCP, port: 80}]}"
                )
            ],
        ),
        (
            policy("x/p", {"app": "db"}, ingress=BASE.ingress),
            ["podSelector.matchLabels.app: web -> db"],
        ),
        (
            policy("x/p", {"app": "web"}, ingress=(*BASE.ingress, rule(ip_block("10.0.0.0/8")))),
            ["ingress[1] added: {from: [{ipBlock: {cidr: 10.0.0.0/8}}]}"],
        ),
        (
            policy("x/p", {"app": "web"}, ingress=(rule(pods({"app": "api"})),)),
            ["ingress[0].ports removed: [{protocol: TCP, port: 80}]"],
        ),
        (policy("x/p", ingress=BASE.ingress), ["podSelector.matchLabels removed: {app: web}"]),
    ],
    ids=[
        "port-changed",
        "port-named",
        "peer-and-direction-added",
        "rule-removed",
        "selector-changed",
        "rule-added",
        "ports-removed",
        "selector-emptied",
    ],
)
def test_each_edit_is_one_line_naming_its_field(after: NetworkPolicy, edits: list[str]) -> None:
    assert describe_policy_edits(BASE, after) == edits


def test_rules_that_only_moved_are_said_to_be_reordered() -> None:
    two = policy("x/p", ingress=(rule(ip_block("10.0.0.0/8")), *BASE.ingress))
    swapped = dataclasses.replace(two, ingress=two.ingress[::-1])
    assert describe_policy_edits(two, swapped) == ["rules reordered (same rules)"]


def test_a_repeated_entry_is_said_to_change_no_rule() -> None:
    repeated = policy(
        "x/p", {"app": "web"}, ingress=(rule(pods({"app": "api"}), ports=(port(TCP, 80),) * 2),)
    )
    assert describe_policy_edits(BASE, repeated) == [
        "repeated entries added or removed (same rules)"
    ]


def test_an_edit_reads_the_same_both_ways_but_for_its_verb() -> None:
    narrow = policy("x/p", {"app": "web"}, ingress=(rule(pods({"app": "api"})),))
    assert describe_policy_edits(narrow, BASE) == [
        "ingress[0].ports added: [{protocol: TCP, port: 80}]"
    ]
    assert describe_policy_edits(BASE, narrow) == [
        "ingress[0].ports removed: [{protocol: TCP, port: 80}]"
    ]


def test_only_a_modified_policy_has_edits() -> None:
    moved = dataclasses.replace(BASE, origin=Location("other.yaml", 2, 1))
    new_port = policy("x/p", {"app": "web"}, ingress=(rule(ports=(port(TCP, 80),)),))
    added = policy("x/added", ingress=())
    changes = ChangeSet.between(Cluster(policies=(BASE,)), Cluster(policies=(new_port, added)))
    assert policy_edits(changes, BASE.ref) == [
        "ingress[0].from removed: [{podSelector: {matchLabels: {app: api}}}]"
    ]
    assert policy_edits(changes, added.ref) == []
    removed = ChangeSet.between(Cluster(policies=(BASE,)), Cluster())
    assert policy_edits(removed, BASE.ref) == []
    unchanged = ChangeSet.between(Cluster(policies=(BASE,)), Cluster(policies=(moved,)))
    assert policy_edits(unchanged, BASE.ref) == []
