"""Compiled values: a rule's ports resolved toward one destination, and policies by identity."""

from __future__ import annotations

import pytest

from netpoldiff.compiled import CompiledPolicy, CompiledPorts, CompiledRule, PortMap
from netpoldiff.errors import Location
from netpoldiff.model import ObjectRef
from netpoldiff.ports import NO_CONNECTIONS, ConnectionSet
from tests.testing.builders import SCTP, TCP, UDP, tcp, udp

WEB: PortMap = (("http", TCP, 8080), ("metrics", TCP, 9090))
API: PortMap = (("http", TCP, 9000),)
DNS: PortMap = (("dns", TCP, 53), ("dns", UDP, 53))
# Two containers of one pod may use one port name (CC-13).
TWO_CONTAINERS: PortMap = (("http", TCP, 8080), ("http", TCP, 8081))


@pytest.mark.parametrize(
    ("ports", "port_map", "connections"),
    [
        (CompiledPorts(tcp(80), ()), WEB, tcp(80)),
        (CompiledPorts(tcp(80), (("http", TCP),)), WEB, tcp(80, 8080)),
        (CompiledPorts(NO_CONNECTIONS, (("http", TCP),)), API, tcp(9000)),
        (CompiledPorts(NO_CONNECTIONS, (("http", UDP),)), WEB, NO_CONNECTIONS),
        (CompiledPorts(NO_CONNECTIONS, (("dns", UDP),)), DNS, udp(53)),
        (CompiledPorts(NO_CONNECTIONS, (("grpc", TCP),)), WEB, NO_CONNECTIONS),
        (CompiledPorts(udp(53), (("http", TCP),)), (), udp(53)),
        (CompiledPorts(tcp(443), (("http", TCP),)), None, tcp(443)),
        (CompiledPorts(NO_CONNECTIONS, (("http", TCP),)), TWO_CONTAINERS, tcp(8080, 8081)),
        (
            CompiledPorts(NO_CONNECTIONS, (("http", TCP), ("metrics", TCP), ("dns", SCTP))),
            WEB,
            tcp(8080, 9090),
        ),
    ],
    ids=[
        "numbers-only",
        "numbers-and-a-name",
        "a-name-resolves-on-this-destination (CC-08)",
        "a-name-needs-its-protocol-too (CC-09)",
        "the-udp-one-of-two-same-named (CC-09)",
        "a-name-the-destination-lacks-matches-nothing (CC-10)",
        "a-destination-without-named-ports",
        "an-address-outside-the-cluster",
        "one-name-on-two-containers (CC-13)",
        "several-names",
    ],
)
def test_a_rule_s_ports_resolve_per_destination(
    ports: CompiledPorts, port_map: PortMap | None, connections: ConnectionSet
) -> None:
    """Named ports resolve against the destination's container ports, by name and protocol.

    "port ... This can either be a numerical or named port on a pod": the name is looked up
    on each destination pod; an address outside the cluster has no named ports.
    """
    assert ports.resolve(port_map) == connections


def test_the_same_rule_opens_different_numbers_on_different_destinations() -> None:
    """CC-08: one name, two numbers, and each destination opens only its own."""
    http = CompiledPorts(NO_CONNECTIONS, (("http", TCP),))
    assert (http.resolve(WEB), http.resolve(API)) == (tcp(8080), tcp(9000))


def test_compiled_policies_are_one_object_each() -> None:
    # Equal fields are not the same decision: one object per policy and selection, compared
    # by identity (a matrix keeps them; comparing their masks would be meaningless elsewhere).
    rule = CompiledRule(0, Location("a.yaml", 1, 9), 0b11, CompiledPorts(tcp(80), ()))
    ref = ObjectRef.network_policy("shop", "web")
    first = CompiledPolicy.of(ref, None, 0b01, (rule,), None)
    second = CompiledPolicy.of(ref, None, 0b01, (rule,), None)
    assert first == first  # noqa: PLR0124 - identity is the equality
    assert first != second
    assert len({first, second}) == 2
