"""coverage: whether a selector, peer, rule or set of grants covers another."""

from __future__ import annotations

import pytest

from netpoldiff.compiled import CompiledPorts
from netpoldiff.coverage import grants_cover, implies, peer_covers, peers_cover, rule_covers
from netpoldiff.evaluate.compile import compile_ports
from netpoldiff.policies import PolicyPort, Rule
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet
from netpoldiff.selectors import LabelSelector, Operator, Requirement
from tests.testing.builders import TCP, UDP, ip_block, pods, port, rule, tcp, udp

IN, NOT_IN = Operator.IN, Operator.NOT_IN
EXISTS, ABSENT = Operator.EXISTS, Operator.DOES_NOT_EXIST


def select(labels: dict[str, str] | None = None, *expressions: Requirement) -> LabelSelector:
    return LabelSelector.build(labels or {}, expressions)


def req(key: str, operator: Operator, *values: str) -> Requirement:
    return Requirement(key, operator, values)


@pytest.mark.parametrize(
    ("narrow", "wide", "expected"),
    [
        (select({"app": "web"}), select(), True),
        (select(), select({"app": "web"}), False),
        (select({"app": "web", "tier": "a"}), select({"app": "web"}), True),
        (select({"app": "web"}), select({"app": "web", "tier": "a"}), False),
        (select({"app": "web"}), select({"app": "db"}), False),
        (select({"app": "web"}), select(None, req("app", IN, "web", "db")), True),
        (select(None, req("app", IN, "web", "db")), select({"app": "web"}), False),
        (select(None, req("app", IN, "web")), select(None, req("app", EXISTS)), True),
        (select(None, req("app", EXISTS)), select(None, req("app", IN, "web")), False),
        (select({"app": "web"}), select(None, req("app", NOT_IN, "db")), True),
        (select({"app": "db"}), select(None, req("app", NOT_IN, "db")), False),
        (select(None, req("app", NOT_IN, "a", "b")), select(None, req("app", NOT_IN, "a")), True),
        (select(None, req("app", NOT_IN, "a")), select(None, req("app", NOT_IN, "a", "b")), False),
        (select(None, req("app", ABSENT)), select(None, req("app", NOT_IN, "a")), True),
        (select(None, req("app", ABSENT)), select(None, req("app", ABSENT)), True),
        (select(None, req("app", NOT_IN, "a")), select(None, req("app", ABSENT)), False),
        (select({"tier": "a"}, req("app", EXISTS)), select(None, req("tier", EXISTS)), True),
    ],
    ids=[
        "anything-within-everything",
        "everything-not-within-something",
        "more-labels-within-fewer",
        "fewer-labels-not-within-more",
        "other-value",
        "label-within-in",
        "in-not-within-one-of-its-values",
        "in-within-exists",
        "exists-not-within-in",
        "label-within-notin-of-others",
        "label-not-within-notin-of-itself",
        "wider-notin-within-narrower",
        "narrower-notin-not-within-wider",
        "absent-within-notin",
        "absent-within-absent",
        "notin-not-within-absent",
        "labels-and-expressions-mixed",
    ],
)
def test_a_selector_implies_another_when_all_it_selects_the_other_selects(
    narrow: LabelSelector, wide: LabelSelector, *, expected: bool
) -> None:
    assert implies(narrow, wide) is expected


def test_a_peer_without_a_namespace_selector_is_its_policy_namespace() -> None:
    own = pods({"app": "web"})
    named_own = pods({"app": "web"}, namespaces={"kubernetes.io/metadata.name": "shop"})
    every_namespace = pods({"app": "web"}, namespaces={})
    assert peer_covers(named_own, own, "shop")
    assert peer_covers(own, named_own, "shop")
    assert not peer_covers(own, named_own, "other")
    assert peer_covers(every_namespace, own, "shop")
    assert not peer_covers(own, every_namespace, "shop")
    # A missing podSelector is every pod of the namespaces.
    assert peer_covers(pods(namespaces={}), every_namespace, "shop")
    assert not peer_covers(every_namespace, pods(namespaces={}), "shop")


