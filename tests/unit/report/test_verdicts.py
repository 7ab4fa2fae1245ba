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
    decision_rows,
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


# ---- admin tiers ------------------------------------------------------------------------------

GUARD = ObjectRef("AdminNetworkPolicy", None, "guard")
BASELINE = ObjectRef("BaselineAdminNetworkPolicy", None, "default")
ADMIN_DENY = Decision(GUARD, 2, "deny", tcp(22), Location("k8s/admin.yaml", 1, 9), "admin", "ssh")
ADMIN_PASS = Decision(GUARD, 3, "pass", ALL_CONNECTIONS - tcp(22), None, "admin")
BASELINE_ALLOW = Decision(BASELINE, 0, "allow", tcp(80), None, "baseline", "web")
NARROWED = Decision(ALLOW.policy, 0, "allow", NO_CONNECTIONS, ALLOW.origin)


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (
            ADMIN_DENY,
            [
                "admin tier: AdminNetworkPolicy guard ingress[2] 'ssh'",
                "denies TCP/22",
                "k8s/admin.yaml:9",
            ],
        ),
        (
            ADMIN_PASS,
            [
                "admin tier: AdminNetworkPolicy guard ingress[3]",
                "passes all but TCP/22 on to the next tier",
                "",
            ],
        ),
        (
            BASELINE_ALLOW,
            [
                "baseline tier: BaselineAdminNetworkPolicy default ingress[0] 'web'",
                "allows TCP/80",
                "",
            ],
        ),
        (ALLOW, ["NetworkPolicy b/allow ingress[0]", "allows TCP/80", "k8s/b.yaml:12"]),
        (DENY, ["NetworkPolicy b/deny", "isolates: no ingress rule matches the source", ""]),
        (
            NARROWED,
            [
                "NetworkPolicy b/allow ingress[0]",
                "allows none of what reaches NetworkPolicies",
                "k8s/b.yaml:12",
            ],
        ),
    ],
    ids=["admin-deny", "admin-pass", "baseline-allow", "np-allow", "np-isolate", "np-narrowed"],
)
def test_where_admin_policies_took_part_each_row_names_its_tier_and_kind(
    decision: Decision, expected: list[str]
) -> None:
    assert decision_row("ingress", decision, tiered=True) == expected


def test_a_rule_name_is_quoted_with_its_characters_escaped() -> None:
    hostile = Decision(GUARD, 0, "deny", tcp(22), None, "admin", "a\x1b[31m\u202e'b")
    (rule, _, _) = decision_row("egress", hostile)
    assert rule == 'admin tier: AdminNetworkPolicy guard egress[0] "a\\x1b[31m\\u202e\'b"'


@pytest.mark.parametrize(
    ("verdict", "header", "rows"),
    [
        (
            DirectionVerdict(True, (ADMIN_DENY, ADMIN_PASS, ALLOW), tcp(80)),
            (
                "Ingress of b/api[Deployment]: decided by 2 policies (admin tier, NetworkPolicy); "
                "allows TCP/80"
            ),
            [
                "admin tier: AdminNetworkPolicy guard ingress[2] 'ssh'",
                "admin tier: AdminNetworkPolicy guard ingress[3]",
                "NetworkPolicy b/allow ingress[0]",
            ],
        ),
        (
            DirectionVerdict(True, (ADMIN_DENY, BASELINE_ALLOW), ALL_CONNECTIONS - tcp(22)),
            (
                "Ingress of b/api[Deployment]: decided by 2 policies (admin tier, baseline tier); "
                "allows all but TCP/22"
            ),
            [
                "admin tier: AdminNetworkPolicy guard ingress[2] 'ssh'",
                "baseline tier: BaselineAdminNetworkPolicy default ingress[0] 'web'",
                "default allow",
            ],
        ),
        (
            DirectionVerdict(False, (ADMIN_PASS,), ALL_CONNECTIONS),
            (
                "Ingress of b/api[Deployment]: not isolated (the admin rules that match pass it "
                "on, and no NetworkPolicy selects it for ingress)"
            ),
            ["admin tier: AdminNetworkPolicy guard ingress[3]", "default allow"],
        ),
        (
            DirectionVerdict(True, (DENY, ALLOW), tcp(80)),
            "Ingress of b/api[Deployment]: isolated by 2 policies; allows TCP/80",
            ["b/deny", "b/allow ingress[0]"],
        ),
    ],
    ids=["admin-then-networkpolicy", "admin-then-baseline-then-default", "pass-only", "np-only"],
)
def test_a_direction_lists_its_tiers_in_order_and_what_the_default_allows(
    verdict: DirectionVerdict, header: str, rows: list[str]
) -> None:
    assert direction_text("ingress", API, verdict) == header
    listed = decision_rows("ingress", verdict)
    assert [row[0] for row in listed] == rows
    if rows[-1] == "default allow":
        rest = "all but TCP/22,80" if BASELINE_ALLOW in verdict.decided_by else "every port"
        why = "no NetworkPolicy selects it and no baseline rule decides it"
        assert listed[-1] == ["default allow", f"allows {rest}: {why}", ""]
