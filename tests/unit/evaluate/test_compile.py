"""Compiling policies: ports merged once, peers and subjects as masks over a universe."""

from __future__ import annotations

import dataclasses

import pytest

from netpoldiff.addresses import IPSet, parse_cidr
from netpoldiff.bitsets import iter_bits, mask_of
from netpoldiff.cluster import Cluster
from netpoldiff.compiled import CompiledPorts, NamedPort
from netpoldiff.errors import Location
from netpoldiff.evaluate.compile import Compiler, compile_ports
from netpoldiff.evaluate.selection import Selection
from netpoldiff.evaluate.universe import Universe
from netpoldiff.model import Endpoint, ExternalEndpoint
from netpoldiff.policies import IPBlockPeer, PolicyPort, Rule
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet
from tests.testing.builders import (
    SCTP,
    TCP,
    UDP,
    endpoint,
    ip_block,
    namespace,
    pods,
    policy,
    port,
    ports_of,
    rule,
    tcp,
    udp,
    workload,
)


@pytest.mark.parametrize(
    ("ports", "numeric", "named"),
    [
        ((), ALL_CONNECTIONS, ()),
        ((port(TCP),), tcp(), ()),
        ((port(UDP),), udp(), ()),
        ((port(TCP, 80),), tcp(80), ()),
        ((port(SCTP, 80),), ports_of(SCTP, 80), ()),
        ((port(TCP, 80, 90),), tcp((80, 90)), ()),
        ((port(TCP, 80), port(TCP, 81, 85), port(UDP, 53)), tcp((80, 85)) | udp(53), ()),
        (
            (port(TCP, "http"), port(UDP, "dns"), port(TCP, "http"), port(TCP, "dns")),
            NO_CONNECTIONS,
            (("dns", TCP), ("dns", UDP), ("http", TCP)),
        ),
        ((port(TCP, 443), port(TCP, "http")), tcp(443), (("http", TCP),)),
    ],
    ids=[
        "missing-means-every-port",
        "protocol-alone-means-its-every-port (CC-05)",
        "udp-alone-means-every-udp-port (CC-05)",
        "one-port",
        "sctp-opens-no-tcp (CC-06)",
        "end-port-is-inclusive (CC-07)",
        "entries-are-ored",
        "names-kept-sorted-once-each",
        "numbers-and-names",
    ],
)
def test_a_rule_s_ports_compile_to_numbers_and_names(
    ports: tuple[PolicyPort, ...], numeric: ConnectionSet, named: tuple[NamedPort, ...]
) -> None:
    """ "ports ... If this field is empty or missing, this rule matches all ports ... If this
    field is present and contains at least one item, then this rule allows traffic only if the
    traffic matches at least one port in the list."
    """
    assert compile_ports(ports) == CompiledPorts(numeric, named)


CLUSTER = Cluster(
    (namespace("shop"), namespace("bank")),
    (
        workload("shop/web", {"app": "web"}),
        workload("shop/api", {"app": "api"}),
        workload("bank/web", {"app": "web"}),
    ),
    (
        policy(
            "shop/out",
            egress=(
                rule(ip_block("10.0.0.0/8", "10.1.0.0/16")),
                rule(ip_block("0.0.0.0/0")),
                rule(ip_block("2001:db8::/32")),
            ),
        ),
    ),
)
UNIVERSE = Universe.of([CLUSTER])


def compiler() -> tuple[Compiler, Selection]:
    return Compiler(UNIVERSE), Selection.of(CLUSTER, UNIVERSE.number)


def mask(*found: Endpoint) -> int:
    return mask_of(UNIVERSE.number[e] for e in found)


def atoms_in(cidr: str) -> int:
    """The external endpoints inside a CIDR."""
    block = parse_cidr(cidr).addresses
    return mask_of(
        i
        for i, e in enumerate(UNIVERSE.endpoints)
        if isinstance(e, ExternalEndpoint) and e.addresses.issubset(block)
    )


@pytest.mark.parametrize(
    "peer",
    [
        ip_block("10.0.0.0/8", "10.1.0.0/16"),
        ip_block("0.0.0.0/0"),
        ip_block("2001:db8::/32"),
        ip_block("::/0"),
    ],
    ids=[
        "cidr-minus-except",
        "all-ipv4-but-no-ipv6 (CC-28)",
        "ipv6",
        "a-union-of-atoms-no-policy-names",
    ],
)
def test_an_ip_block_matches_exactly_the_atoms_it_is_made_of(peer: IPBlockPeer) -> None:
    """ipBlocks match addresses outside the cluster only: never a workload (CC-27)."""
    compile_, _ = compiler()
    found = compile_.block(peer.addresses)
    union = IPSet()
    for i in iter_bits(found):
        atom = UNIVERSE.endpoints[i]
        assert isinstance(atom, ExternalEndpoint)
        union = union | atom.addresses
    assert union == peer.addresses


