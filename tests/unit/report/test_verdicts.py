"""How an explanation reads: the verdict, each direction, each deciding rule."""

from __future__ import annotations

import pytest

from netpoldiff.addresses import ALL_ADDRESSES
from netpoldiff.errors import Location
from netpoldiff.explain import Decision, DirectionVerdict, Explanation, Port
from netpoldiff.model import ExternalEndpoint, ObjectRef
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet
from netpoldiff.report.verdicts import (
    connections_text,
    decision_row,
    direction_text,
    verdict_text,
)
from tests.testing.builders import TCP, endpoint, tcp, udp

WEB, API = endpoint("a/web"), endpoint("b/api")
WORLD = ExternalEndpoint(ALL_ADDRESSES)
OPEN = DirectionVerdict(isolated=False, decided_by=(), allowed=ALL_CONNECTIONS)
DENY = Decision(ObjectRef.network_policy("b", "deny"), None, "isolate", NO_CONNECTIONS, None)
ALLOW = Decision(
    ObjectRef.network_policy("b", "allow"), 0, "allow", tcp(80), Location("k8s/b.yaml", 1, 12)
)


def _closed(allowed: ConnectionSet = NO_CONNECTIONS) -> DirectionVerdict:
    return DirectionVerdict(isolated=True, decided_by=(DENY,), allowed=allowed)


def _pair(
    egress: DirectionVerdict, ingress: DirectionVerdict, port: Port | None = None
) -> Explanation:
    return Explanation(WEB, API, egress, ingress, egress.allowed & ingress.allowed, port)


@pytest.mark.parametrize(
    ("explanation", "expected"),
    [
        (_pair(OPEN, OPEN), "allowed on every port"),
        (_pair(OPEN, _closed(tcp(80) | udp(53))), "allowed on TCP/80 UDP/53"),
        (_pair(OPEN, _closed(tcp(80)), (TCP, 80)), "allowed on TCP/80"),
        (_pair(OPEN, _closed()), "denied by ingress"),
        (_pair(_closed(), OPEN), "denied by egress"),
        (_pair(_closed(), _closed()), "denied by egress and ingress"),
        (
            _pair(_closed(tcp(80)), _closed(tcp(81))),
            "denied: egress and ingress allow nothing in common",
        ),
        (
            _pair(OPEN, _closed(tcp(80)), (TCP, 443)),
            "denied on TCP/443 by ingress (allowed on TCP/80)",
        ),
        (
            Explanation(WORLD, WORLD, OPEN, OPEN, NO_CONNECTIONS, exempt="outside"),
            "not evaluated: both ends are outside the cluster, where no NetworkPolicy applies",
        ),
        (
            Explanation(WEB, WEB, OPEN, _closed(), NO_CONNECTIONS, exempt="loopback"),
            (
                "not evaluated: a bare Pod's traffic to itself is loopback, which "
                "NetworkPolicies do not govern"
            ),
        ),
    ],
    ids=[
        "all",
        "some-ports",
        "at-port",
        "ingress-denies",
        "egress-denies",
        "both-deny",
        "nothing-in-common",
        "other-port",
        "outside",
        "loopback",
    ],
)
def test_the_verdict_says_allowed_on_what_or_which_direction_denies(
    explanation: Explanation, expected: str
) -> None:
    assert verdict_text(explanation) == expected


@pytest.mark.parametrize(
    ("direction", "subject", "verdict", "expected"),
    [
        (
            "egress",
            WORLD,
            OPEN,
            (
                "Egress of 0.0.0.0/0 and ::/0: not isolated (outside the cluster, where no "
                "NetworkPolicy applies)"
            ),
        ),
        (
            "ingress",
            API,
            OPEN,
            "Ingress of b/api[Deployment]: not isolated (no NetworkPolicy selects it for ingress)",
        ),
        (
            "ingress",
            API,
            _closed(),
            "Ingress of b/api[Deployment]: isolated by 1 policy; allows nothing",
        ),
        (
            "egress",
            WEB,
            DirectionVerdict(True, (DENY, ALLOW), tcp(80)),
            "Egress of a/web[Deployment]: isolated by 2 policies; allows TCP/80",
        ),
    ],
    ids=["outside", "not-isolated", "one-policy", "two-policies"],
)
def test_a_direction_says_whether_isolated_by_how_many_policies_and_what_it_allows(
    direction: str, subject: ExternalEndpoint, verdict: DirectionVerdict, expected: str
) -> None:
    assert direction_text(direction, subject, verdict) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("direction", "decision", "expected"),
    [
        ("ingress", ALLOW, ["b/allow ingress[0]", "allows TCP/80", "k8s/b.yaml:12"]),
        ("egress", DENY, ["b/deny", "isolates: no egress rule matches the destination", ""]),
        (
            "ingress",
            Decision(DENY.policy, None, "isolate", NO_CONNECTIONS, Location("k8s/b.yaml")),
            ["b/deny", "isolates: no ingress rule matches the source", "k8s/b.yaml"],
        ),
        (
            "ingress",
            Decision(ALLOW.policy, 3, "allow", NO_CONNECTIONS, ALLOW.origin),
            [
                "b/allow ingress[3]",
                "allows nothing: its named ports are not declared by the destination",
                "k8s/b.yaml:12",
            ],
        ),
    ],
    ids=["allow", "isolate-egress", "isolate-file-only", "named-ports-missing"],
)
def test_a_decision_row_names_policy_and_rule_what_it_does_and_where(
    direction: str, decision: Decision, expected: list[str]
) -> None:
    assert decision_row(direction, decision) == expected  # type: ignore[arg-type]


def test_connections_read_every_port_nothing_or_as_listed() -> None:
    assert connections_text(ALL_CONNECTIONS) == "every port"
    assert connections_text(NO_CONNECTIONS) == "nothing"
    assert connections_text(ALL_CONNECTIONS - tcp(22)) == "all but TCP/22"
