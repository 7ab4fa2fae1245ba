"""IPSet: CIDR parsing, CIDR printing (to_cidrs) and the partition of the space into atoms."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import reduce
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.addresses import (
    ALL_ADDRESSES,
    NO_ADDRESSES,
    V4_SPACE,
    V6_SPACE,
    CidrError,
    IPSet,
    Partition,
    parse_cidr,
    partition,
    partition_of,
)
from netpoldiff.intervals import IntervalSet

V4_MAX = 2**32 - 1
V6_MAX = 2**128 - 1


def v4(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def v6(text: str) -> int:
    return int(ipaddress.IPv6Address(text))


def cidr(text: str) -> IPSet:
    return parse_cidr(text).addresses


def union(sets: Sequence[IPSet]) -> IPSet:
    return reduce(IPSet.__or__, sets, NO_ADDRESSES)


# --- parse_cidr ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "addresses", "prefix_length", "host_bits_set"),
    [
        ("10.0.0.0/8", IPSet(v4=IntervalSet.of((v4("10.0.0.0"), v4("10.255.255.255")))), 8, False),
        ("10.0.0.1/8", IPSet(v4=IntervalSet.of((v4("10.0.0.0"), v4("10.255.255.255")))), 8, True),
        ("192.168.1.7/32", IPSet(v4=IntervalSet.of((v4("192.168.1.7"),) * 2)), 32, False),
        ("0.0.0.0/0", IPSet(v4=V4_SPACE), 0, False),
        ("255.255.255.255/0", IPSet(v4=V4_SPACE), 0, True),
        (
            "172.16.0.0/12",
            IPSet(v4=IntervalSet.of((v4("172.16.0.0"), v4("172.31.255.255")))),
            12,
            False,
        ),
        ("::/0", IPSet(v6=V6_SPACE), 0, False),
        ("::1/128", IPSet(v6=IntervalSet.of((1, 1))), 128, False),
        (
            "2001:db8::/32",
            IPSet(
                v6=IntervalSet.of((v6("2001:db8::"), v6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")))
            ),
            32,
            False,
        ),
        (
            "2001:DB8::1/32",
            IPSet(
                v6=IntervalSet.of((v6("2001:db8::"), v6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")))
            ),
            32,
            True,
        ),
    ],
    ids=[
        "v4-network",
        "v4-host-bits",
        "v4-single-host",
        "v4-everything",
        "v4-everything-host-bits",
        "v4-non-octet-prefix",
        "v6-everything",
        "v6-loopback",
        "v6-network",
        "v6-uppercase-host-bits",
    ],
)
def test_parse_cidr_valid(
    text: str, addresses: IPSet, prefix_length: int, host_bits_set: bool
) -> None:
    parsed = parse_cidr(text)
    assert parsed.addresses == addresses
    assert parsed.prefix_length == prefix_length
    assert parsed.host_bits_set is host_bits_set


@pytest.mark.parametrize(
    "text",
    [
        "10.0.0.0",
        "10.0.0.0/33",
        "10.0.0.0/255.0.0.0",
        "abc",
        "",
        "::/129",
        "010.0.0.0/8",
        "256.0.0.0/8",
        "10.0.0/8",
        "10.0.0.0/-1",
        "10.0.0.0/8/8",
        " 10.0.0.0/8",
        "10.0.0.0/8 ",
        "fe80::1%eth0/64",
        "2001:db8:::/32",
        "::",
    ],
    ids=[
        "no-prefix-length",
        "v4-prefix-too-long",
        "netmask-notation",
        "not-an-address",
        "empty",
        "v6-prefix-too-long",
        "leading-zero-octet",
        "octet-too-big",
        "three-octets",
        "negative-prefix",
        "two-prefixes",
        "leading-space",
        "trailing-space",
        "v6-zone",
        "v6-triple-colon",
        "v6-no-prefix-length",
    ],
)
def test_parse_cidr_rejects(text: str) -> None:
    with pytest.raises(CidrError, match="invalid CIDR"):
        parse_cidr(text)


# --- to_cidrs by example ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("addresses", "cidrs"),
    [
        (NO_ADDRESSES, []),
        (ALL_ADDRESSES, ["0.0.0.0/0", "::/0"]),
        (
            IPSet(v4=V4_SPACE) - cidr("10.0.0.0/8"),
            [
                "0.0.0.0/5",
                "8.0.0.0/7",
                "11.0.0.0/8",
                "12.0.0.0/6",
                "16.0.0.0/4",
                "32.0.0.0/3",
                "64.0.0.0/2",
                "128.0.0.0/1",
            ],
        ),
        (cidr("192.168.1.7/32"), ["192.168.1.7/32"]),
        (cidr("2001:db8::1/128"), ["2001:db8::1/128"]),
        (cidr("2001:db8::/32") | cidr("10.0.0.0/8"), ["10.0.0.0/8", "2001:db8::/32"]),
        (cidr("10.0.0.0/9") | cidr("10.128.0.0/9"), ["10.0.0.0/8"]),
        (cidr("10.0.0.1/32") | cidr("10.0.0.2/32"), ["10.0.0.1/32", "10.0.0.2/32"]),
        (
            IPSet(v4=IntervalSet.of((v4("10.0.0.1"), v4("10.0.0.6")))),
            ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"],
        ),
        (IPSet(v6=V6_SPACE) - cidr("::/1"), ["8000::/1"]),
    ],
    ids=[
        "empty",
        "everything",
        "v4-space-minus-10/8",
        "v4-host",
        "v6-host",
        "v4-before-v6",
        "two-halves-merge",
        "adjacent-unaligned-hosts-stay-apart",
        "unaligned-range",
        "v6-upper-half",
    ],
)
def test_to_cidrs(addresses: IPSet, cidrs: list[str]) -> None:
    assert addresses.to_cidrs() == cidrs
    assert str(addresses) == (",".join(cidrs) or "(no address)")


# --- strategies ---------------------------------------------------------------------------

# Endpoints come from a few shared landmarks (so sets overlap, touch and share edges often)
# or from anywhere in the family's space.
_V4_LANDMARKS = [
    0,
    1,
    2**24 - 1,
    2**24,
    v4("10.0.0.0"),
    v4("10.255.255.255"),
    2**31,
    V4_MAX - 1,
    V4_MAX,
]
_V6_LANDMARKS = [0, 1, 2**64, v6("2001:db8::"), 2**127 - 1, 2**127, V6_MAX - 1, V6_MAX]


def _family_sets(landmarks: list[int], top: int) -> st.SearchStrategy[IntervalSet]:
    point = st.sampled_from(landmarks) | st.integers(0, top)
    pair = st.tuples(point, point).map(lambda p: (min(p), max(p)))
    return st.lists(pair, max_size=3).map(IntervalSet.from_ranges)


v4_sets: st.SearchStrategy[IntervalSet] = _family_sets(_V4_LANDMARKS, V4_MAX)
v6_sets: st.SearchStrategy[IntervalSet] = _family_sets(_V6_LANDMARKS, V6_MAX)
ip_sets: st.SearchStrategy[IPSet] = (
    st.builds(IPSet, v4_sets, v6_sets)
    | st.builds(IPSet, v4_sets)
    | st.builds(lambda s: IPSet(v6=s), v6_sets)
)
ip_set_lists: st.SearchStrategy[list[IPSet]] = st.lists(ip_sets, max_size=5)


# --- to_cidrs properties ------------------------------------------------------------------


def _blocks(cidrs: list[str]) -> list[tuple[int, int, int]]:
    """(family, first address, prefix length) of each CIDR, parsed independently of netpoldiff."""
    networks = [ipaddress.ip_network(text, strict=True) for text in cidrs]
    return [(n.version, int(n.network_address), n.prefixlen) for n in networks]


def _oracle_cidrs(s: IPSet) -> list[str]:
    """The minimal CIDR list according to the standard library."""
    result = [
        str(net)
        for lo, hi in s.v4
        for net in ipaddress.summarize_address_range(
            ipaddress.IPv4Address(lo), ipaddress.IPv4Address(hi)
        )
    ]
    result.extend(
        str(net)
        for lo, hi in s.v6
        for net in ipaddress.summarize_address_range(
            ipaddress.IPv6Address(lo), ipaddress.IPv6Address(hi)
        )
    )
    return result


@given(s=ip_sets)
def test_to_cidrs_round_trips(s: IPSet) -> None:
    parsed = [parse_cidr(text) for text in s.to_cidrs()]
    assert not any(p.host_bits_set for p in parsed)
    assert union([p.addresses for p in parsed]) == s


@given(s=ip_sets)
def test_to_cidrs_are_sorted_and_disjoint(s: IPSet) -> None:
    blocks = _blocks(s.to_cidrs())
    bits = {4: 32, 6: 128}
    for (fam_a, start_a, len_a), (fam_b, start_b, _) in pairwise(blocks):
        assert fam_a <= fam_b
        if fam_a == fam_b:
            end_a = start_a + 2 ** (bits[fam_a] - len_a) - 1
            assert end_a < start_b


@given(s=ip_sets)
def test_to_cidrs_has_no_mergeable_neighbours(s: IPSet) -> None:
    blocks = _blocks(s.to_cidrs())
    bits = {4: 32, 6: 128}
    for (fam_a, start_a, len_a), (fam_b, start_b, len_b) in pairwise(blocks):
        if fam_a != fam_b or len_a != len_b or len_a == 0:
            continue
        size = 2 ** (bits[fam_a] - len_a)
        siblings = start_a % (2 * size) == 0 and start_b == start_a + size
        assert not siblings, (blocks, start_a, start_b, len_a)


@given(s=ip_sets)
def test_to_cidrs_matches_standard_library_summary(s: IPSet) -> None:
    assert s.to_cidrs() == _oracle_cidrs(s)


# --- partition ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sets", "atoms"),
    [
        ([], (ALL_ADDRESSES,)),
        ([NO_ADDRESSES], (ALL_ADDRESSES,)),
        ([ALL_ADDRESSES], (ALL_ADDRESSES,)),
        ([cidr("10.0.0.0/8")], (ALL_ADDRESSES - cidr("10.0.0.0/8"), cidr("10.0.0.0/8"))),
        (
            [cidr("10.0.0.0/8"), cidr("10.1.0.0/16")],
            (
                ALL_ADDRESSES - cidr("10.0.0.0/8"),
                cidr("10.0.0.0/8") - cidr("10.1.0.0/16"),
                cidr("10.1.0.0/16"),
            ),
        ),
        ([cidr("::1/128")], (ALL_ADDRESSES - cidr("::1/128"), cidr("::1/128"))),
        (
            [cidr("10.0.0.0/8") | cidr("2001:db8::/32")],
            (
                ALL_ADDRESSES - cidr("10.0.0.0/8") - cidr("2001:db8::/32"),
                cidr("10.0.0.0/8") | cidr("2001:db8::/32"),
            ),
        ),
        (
            [cidr("10.0.0.0/8"), cidr("10.0.0.0/8")],
            (ALL_ADDRESSES - cidr("10.0.0.0/8"), cidr("10.0.0.0/8")),
        ),
        ([IPSet(v4=V4_SPACE)], (IPSet(v4=V4_SPACE), IPSet(v6=V6_SPACE))),
    ],
    ids=[
        "no-sets",
        "empty-set",
        "everything",
        "one-block",
        "nested-blocks",
        "v6-host",
        "atom-spans-both-families",
        "duplicates-ignored",
        "family-split",
    ],
)
def test_partition_examples(sets: list[IPSet], atoms: tuple[IPSet, ...]) -> None:
    assert partition(sets) == atoms
    assert partition_of(sets).atoms == atoms


def test_partition_of_members_by_example() -> None:
    outer, inner = cidr("10.0.0.0/8"), cidr("10.1.0.0/16")
    result = partition_of([inner, outer, NO_ADDRESSES])
    assert result.atoms == (ALL_ADDRESSES - outer, outer - inner, inner)
    assert result.members == {inner: (2,), outer: (1, 2), NO_ADDRESSES: ()}


@given(sets=ip_set_lists)
def test_partition_atoms_are_nonempty_and_pairwise_disjoint(sets: list[IPSet]) -> None:
    atoms = partition(sets)
    assert all(atoms)
    for i, a in enumerate(atoms):
        for b in atoms[i + 1 :]:
            assert not (a & b)


@given(sets=ip_set_lists)
def test_partition_atoms_cover_both_spaces(sets: list[IPSet]) -> None:
    covered = union(partition(sets))
    assert covered.v4 == IntervalSet.of((0, V4_MAX))
    assert covered.v6 == IntervalSet.of((0, V6_MAX))


@given(sets=ip_set_lists)
def test_partition_never_cuts_an_input_set(sets: list[IPSet]) -> None:
    atoms = partition(sets)
    for s in sets:
        inside = [atom for atom in atoms if atom.issubset(s)]
        assert all(atom.issubset(s) or not (atom & s) for atom in atoms)
        assert union(inside) == s


@given(sets=ip_set_lists)
def test_partition_atoms_are_maximal(sets: list[IPSet]) -> None:
    atoms = partition(sets)
    for i, a in enumerate(atoms):
        for b in atoms[i + 1 :]:
            assert any(a.issubset(s) != b.issubset(s) for s in sets), (a, b)


@given(sets=ip_set_lists)
def test_partition_atoms_are_ordered_by_first_address(sets: list[IPSet]) -> None:
    keys = [atom.sort_key() for atom in partition(sets)]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


@given(sets=ip_set_lists)
def test_partition_ignores_input_order_and_duplicates(sets: list[IPSet]) -> None:
    assert partition(sets) == partition(list(reversed(sets)) + sets)


@given(sets=ip_set_lists)
def test_partition_of_members_agree_with_atoms_within_fallback(sets: list[IPSet]) -> None:
    result = partition_of(sets)
    assert result.atoms == partition(sets)
    assert set(result.members) == set(sets)
    without_memory = Partition(result.atoms, {})
    for s in sets:
        assert result.members[s] == without_memory.atoms_within(s)
        assert result.atoms_within(s) == result.members[s]
        assert union([result.atoms[i] for i in result.members[s]]) == s


@given(sets=st.lists(ip_sets, min_size=2, max_size=5))
def test_atoms_within_a_union_of_inputs_is_the_union_of_their_atoms(sets: list[IPSet]) -> None:
    result = partition_of(sets)
    combined = sets[0] | sets[1]
    expected = sorted(set(result.members[sets[0]]) | set(result.members[sets[1]]))
    assert list(result.atoms_within(combined)) == expected
