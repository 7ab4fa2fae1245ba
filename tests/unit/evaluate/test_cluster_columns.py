"""cluster_columns: destinations decided alike share one column, worked out when first read."""

from __future__ import annotations

from netpoldiff.columns import Column, LazyColumn
from netpoldiff.evaluate.cluster_columns import ClusterColumns, ColumnKey
from netpoldiff.evaluate.states import State, Subjects
from netpoldiff.evaluate.tiers import DefaultAllow
from netpoldiff.evaluate.universe import Universe
from netpoldiff.model import Workload
from netpoldiff.ports import ALL_CONNECTIONS
from tests.testing.builders import cluster, workload


def _columns(*workloads: Workload) -> tuple[ClusterColumns, dict[ColumnKey, Column], Universe]:
    """The columns of a cluster with no policy: every tier lets everything through."""
    state_of = cluster(*workloads)
    universe = Universe.of([state_of])
    state = State.of(state_of, Subjects.of(state_of), universe.number)
    present = state.selection.all_workloads | universe.all_externals
    cache: dict[ColumnKey, Column] = {}
    run = ClusterColumns(
        state, present, universe.all_externals, cache, [DefaultAllow()], [DefaultAllow()]
    )
    return run, cache, universe


def test_destinations_decided_alike_share_one_column_worked_out_when_read() -> None:
    run, cache, universe = _columns(workload("x/web"), workload("x/api"))
    web, api = (universe.number[w.endpoint] for w in (workload("x/web"), workload("x/api")))
    first, second = run.column(web), run.column(api)
    assert first is second
    assert len(cache) == 1
    assert isinstance(first, LazyColumn)
    everyone = run.present
    assert dict(first) == {ALL_CONNECTIONS: everyone}


def test_a_bare_pod_is_left_out_of_its_own_column() -> None:
    pod = workload("x/solo[Pod]")
    run, _, universe = _columns(pod, workload("x/web"))
    position = universe.number[pod.endpoint]
    assert dict(run.column(position)) == {ALL_CONNECTIONS: run.present & ~(1 << position)}
