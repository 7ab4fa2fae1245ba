"""Sets of small non-negative integers as Python ints: bit i set means i is in the set.

Endpoints are numbered, so sets of endpoints are ints, and union, intersection and difference
run at C speed on whole machine words. Building and listing them is where care is needed: a
set's size in memory follows its highest member, not its number of members.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

Span = tuple[int, int]
"""A set kept compact: (offset, bits), the set being ``bits << offset``."""


def span_of(mask: int) -> Span:
    """``mask`` as its lowest member's position and the bits from there up."""
    if not mask:
        return (0, 0)
    offset = (mask & -mask).bit_length() - 1
    return (offset, mask >> offset)


def iter_bits(mask: int) -> Iterator[int]:
    """Positions of the set bits of a non-negative int, lowest first."""
    if not mask:
        return
    # Members are often a few neighbours far up (one namespace's workloads): shift them down
    # first, so the binary text is as long as their span, not as their highest position.
    offset, shifted = span_of(mask)
    # One pass over the binary text runs at C speed; shifting a large int per bit does not.
    bits = format(shifted, "b")[::-1]
    position = bits.find("1")
    while position >= 0:
        yield offset + position
        position = bits.find("1", position + 1)


def mask_of(positions: Iterable[int]) -> int:
    """The set of the given positions, built in one pass.

    OR-ing bits in one at a time copies the growing int each time: quadratic in the number
    of endpoints. Setting them in a byte buffer spanning lowest to highest is linear.
    """
    members = list(positions)
    if not members:
        return 0
    low = min(members)
    buffer = bytearray((max(members) - low) // 8 + 1)
    for position in members:
        relative = position - low
        buffer[relative >> 3] |= 1 << (relative & 7)
    return int.from_bytes(buffer, "little") << low


def iter_span(span: Span) -> Iterator[int]:
    """Positions of the members of a span, lowest first."""
    offset, bits = span
    for position in iter_bits(bits):
        yield offset + position


_TOP_BITS = 64  # of a mask, beside its length and member count: which sets may be equal


class SharedMasks:
    """Hands out one int object per distinct set, so that equal masks share their memory.

    A mask costs memory up to its highest member, however few members it has: thousands of
    rules naming the same peers in a large cluster would otherwise each keep a copy.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[int, int, int], list[int]] = {}

    def __call__(self, mask: int) -> int:
        """``mask`` itself the first time a set is seen, the object first seen since."""
        # Hashing an int reads all of it, with a division per digit: over a large cluster,
        # most of the compile time. Length, top bits and member count are read at C speed,
        # and tell most different sets apart; equal ones are then compared.
        length = mask.bit_length()
        key = (length, mask >> max(0, length - _TOP_BITS), mask.bit_count())
        known = self._known.get(key)
        if known is None:
            self._known[key] = [mask]
            return mask
        for candidate in known:
            if candidate == mask:
                return candidate
        known.append(mask)
        return mask

    def union(self, masks: Iterable[int]) -> int:
        """The union of ``masks``, shared; one mask is its own union, not a copy of it."""
        members = tuple(masks)
        if len(members) == 1:
            return members[0]
        mask = 0
        for member in members:
            mask |= member
        return self(mask)
