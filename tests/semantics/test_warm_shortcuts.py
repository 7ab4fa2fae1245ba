"""Shortcuts of the warm path answer as the full walk over every object does.

A one-file change leaves almost every object of NEW the very object OLD has (the loader
converts a file once), so the report's walks over the objects of both sides are cut down to
the ones that differ. Each shortcut is compared here with the walk it replaces, on random
pairs of clusters that share most of their objects and on copies that share none.
"""

from __future__ import annotations

import copy

from hypothesis import given, settings

from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.model import WorkloadEndpoint
from tests.semantics.test_diff_properties import cluster_pairs

EXAMPLES = settings(max_examples=150, deadline=None)


def every_differing_workload(changes: ChangeSet) -> tuple[WorkloadEndpoint, ...]:
    """The full walk: every endpoint of either side, compared."""
    old, new = changes.old_workloads, changes.new_workloads
    return tuple(e for e in sorted(old.keys() | new.keys()) if old.get(e) != new.get(e))


@EXAMPLES
@given(cluster_pairs())
def test_the_changed_workloads_are_those_the_full_walk_finds_different(
    pair: tuple[Cluster, Cluster],
) -> None:
    old, new = pair
    shared = ChangeSet.between(old, new)  # unchanged workloads: the same objects
    copied = ChangeSet.between(old, copy.deepcopy(new))  # equal, never the same
    assert shared.changed_workloads == every_differing_workload(shared)
    assert copied.changed_workloads == every_differing_workload(copied)
