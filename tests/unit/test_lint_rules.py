"""lint_rules: rules that allow every peer on some ports, and IPv4-only address blocks."""

from __future__ import annotations

import pytest

from netpoldiff.errors import Location
from netpoldiff.lint_rules import rule_checks
from netpoldiff.policies import NetworkPolicy, Rule
from tests.testing.builders import (
    SCTP,
    TCP,
    UDP,
    admin,
    admin_rule,
    cluster,
    in_namespaces,
    ip_block,
    networks,
    pods,
    policy,
    port,
    rule,
)

REDIS = (port(TCP, 6379),)
FRONTEND = pods({"role": "frontend"})
EVERYWHERE = "every peer (every namespace and every external address)"
ABOVE = "; if `ports` belongs to the rule above, remove the leading `-`"


def messages(*policies: NetworkPolicy) -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in rule_checks(cluster(*policies))]


@pytest.mark.parametrize(
    ("policies", "expected"),
    [
        pytest.param(
            (policy("shop/db", ingress=(rule(FRONTEND), rule(ports=REDIS))),),
            [
                (
                    "NPD016",
                    (
                        f"shop/db: spec.ingress[1] has ports but no from: it allows {EVERYWHERE} "
                        f"on TCP/6379{ABOVE}"
                    ),
                )
            ],
            id="ports-written-as-a-rule-of-its-own",
        ),
        pytest.param(
            (policy("shop/db", ingress=(rule(ports=REDIS), rule(FRONTEND))),),
            [
                (
                    "NPD016",
                    (
                        f"shop/db: spec.ingress[0] has ports but no from: it allows {EVERYWHERE} "
                        "on TCP/6379; if the `from` below belongs to this rule, remove its "
                        "leading `-`"
                    ),
                )
            ],
            id="from-written-as-a-rule-of-its-own",
        ),
        pytest.param(
            (policy("shop/web", ingress=(rule(ports=(port(TCP, 80, 90), port(UDP))),)),),
            [
                (
                    "NPD016",
                    (
                        f"shop/web: spec.ingress[0] has ports but no from: it allows {EVERYWHERE} "
                        "on TCP/80-90, every UDP port"
                    ),
                )
            ],
            id="alone-no-hint",
        ),
        pytest.param(
            (policy("shop/web", egress=(rule(ports=(port(TCP, 443),)),)),),
            [
                (
                    "NPD016",
                    (
                        f"shop/web: spec.egress[0] has ports but no to: it allows {EVERYWHERE} "
                        "on TCP/443"
                    ),
                )
            ],
            id="egress",
        ),
        pytest.param(
            (
                policy(
                    "shop/web",
                    egress=(
                        rule(pods(namespaces={})),
                        rule(ports=(port(UDP, 53), port(TCP, 53), port(UDP, "dns"))),
                    ),
                ),
            ),
            [],
            id="dns-to-any-resolver-is-usual",
        ),
        pytest.param(
            (policy("shop/web", egress=(rule(ports=(port(SCTP, 53),)),)),),
            [
                (
                    "NPD016",
                    (
                        f"shop/web: spec.egress[0] has ports but no to: it allows {EVERYWHERE} "
                        "on SCTP/53"
                    ),
                )
            ],
            id="sctp-53-is-no-dns",
        ),
        pytest.param(
            (policy("shop/web", ingress=(rule(FRONTEND, ports=REDIS), rule())),),
            [],
            id="peers-and-ports-or-neither",
        ),
    ],
)
def test_a_rule_with_ports_and_no_peers_is_warned_about(
    policies: tuple[NetworkPolicy, ...], expected: list[tuple[str, str]]
) -> None:
    assert messages(*policies) == expected


def test_a_direction_the_policy_types_leave_out_is_not_checked() -> None:
    ignored = policy("shop/db", egress=())
    ignored = NetworkPolicy(
        ignored.ref, ignored.pod_selector, False, True, (rule(ports=REDIS),), ()
    )
    assert messages(ignored) == []


def test_the_warning_points_at_the_rule() -> None:
    at = Location("db.yaml", 1, 17)
    written = policy("shop/db", ingress=(Rule(None, REDIS, origin=at),))
    [warning] = rule_checks(cluster(written))
    assert warning.location == at


