"""IntervalSet: canonical construction, each operator by table, and algebraic laws by Hypothesis."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.intervals import IntervalSet, Range

# Brute-force model: small ranges inside 0..60, so a set of ints is a cheap exact oracle.
SMALL_MAX = 60
UNIVERSE = IntervalSet.of((0, SMALL_MAX))
PROBES = range(-2, SMALL_MAX + 3)

BinaryOp = Callable[[IntervalSet, IntervalSet], IntervalSet]
ModelOp = Callable[[frozenset[int], frozenset[int]], frozenset[int]]


def members(ranges: Iterable[Range]) -> frozenset[int]:
    """The brute-force meaning of some closed ranges (empty when lo > hi)."""
    return frozenset(x for lo, hi in ranges for x in range(lo, hi + 1))


def assert_canonical(s: IntervalSet) -> None:
    """Every range is non-empty; consecutive ranges are sorted with a gap of at least one."""
    for lo, hi in s.ranges:
        assert lo <= hi, s
    for (_, hi), (lo, _) in pairwise(s.ranges):
        assert hi + 1 < lo, s


raw_ranges: st.SearchStrategy[list[Range]] = st.lists(
    st.tuples(st.integers(0, SMALL_MAX), st.integers(0, SMALL_MAX)), max_size=6
)
small_sets: st.SearchStrategy[IntervalSet] = raw_ranges.map(IntervalSet.from_ranges)

# Wide sets: endpoints from a few shared points (so ranges still meet) or anywhere up to 2**128.
_wide_points: st.SearchStrategy[int] = st.sampled_from(
    [0, 1, 2, 2**32 - 1, 2**32, 2**64, 2**128 - 1]
) | st.integers(0, 2**128 - 1)
wide_sets: st.SearchStrategy[IntervalSet] = st.lists(
    st.tuples(_wide_points, _wide_points), max_size=6
).map(IntervalSet.from_ranges)
any_sets: st.SearchStrategy[IntervalSet] = small_sets | wide_sets


# --- construction -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_ranges", "expected"),
    [
        ([], ()),
        ([(1, 5)], ((1, 5),)),
        ([(3, 3)], ((3, 3),)),
        ([(1, 5), (3, 8)], ((1, 8),)),
        ([(1, 10), (3, 4)], ((1, 10),)),
        ([(1, 2), (3, 4)], ((1, 4),)),
        ([(1, 2), (3, 4), (5, 6)], ((1, 6),)),
        ([(1, 2), (4, 5)], ((1, 2), (4, 5))),
        ([(1, 5), (5, 9)], ((1, 9),)),
        ([(7, 9), (1, 2)], ((1, 2), (7, 9))),
        ([(4, 6), (1, 2), (3, 3)], ((1, 6),)),
        ([(1, 2), (1, 2)], ((1, 2),)),
        ([(5, 4)], ()),
        ([(1, 2), (9, 3)], ((1, 2),)),
        ([(-5, -1), (0, 3)], ((-5, 3),)),
        ([(0, 2**128 - 1), (2**128, 2**128)], ((0, 2**128),)),
    ],
    ids=[
        "empty",
        "single-range",
        "single-point",
        "overlap-merges",
        "contained-absorbed",
        "adjacent-merges",
        "adjacent-chain-merges",
        "gap-of-one-kept-apart",
        "shared-endpoint-merges",
        "unsorted-input-sorted",
        "unsorted-adjacent-merges",
        "duplicate-collapses",
        "empty-range-dropped",
        "empty-range-dropped-among-others",
        "negative-ints-adjacent-merge",
        "huge-ints-adjacent-merge",
    ],
)
def test_of_builds_canonical_ranges(given_ranges: list[Range], expected: tuple[Range, ...]) -> None:
    assert IntervalSet.of(*given_ranges).ranges == expected
    assert IntervalSet.from_ranges(iter(given_ranges)).ranges == expected


def test_equal_sets_built_differently_are_equal_and_hash_alike() -> None:
    a = IntervalSet.of((1, 2), (3, 4), (8, 9))
    b = IntervalSet.from_ranges([(8, 9), (1, 4), (2, 3)])
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1


# --- operators by table -------------------------------------------------------------------


def S(*ranges: Range) -> IntervalSet:  # noqa: N802 - short constructor keeps tables readable
    return IntervalSet.of(*ranges)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (S(), S(), S()),
        (S((1, 3)), S(), S((1, 3))),
        (S(), S((1, 3)), S((1, 3))),
        (S((1, 3)), S((1, 3)), S((1, 3))),
        (S((1, 3)), S((7, 9)), S((1, 3), (7, 9))),
        (S((1, 4)), S((5, 9)), S((1, 9))),
        (S((1, 3), (7, 9)), S((4, 6)), S((1, 9))),
        (S((1, 5)), S((3, 9)), S((1, 9))),
        (S((1, 2), (10, 12)), S((4, 5), (20, 21)), S((1, 2), (4, 5), (10, 12), (20, 21))),
    ],
    ids=[
        "empty-empty",
        "right-empty",
        "left-empty",
        "same",
        "disjoint",
        "adjacent-merges",
        "bridge-fills-gap",
        "overlap",
        "interleaved",
    ],
)
def test_union(a: IntervalSet, b: IntervalSet, expected: IntervalSet) -> None:
    assert a | b == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (S(), S((1, 3)), S()),
        (S((1, 3)), S(), S()),
        (S((1, 3)), S((1, 3)), S((1, 3))),
        (S((1, 3)), S((7, 9)), S()),
        (S((1, 4)), S((5, 9)), S()),
        (S((1, 5)), S((5, 9)), S((5, 5))),
        (S((1, 6)), S((3, 9)), S((3, 6))),
        (S((1, 10)), S((3, 4)), S((3, 4))),
        (S((1, 10), (20, 30)), S((5, 25)), S((5, 10), (20, 25))),
        (S((1, 2), (4, 5), (7, 8)), S((2, 7)), S((2, 2), (4, 5), (7, 7))),
    ],
    ids=[
        "left-empty",
        "right-empty",
        "same",
        "disjoint",
        "adjacent-share-nothing",
        "shared-endpoint",
        "overlap",
        "nested",
        "one-range-spans-two",
        "clips-three-ranges",
    ],
)
def test_intersection(a: IntervalSet, b: IntervalSet, expected: IntervalSet) -> None:
    assert a & b == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (S((1, 10)), S(), S((1, 10))),
        (S(), S((1, 10)), S()),
        (S((1, 10)), S((1, 10)), S()),
        (S((1, 10)), S((0, 11)), S()),
        (S((5, 5)), S((5, 5)), S()),
        (S((1, 3)), S((5, 8)), S((1, 3))),
        (S((1, 10)), S((4, 6)), S((1, 3), (7, 10))),
        (S((1, 10)), S((0, 3)), S((4, 10))),
        (S((1, 10)), S((8, 20)), S((1, 7))),
        (S((1, 10)), S((1, 1)), S((2, 10))),
        (S((1, 10)), S((10, 10)), S((1, 9))),
        (S((1, 3), (5, 8)), S((2, 6)), S((1, 1), (7, 8))),
        (S((1, 20)), S((2, 3), (5, 5), (19, 25)), S((1, 1), (4, 4), (6, 18))),
        (
            S((1, 3), (10, 12), (20, 22)),
            S((0, 0), (11, 11), (30, 40)),
            S((1, 3), (10, 10), (12, 12), (20, 22)),
        ),
    ],
    ids=[
        "minus-empty",
        "empty-minus",
        "minus-self",
        "minus-superset",
        "single-point-minus-itself",
        "disjoint",
        "cut-middle",
        "cut-left-edge",
        "cut-right-edge",
        "cut-first-point",
        "cut-last-point",
        "one-cut-spans-two-ranges",
        "several-cuts-in-one-range",
        "cuts-skip-some-ranges",
    ],
)
def test_difference(a: IntervalSet, b: IntervalSet, expected: IntervalSet) -> None:
    assert a - b == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (S(), S(), True),
        (S(), S((1, 3)), True),
        (S((1, 3)), S(), False),
        (S((1, 5)), S((1, 5)), True),
        (S((2, 3)), S((1, 5)), True),
        (S((1, 5)), S((2, 6)), False),
        (S((1, 2), (4, 5)), S((1, 5)), True),
        (S((1, 5)), S((1, 2), (4, 5)), False),
        (S((1, 2), (4, 5)), S((1, 2), (4, 6)), True),
    ],
    ids=[
        "empty-in-empty",
        "empty-in-anything",
        "nonempty-not-in-empty",
        "self",
        "nested",
        "overhangs-left",
        "split-inside-whole",
        "whole-not-inside-split",
        "each-range-covered",
    ],
)
def test_issubset(a: IntervalSet, b: IntervalSet, expected: bool) -> None:
    assert a.issubset(b) is expected


@pytest.mark.parametrize(
    ("s", "universe", "expected"),
    [
        (S(), S((0, 10)), S((0, 10))),
        (S((0, 10)), S((0, 10)), S()),
        (S((2, 3), (8, 10)), S((0, 10)), S((0, 1), (4, 7))),
        (S((5, 15)), S((0, 10)), S((0, 4))),
        (S((3, 4)), S((0, 1), (6, 9)), S((0, 1), (6, 9))),
    ],
    ids=[
        "of-empty-is-universe",
        "of-universe-is-empty",
        "gaps-and-edges",
        "members-outside-universe-ignored",
        "disjoint-from-universe",
    ],
)
def test_complement(s: IntervalSet, universe: IntervalSet, expected: IntervalSet) -> None:
    assert s.complement(universe) == expected


@pytest.mark.parametrize(
    ("s", "value", "expected"),
    [
        (S(), 0, False),
        (S((3, 7)), 3, True),
        (S((3, 7)), 7, True),
        (S((3, 7)), 5, True),
        (S((3, 7)), 2, False),
        (S((3, 7)), 8, False),
        (S((1, 2), (4, 5)), 3, False),
        (S((1, 2), (4, 5)), 4, True),
    ],
    ids=[
        "empty",
        "low-end",
        "high-end",
        "middle",
        "just-below",
        "just-above",
        "in-gap",
        "second-range",
    ],
)
def test_contains(s: IntervalSet, value: int, expected: bool) -> None:
    assert (value in s) is expected


@pytest.mark.parametrize(
    ("s", "size", "range_count", "text"),
    [
        (S(), 0, 0, ""),
        (S((3, 3)), 1, 1, "3"),
        (S((1, 5)), 5, 1, "1-5"),
        (S((1, 2), (4, 4), (7, 9)), 6, 3, "1-2,4,7-9"),
        (S((0, 2**32 - 1)), 2**32, 1, "0-4294967295"),
    ],
    ids=["empty", "single-point", "one-range", "mixed", "ipv4-space"],
)
def test_size_len_and_str(s: IntervalSet, size: int, range_count: int, text: str) -> None:
    assert s.size() == size
    assert len(s) == range_count
    assert list(s) == list(s.ranges)
    assert str(s) == text
    assert bool(s) is (size > 0)
    assert s.is_empty() is (size == 0)


# --- properties ---------------------------------------------------------------------------

# IntervalSet and frozenset spell the three operators alike, so one lambda serves both sides.
OPERATORS: list[BinaryOp] = [
    lambda a, b: a | b,
    lambda a, b: a & b,
    lambda a, b: a - b,
]
MODEL_OPERATORS: list[ModelOp] = [
    lambda a, b: a | b,
    lambda a, b: a & b,
    lambda a, b: a - b,
]
OPERATOR_IDS = ["union", "intersection", "difference"]


@given(raw=raw_ranges)
def test_construction_agrees_with_model_and_is_canonical(raw: list[Range]) -> None:
    s = IntervalSet.from_ranges(raw)
    assert_canonical(s)
    assert members(s) == members(raw)


@pytest.mark.parametrize(
    ("op", "model_op"), list(zip(OPERATORS, MODEL_OPERATORS, strict=True)), ids=OPERATOR_IDS
)
@given(a=raw_ranges, b=raw_ranges)
def test_operator_agrees_with_model(
    op: BinaryOp, model_op: ModelOp, a: list[Range], b: list[Range]
) -> None:
    result = op(IntervalSet.from_ranges(a), IntervalSet.from_ranges(b))
    assert members(result) == model_op(members(a), members(b))


@pytest.mark.parametrize("op", OPERATORS, ids=OPERATOR_IDS)
@given(a=any_sets, b=any_sets)
def test_operator_result_is_canonical(op: BinaryOp, a: IntervalSet, b: IntervalSet) -> None:
    assert_canonical(op(a, b))


@given(a=any_sets, b=any_sets)
def test_complement_result_is_canonical(a: IntervalSet, b: IntervalSet) -> None:
    assert_canonical(a.complement(b))


@given(raw=raw_ranges)
def test_membership_agrees_with_model(raw: list[Range]) -> None:
    s = IntervalSet.from_ranges(raw)
    model = members(raw)
    assert {x for x in PROBES if x in s} == model


@given(raw=raw_ranges)
def test_size_agrees_with_model(raw: list[Range]) -> None:
    assert IntervalSet.from_ranges(raw).size() == len(members(raw))


@given(a=raw_ranges, b=raw_ranges)
def test_issubset_agrees_with_model(a: list[Range], b: list[Range]) -> None:
    assert IntervalSet.from_ranges(a).issubset(IntervalSet.from_ranges(b)) is (
        members(a) <= members(b)
    )


@given(a=raw_ranges, b=raw_ranges)
def test_equality_agrees_with_model(a: list[Range], b: list[Range]) -> None:
    assert (IntervalSet.from_ranges(a) == IntervalSet.from_ranges(b)) is (members(a) == members(b))


@given(a=any_sets, b=any_sets)
def test_union_and_intersection_commute(a: IntervalSet, b: IntervalSet) -> None:
    assert a | b == b | a
    assert a & b == b & a


@given(a=any_sets, b=any_sets, c=any_sets)
def test_union_and_intersection_associate(a: IntervalSet, b: IntervalSet, c: IntervalSet) -> None:
    assert (a | b) | c == a | (b | c)
    assert (a & b) & c == a & (b & c)


@given(a=small_sets, b=small_sets)
def test_difference_is_intersection_with_complement(a: IntervalSet, b: IntervalSet) -> None:
    assert a - b == a & b.complement(UNIVERSE)


@given(a=small_sets, b=small_sets)
def test_de_morgan_within_universe(a: IntervalSet, b: IntervalSet) -> None:
    assert (a | b).complement(UNIVERSE) == a.complement(UNIVERSE) & b.complement(UNIVERSE)
    assert (a & b).complement(UNIVERSE) == a.complement(UNIVERSE) | b.complement(UNIVERSE)


@given(a=small_sets)
def test_double_complement_is_identity_within_universe(a: IntervalSet) -> None:
    assert a.complement(UNIVERSE).complement(UNIVERSE) == a


@given(a=any_sets, b=any_sets)
def test_symmetric_difference_identity(a: IntervalSet, b: IntervalSet) -> None:
    assert (a - b) | (b - a) == (a | b) - (a & b)


@given(a=any_sets, b=any_sets)
def test_lattice_bounds(a: IntervalSet, b: IntervalSet) -> None:
    assert (a & b).issubset(a)
    assert a.issubset(a | b)
    assert (a - b) & b == IntervalSet()
    assert (a - b) | (a & b) == a
