"""The NetworkPolicy tiers of a cluster redone from another's, where a few policies differ.

Two clusters evaluated one after the other usually differ in a few compiled policies (edited,
added, removed, or selecting other workloads). Their tiers differ only at the endpoints those
policies select, or whose peers they name: everywhere else each key is the other's, and so
is each column. Each update gives the new tier and the destinations whose key changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from netpoldiff.bitsets import iter_bits, mask_of
from netpoldiff.compiled import CompiledPolicy
from netpoldiff.evaluate.tiers import (
    EgressGroup,
    Entry,
    GroupCache,
    NetworkPolicyEgress,
    NetworkPolicyIngress,
    egress_group,
)


def _by_ref(policy: CompiledPolicy) -> tuple[str, str, str]:
    return policy.ref.sort_key()


def _selecting(policies: Sequence[CompiledPolicy]) -> dict[int, list[CompiledPolicy]]:
    """Per endpoint, which of ``policies`` select it."""
    found: dict[int, list[CompiledPolicy]] = defaultdict(list)
    for policy in policies:
        for subject in policy.subject_positions():
            found[subject].append(policy)
    return found


def _reselected(
    keys: list[tuple[CompiledPolicy, ...]],
    removed: Sequence[CompiledPolicy],
    added: Sequence[CompiledPolicy],
) -> list[int]:
    """Each endpoint's selecting policies (in ``keys``) redone; the endpoints that changed."""
    gone = set(removed)  # compiled policies are compared by identity
    region = 0
    for policy in (*removed, *added):
        region |= policy.subjects
    entering = _selecting(added)
    changed = []
    for at in iter_bits(region):
        key = tuple(
            sorted([p for p in keys[at] if p not in gone] + entering.get(at, []), key=_by_ref)
        )
        if key != keys[at]:
            keys[at] = key
            changed.append(at)
    return changed


def updated_ingress(
    tier: NetworkPolicyIngress,
    removed: Sequence[CompiledPolicy],
    added: Sequence[CompiledPolicy],
) -> tuple[NetworkPolicyIngress, int]:
    """``tier`` without the ``removed`` policies and with the ``added``; the changed keys."""
    keys, names = list(tier.keys), list(tier.names)
    changed = _reselected(
        keys,
        [p for p in removed if p.ingress is not None],
        [p for p in added if p.ingress is not None],
    )
    for dst in changed:
        names[dst] = any(rule.ports.named for policy in keys[dst] for rule in policy.ingress or ())
    return NetworkPolicyIngress(keys, names), mask_of(changed)


def updated_egress(
    tier: NetworkPolicyEgress,
    removed: Sequence[CompiledPolicy],
    added: Sequence[CompiledPolicy],
    groups: GroupCache,
) -> tuple[NetworkPolicyEgress, int]:
    """``tier`` without the ``removed`` policies and with the ``added``; the changed keys."""
    removed = [p for p in removed if p.egress is not None]
    added = [p for p in added if p.egress is not None]
    selected_by = list(tier.selected_by)
    isolated = tier.isolated
    for src in _reselected(selected_by, removed, added):
        isolated = isolated | (1 << src) if selected_by[src] else isolated & ~(1 << src)
    entries, moved = _regranted(tier.entries, removed, added)
    # The destinations among the peers of a changed group: their groups, redone.
    reaching: dict[int, list[EgressGroup]] = defaultdict(list)
    region = 0
    for peers in moved:
        region |= peers
        if peers in entries:
            group = egress_group(peers, entries[peers], groups)
            for dst in iter_bits(peers):
                reaching[dst].append(group)
    keys, names = list(tier.keys), list(tier.names)
    changed = []
    for dst in iter_bits(region):
        kept = [group for group in keys[dst] if group.peers not in moved]
        key = tuple(sorted(kept + reaching.get(dst, []), key=lambda group: group.peers))
        if key != keys[dst]:
            keys[dst] = key
            names[dst] = any(group.named for group in key)
            changed.append(dst)
    return NetworkPolicyEgress(selected_by, isolated, keys, names, entries), mask_of(changed)


def _regranted(
    entries: dict[int, tuple[Entry, ...]],
    removed: Sequence[CompiledPolicy],
    added: Sequence[CompiledPolicy],
) -> tuple[dict[int, tuple[Entry, ...]], set[int]]:
    """The egress rules by peer mask, redone; the peer masks whose rules changed."""
    gone = set(removed)
    entering: dict[int, list[Entry]] = defaultdict(list)
    for policy in added:
        for rule in policy.egress or ():
            if rule.peers:
                entering[rule.peers].append((policy, rule))
    touched = {rule.peers for policy in removed for rule in policy.egress or () if rule.peers}
    touched.update(entering)
    result = dict(entries)
    moved = set()
    for peers in touched:
        before = entries.get(peers, ())
        after = tuple(
            sorted(
                [entry for entry in before if entry[0] not in gone] + entering.get(peers, []),
                key=lambda entry: (entry[0].ref.sort_key(), entry[1].index),
            )
        )
        if after != before:
            moved.add(peers)
            if after:
                result[peers] = after
            else:
                del result[peers]
    return result, moved
