"""Bitsets: ints as sets of endpoint numbers, built and listed without quadratic work."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.bitsets import SharedMasks, iter_bits, mask_of

positions = st.sets(st.integers(min_value=0, max_value=5000), max_size=60)


@given(positions)
def test_mask_of_and_iter_bits_are_inverse(members: set[int]) -> None:
    mask = mask_of(members)
    assert mask == sum(1 << i for i in members)
    assert list(iter_bits(mask)) == sorted(members)


@given(positions, st.integers(min_value=0, max_value=100_000))
def test_sets_far_from_zero_keep_their_positions(members: set[int], offset: int) -> None:
    # One namespace's workloads: a few neighbours at a high position.
    shifted = {offset + i for i in members}
    assert list(iter_bits(mask_of(shifted))) == sorted(shifted)


def test_repeated_positions_count_once_and_nothing_is_the_empty_set() -> None:
    assert mask_of([3, 3, 0]) == 0b1001
    assert mask_of([]) == 0
    assert list(iter_bits(0)) == []


@given(st.lists(positions, min_size=2, max_size=4))
def test_a_shared_union_is_the_union_kept_once(sets: list[set[int]]) -> None:
    shared = SharedMasks()
    union = shared.union(mask_of(members) for members in sets)
    again = mask_of(set().union(*sets))  # the same set, built anew: another int object
    assert union == again
    assert shared(again) is union


def test_one_mask_is_its_own_shared_union_not_a_copy() -> None:
    mask = mask_of([1000, 1001])
    assert SharedMasks().union([mask]) is mask


@given(st.lists(positions, min_size=1, max_size=8))
def test_shared_masks_are_equal_sets_and_only_those(sets: list[set[int]]) -> None:
    # Sets alike in length, top bits and size (here: many small ones) are told apart.
    shared = SharedMasks()
    handed = [shared(mask_of(members)) for members in sets]
    for members, mask in zip(sets, handed, strict=True):
        assert mask == mask_of(members)
    for first, second in itertools.combinations(handed, 2):
        assert (first is second) == (first == second)


def test_sets_differing_only_below_the_top_bits_are_kept_apart() -> None:
    shared = SharedMasks()
    high = 1 << 200
    one, other = shared(high | 0b01 | 1 << 100), shared(high | 0b10 | 1 << 100)
    assert (one, other) == (high | 0b01 | 1 << 100, high | 0b10 | 1 << 100)
    assert shared(high | 0b10 | 1 << 100) is other
