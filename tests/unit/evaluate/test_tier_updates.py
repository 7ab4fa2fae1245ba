"""Tier updates: a tier redone where some policies changed is the tier built afresh.

Each case is a random list of compiled policies and a random edit of it (policies kept as
they were, replaced by another version, removed, or added); the updated tier must equal the
tier built from the edited list, and name exactly the destinations whose key changed.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.bitsets import mask_of
from netpoldiff.compiled import CompiledPolicy
from netpoldiff.evaluate.tier_updates import updated_egress, updated_ingress
from netpoldiff.evaluate.tiers import GroupCache, NetworkPolicyEgress, NetworkPolicyIngress
from netpoldiff.model import ObjectRef
from tests.unit.evaluate.test_tiers import SIZE, compiled_policies

EXAMPLES = settings(max_examples=300, deadline=None)

Edit = tuple[list[CompiledPolicy], list[CompiledPolicy], list[CompiledPolicy], list[CompiledPolicy]]


@st.composite
def edits(draw: st.DrawFn) -> Edit:
    """(old, new, removed, added): policies in name order, as the engine hands them over."""
    old = draw(compiled_policies())
    versions = draw(compiled_policies())
    new = []
    for index, policy in enumerate(old):
        match draw(st.sampled_from(("keep", "replace", "remove"))):
            case "keep":
                new.append(policy)
            case "replace" if index < len(versions):
                new.append(dataclasses.replace(versions[index], ref=policy.ref))
            case _:
                pass
    for index, policy in enumerate(versions[len(old) :]):
        new.append(dataclasses.replace(policy, ref=ObjectRef.network_policy("x", f"new{index}")))
    new.sort(key=lambda p: p.ref)
    removed = [p for p in old if p not in new]
    added = [p for p in new if p not in old]
    return old, new, removed, added


@EXAMPLES
@given(edits())
def test_an_updated_ingress_tier_is_the_tier_of_the_new_policies(edit: Edit) -> None:
    old, new, removed, added = edit
    before = NetworkPolicyIngress.of(old, SIZE)
    after, changed = updated_ingress(before, removed, added)
    fresh = NetworkPolicyIngress.of(new, SIZE)
    assert (after.keys, after.names) == (fresh.keys, fresh.names)
    assert changed == mask_of(d for d in range(SIZE) if before.keys[d] != fresh.keys[d])
    assert before.keys == NetworkPolicyIngress.of(old, SIZE).keys  # the old tier is untouched


@EXAMPLES
@given(edits())
def test_an_updated_egress_tier_is_the_tier_of_the_new_policies(edit: Edit) -> None:
    old, new, removed, added = edit
    groups: GroupCache = {}
    before = NetworkPolicyEgress.of(old, SIZE, groups)
    after, changed = updated_egress(before, removed, added, groups)
    fresh = NetworkPolicyEgress.of(new, SIZE, groups)
    assert after.selected_by == fresh.selected_by
    assert after.isolated == fresh.isolated
    assert after.entries == fresh.entries
    assert (after.keys, after.names) == (fresh.keys, fresh.names)
    assert changed == mask_of(d for d in range(SIZE) if before.keys[d] != fresh.keys[d])
    assert before.keys == NetworkPolicyEgress.of(old, SIZE, groups).keys
