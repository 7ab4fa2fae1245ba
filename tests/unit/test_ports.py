"""ConnectionSet: construction, printing, is_all, operators; laws against a brute-force model."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.intervals import IntervalSet, Range
from netpoldiff.ports import (
    ALL_CONNECTIONS,
    ALL_PORTS,
    MAX_PORT,
    MIN_PORT,
    NO_CONNECTIONS,
    NO_PORTS,
    PROTOCOLS,
    ConnectionSet,
    Protocol,
)

TCP, UDP, SCTP = Protocol.TCP, Protocol.UDP, Protocol.SCTP
Model = frozenset[tuple[Protocol, int]]
BinaryOp = Callable[[ConnectionSet, ConnectionSet], ConnectionSet]
ModelOp = Callable[[Model, Model], Model]

# Brute force runs over ports 1..SMALL_MAX_PORT only; the identities below use the full range.
SMALL_MAX_PORT = 20


def ports(*ranges: Range) -> IntervalSet:
    return IntervalSet.of(*ranges)


def conn(protocol: Protocol, *ranges: Range) -> ConnectionSet:
    return ConnectionSet.of(protocol, ports(*ranges))


def model_of(c: ConnectionSet) -> Model:
    """Brute-force meaning of a ConnectionSet restricted to the small port universe."""
    return frozenset(
        (protocol, port)
        for protocol in PROTOCOLS
        for port in range(MIN_PORT, SMALL_MAX_PORT + 1)
        if port in c.ports(protocol)
    )


# --- construction -------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=[p.value for p in PROTOCOLS])
def test_of_without_ports_is_every_port_of_that_protocol_only(protocol: Protocol) -> None:
    c = ConnectionSet.of(protocol)
    for other in PROTOCOLS:
        assert c.ports(other) == (ALL_PORTS if other is protocol else NO_PORTS)
    assert list(c.items()) == [(protocol, ALL_PORTS)]


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=[p.value for p in PROTOCOLS])
def test_of_with_ports_fills_only_that_protocol(protocol: Protocol) -> None:
    c = conn(protocol, (80, 81), (443, 443))
    for other in PROTOCOLS:
        assert c.ports(other) == (ports((80, 81), (443, 443)) if other is protocol else NO_PORTS)


@pytest.mark.parametrize(
    ("given_ports", "expected"),
    [
        (ports((0, 70000)), ALL_PORTS),
        (ports((0, 0)), NO_PORTS),
        (ports((-5, 3)), ports((1, 3))),
        (ports((65530, 65536)), ports((65530, 65535))),
        (NO_PORTS, NO_PORTS),
    ],
    ids=["beyond-both-ends", "port-zero-only", "below-one-clipped", "above-max-clipped", "empty"],
)
def test_of_clips_ports_to_valid_range(given_ports: IntervalSet, expected: IntervalSet) -> None:
    assert ConnectionSet.of(TCP, given_ports).ports(TCP) == expected


def test_default_connection_set_is_empty() -> None:
    assert ConnectionSet() == NO_CONNECTIONS
    assert NO_CONNECTIONS.is_empty()
    assert not NO_CONNECTIONS
    assert list(NO_CONNECTIONS.items()) == []


def test_items_skip_empty_protocols_and_follow_protocol_order() -> None:
    c = conn(SCTP, (9, 9)) | conn(TCP, (1, 2))
    assert list(c.items()) == [(TCP, ports((1, 2))), (SCTP, ports((9, 9)))]


# --- printing and is_all ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c", "text"),
    [
        (ALL_CONNECTIONS, "all"),
        (NO_CONNECTIONS, "none"),
        (conn(TCP, (80, 80)), "TCP/80"),
        (conn(TCP, (80, 80), (443, 443)), "TCP/80,443"),
        (conn(TCP, (80, 81)) | conn(UDP, (53, 53)), "TCP/80-81 UDP/53"),
        (conn(UDP, (53, 53)) | conn(TCP, (80, 81)), "TCP/80-81 UDP/53"),
        (ConnectionSet.of(TCP), "TCP/all"),
        (ConnectionSet.of(TCP) | conn(UDP, (53, 53)), "TCP/all UDP/53"),
        (ConnectionSet.of(TCP) | ConnectionSet.of(UDP), "TCP/all UDP/all"),
        (conn(SCTP, (1, 65534)), "SCTP/1-65534"),
        (ConnectionSet.of(TCP) | ConnectionSet.of(UDP) | ConnectionSet.of(SCTP), "all"),
    ],
    ids=[
        "all",
        "none",
        "one-port",
        "two-ports",
        "range-and-other-protocol",
        "protocol-order-not-build-order",
        "whole-protocol",
        "whole-protocol-and-port",
        "two-whole-protocols",
        "all-but-one-port-spelled-out",
        "three-whole-protocols-is-all",
    ],
)
def test_str(c: ConnectionSet, text: str) -> None:
    assert str(c) == text


@pytest.mark.parametrize(
    ("c", "expected"),
    [
        (ALL_CONNECTIONS, True),
        (ConnectionSet.of(TCP) | ConnectionSet.of(UDP) | ConnectionSet.of(SCTP), True),
        (NO_CONNECTIONS, False),
        (ConnectionSet.of(TCP), False),
        (ConnectionSet.of(TCP) | ConnectionSet.of(UDP), False),
        (ConnectionSet.of(TCP) | ConnectionSet.of(UDP) | conn(SCTP, (1, 65534)), False),
        (ConnectionSet.of(TCP) | ConnectionSet.of(UDP) | conn(SCTP, (2, 65535)), False),
        (ALL_CONNECTIONS - conn(UDP, (53, 53)), False),
    ],
    ids=[
        "all-constant",
        "union-of-three-protocols",
        "none",
        "tcp-only",
        "sctp-missing",
        "sctp-missing-max-port",
        "sctp-missing-min-port",
        "one-port-removed",
    ],
)
def test_is_all_only_when_every_protocol_covers_every_port(
    c: ConnectionSet, expected: bool
) -> None:
    assert c.is_all() is expected


# --- operators by table -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "union", "intersection", "difference"),
    [
        (
            conn(TCP, (80, 80)),
            conn(UDP, (80, 80)),
            conn(TCP, (80, 80)) | conn(UDP, (80, 80)),
            NO_CONNECTIONS,
            conn(TCP, (80, 80)),
        ),
        (
            conn(TCP, (1, 100)),
            conn(TCP, (50, 200)),
            conn(TCP, (1, 200)),
            conn(TCP, (50, 100)),
            conn(TCP, (1, 49)),
        ),
        (
            ALL_CONNECTIONS,
            ConnectionSet.of(TCP),
            ALL_CONNECTIONS,
            ConnectionSet.of(TCP),
            ConnectionSet.of(UDP) | ConnectionSet.of(SCTP),
        ),
        (
            conn(TCP, (80, 80)) | conn(SCTP, (5, 9)),
            conn(TCP, (80, 80)) | conn(SCTP, (7, 7)),
            conn(TCP, (80, 80)) | conn(SCTP, (5, 9)),
            conn(TCP, (80, 80)) | conn(SCTP, (7, 7)),
            conn(SCTP, (5, 6), (8, 9)),
        ),
        (
            NO_CONNECTIONS,
            conn(UDP, (53, 53)),
            conn(UDP, (53, 53)),
            NO_CONNECTIONS,
            NO_CONNECTIONS,
        ),
    ],
    ids=[
        "same-port-different-protocols",
        "overlapping-ports-one-protocol",
        "all-and-one-protocol",
        "per-protocol-independence",
        "none-and-something",
    ],
)
def test_operators(
    a: ConnectionSet,
    b: ConnectionSet,
    union: ConnectionSet,
    intersection: ConnectionSet,
    difference: ConnectionSet,
) -> None:
    assert a | b == union
    assert a & b == intersection
    assert a - b == difference


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (NO_CONNECTIONS, NO_CONNECTIONS, True),
        (NO_CONNECTIONS, conn(TCP, (80, 80)), True),
        (conn(TCP, (80, 80)), ConnectionSet.of(TCP), True),
        (conn(TCP, (80, 80)), ConnectionSet.of(UDP), False),
        (ConnectionSet.of(TCP), ALL_CONNECTIONS, True),
        (ALL_CONNECTIONS, ConnectionSet.of(TCP) | ConnectionSet.of(UDP), False),
        (conn(TCP, (80, 81)), conn(TCP, (80, 80)), False),
    ],
    ids=[
        "none-in-none",
        "none-in-anything",
        "port-in-whole-protocol",
        "port-not-in-other-protocol",
        "protocol-in-all",
        "all-not-in-two-protocols",
        "range-not-in-one-port",
    ],
)
def test_issubset(a: ConnectionSet, b: ConnectionSet, expected: bool) -> None:
    assert a.issubset(b) is expected


# --- properties ---------------------------------------------------------------------------


def _port_sets(points: st.SearchStrategy[int]) -> st.SearchStrategy[IntervalSet]:
    return st.lists(st.tuples(points, points), max_size=4).map(IntervalSet.from_ranges)


def _connection_sets(port_sets: st.SearchStrategy[IntervalSet]) -> st.SearchStrategy[ConnectionSet]:
    return st.tuples(port_sets, port_sets, port_sets).map(ConnectionSet)


# Small: every port within 1..SMALL_MAX_PORT, so model_of() sees the whole set.
small_connections: st.SearchStrategy[ConnectionSet] = _connection_sets(
    _port_sets(st.integers(MIN_PORT, SMALL_MAX_PORT))
)
_full_range_ports: st.SearchStrategy[IntervalSet] = _port_sets(
    st.sampled_from([MIN_PORT, 2, 80, 443, MAX_PORT - 1, MAX_PORT])
    | st.integers(MIN_PORT, MAX_PORT)
)
# Full: anywhere in 1..65535, sometimes exactly ALL_PORTS so that is_all() can come out true.
full_connections: st.SearchStrategy[ConnectionSet] = _connection_sets(
    _full_range_ports | st.just(ALL_PORTS) | st.just(NO_PORTS)
)

OPERATORS: list[BinaryOp] = [lambda a, b: a | b, lambda a, b: a & b, lambda a, b: a - b]
MODEL_OPERATORS: list[ModelOp] = [lambda a, b: a | b, lambda a, b: a & b, lambda a, b: a - b]


@pytest.mark.parametrize(
    ("op", "model_op"),
    list(zip(OPERATORS, MODEL_OPERATORS, strict=True)),
    ids=["union", "intersection", "difference"],
)
@given(a=small_connections, b=small_connections)
def test_operator_agrees_with_model(
    op: BinaryOp, model_op: ModelOp, a: ConnectionSet, b: ConnectionSet
) -> None:
    assert model_of(op(a, b)) == model_op(model_of(a), model_of(b))


@given(a=small_connections, b=small_connections)
def test_issubset_and_equality_agree_with_model(a: ConnectionSet, b: ConnectionSet) -> None:
    assert a.issubset(b) is (model_of(a) <= model_of(b))
    assert (a == b) is (model_of(a) == model_of(b))


@given(c=small_connections)
def test_emptiness_agrees_with_model(c: ConnectionSet) -> None:
    assert c.is_empty() is (not model_of(c))
    assert bool(c) is bool(model_of(c))
    assert (c == NO_CONNECTIONS) is (not model_of(c))


@given(protocol=st.sampled_from(PROTOCOLS), given_ports=_port_sets(st.integers(-100, 70000)))
def test_of_keeps_exactly_the_valid_ports(protocol: Protocol, given_ports: IntervalSet) -> None:
    c = ConnectionSet.of(protocol, given_ports)
    assert c.ports(protocol) == given_ports & ALL_PORTS
    assert all(c.ports(other) == NO_PORTS for other in PROTOCOLS if other is not protocol)


@given(x=full_connections)
def test_identities_with_all_and_none(x: ConnectionSet) -> None:
    assert x | ALL_CONNECTIONS == ALL_CONNECTIONS
    assert x & ALL_CONNECTIONS == x
    assert x | NO_CONNECTIONS == x
    assert x & NO_CONNECTIONS == NO_CONNECTIONS
    assert x - NO_CONNECTIONS == x
    assert (x - x).is_empty()
    assert x.issubset(ALL_CONNECTIONS)
    assert ALL_CONNECTIONS - (ALL_CONNECTIONS - x) == x
    assert (x | (ALL_CONNECTIONS - x)).is_all()


@given(x=full_connections)
def test_is_all_iff_every_protocol_has_every_port(x: ConnectionSet) -> None:
    assert x.is_all() is all(x.ports(p) == ALL_PORTS for p in PROTOCOLS)
    assert (str(x) == "all") is x.is_all()


@given(a=full_connections, b=full_connections)
def test_operators_work_protocol_by_protocol(a: ConnectionSet, b: ConnectionSet) -> None:
    for p in PROTOCOLS:
        assert (a | b).ports(p) == a.ports(p) | b.ports(p)
        assert (a & b).ports(p) == a.ports(p) & b.ports(p)
        assert (a - b).ports(p) == a.ports(p) - b.ports(p)


# --- the shorter form: direct or "all but" --------------------------------------------------


def _parse_direct(text: str) -> ConnectionSet:
    """The set a direct form names: ``all``, ``none`` or ``PROTO/ports`` words."""
    if text == "all":
        return ALL_CONNECTIONS
    if text == "none":
        return NO_CONNECTIONS
    result = NO_CONNECTIONS
    for word in text.split(" "):
        name, _, spec = word.partition("/")
        if spec == "all":
            result = result | ConnectionSet.of(Protocol(name))
            continue
        ranges = []
        for part in spec.split(","):
            lo, _, hi = part.partition("-")
            ranges.append((int(lo), int(hi or lo)))
        result = result | ConnectionSet.of(Protocol(name), IntervalSet.of(*ranges))
    return result


def parse_connections(text: str) -> ConnectionSet:
    """Read back what ``str(ConnectionSet)`` writes, independently of how it chose the form."""
    if text.startswith("all but "):
        return ALL_CONNECTIONS - _parse_direct(text.removeprefix("all but "))
    return _parse_direct(text)


@pytest.mark.parametrize(
    ("c", "text"),
    [
        (ALL_CONNECTIONS - conn(TCP, (9555, 9555)), "all but TCP/9555"),
        (ALL_CONNECTIONS - conn(UDP, (53, 53)) - conn(TCP, (22, 22)), "all but TCP/22 UDP/53"),
        (ConnectionSet.of(TCP) | ConnectionSet.of(UDP), "TCP/all UDP/all"),
        (conn(TCP, (2, 65535)), "TCP/2-65535"),
    ],
    ids=["all-but-one-port", "all-but-two", "tie-or-longer-stays-direct", "one-protocol-direct"],
)
def test_str_says_all_but_when_shorter(c: ConnectionSet, text: str) -> None:
    assert str(c) == text


# Complements too, so that both forms win often.
_either_form = full_connections | full_connections.map(lambda c: ALL_CONNECTIONS - c)


@given(c=_either_form)
def test_str_is_the_shorter_form_and_names_exactly_the_set(c: ConnectionSet) -> None:
    direct = c.direct_text()
    complement = "all but " + (ALL_CONNECTIONS - c).direct_text()
    assert parse_connections(direct) == c
    assert parse_connections(complement) == c
    text = str(c)
    assert parse_connections(text) == c
    if c.is_empty():
        assert text == "none"
    else:
        assert len(text) == min(len(direct), len(complement))
        assert text == direct or len(complement) < len(direct)
