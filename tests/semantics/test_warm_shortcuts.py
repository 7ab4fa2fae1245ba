"""Shortcuts of the warm path answer as the full walk over every object does.

A one-file change leaves almost every object of NEW the very object OLD has (the loader
converts a file once), so the report's walks over the objects of both sides are cut down to
the ones that differ. Each shortcut is compared here with the walk it replaces, on random
pairs of clusters that share most of their objects and on copies that share none.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.changes import ChangeKind, ChangeSet
from netpoldiff.check_memo import CheckMemo
from netpoldiff.cluster import Cluster
from netpoldiff.evaluate import Engine, Universe
from netpoldiff.matrix import Matrix
from netpoldiff.model import ObjectRef, WorkloadEndpoint
from netpoldiff.unmatched import unmatched
from tests.semantics.test_diff_properties import cluster_pairs

EXAMPLES = settings(max_examples=150, deadline=None)


def every_differing_workload(changes: ChangeSet) -> tuple[WorkloadEndpoint, ...]:
    """The full walk: every endpoint of either side, compared."""
    old, new = changes.old_workloads, changes.new_workloads
    return tuple(e for e in sorted(old.keys() | new.keys()) if old.get(e) != new.get(e))


def _numbered_again(cluster: Cluster, matrix: Matrix) -> Matrix:
    """``matrix`` without the engine's workloads by position: checks number them themselves."""
    assert matrix.workload_at is not None
    assert matrix.port_maps is not None
    index = matrix.index()
    placed = {index[w.endpoint]: w for w in cluster.workloads}
    assert dict(matrix.workload_at) == placed
    assert dict(matrix.port_maps) == {i: w.named_ports() for i, w in placed.items()}
    return dataclasses.replace(matrix, workload_at=None, port_maps=None)


@EXAMPLES
@given(cluster_pairs(), st.booleans())
def test_warnings_shared_by_the_sides_are_those_each_side_finds_alone(
    pair: tuple[Cluster, Cluster], restricted: bool
) -> None:
    old, new = pair
    # One engine for both sides, as the diff has: NEW's state is derived from OLD's.
    engine = Engine(Universe.of([old, new]))
    old_matrix, new_matrix = engine.evaluate(old), engine.evaluate(new)
    memo = CheckMemo()
    shared_new = unmatched(new, new_matrix, memo=memo)
    wanted = {w.code for w in shared_new} if restricted else None
    shared_old = unmatched(old, old_matrix, wanted, memo)
    assert shared_new == unmatched(new, _numbered_again(new, new_matrix))
    assert shared_old == unmatched(old, _numbered_again(old, old_matrix), wanted)


def every_changed_policy(changes: ChangeSet) -> tuple[tuple[ObjectRef, ChangeKind], ...]:
    """The full walk: every policy of either side in order, compared."""
    old, new = changes.old_policies, changes.new_policies
    found: list[tuple[ObjectRef, ChangeKind]] = []
    for ref in sorted(old.keys() | new.keys()):
        if ref not in old:
            found.append((ref, "added"))
        elif ref not in new:
            found.append((ref, "removed"))
        elif old[ref] != new[ref]:
            found.append((ref, "modified"))
    return tuple(found)


WALKS: dict[str, tuple[Callable[[ChangeSet], object], Callable[[ChangeSet], object]]] = {
    "workloads": (lambda changes: changes.changed_workloads, every_differing_workload),
    "policies": (lambda changes: changes.changed_policies, every_changed_policy),
}


@pytest.mark.parametrize("walk", list(WALKS))
@EXAMPLES
@given(cluster_pairs())
def test_the_changed_objects_are_those_the_full_walk_finds_different(
    walk: str, pair: tuple[Cluster, Cluster]
) -> None:
    found, every_changed = WALKS[walk]
    old, new = pair
    shared = ChangeSet.between(old, new)  # unchanged objects: the same objects
    copied = ChangeSet.between(old, copy.deepcopy(new))  # equal, never the same
    assert found(shared) == every_changed(shared)
    assert found(copied) == every_changed(copied)
