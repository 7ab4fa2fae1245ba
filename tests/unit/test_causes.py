"""CauseIndex: the policies deciding a pair or a group, and what changed around them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.bitsets import iter_bits, mask_of
from netpoldiff.causes import Cause, CauseIndex, cause_order
from netpoldiff.changes import ChangeSet, SubjectChange
from netpoldiff.cluster import Cluster
from netpoldiff.diff import diff_matrices
from netpoldiff.evaluate import evaluate_pair
from netpoldiff.model import Endpoint, ObjectRef, WorkloadEndpoint
from tests.semantics.test_diff_properties import edited
from tests.semantics.test_oracle_equivalence import clusters
from tests.testing.builders import endpoint, namespace, pods, policy, rule, workload


def index_of(old: Cluster, new: Cluster) -> CauseIndex:
    return CauseIndex(diff_matrices(*evaluate_pair(old, new)), ChangeSet.between(old, new))


def ref(spec: str) -> ObjectRef:
    namespace_name, _, name = spec.partition("/")
    return ObjectRef.network_policy(namespace_name, name)


def test_causes_are_ordered_modified_added_removed_unchanged_then_by_name() -> None:
    causes = [
        Cause(ref("a/same"), "unchanged"),
        Cause(ref("b/new"), "added"),
        Cause(ref("a/new"), "added"),
        Cause(ref("z/edited"), "modified"),
        Cause(ref("a/gone"), "removed"),
        Cause(ObjectRef("AdminNetworkPolicy", None, "admin"), "added"),
    ]
    assert [str(c.policy) for c in sorted(causes, key=cause_order)] == [
        "z/edited",
        "admin",
        "a/new",
        "b/new",
        "a/gone",
        "a/same",
    ]


# web may reach api; old isolates api's ingress, new also isolates web's egress.
WORKLOADS = (
    workload("shop/web", {"app": "web"}),
    workload("shop/api", {"app": "api"}),
    workload("shop/db", {"app": "db"}),
)
API_IN = policy("shop/api-in", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
WEB_OUT = policy("shop/web-out", {"app": "web"}, egress=(rule(pods({"app": "db"})),))
DB_IN = policy("shop/db-in", {"app": "db"}, ingress=())
OLD = Cluster((namespace("shop"),), WORKLOADS, (API_IN, DB_IN))
NEW = Cluster((namespace("shop", team="a"),), WORKLOADS, (API_IN, WEB_OUT))


def number(index: CauseIndex, spec: str) -> int:
    return index.diff.endpoints.index(endpoint(spec))


def test_a_pair_is_decided_by_its_source_s_egress_and_its_destination_s_ingress() -> None:
    index = index_of(OLD, NEW)
    web, api, db = (number(index, f"shop/{n}") for n in ("web", "api", "db"))
    assert index.pair_causes(web, api) == (
        Cause(WEB_OUT.ref, "added"),
        Cause(API_IN.ref, "unchanged"),
    )
    assert index.pair_causes(web, db) == (Cause(WEB_OUT.ref, "added"), Cause(DB_IN.ref, "removed"))
    assert index.pair_causes(api, web) == ()
    assert index.deciding(1 << db, ()) == set()


def test_a_group_is_decided_by_what_decides_any_of_its_pairs() -> None:
    index = index_of(OLD, NEW)
    web, api, db = (number(index, f"shop/{n}") for n in ("web", "api", "db"))
    assert index.causes(1 << web | 1 << api, (api, db)) == (
        Cause(WEB_OUT.ref, "added"),
        Cause(DB_IN.ref, "removed"),
        Cause(API_IN.ref, "unchanged"),
    )


def test_what_changed_around_a_group_is_told_once() -> None:
    index = index_of(OLD, NEW)
    web, api, db = (number(index, f"shop/{n}") for n in ("web", "api", "db"))
    found = list(index.subject_changes(1 << web | 1 << api, (db, api)))
    (only,) = found
    assert isinstance(only, SubjectChange)
    assert (only.subject, only.kind) == ("shop", "labels")


EXAMPLES = settings(max_examples=75, deadline=None)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Cluster, Cluster]:
    old = draw(clusters())
    return old, draw(edited(old))


def selecting(cluster: Cluster, at: Endpoint, *, ingress: bool) -> set[ObjectRef]:
    """The policies of one side selecting a workload for one direction, naively."""
    if not isinstance(at, WorkloadEndpoint):
        return set()
    found = [w for w in cluster.workloads if w.endpoint == at]
    if not found:
        return set()
    (workload_,) = found
    return {
        p.ref
        for p in cluster.policies
        if (p.affects_ingress if ingress else p.affects_egress)
        and p.namespace == workload_.namespace
        and p.pod_selector.matches(dict(workload_.labels))
    }


@EXAMPLES
@given(pairs())
def test_a_pair_s_causes_are_the_policies_selecting_either_end_on_either_side(
    pair: tuple[Cluster, Cluster],
) -> None:
    old, new = pair
    index = index_of(old, new)
    endpoints = index.diff.endpoints
    for src, source in enumerate(endpoints):
        for dst, destination in enumerate(endpoints):
            expected: set[ObjectRef] = set()
            for side in (old, new):
                expected |= selecting(side, source, ingress=False)
                expected |= selecting(side, destination, ingress=True)
            causes = index.pair_causes(src, dst)
            assert {c.policy for c in causes} == expected
            assert all(c.change == index.changes.policy_change(c.policy) for c in causes)
            assert list(causes) == sorted(causes, key=cause_order)


@EXAMPLES
@given(pairs(), st.data())
def test_a_group_answered_class_by_class_equals_its_pairs_answered_one_by_one(
    pair: tuple[Cluster, Cluster], data: st.DataObject
) -> None:
    index = index_of(*pair)
    size = len(index.diff.endpoints)
    every = range(size)
    sources = mask_of(data.draw(st.sets(st.sampled_from(every), min_size=1)))
    destinations = sorted(data.draw(st.sets(st.sampled_from(every), min_size=1)))
    expected: set[Cause] = set()
    for src in iter_bits(sources):
        for dst in destinations:
            expected.update(index.pair_causes(src, dst))
    assert index.causes(sources, destinations) == tuple(sorted(expected, key=cause_order))
    changes = {
        change
        for src in iter_bits(sources)
        for dst in destinations
        for change in index.subject_changes(1 << src, (dst,))
    }
    listed = list(index.subject_changes(sources, destinations))
    assert len(listed) == len(set(listed))
    assert set(listed) == changes


@pytest.mark.parametrize("spec", ["shop/web", "shop/api"], ids=str)
def test_a_pair_nobody_selects_has_no_cause(spec: str) -> None:
    index = index_of(
        Cluster((namespace("shop"),), WORKLOADS), Cluster((namespace("shop"),), WORKLOADS)
    )
    here = number(index, spec)
    assert index.pair_causes(here, here) == ()
