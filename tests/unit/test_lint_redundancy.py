"""lint_redundancy: rules another rule of the policy covers, and policies said twice."""

from __future__ import annotations

import dataclasses

import pytest

from netpoldiff.errors import Location
from netpoldiff.evaluate import evaluate
from netpoldiff.evaluate.compile import compile_ports
from netpoldiff.lint_redundancy import _compiled_ports, redundancy_checks
from netpoldiff.model import ObjectRef
from netpoldiff.policies import NetworkPolicy, Rule
from netpoldiff.unmatched import unmatched
from tests.testing.builders import (
    TCP,
    UDP,
    cluster,
    ip_block,
    pods,
    policy,
    port,
    rule,
    workload,
)

WEB = workload("shop/web", {"app": "web"})
FRONTEND = pods({"tier": "frontend"})
HTTP = (port(TCP, 8080),)


def found(*policies: NetworkPolicy) -> list[tuple[str, str]]:
    state = cluster(WEB, *policies)
    return [(d.code, d.message) for d in redundancy_checks(state, evaluate(state), {})]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        pytest.param(
            (rule(FRONTEND, ports=HTTP), rule(pods(namespaces={}), ports=HTTP)),
            ["shop/web: spec.ingress[0] is covered by spec.ingress[1]"],
            id="narrower-peers",
        ),
        pytest.param(
            (rule(FRONTEND), rule(FRONTEND, ports=HTTP)),
            ["shop/web: spec.ingress[1] is covered by spec.ingress[0]"],
            id="narrower-ports",
        ),
        pytest.param(
            (rule(FRONTEND, ports=HTTP), rule(FRONTEND, ports=HTTP)),
            ["shop/web: spec.ingress[1] is covered by spec.ingress[0]"],
            id="the-same-rule-twice-the-repeat",
        ),
        pytest.param(
            (rule(ip_block("10.1.0.0/16")), rule(ip_block("10.0.0.0/9"), ip_block("10.128.0.0/9"))),
            ["shop/web: spec.ingress[0] is covered by spec.ingress[1]"],
            id="addresses-by-a-union",
        ),
        pytest.param(
            (rule(FRONTEND, ports=HTTP), rule(pods({"tier": "backend"}), ports=HTTP)),
            [],
            id="other-peers",
        ),
        pytest.param(
            (rule(FRONTEND, ports=HTTP), rule(pods(namespaces={}), ports=(port(TCP, 9090),))),
            [],
            id="other-ports",
        ),
    ],
)
def test_a_rule_another_rule_of_the_policy_covers_is_redundant(
    rules: tuple[Rule, ...], expected: list[str]
) -> None:
    suffix = ": every peer and port it allows, that rule allows too"
    assert found(policy("shop/web", ingress=rules)) == [("NPD019", m + suffix) for m in expected]


def test_rules_of_a_direction_the_policy_types_leave_out_are_not_checked() -> None:
    ignored = NetworkPolicy(
        ObjectRef.network_policy("shop", "web"),
        policy("shop/web").pod_selector,
        False,
        True,
        (rule(FRONTEND), rule(FRONTEND)),
    )
    assert found(ignored) == []


def test_the_rule_warning_points_at_the_covered_rule() -> None:
    at = Location("web.yaml", 1, 14)
    written = policy("shop/web", egress=(rule(), Rule((FRONTEND,), HTTP, origin=at)))
    state = cluster(WEB, written)
    [warning] = redundancy_checks(state, evaluate(state), {})
    assert (warning.code, warning.location) == ("NPD019", at)


def test_two_policies_of_one_namespace_that_say_the_same_thing() -> None:
    one = policy("shop/allow-frontend", ingress=(rule(FRONTEND, ports=HTTP),))
    again = policy("shop/web-from-frontend", ingress=(rule(FRONTEND, ports=HTTP),))
    reordered = policy(
        "shop/reordered", ingress=(rule(ports=(port(TCP, 9090),)), rule(FRONTEND, ports=HTTP))
    )
    reversed_order = policy(
        "shop/reversed", ingress=(rule(FRONTEND, ports=HTTP), rule(ports=(port(TCP, 9090),)))
    )
    elsewhere = policy("data/allow-frontend", ingress=(rule(FRONTEND, ports=HTTP),))
    duplicates = [
        m for code, m in found(one, again, reordered, reversed_order, elsewhere) if code == "NPD020"
    ]
    assert duplicates == [
        "shop/reversed says the same as shop/reordered: one of them is redundant",
        "shop/web-from-frontend says the same as shop/allow-frontend: one of them is redundant",
    ]


def test_ip_blocks_compare_whatever_the_order_of_their_excepts() -> None:
    one = policy("shop/a", ingress=(rule(ip_block("10.0.0.0/8", "10.1.0.0/16", "10.2.0.0/16")),))
    two = policy("shop/b", ingress=(rule(ip_block("10.0.0.0/8", "10.2.0.0/16", "10.1.0.0/16")),))
    assert [code for code, _ in found(one, two)] == ["NPD020"]


def test_repeated_policies_are_not_also_said_to_be_covered() -> None:
    one = policy("shop/a", {"app": "web"}, ingress=(rule(FRONTEND, ports=HTTP),))
    two = policy("shop/b", {"app": "web"}, ingress=(rule(FRONTEND, ports=HTTP),))
    state = cluster(WEB, workload("shop/ui", {"tier": "frontend"}), one, two)
    codes = [d.code for d in unmatched(state, evaluate(state))]
    assert "NPD021" not in codes
    assert codes.count("NPD020") == 1


def test_ports_compiled_once_are_those_every_list_compiles_to() -> None:
    lists = [
        (port(TCP, 80),),
        (port(TCP, 80), port(TCP, "http")),
        (port(UDP, 53), port(TCP, 53)),
        (port(TCP, 80, 90),),
        (),
    ]
    elsewhere = [
        tuple(dataclasses.replace(p, origin=Location("b.yaml", 2, 7)) for p in ports)
        for ports in lists
    ]
    for ports in [*lists, *elsewhere, *reversed(lists)]:
        assert _compiled_ports(ports) == compile_ports(ports)
