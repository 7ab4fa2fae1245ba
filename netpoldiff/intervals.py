"""IntervalSet: an immutable, canonical set of integers stored as closed ranges."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from netpoldiff.records import pickled_by_fields

Range = tuple[int, int]


def _canonical(ranges: Iterable[Range]) -> tuple[Range, ...]:
    """Sort, drop empty ranges, and merge overlapping or adjacent ones."""
    merged: list[Range] = []
    for lo, hi in sorted(r for r in ranges if r[0] <= r[1]):
        if merged and lo <= merged[-1][1] + 1:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return tuple(merged)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class IntervalSet:
    """A set of integers as sorted, disjoint, non-adjacent closed ranges.

    Canonical by construction, so ``==`` is set equality and instances are hashable.
    Python integers are unbounded, so the same type serves ports, IPv4 and IPv6.
    """

    ranges: tuple[Range, ...] = ()

    @classmethod
    def of(cls, *ranges: Range) -> IntervalSet:
        """Build a set from closed ranges in any order, overlapping or not."""
        return cls(_canonical(ranges))

    @classmethod
    def from_ranges(cls, ranges: Iterable[Range]) -> IntervalSet:
        """Build a set from an iterable of closed ranges."""
        return cls(_canonical(ranges))

    def is_empty(self) -> bool:
        """Whether the set has no member."""
        return not self.ranges

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def __contains__(self, value: int) -> bool:
        return any(lo <= value <= hi for lo, hi in self.ranges)

    def __iter__(self) -> Iterator[Range]:
        return iter(self.ranges)

    def __len__(self) -> int:
        """Number of ranges (not of members): the size of the canonical form."""
        return len(self.ranges)

    def size(self) -> int:
        """Number of members."""
        return sum(hi - lo + 1 for lo, hi in self.ranges)

    def __or__(self, other: IntervalSet) -> IntervalSet:
        if not other.ranges or other.ranges == self.ranges:
            return self
        if not self.ranges:
            return other
        return IntervalSet(_canonical(self.ranges + other.ranges))

    def __and__(self, other: IntervalSet) -> IntervalSet:
        if other.ranges == self.ranges:
            return self
        result: list[Range] = []
        mine, theirs = self.ranges, other.ranges
        i = j = 0
        while i < len(mine) and j < len(theirs):
            lo = max(mine[i][0], theirs[j][0])
            hi = min(mine[i][1], theirs[j][1])
            if lo <= hi:
                result.append((lo, hi))
            if mine[i][1] < theirs[j][1]:
                i += 1
            else:
                j += 1
        return IntervalSet(tuple(result))

    def __sub__(self, other: IntervalSet) -> IntervalSet:
        if not other.ranges or not self.ranges:
            return self
        result: list[Range] = []
        theirs = other.ranges
        j = 0
        for lo, hi in self.ranges:
            start = lo
            while j < len(theirs) and theirs[j][1] < start:
                j += 1
            k = j
            while k < len(theirs) and theirs[k][0] <= hi:
                cut_lo, cut_hi = theirs[k]
                if cut_lo > start:
                    result.append((start, cut_lo - 1))
                start = max(start, cut_hi + 1)
                if start > hi:
                    break
                k += 1
            if start <= hi:
                result.append((start, hi))
        return IntervalSet(tuple(result))

    def issubset(self, other: IntervalSet) -> bool:
        """Whether every member of this set is in ``other``."""
        return not (self - other).ranges

    def complement(self, universe: IntervalSet) -> IntervalSet:
        """The members of ``universe`` that are not in this set."""
        return universe - self

    def __str__(self) -> str:
        return ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in self.ranges)
