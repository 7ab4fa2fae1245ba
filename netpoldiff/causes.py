"""Why a flow changed: the objects that decide it, asked once per diff for pairs and groups.

A pair's deciding policies are those selecting its source for egress and its destination for
ingress, on either side of the diff. Sources that the same policies select for egress form a
class, so a group of a million pairs is answered class by class, never pair by pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Final

from netpoldiff.bitsets import iter_bits
from netpoldiff.changes import ChangeKind, ChangeSet, SubjectChange
from netpoldiff.diff import MatrixDiff
from netpoldiff.model import ObjectRef

_ORDER: Final[Mapping[str, int]] = {"modified": 0, "added": 1, "removed": 2, "unchanged": 3}


@dataclass(frozen=True, slots=True)
class Cause:
    """An object that decides a changed flow, and how the change touched it."""

    policy: ObjectRef
    change: ChangeKind


def cause_order(cause: Cause) -> tuple[int, tuple[str, str, str]]:
    """Modified, added, removed, then unchanged objects; by kind, namespace and name within each."""
    return (_ORDER[cause.change], cause.policy.sort_key())


class CauseIndex:
    """The objects deciding the pairs of one diff, and what changed around them."""

    def __init__(self, diff: MatrixDiff, changes: ChangeSet) -> None:
        self.diff = diff
        self.changes = changes
        classes: dict[tuple[ObjectRef, ...], int] = defaultdict(int)
        for index in range(len(diff.endpoints)):
            key = tuple(sorted({*diff.old.egress_refs(index), *diff.new.egress_refs(index)}))
            if key:
                classes[key] |= 1 << index
        self._egress_classes = list(classes.items())

    def deciding(self, sources: int, destinations: Iterable[int]) -> set[ObjectRef]:
        """The policies selecting some of ``sources`` (egress) or ``destinations`` (ingress)."""
        found: set[ObjectRef] = set()
        for policies, members in self._egress_classes:
            if members & sources:
                found.update(policies)
        for dst in destinations:
            found.update(self.diff.old.ingress_refs(dst))
            found.update(self.diff.new.ingress_refs(dst))
        return found

    def causes(self, sources: int, destinations: Iterable[int]) -> tuple[Cause, ...]:
        """The deciding policies of a group of pairs, with how each changed, in cause order."""
        causes = (
            Cause(policy, self.changes.policy_change(policy))
            for policy in self.deciding(sources, destinations)
        )
        return tuple(sorted(causes, key=cause_order))

    def pair_causes(self, src: int, dst: int) -> tuple[Cause, ...]:
        """The deciding policies of one pair."""
        return self.causes(1 << src, (dst,))

    def subject_changes(self, sources: int, destinations: Iterable[int]) -> Iterator[SubjectChange]:
        """What changed on the workloads of a group and their namespaces, each once.

        Changes belong to endpoints, not pairs: each endpoint is looked at once, so a group of
        a million pairs costs its sources plus its destinations.
        """
        seen: set[SubjectChange] = set()
        endpoints = self.diff.endpoints
        for index in chain(iter_bits(sources), destinations):
            for change in self.changes.endpoint_changes(endpoints[index]):
                if change not in seen:
                    seen.add(change)
                    yield change