def test_equal_port_lists_compile_once() -> None:
    compile_, _ = compiler()
    assert compile_.ports((port(TCP, 80),)) is compile_.ports((port(TCP, 80),))


def test_a_rule_without_peers_matches_every_endpoint_present() -> None:
    # "from ... If this field is empty or missing, this rule matches all sources."
    compile_, selection = compiler()
    compiled = compile_.rule(3, Rule(None, (), Location("a.yaml", 1, 12)), "shop", selection, 0b1)
    assert (compiled.index, compiled.origin, compiled.peers) == (3, Location("a.yaml", 1, 12), 1)


def test_a_rule_s_peers_are_ored() -> None:
    compile_, selection = compiler()
    present = mask(*UNIVERSE.endpoints)
    compiled = compile_.rule(
        0, rule(pods({"app": "web"}), ip_block("2001:db8::/32")), "shop", selection, present
    )
    assert compiled.peers == mask(endpoint("shop/web")) | atoms_in("2001:db8::/32")
    assert compiled.ports == CompiledPorts(ALL_CONNECTIONS, ())


def test_a_policy_compiles_to_its_subjects_and_indexed_rules_per_direction() -> None:
    compile_, selection = compiler()
    web = policy(
        "shop/web",
        {"app": "web"},
        ingress=(rule(pods({"app": "api"})), rule(pods({}, namespaces={}), ports=(port(TCP, 80),))),
    )
    compiled = compile_.policy(web, selection)
    assert (compiled.ref, compiled.subjects, compiled.egress) == (
        web.ref,
        mask(endpoint("shop/web")),
        None,
    )
    assert compiled.ingress is not None
    assert [(r.index, r.peers, r.ports.numeric) for r in compiled.ingress] == [
        (0, mask(endpoint("shop/api")), ALL_CONNECTIONS),
        (1, mask(*(w.endpoint for w in CLUSTER.workloads)), tcp(80)),
    ]


@pytest.mark.parametrize(
    ("affects_ingress", "affects_egress"),
    [(True, False), (False, True), (True, True)],
    ids=["ingress", "egress", "both"],
)
def test_a_policy_governs_only_the_directions_its_policy_types_list(
    affects_ingress: bool,
    affects_egress: bool,
) -> None:
    compile_, selection = compiler()
    both = policy("shop/all", ingress=(rule(),), egress=(rule(),))
    listed = dataclasses.replace(
        both, affects_ingress=affects_ingress, affects_egress=affects_egress
    )
    compiled = compile_.policy(listed, selection)
    assert (compiled.ingress is not None, compiled.egress is not None) == (
        affects_ingress,
        affects_egress,
    )


def test_a_policy_selecting_nothing_governs_nothing() -> None:
    compile_, selection = compiler()
    compiled = compile_.policy(policy("shop/none", {"app": "db"}, ingress=(), egress=()), selection)
    assert (compiled.subjects, compiled.ingress, compiled.egress) == (0, None, None)


def test_a_policy_selects_only_in_its_own_namespace() -> None:
    compile_, selection = compiler()
    compiled = compile_.policy(policy("bank/web", {"app": "web"}, ingress=()), selection)
    assert compiled.subjects == mask(endpoint("bank/web"))
    assert compiled.ingress == ()


def test_policies_that_select_the_same_endpoints_share_masks_and_keep_subjects_small() -> None:
    # A mask costs memory up to its highest member: at 100,000 workloads, thousands of
    # policies keeping their own copies of equal sets took gigabytes.
    many = Cluster(
        (namespace("apps"), namespace("shop")),
        (
            *(workload(f"apps/w{i}", {"app": f"w{i}"}) for i in range(300)),
            workload("shop/web", {"app": "web"}),
            workload("shop/api", {"app": "api"}),
        ),
        (),
    )
    universe = Universe.of([many])
    compile_, selection = Compiler(universe), Selection.of(many, universe.number)
    first, second = (
        compile_.policy(
            policy(f"shop/{name}", {"app": "web"}, ingress=(rule(pods({"app": "api"})),)),
            selection,
        )
        for name in ("one", "two")
    )
    assert first.ingress is not None
    assert second.ingress is not None
    web, api = (universe.number[endpoint(f"shop/{name}")] for name in ("web", "api"))
    assert (first.subjects, first.ingress[0].peers) == (1 << web, 1 << api)
    # Subjects are kept as their span: one workload high up costs one word, not 300 bits.
    assert first.subjects_span == (web, 1)
    assert first.ingress[0].peers is second.ingress[0].peers
    # The one peer's mask is the rule's: not a copy of it.
    assert first.ingress[0].peers is first.ingress[0].peer_masks[0]
