"""Every plan replayed on the model: each intermediate state is what the plan says it is.

States are rebuilt here from the steps (NEW's objects applied over OLD's, by hand) and
evaluated from scratch; a plan that says it is safe must be, and an exact plan must be no
worse than any order of its steps. Pairs of clusters hold NetworkPolicies, or admin policies
too (applied whole, never widened).
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings

from netpoldiff.admin_policies import ADMIN_KINDS
from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.columns import column_difference, column_intersection, column_union
from netpoldiff.diff import diff_matrices
from netpoldiff.evaluate import Engine, Universe, evaluate, external_partition, universe
from netpoldiff.matrix import Matrix
from netpoldiff.model import Workload
from netpoldiff.plan import Planner
from netpoldiff.plan_steps import Step
from tests.semantics.admin_strategies import admin_cluster_pairs
from tests.semantics.test_diff_properties import cluster_pairs

BRUTE_FORCE_STEPS = 5


def applied(old: Cluster, new: Cluster, steps: list[Step]) -> Cluster:
    """OLD with the objects of ``steps`` as NEW has them (or gone, for a delete)."""
    policies = {p.ref: p for p in old.policies}
    admins = {p.ref: p for p in old.admin_policies}
    workloads: dict[tuple[str, str | None, str], Workload] = {
        (w.kind, w.namespace, w.name): w for w in old.workloads
    }
    # Every namespace of either side: one matters only through its pods.
    namespaces = {n.name: n for n in (*new.namespaces, *old.namespaces)}
    new_policies = {p.ref: p for p in new.policies}
    new_admins = {p.ref: p for p in new.admin_policies}
    new_workloads: dict[tuple[str, str | None, str], Workload] = {
        (w.kind, w.namespace, w.name): w for w in new.workloads
    }
    new_namespaces = {n.name: n for n in new.namespaces}
    for step in steps:
        ref = step.ref
        if ref.kind == "NetworkPolicy":
            # A widened step puts its version; the later step of the same policy, NEW's.
            _put(policies, ref, step.intermediate or new_policies.get(ref))
        elif ref.kind in ADMIN_KINDS:
            # Applied whole: an admin policy is never widened.
            assert step.intermediate is None
            _put(admins, ref, new_admins.get(ref))
        elif ref.kind == "Namespace":
            _put(namespaces, ref.name, new_namespaces.get(ref.name))
        else:
            key = (ref.kind, ref.namespace, ref.name)
            _put(workloads, key, new_workloads.get(key))
    return Cluster(
        tuple(namespaces.values()),
        tuple(workloads.values()),
        tuple(policies.values()),
        admin_policies=tuple(admins.values()),
    )


def _put(objects: dict, key: object, value: object) -> None:  # type: ignore[type-arg]
    if value is None:
        objects.pop(key, None)
    else:
        objects[key] = value


def _in_precedence(order: list[Step]) -> bool:
    """Whether each widened step comes before the step of NEW's version of its policy."""
    for index, step in enumerate(order):
        if step.intermediate is not None:
            final = next(i for i, s in enumerate(order) if s.ref == step.ref and s is not step)
            if final < index:
                return False
    return True


def cost(state: Matrix, old: Matrix, new: Matrix) -> tuple[int, int]:
    exposed = cut = 0
    for dst, column in enumerate(state.columns):
        either = column_union(old.columns[dst], new.columns[dst])
        both = column_intersection(old.columns[dst], new.columns[dst])
        exposed += sum(m.bit_count() for m in column_difference(column, either).values())
        cut += sum(m.bit_count() for m in column_difference(both, column).values())
    return exposed, cut


@settings(max_examples=60, deadline=None)
@given(cluster_pairs())
def test_a_plan_s_states_are_what_it_says_and_an_exact_plan_is_the_best_order(
    pair: tuple[Cluster, Cluster],
) -> None:
    check_plan(*pair)


@settings(max_examples=60, deadline=None)
@given(admin_cluster_pairs())
def test_a_plan_with_admin_policies_is_what_it_says_and_an_exact_one_the_best_order(
    pair: tuple[Cluster, Cluster],
) -> None:
    check_plan(*pair)


def check_plan(old: Cluster, new: Cluster) -> None:
    """The plan from ``old`` to ``new``, replayed state by state on the model."""
    engine = Engine(Universe.of([old, new]))
    old_matrix, new_matrix = engine.evaluate(old), engine.evaluate(new)
    changes = ChangeSet.between(old, new)
    planner = Planner(diff_matrices(old_matrix, new_matrix), changes, engine)
    plan = planner.plan()
    # A moved workload's copies are one workload: states are judged with the old one renamed.
    number = new_matrix.index()
    moves = {number[o]: number[n] for n, o in changes.workload_moves.items()}
    old_matrix = old_matrix.moved(moves)
    externals = external_partition([old, new])
    endpoints = universe([old, new], externals)

    def alone(state: Cluster) -> Matrix:
        return evaluate(state, externals=externals, endpoints=endpoints)

    steps = list(plan.steps)
    assert sorted(steps, key=str) == sorted(planner.steps, key=str)
    reported = []
    for count in range(1, len(steps)):
        state = alone(applied(old, new, steps[:count]))
        assert state == plan.states[count]
        reported.append(cost(state.moved(moves), old_matrix, new_matrix))
    assert reported == [v.counts() for v in plan.violations]
    assert alone(applied(old, new, steps)) == new_matrix
    assert plan.safe == all(c == (0, 0) for c in reported)
    if plan.exact and 0 < len(steps) <= BRUTE_FORCE_STEPS:
        total = tuple(map(sum, zip(*reported, strict=True))) if reported else (0, 0)
        for other in itertools.permutations(steps):
            if not _in_precedence(list(other)):
                continue
            costs = [
                cost(alone(applied(old, new, list(other[:n]))).moved(moves), old_matrix, new_matrix)
                for n in range(1, len(other))
            ]
            other_total = tuple(map(sum, zip(*costs, strict=True))) if costs else (0, 0)
            assert total <= other_total, (other, costs)
