"""IPSet: IPv4 and IPv6 address sets, CIDR parsing and printing, and the partition into atoms."""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from netpoldiff.intervals import IntervalSet, Range
from netpoldiff.records import pickled_by_fields

V4_BITS: Final = 32
V6_BITS: Final = 128
EMPTY: Final = IntervalSet()
V4_SPACE: Final = IntervalSet.of((0, 2**V4_BITS - 1))
V6_SPACE: Final = IntervalSet.of((0, 2**V6_BITS - 1))


# Like Go's net.ParseCIDR, which the API server uses: a numeric prefix length is required and
# netmask notation (10.0.0.0/255.0.0.0), which Python's ipaddress would accept, is not.
_CIDR_SHAPE: Final = re.compile(r"[0-9A-Fa-f.:]+/[0-9]{1,3}")


class CidrError(ValueError):
    """A string that is not a CIDR in the form the Kubernetes API accepts."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class IPSet:
    """A set of IP addresses: one IntervalSet per address family."""

    v4: IntervalSet = EMPTY
    v6: IntervalSet = EMPTY

    def __or__(self, other: IPSet) -> IPSet:
        return IPSet(self.v4 | other.v4, self.v6 | other.v6)

    def __and__(self, other: IPSet) -> IPSet:
        return IPSet(self.v4 & other.v4, self.v6 & other.v6)

    def __sub__(self, other: IPSet) -> IPSet:
        return IPSet(self.v4 - other.v4, self.v6 - other.v6)

    def __bool__(self) -> bool:
        return bool(self.v4) or bool(self.v6)

    def is_empty(self) -> bool:
        """Whether the set holds no address."""
        return not self

    def holds_a_family(self) -> bool:
        """Whether the set holds every IPv4 address, or every IPv6 one."""
        return self.v4 == V4_SPACE or self.v6 == V6_SPACE

    def issubset(self, other: IPSet) -> bool:
        """Whether every address of this set is in ``other``."""
        return not (self - other)

    def sort_key(self) -> tuple[int, int]:
        """Order by family (IPv4 first), then by lowest address."""
        if self.v4:
            return (4, self.v4.ranges[0][0])
        if self.v6:
            return (6, self.v6.ranges[0][0])
        return (0, 0)

    def to_cidrs(self) -> list[str]:
        """The minimal sorted list of disjoint CIDRs whose union is exactly this set."""
        return family_cidrs(self.v4, 4) + family_cidrs(self.v6, 6)

    def __str__(self) -> str:
        return ",".join(self.to_cidrs()) or "(no address)"


ALL_ADDRESSES: Final = IPSet(V4_SPACE, V6_SPACE)
NO_ADDRESSES: Final = IPSet()


def family_cidrs(intervals: IntervalSet, family: int) -> list[str]:
    """The minimal sorted CIDR list of one family's addresses (``family`` 4 or 6)."""
    if family == 4:  # noqa: PLR2004
        return [
            str(ipaddress.IPv4Network((net, prefix)))
            for lo, hi in intervals
            for net, prefix in _range_to_blocks(lo, hi, V4_BITS)
        ]
    return [
        str(ipaddress.IPv6Network((net, prefix)))
        for lo, hi in intervals
        for net, prefix in _range_to_blocks(lo, hi, V6_BITS)
    ]


def _range_to_blocks(lo: int, hi: int, bits: int) -> Iterable[tuple[int, int]]:
    """Split [lo, hi] into the fewest aligned power-of-two blocks, as (network, prefix)."""
    while lo <= hi:
        size = lo & -lo if lo else 1 << bits
        while size > hi - lo + 1:
            size >>= 1
        yield lo, bits - (size.bit_length() - 1)
        lo += size


@dataclass(frozen=True, slots=True)
class ParsedCidr:
    """A CIDR as an address set, and whether its text had host bits set (``10.0.0.1/8``)."""

    addresses: IPSet
    prefix_length: int
    host_bits_set: bool


