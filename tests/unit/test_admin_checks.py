"""Warnings about admin policies whose effect the input cannot show exactly."""

from __future__ import annotations

from netpoldiff.admin_checks import admin_checks
from netpoldiff.admin_policies import AdminPolicy
from netpoldiff.evaluate import evaluate
from tests.testing.builders import (
    admin,
    admin_rule,
    cluster,
    in_namespaces,
    namespace,
    networks,
    workload,
)

A = in_namespaces(team="a")
BASE = (namespace("a", team="a"), workload("a/web", {"app": "web"}))


def codes(*policies: AdminPolicy) -> list[str]:
    state = cluster(*BASE, *policies)
    matrix = evaluate(state)
    workloads = sum(1 << i for i, e in enumerate(matrix.endpoints) if getattr(e, "namespace", None))
    return [d.code for d in admin_checks(state.admin_policies, matrix.admin_policies, workloads)]


def test_a_subject_that_selects_nothing() -> None:
    assert codes(admin("p", 1, in_namespaces(team="z"), ingress=(admin_rule("deny", A),))) == [
        "NPD015"
    ]


def test_a_private_cidr_may_hold_pods_but_a_whole_family_or_a_public_one_is_exact() -> None:
    assert codes(admin("p", 1, A, egress=(admin_rule("deny", networks("10.1.0.0/16")),))) == [
        "NPD013"
    ]
    assert codes(admin("p", 1, A, egress=(admin_rule("deny", networks("0.0.0.0/0")),))) == []
    assert codes(admin("p", 1, A, egress=(admin_rule("deny", networks("8.8.8.8/32")),))) == []


def test_two_policies_of_one_priority_that_could_match_one_connection() -> None:
    first = admin("a", 5, A, ingress=(admin_rule("deny", A),))
    second = admin("b", 5, A, ingress=(admin_rule("allow", A),))
    other_priority = admin("c", 6, A, ingress=(admin_rule("allow", A),))
    assert codes(first, second) == ["NPD014"]
    assert codes(first, other_priority) == []
    egress_only = admin("d", 5, A, egress=(admin_rule("allow", A),))
    assert codes(first, egress_only) == []