def test_peers_cover_pods_by_selectors_and_addresses_by_their_union() -> None:
    halves = (ip_block("10.0.0.0/9"), ip_block("10.128.0.0/9"))
    assert peers_cover(halves, (ip_block("10.0.0.0/8", "10.1.0.0/16"),), "shop")
    assert not peers_cover(halves, (ip_block("11.0.0.0/8"),), "shop")
    assert peers_cover(None, (pods({"app": "web"}),), "shop")
    assert not peers_cover((pods(namespaces={}),), None, "shop")
    assert not peers_cover((ip_block("0.0.0.0/0"),), (pods(namespaces={}),), "shop")
    assert peers_cover((pods(namespaces={}),), (pods({"a": "b"}), pods({"c": "d"})), "shop")


def compiled(*ports: PolicyPort) -> CompiledPorts:
    return compile_ports(ports)


@pytest.mark.parametrize(
    ("wide", "narrow", "expected"),
    [
        (compiled(), compiled(port(TCP, 80)), True),
        (compiled(port(TCP, 80)), compiled(), False),
        (compiled(port(TCP, 80, 90)), compiled(port(TCP, 85)), True),
        (compiled(port(TCP, 80)), compiled(port(UDP, 80)), False),
        (compiled(port(TCP, "http")), compiled(port(TCP, "http")), True),
        (compiled(port(TCP, 8080)), compiled(port(TCP, "http")), False),
        (compiled(port(TCP)), compiled(port(TCP, "http")), True),
    ],
    ids=[
        "all-ports-cover-one",
        "one-port-not-all",
        "range-covers-a-port-in-it",
        "protocol-matters",
        "same-name",
        "number-never-surely-covers-a-name",
        "every-port-of-the-protocol-covers-a-name",
    ],
)
def test_rule_covers_by_ports_and_peers(
    wide: CompiledPorts, narrow: CompiledPorts, *, expected: bool
) -> None:
    peers = rule(pods({"app": "web"}))
    assert rule_covers((peers, wide), (peers, narrow), "shop") is expected


def test_a_rule_is_covered_only_when_both_its_peers_and_its_ports_are() -> None:
    wide = (Rule((pods(namespaces={}),)), compile_ports((port(TCP, 80),)))
    narrow = (Rule((pods({"app": "web"}),)), compile_ports((port(TCP, 80),)))
    other_port = (Rule((pods({"app": "web"}),)), compile_ports((port(TCP, 81),)))
    assert rule_covers(wide, narrow, "shop")
    assert not rule_covers(narrow, wide, "shop")
    assert not rule_covers(wide, other_port, "shop")


@pytest.mark.parametrize(
    ("grants", "peers", "need", "expected"),
    [
        ([(0b11, tcp(80))], 0b11, tcp(80), True),
        ([(0b01, tcp(80))], 0b11, tcp(80), False),
        ([(0b01, tcp(80)), (0b10, tcp(80))], 0b11, tcp(80), True),
        ([(0b11, tcp(80)), (0b01, udp(53))], 0b01, tcp(80) | udp(53), True),
        ([(0b11, tcp(80)), (0b10, udp(53))], 0b01, tcp(80) | udp(53), False),
        ([(0b11, ALL_CONNECTIONS)], 0b11, tcp(80), True),
        ([], 0, tcp(80), True),
    ],
    ids=[
        "one-grant-for-all",
        "a-peer-left-out",
        "two-grants-each-half",
        "ports-from-two-grants",
        "ports-of-another-peer",
        "everything",
        "no-peer-needs-nothing",
    ],
)
def test_grants_cover_each_peer_with_the_union_of_what_they_give(
    grants: list[tuple[int, ConnectionSet]], peers: int, need: ConnectionSet, *, expected: bool
) -> None:
    assert grants_cover(grants, peers, need) is expected


def test_nothing_needed_is_always_covered() -> None:
    assert grants_cover([], 0b1, NO_CONNECTIONS)
