"""Why a flow changed: the changed objects that, reverted alone in NEW, change it.

A cause of a changed pair is a changed object (policy, workload, namespace) such that NEW
with only that object as OLD had it gives the pair other connections than NEW does. When no
single object does (two new policies that each allow the flow), the causes are the smallest
set that does, marked joint. The definition is checked by evaluating those states, so a cause
is never a guess from which policies happen to select the pair.

Pairs are answered in bulk: one evaluation per changed object covers every pair it can touch,
over only the workloads of those pairs (a pair's connections depend on its two endpoints,
their namespaces and the policies there, nothing else).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Final

from netpoldiff.bitsets import iter_bits
from netpoldiff.changes import ChangeSet
from netpoldiff.columns import Column, column_difference, column_sources
from netpoldiff.diff import MatrixDiff
from netpoldiff.evaluate import Engine, Universe, external_partition
from netpoldiff.kinds import NAMESPACE
from netpoldiff.model import WorkloadEndpoint
from netpoldiff.reverts import ChangedObject, changed_objects, reverted, with_policies
from netpoldiff.touching import PairPart, Touching

# Up to this many candidates a joint set is the smallest (every subset tried, by size);
# beyond it, a set from which no object can be dropped (2^n evaluations would not end).
EXHAUSTIVE_CANDIDATES: Final = 8
_KIND_RANK: Final = {NAMESPACE: 1}  # workloads 0, namespaces 1, policies 2


@dataclass(frozen=True, slots=True)
class Cause:
    """A changed object behind a changed pair; ``joint`` when it suffices only with others."""

    object: ChangedObject
    joint: bool = False


class Causes:
    """The causes of every changed pair of one diff, found once, by destination.

    ``of_pair`` and ``of_group`` answer from what was found; nothing is evaluated after.
    """

    def __init__(
        self,
        diff: MatrixDiff,
        changes: ChangeSet,
        engine: Engine | None = None,
        *,
        moved: bool = False,
    ) -> None:
        """The causes of ``diff``'s pairs; ``moved`` when it is the diff of a moved view.

        In a moved view (``MatrixDiff.moved``) a moved workload's pairs carry its new name on
        both sides: a state that reverts the move is read with the same renaming.
        """
        self.diff = diff
        self.changes = changes
        self._engine = engine or _engine_for(diff, changes)
        self._objects = changed_objects(changes)
        self._masks = Touching.of(diff, changes, self._objects)
        self._moved = moved
        self._order = {
            changed: (self._masks.reach(changed), _KIND_RANK.get(changed.ref.kind, 2), i)
            for i, changed in enumerate(self._objects)
        }
        changed_sources = {
            dst: column_sources(opened) | column_sources(closed)
            for dst, (opened, closed) in enumerate(zip(diff.opened, diff.closed, strict=True))
            if opened or closed
        }
        found: dict[int, list[tuple[int, tuple[Cause, ...]]]] = defaultdict(list)
        unexplained = self._singles(changed_sources, found)
        self._joint(unexplained, found)
        self._by_destination = {
            dst: [(mask, self._ordered(causes)) for mask, causes in parts]
            for dst, parts in _merged(found).items()
        }

    # -- answers -------------------------------------------------------------------------------

    def of_destination(self, dst: int) -> list[tuple[int, tuple[Cause, ...]]]:
        """(sources, causes) of the changed pairs into ``dst``: sources sharing their causes."""
        return self._by_destination.get(dst, [])

    def of_pair(self, src: int, dst: int) -> tuple[Cause, ...]:
        """The causes of one changed pair (none for a pair that did not change)."""
        bit = 1 << src
        for mask, causes in self.of_destination(dst):
            if mask & bit:
                return causes
        return ()

    def of_group(self, sources: int, destinations: Iterable[int]) -> tuple[Cause, ...]:
        """Every cause of some pair of a group, most specific first, each once."""
        found: dict[Cause, None] = {}
        for dst in destinations:
            for mask, causes in self.of_destination(dst):
                if mask & sources:
                    found.update(dict.fromkeys(causes))
        return self._ordered(found)

    def _ordered(self, causes: Iterable[Cause]) -> tuple[Cause, ...]:
        """Single causes, most specific first (fewest workloads touched), then joint ones."""
        return tuple(sorted(causes, key=lambda c: (c.joint, self._order[c.object])))

    # -- finding -------------------------------------------------------------------------------

    def _singles(
        self,
        changed_sources: dict[int, int],
        found: dict[int, list[tuple[int, tuple[Cause, ...]]]],
    ) -> dict[int, int]:
        """Record every single cause; return, by destination, the sources no one explains."""
        explained: dict[int, int] = defaultdict(int)
        for changed in self._objects:
            parts = self._masks.touched(changed, changed_sources)
            if not parts:
                continue
            for dst, hits in self._differing(parts, [changed]):
                found[dst].append((hits, (Cause(changed),)))
                explained[dst] |= hits
        return {
            dst: sources & ~explained[dst]
            for dst, sources in changed_sources.items()
            if sources & ~explained[dst]
        }

    def _joint(
        self,
        unexplained: dict[int, int],
        found: dict[int, list[tuple[int, tuple[Cause, ...]]]],
    ) -> None:
        """The smallest set of objects that together change each pair no single one explains."""
        groups: dict[tuple[ChangedObject, ...], dict[int, int]] = defaultdict(dict)
        for dst, sources in unexplained.items():
            for touching, members in self._masks.candidates(self._objects, dst, sources):
                parts = groups[tuple(sorted(touching, key=self._order.__getitem__))]
                parts[dst] = parts.get(dst, 0) | members
        for candidates, parts in groups.items():
            for chosen, hits in self._smallest_sets(candidates, parts):
                causes = tuple(Cause(changed, joint=True) for changed in chosen)
                for dst, mask in hits:
                    found[dst].append((mask, causes))

    def _smallest_sets(
        self, candidates: tuple[ChangedObject, ...], parts: dict[int, int]
    ) -> Iterable[tuple[tuple[ChangedObject, ...], list[PairPart]]]:
        left = dict(parts)
        if len(candidates) > EXHAUSTIVE_CANDIDATES:
            yield self._irreducible(candidates, left), list(left.items())
            return
        for size in range(2, len(candidates) + 1):
            for chosen in combinations(candidates, size):
                hits = list(self._differing(list(left.items()), chosen))
                if hits:
                    yield chosen, hits
                    for dst, mask in hits:
                        left[dst] &= ~mask
                    left = {dst: mask for dst, mask in left.items() if mask}
                if not left:
                    return
        _unexplained(left)

    def _irreducible(
        self, candidates: tuple[ChangedObject, ...], left: dict[int, int]
    ) -> tuple[ChangedObject, ...]:
        """All the candidates less every one that the pairs do not need (most specific kept)."""
        chosen = list(candidates)
        if not self._changes_all(left, chosen):
            _unexplained(left)
        for changed in reversed(candidates):
            trial = [c for c in chosen if c is not changed]
            if trial and self._changes_all(left, trial):
                chosen = trial
        return tuple(chosen)

    def _changes_all(self, left: dict[int, int], objects: Sequence[ChangedObject]) -> bool:
        hits = dict(self._differing(list(left.items()), objects))
        return all(hits.get(dst, 0) == mask for dst, mask in left.items())

    def _differing(
        self, parts: list[PairPart], objects: Sequence[ChangedObject]
    ) -> Iterable[PairPart]:
        """Of ``parts``, the pairs whose connections differ in NEW with ``objects`` reverted."""
        involved = 0
        for dst, sources in parts:
            involved |= sources | (1 << dst)
        involved &= self._masks.workloads
        endpoints = self.diff.endpoints
        kept = [e for i in iter_bits(involved) if isinstance(e := endpoints[i], WorkloadEndpoint)]
        # A reverted workload may stand where its NEW version does not (a move): kept too.
        kept += [e for changed in objects for e in changed.workloads]
        # Most of the cluster: all of it, and NEW's selection and columns carry over.
        within = kept if 2 * len(kept) <= self._masks.workload_count else None
        # A few workloads are evaluated afresh: NEW's engine would keep each such state, and
        # every later one would be checked against all of them (quadratic in the objects).
        engine = self._engine if within is None else Engine(self._engine.universe)
        matrix = engine.evaluate(reverted(self.changes, objects, within))
        if self._moved:
            matrix = matrix.moved(self._masks.moves_of(objects))
        new = self.diff.new.columns
        for dst, sources in parts:
            hits = _differ(matrix.columns[dst], new[dst]) & sources
            if hits:
                yield dst, hits


def _differ(f: Column, g: Column) -> int:
    """The sources whose connections differ between two columns."""
    if f is g:
        return 0
    return column_sources(column_difference(f, g)) | column_sources(column_difference(g, f))


def _unexplained(left: dict[int, int]) -> None:
    # Reverting every object that can touch a pair gives OLD's connections, which differ
    # from NEW's: reaching here would mean the evaluation of some state is wrong.
    msg = f"no set of changed objects explains the changed pairs into {sorted(left)}"
    raise AssertionError(msg)


def _merged(
    found: dict[int, list[tuple[int, tuple[Cause, ...]]]],
) -> dict[int, list[tuple[int, tuple[Cause, ...]]]]:
    """Per destination, sources split into classes with the same causes (masks, not pairs)."""
    merged: dict[int, list[tuple[int, tuple[Cause, ...]]]] = {}
    for dst, entries in found.items():
        classes: list[tuple[int, tuple[Cause, ...]]] = []
        for mask, causes in entries:
            refined = []
            rest = mask
            for members, known in classes:
                inside = members & mask
                if inside:
                    refined.append((inside, known + causes))
                    rest &= ~inside
                if members & ~mask:
                    refined.append((members & ~mask, known))
            if rest:
                refined.append((rest, causes))
            classes = refined
        merged[dst] = classes
    return merged


def _engine_for(diff: MatrixDiff, changes: ChangeSet) -> Engine:
    """An engine over the diff's numbering (when the command did not hand over its own)."""
    clusters = [
        with_policies(changes.old_policies.values()),
        with_policies(changes.new_policies.values()),
    ]
    return Engine(Universe.over(diff.endpoints, external_partition(clusters)))