def parse_cidr(text: str) -> ParsedCidr:
    """Parse ``a.b.c.d/n`` or an IPv6 CIDR; the prefix length is required, as in the API."""
    if not _CIDR_SHAPE.fullmatch(text):
        msg = f"invalid CIDR {text!r}: expected an address and a prefix length, like 10.0.0.0/8"
        raise CidrError(msg)
    try:
        strict = ipaddress.ip_network(text, strict=False)
    except ValueError as error:
        msg = f"invalid CIDR {text!r}: {error}"
        raise CidrError(msg) from error
    host_bits_set = strict.network_address != ipaddress.ip_interface(text).ip
    block = IntervalSet.of((int(strict.network_address), int(strict.broadcast_address)))
    addresses = IPSet(v4=block) if strict.version == 4 else IPSet(v6=block)  # noqa: PLR2004
    return ParsedCidr(addresses, strict.prefixlen, host_bits_set)


def _family_atoms(
    sets: list[IntervalSet], space: IntervalSet, into: dict[int, list[Range]]
) -> None:
    """Cut one family's space where membership changes; file each piece by its signature."""
    events: dict[int, int] = defaultdict(int)
    for index, intervals in enumerate(sets):
        bit = 1 << index
        for lo, hi in intervals:
            # Ranges of one canonical set never touch, so toggling at both ends is exact.
            events[lo] ^= bit
            events[hi + 1] ^= bit
    start, end = space.ranges[0]
    signature = 0
    cursor = start
    for point in sorted(events):
        if point > cursor:
            into[signature].append((cursor, point - 1))
        signature ^= events[point]
        cursor = point
    if cursor <= end:
        into[signature].append((cursor, end))


def _signed_atoms(distinct: list[IPSet]) -> list[tuple[int, IPSet]]:
    """Atoms with their signature: bit k set iff the atom lies inside ``distinct[k]``."""
    v4_by_signature: dict[int, list[Range]] = defaultdict(list)
    v6_by_signature: dict[int, list[Range]] = defaultdict(list)
    _family_atoms([s.v4 for s in distinct], V4_SPACE, v4_by_signature)
    _family_atoms([s.v6 for s in distinct], V6_SPACE, v6_by_signature)
    atoms = [
        (
            signature,
            IPSet(
                IntervalSet.from_ranges(v4_by_signature.get(signature, ())),
                IntervalSet.from_ranges(v6_by_signature.get(signature, ())),
            ),
        )
        for signature in v4_by_signature.keys() | v6_by_signature.keys()
    ]
    atoms.sort(key=lambda signed: signed[1].sort_key())
    return atoms


def partition(sets: Iterable[IPSet]) -> tuple[IPSet, ...]:
    """The atoms of the address space: disjoint sets that cover it, none cut by any input set.

    Two addresses share an atom iff every input set holds both or neither, so an atom may be
    made of several ranges and of both families. Atoms are ordered by their first address.
    """
    return tuple(atom for _, atom in _signed_atoms(list(dict.fromkeys(sets))))


@dataclass(frozen=True, slots=True)
class Partition:
    """Atoms of the address space cut by some address sets, and which atoms make up each set."""

    atoms: tuple[IPSet, ...]
    members: Mapping[IPSet, tuple[int, ...]]

    def atoms_within(self, addresses: IPSet) -> tuple[int, ...]:
        """Indices of the atoms inside ``addresses`` (atoms are never cut, so inside or out)."""
        known = self.members.get(addresses)
        if known is not None:
            return known
        return tuple(i for i, atom in enumerate(self.atoms) if atom & addresses)


def partition_of(sets: Iterable[IPSet]) -> Partition:
    """The ``partition`` of ``sets``, remembering for each set the atoms it is made of."""
    distinct = list(dict.fromkeys(sets))
    members: list[list[int]] = [[] for _ in distinct]
    atoms = []
    for index, (signature, atom) in enumerate(_signed_atoms(distinct)):
        atoms.append(atom)
        bits = format(signature, "b")[::-1]
        position = bits.find("1")
        while position >= 0:
            members[position].append(index)
            position = bits.find("1", position + 1)
    return Partition(
        tuple(atoms), {s: tuple(indices) for s, indices in zip(distinct, members, strict=True)}
    )
