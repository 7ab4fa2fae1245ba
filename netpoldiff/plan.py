"""A rollout plan: the order in which to apply a change object by object, safely.

Applying a change one object at a time (kubectl apply of a directory, sync waves, chart
upgrades) passes through intermediate states. A state is safe when it keeps every flow that
both OLD and NEW allow (no outage) and opens no flow that neither allows (no exposure). The
plan is an order of the steps whose every intermediate state is safe, where one exists;
otherwise the order with the least exposure (pairs times steps), then the least outage, and
what stays exposed or cut, during which steps.

Small changes are searched exactly (every set of applied steps is a state, a best path
through them is found once each state is known); large ones are ordered by a sound rule
(steps that only widen first, those that narrow after, deletions last), and every state of
the order is still evaluated, so what the plan reports is true.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from netpoldiff.bitsets import iter_bits
from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.columns import Column, column_difference, column_intersection, column_union
from netpoldiff.diff import MatrixDiff, diff_matrices
from netpoldiff.evaluate import Engine
from netpoldiff.kinds import NETWORK_POLICY
from netpoldiff.matrix import Matrix
from netpoldiff.model import ObjectRef
from netpoldiff.plan_steps import Step, plan_steps, widened
from netpoldiff.policies import NetworkPolicy
from netpoldiff.reverts import reverted

Action = Literal["apply", "delete"]
# Up to this many steps every order is considered (2^n states); beyond, the ordering rule.
EXACT_STEPS: Final = 10
SPLITS_TRIED: Final = 4  # modified policies tried split in two, when no order is safe


@dataclass(frozen=True, slots=True)
class Violation:
    """What one state allows beyond OLD and NEW (exposed) or lacks of both (cut)."""

    exposed: tuple[Column, ...]
    cut: tuple[Column, ...]

    def counts(self) -> tuple[int, int]:
        """(exposed pairs, cut pairs)."""
        return (_pairs(self.exposed), _pairs(self.cut))


@dataclass(frozen=True)
class Plan:
    """Steps in order, the state after each, and what each intermediate state violates.

    ``states[i]`` is the matrix after the first ``i`` steps (``states[0]`` is OLD's, the last
    NEW's); ``violations[i]`` is that of ``states[i]`` (nothing for OLD and NEW).
    """

    steps: tuple[Step, ...]
    states: tuple[Matrix, ...]
    violations: tuple[Violation, ...]
    exact: bool

    @property
    def safe(self) -> bool:
        """Whether every intermediate state keeps the common flows and exposes nothing."""
        return all(v.counts() == (0, 0) for v in self.violations)

    def step_diff(self, index: int) -> MatrixDiff:
        """What step ``index`` (from 0) opens and closes on its own."""
        return diff_matrices(self.states[index], self.states[index + 1])

    def transient(self) -> tuple[tuple[Column, ...], tuple[Column, ...]]:
        """Per destination, every connection some intermediate state exposes, and cuts."""
        size = len(self.states[0].columns)
        exposed: list[Column] = [{} for _ in range(size)]
        cut: list[Column] = [{} for _ in range(size)]
        for violation in self.violations:
            for dst in range(size):
                if violation.exposed[dst]:
                    exposed[dst] = column_union(exposed[dst], violation.exposed[dst])
                if violation.cut[dst]:
                    cut[dst] = column_union(cut[dst], violation.cut[dst])
        return tuple(exposed), tuple(cut)


class Planner:
    """Evaluates the states between OLD and NEW and orders the steps between them.

    ``split`` names modified policies applied in two steps: widened first (OLD's and NEW's
    rules together), NEW's version later.
    """

    def __init__(
        self,
        diff: MatrixDiff,
        changes: ChangeSet,
        engine: Engine,
        split: frozenset[ObjectRef] = frozenset(),
    ) -> None:
        self.diff = diff
        self.changes = changes
        self.engine = engine
        self.split = split
        self.steps = plan_steps(changes)
        # Each widening step and the step of NEW's version it must come before.
        self._pairs: list[tuple[int, int]] = []
        for ref in sorted(split):
            final = next(i for i, step in enumerate(self.steps) if step.ref == ref)
            step = self.steps[final]
            before, after = changes.old_policies[ref], changes.new_policies[ref]
            assert isinstance(before, NetworkPolicy)  # noqa: S101 - only those are split
            assert isinstance(after, NetworkPolicy)  # noqa: S101
            version = widened(before, after)
            self.steps.append(dataclasses.replace(step, intermediate=version))
            self._pairs.append((len(self.steps) - 1, final))
        size = len(diff.endpoints)
        # A moved workload's two copies are one workload to its clients: states are judged
        # with the old copy known by its new name (a state running both joins their flows).
        number = diff.new.index()
        self._moves = {number[old]: number[new] for new, old in changes.workload_moves.items()}
        self._old = diff.old.moved(self._moves)
        old, new = self._old.columns, diff.new.columns
        self._either = tuple(column_union(old[d], new[d]) for d in range(size))
        self._both = tuple(column_intersection(old[d], new[d]) for d in range(size))
        self._states: dict[int, Matrix] = {}
        self._violations: dict[int, Violation] = {}

    # -- states ---------------------------------------------------------------------------------

    def state(self, applied: int) -> Matrix:
        """The matrix once the steps in the mask ``applied`` are applied to OLD."""
        known = self._states.get(applied)
        if known is None:
            everything = (1 << len(self.steps)) - 1
            if applied == 0:
                known = self.diff.old
            elif applied == everything:
                known = self.diff.new
            else:
                pending = [
                    self.steps[i].unit
                    for i in iter_bits(everything & ~applied)
                    if self.steps[i].intermediate is None
                ]
                state = reverted(self.changes, pending)
                for first, final in self._pairs:
                    if (applied >> first) & 1 and not (applied >> final) & 1:
                        state = _with_policy(state, self.steps[first].intermediate)
                known = self.engine.evaluate(state)
            self._states[applied] = known
        return known

    def violation(self, applied: int) -> Violation:
        """What the state ``applied`` exposes beyond OLD and NEW, and cuts of both."""
        known = self._violations.get(applied)
        if known is None:
            matrix = self.state(applied).moved(self._moves)
            old, new = self._old.columns, self.diff.new.columns
            exposed: list[Column] = []
            cut: list[Column] = []
            for dst, column in enumerate(matrix.columns):
                if column is old[dst] or column is new[dst] or column in (old[dst], new[dst]):
                    exposed.append({})
                    cut.append({})
                    continue
                exposed.append(column_difference(column, self._either[dst]))
                cut.append(column_difference(self._both[dst], column))
            known = self._violations[applied] = Violation(tuple(exposed), tuple(cut))
        return known

    def cost(self, applied: int) -> tuple[int, int]:
        """(exposed pairs, cut pairs) of one state."""
        return self.violation(applied).counts()

    # -- orders ---------------------------------------------------------------------------------

    def plan(self) -> Plan:
        """The safest order, and where splitting a policy's edit in two removes a window.

        A modified policy that keeps its selector and directions can be applied widened
        first (OLD's and NEW's rules together), NEW's version after; each such split is kept
        when it makes the plan less harmful.
        """
        best, split = self.ordered(), self.split
        if best.safe:
            return best
        for ref in self._splittable():
            trial = Planner(self.diff, self.changes, self.engine, split | {ref}).ordered()
            if _harm(trial) < _harm(best):
                best, split = trial, split | {ref}
                if best.safe:
                    break
        return best

    def _splittable(self) -> list[ObjectRef]:
        found = []
        for step in self.steps:
            before = self.changes.old_policies.get(step.ref)
            after = self.changes.new_policies.get(step.ref)
            fresh = step.intermediate is None and step.ref not in self.split
            # Admin policies are applied whole: their rules' order decides, so no union of
            # two versions is a safe intermediate.
            if not (isinstance(before, NetworkPolicy) and isinstance(after, NetworkPolicy)):
                continue
            if fresh and widened(before, after) is not None:
                found.append(step.ref)
        return found[:SPLITS_TRIED]

    def ordered(self) -> Plan:
        """The safest order of these steps: exact for a few, by rule beyond, all evaluated."""
        count = len(self.steps)
        ruled = self._ruled_order()
        order, exact = ruled, False
        if not self._safe(ruled) and count <= EXACT_STEPS:
            order, exact = self._best_order(), True
        elif count <= 1:
            exact = True
        return self.replay(order, exact=exact or self._safe(order))

    def naive(self) -> Plan:
        """The plan of ``kubectl apply -f`` on NEW's directory, then deletions (``--prune``).

        Files in name order, each document in order; objects without a file after; then the
        deletions by name. What a change does when nobody orders it.
        """

        def place(index: int) -> tuple[int, str, int, tuple[str, str, str]]:
            step = self.steps[index]
            origin = step.origin
            path = origin.path if origin is not None else "\uffff"
            document = (origin.document or 0) if origin is not None else 0
            return (1 if step.action == "delete" else 0, path, document, step.ref.sort_key())

        return self.replay(sorted(range(len(self.steps)), key=place))

    def replay(self, order: Sequence[int], *, exact: bool = False) -> Plan:
        """The plan of the steps in ``order`` (indices into ``steps``), every state evaluated."""
        applied = 0
        masks = [0]
        for index in order:
            applied |= 1 << index
            masks.append(applied)
        return Plan(
            steps=tuple(self.steps[i] for i in order),
            states=tuple(self.state(m) for m in masks),
            violations=tuple(self.violation(m) for m in masks[1:-1]),
            exact=exact,
        )

    def _safe(self, order: Sequence[int]) -> bool:
        applied = 0
        for index in order[:-1]:
            applied |= 1 << index
            if self.cost(applied) != (0, 0):
                return False
        return True

    def _ruled_order(self) -> list[int]:
        """Steps that harm nothing alone first, then by the harm they do alone; deletions last.

        Each step is judged on OLD with it alone applied: the common flows it cuts, then what
        it exposes, then whether it only widens (first), widens and narrows, or only narrows;
        policies before other objects, then by name. A step that cuts alone (a default deny)
        waits for the steps that allow what it would cut.
        """

        def rank(index: int) -> tuple[int, int, int, int, int, tuple[str, str, str]]:
            step = self.steps[index]
            change = diff_matrices(self.diff.old, self.state(1 << index))
            opens, closes = not _empty(change.opened), not _empty(change.closed)
            widening = 0 if opens and not closes else (1 if opens else 2)
            exposed, cut = self.cost(1 << index) if len(self.steps) > 1 else (0, 0)
            return (
                1 if step.action == "delete" else 0,
                cut,
                exposed,
                widening,
                0 if step.ref.kind == NETWORK_POLICY else 1,
                step.ref.sort_key(),
            )

        return self._in_precedence(sorted(range(len(self.steps)), key=rank))

    def _in_precedence(self, order: list[int]) -> list[int]:
        """``order`` with each widening step moved before the step of NEW's version."""
        for first, final in self._pairs:
            if order.index(first) > order.index(final):
                order.remove(first)
                order.insert(order.index(final), first)
        return order

    def _best_order(self) -> list[int]:
        """The order of least exposure (summed over states), then least outage: exact."""
        count = len(self.steps)
        everything = (1 << count) - 1
        best: dict[int, tuple[tuple[int, int], list[int]]] = {0: ((0, 0), [])}
        # Sets of applied steps by size: each state's best path extends one of a size less.
        for applied in sorted(range(1, everything + 1), key=int.bit_count):
            if any(
                (applied >> final) & 1 and not (applied >> first) & 1
                for first, final in self._pairs
            ):
                continue  # NEW's version of a split policy before its widened one
            here = (0, 0) if applied == everything else self.cost(applied)
            choice: tuple[tuple[int, int], list[int]] | None = None
            for last in iter_bits(applied):
                before = best.get(applied & ~(1 << last))
                if before is None:
                    continue
                (exposure, outage), path = before
                total = (exposure + here[0], outage + here[1])
                if choice is None or total < choice[0]:
                    choice = (total, [*path, last])
            if choice is not None:
                best[applied] = choice
        return best[everything][1]


def _harm(plan: Plan) -> tuple[int, int]:
    """(exposed, cut) pair-steps of a plan: what its windows cost, exposure first."""
    exposed = sum(v.counts()[0] for v in plan.violations)
    cut = sum(v.counts()[1] for v in plan.violations)
    return exposed, cut


def _with_policy(cluster: Cluster, policy: NetworkPolicy | None) -> Cluster:
    """``cluster`` with ``policy`` in place of the one of its name."""
    if policy is None:
        return cluster
    policies = tuple(policy if p.ref == policy.ref else p for p in cluster.policies)
    return dataclasses.replace(cluster, policies=policies)


def _pairs(columns: Iterable[Column]) -> int:
    return sum(mask.bit_count() for column in columns for mask in column.values())


def _empty(columns: Iterable[Column]) -> bool:
    return not any(columns)
