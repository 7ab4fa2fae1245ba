"""States: one derived from another where a few workloads changed is the state built afresh."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.bitsets import mask_of
from netpoldiff.cluster import Cluster
from netpoldiff.evaluate.states import State, Subjects
from netpoldiff.evaluate.universe import Universe
from netpoldiff.selectors import LabelSelector
from tests.semantics.test_diff_properties import edited
from tests.semantics.test_oracle_equivalence import clusters, namespace_selectors, pod_selectors
from tests.testing.builders import cluster, namespace, workload

EXAMPLES = settings(max_examples=150, deadline=None)
WORKLOAD_EDITS = (
    "relabel-workload",
    "re-port-workload",
    "remove-workload",
    "add-workload",
    "re-kind-workload",
    "move-workload",
    "relabel-namespace",
)


@st.composite
def derivations(draw: st.DrawFn) -> tuple[Cluster, Cluster]:
    before = draw(clusters())
    return before, draw(edited(before, WORKLOAD_EDITS))


@EXAMPLES
@given(
    derivations(), st.lists(pod_selectors, max_size=4), st.lists(namespace_selectors, max_size=3)
)
def test_a_derived_state_is_the_state_built_afresh(
    pair: tuple[Cluster, Cluster],
    pods: list[LabelSelector],
    namespaces: list[LabelSelector],
) -> None:
    before, after = pair
    number = Universe.of([before, after]).number
    base = State.of(before, Subjects.of(before), number)
    for selector in pods:  # answers kept before the change: updated, not asked again
        base.selection.pods(selector)
    for selector in namespaces:
        base.selection.in_namespaces(selector)
    derived = base.derived(after, Subjects.of(after), number)
    fresh = State.of(after, Subjects.of(after), number)
    assert derived is not None
    assert derived.base is base
    assert (derived.workload_at, derived.port_maps) == (fresh.workload_at, fresh.port_maps)
    mine, theirs = derived.selection, fresh.selection
    assert (mine.by_pair, mine.by_key, mine.by_namespace) == (
        theirs.by_pair,
        theirs.by_key,
        theirs.by_namespace,
    )
    assert mine.all_workloads == theirs.all_workloads
    assert [mine.pods(s) for s in pods] == [theirs.pods(s) for s in pods]
    assert [mine.in_namespaces(s) for s in namespaces] == [
        theirs.in_namespaces(s) for s in namespaces
    ]
    changed = {number[w.endpoint] for w in set(before.workloads) ^ set(after.workloads)}
    assert derived.touched == mask_of(changed)


def test_a_state_that_differs_in_most_workloads_is_built_afresh() -> None:
    many = [workload(f"a/w{i}", {"app": "x"}) for i in range(200)]
    before = cluster(namespace("a"), *many)
    after = cluster(namespace("a"), *[workload(f"a/v{i}", {"app": "x"}) for i in range(200)])
    one_more = cluster(namespace("a"), *many, workload("a/extra"))
    number = Universe.of([before, after, one_more]).number
    base = State.of(before, Subjects.of(before), number)
    assert base.derived(after, Subjects.of(after), number) is None
    assert base.derived(one_more, Subjects.of(one_more), number) is not None