V6 = ip_block("::/0")
PRIVATE = ("10.0.0.0/8", "172.16.0.0/12")
# A policy naming an IPv6 range: the input is for a dual-stack cluster.
IPV6_ELSEWHERE = policy("shop/api", egress=(rule(ip_block("2001:db8::/32")),))


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        pytest.param(
            (rule(ip_block("0.0.0.0/0"), ports=(port(TCP, 443),)),),
            [
                (
                    "shop/web: spec.ingress[0].from[0]: ipBlock 0.0.0.0/0 has no ::/0 beside it: "
                    "on a dual-stack cluster, IPv6 sources are not allowed by this rule"
                )
            ],
            id="ipv4-only",
        ),
        pytest.param(
            (rule(ip_block("0.0.0.0/0", *PRIVATE), ip_block("::/0")),),
            [
                (
                    "shop/web: spec.ingress[0].from[0]: ipBlock 0.0.0.0/0 excepts 10.0.0.0/8, "
                    "172.16.0.0/12 but the ::/0 beside it excepts nothing: on a dual-stack "
                    "cluster, IPv6 sources are allowed with no exception"
                )
            ],
            id="excepts-on-one-family-only",
        ),
        pytest.param((rule(ip_block("0.0.0.0/0"), V6),), [], id="both-families"),
        pytest.param(
            (rule(ip_block("0.0.0.0/0", *PRIVATE), ip_block("::/0", "fc00::/7")),),
            [],
            id="excepts-on-both-families",
        ),
        pytest.param((rule(ip_block("10.0.0.0/8")),), [], id="a-private-range"),
        pytest.param(
            (rule(ip_block("0.0.0.0/0")), rule(V6)),
            [
                (
                    "shop/web: spec.ingress[0].from[0]: ipBlock 0.0.0.0/0 has no ::/0 beside it: "
                    "on a dual-stack cluster, IPv6 sources are not allowed by this rule"
                )
            ],
            id="counterpart-in-another-rule-is-not-beside-it",
        ),
    ],
)
def test_an_ipv4_only_block_of_every_address_is_warned_about(
    rules: tuple[Rule, ...], expected: list[str]
) -> None:
    found = messages(policy("shop/web", ingress=rules), IPV6_ELSEWHERE)
    assert found == [("NPD018", message) for message in expected]


def test_without_ipv6_in_the_input_only_an_except_on_one_family_is_warned_about() -> None:
    # No policy names an IPv6 address: the cluster is most likely single-stack.
    assert messages(policy("shop/web", ingress=(rule(ip_block("0.0.0.0/0")),))) == []
    one_family = policy("shop/web", ingress=(rule(ip_block("0.0.0.0/0", *PRIVATE), V6),))
    assert [code for code, _ in messages(one_family)] == ["NPD018"]
    ignored = NetworkPolicy(
        IPV6_ELSEWHERE.ref, IPV6_ELSEWHERE.pod_selector, True, False, (), IPV6_ELSEWHERE.egress
    )
    # An IPv6 address in rules that are ignored still tells the cluster is dual-stack.
    assert [
        code
        for code, _ in messages(policy("shop/web", ingress=(rule(ip_block("0.0.0.0/0")),)), ignored)
    ] == ["NPD018"]


def test_an_egress_ipv4_only_block_names_destinations() -> None:
    found = messages(policy("shop/web", egress=(rule(ip_block("0.0.0.0/0")),)), IPV6_ELSEWHERE)
    assert found == [
        (
            "NPD018",
            (
                "shop/web: spec.egress[0].to[0]: ipBlock 0.0.0.0/0 has no ::/0 beside it: on a "
                "dual-stack cluster, IPv6 destinations are not allowed by this rule"
            ),
        )
    ]


@pytest.mark.parametrize(
    ("action", "effect"),
    [("deny", "not denied"), ("allow", "not allowed"), ("pass", "not passed on")],
    ids=["deny", "allow", "pass"],
)
def test_an_admin_networks_peer_of_ipv4_only_leaves_ipv6_to_the_tiers_below(
    action: str, effect: str
) -> None:
    subject = in_namespaces(team="a")
    ipv4 = admin("egress", 10, subject, egress=(admin_rule(action, networks("0.0.0.0/0")),))
    elsewhere = admin("v6", 20, subject, egress=(admin_rule("allow", networks("2001:db8::/32")),))
    assert rule_checks(cluster(ipv4)) == ()  # no IPv6 address anywhere: single-stack
    state = cluster(ipv4, elsewhere)
    assert [(d.code, d.message) for d in rule_checks(state)] == [
        (
            "NPD018",
            (
                "AdminNetworkPolicy egress: spec.egress[0].to[0].networks: 0.0.0.0/0 has no ::/0 "
                f"beside it: on a dual-stack cluster, IPv6 destinations are {effect} by this rule"
            ),
        )
    ]
    both = admin("egress", 10, subject, egress=(admin_rule(action, networks("0.0.0.0/0", "::/0")),))
    assert rule_checks(cluster(both)) == ()
