"""ChangeSet: what each object of a diff's two sides says differently, answered once."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.changes import ChangeKind, ChangeSet, SubjectChange
from netpoldiff.cluster import Cluster
from netpoldiff.errors import Location
from netpoldiff.model import Workload, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy
from tests.semantics.test_diff_properties import edited
from tests.semantics.test_oracle_equivalence import clusters
from tests.testing.builders import (
    TCP,
    UDP,
    endpoint,
    ip_block,
    named,
    namespace,
    pods,
    policy,
    port,
    rule,
    workload,
)
from tests.unit.test_policy_documents import reworded

WEB = policy(
    "shop/web",
    {"app": "web"},
    ingress=(
        rule(pods({"app": "api"}), ports=(port(TCP, 80), port(TCP, 443))),
        rule(ip_block("10.0.0.0/8")),
    ),
)


def policies(*found: NetworkPolicy) -> Cluster:
    return Cluster(policies=found)


@pytest.mark.parametrize(
    ("old", "new", "change"),
    [
        ((), (WEB,), "added"),
        ((WEB,), (), "removed"),
        ((WEB,), (WEB,), "unchanged"),
        ((WEB,), (dataclasses.replace(WEB, origin=Location("moved.yaml", 3, 1)),), "unchanged"),
        ((WEB,), (dataclasses.replace(WEB, ingress=WEB.ingress[::-1]),), "unchanged"),
        (
            (WEB,),
            (dataclasses.replace(WEB, ingress=(WEB.ingress[0], *WEB.ingress)),),
            "unchanged",
        ),
        ((WEB,), (dataclasses.replace(WEB, egress=(), affects_egress=True),), "modified"),
        ((WEB,), (dataclasses.replace(WEB, ingress=WEB.ingress[:1]),), "modified"),
    ],
    ids=[
        "added",
        "removed",
        "equal",
        "moved-to-another-file",
        "rules-reordered",
        "rule-repeated",
        "direction-added",
        "rule-removed",
    ],
)
def test_a_policy_s_change_in_meaning(
    old: tuple[NetworkPolicy, ...], new: tuple[NetworkPolicy, ...], change: ChangeKind
) -> None:
    changes = ChangeSet.between(policies(*old), policies(*new))
    assert changes.policy_change(WEB.ref) == change
    assert changes.policy_change(WEB.ref) == change  # asked again: the same answer


SWAPPED: dict[ChangeKind, ChangeKind] = {
    "added": "removed",
    "removed": "added",
    "modified": "modified",
    "unchanged": "unchanged",
}
EXAMPLES = settings(max_examples=100, deadline=None)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Cluster, Cluster]:
    old = draw(clusters())
    return old, draw(edited(old))


@EXAMPLES
@given(pairs())
def test_swapping_the_sides_swaps_added_and_removed_and_keeps_the_rest(
    pair: tuple[Cluster, Cluster],
) -> None:
    old, new = pair
    forth, back = ChangeSet.between(old, new), ChangeSet.between(new, old)
    refs = {p.ref for p in (*old.policies, *new.policies)}
    for ref in refs:
        assert back.policy_change(ref) == SWAPPED[forth.policy_change(ref)]
    assert {(r, SWAPPED[k]) for r, k in forth.changed_policies} == set(back.changed_policies)
    assert {new_: old_ for old_, new_ in forth.renames.items()} == back.renames
    assert forth.renamed == back.renamed
    assert {new_: old_ for old_, new_ in forth.workload_moves.items()} == back.workload_moves


@EXAMPLES
@given(st.data(), clusters())
def test_rewording_a_policy_changes_its_manifest_not_its_meaning(
    data: st.DataObject, cluster: Cluster
) -> None:
    rewritten = Cluster(
        cluster.namespaces,
        cluster.workloads,
        tuple(data.draw(reworded(p)) for p in cluster.policies),
    )
    changes = ChangeSet.between(cluster, rewritten)
    assert all(changes.policy_change(p.ref) == "unchanged" for p in cluster.policies)
    assert {kind for _ref, kind in changes.changed_policies} <= {"modified"}
    assert changes.renames == {}


def test_changed_policies_are_every_policy_whose_manifest_changed_by_name() -> None:
    reordered = dataclasses.replace(WEB, ingress=WEB.ingress[::-1])
    moved = dataclasses.replace(policy("shop/moved", ingress=()), origin=Location("b.yaml"))
    old = policies(WEB, policy("shop/moved", ingress=()), policy("bank/gone", ingress=()))
    new = policies(moved, reordered, policy("alpha/new", egress=()))
    assert ChangeSet.between(old, new).changed_policies == (
        (policy("alpha/new", egress=()).ref, "added"),
        (policy("bank/gone", ingress=()).ref, "removed"),
        (WEB.ref, "modified"),  # reordered: the same in meaning, not in its manifest
    )


def renamed(policy_: NetworkPolicy, spec: str) -> NetworkPolicy:
    return dataclasses.replace(policy_, ref=policy(spec, ingress=()).ref)


@pytest.mark.parametrize(
    ("old", "new", "renames"),
    [
        ((WEB,), (renamed(WEB, "shop/web-v2"),), {"shop/web-v2": "shop/web"}),
        ((WEB,), (renamed(WEB, "bank/web"),), {}),
        ((WEB,), (renamed(dataclasses.replace(WEB, ingress=()), "shop/web-v2"),), {}),
        (
            (WEB, renamed(WEB, "shop/web-copy")),
            (renamed(WEB, "shop/web-v2"),),
            {"shop/web-v2": "shop/web"},
        ),
        ((WEB,), (WEB, renamed(WEB, "shop/web-v2")), {}),
    ],
    ids=[
        "same-spec-new-name",
        "another-namespace-is-no-rename",
        "new-spec-is-no-rename",
        "one-new-name-takes-one-old",
        "a-copy-added-beside-the-original-is-no-rename",
    ],
)
def test_a_rename_is_an_added_policy_repeating_a_removed_one(
    old: tuple[NetworkPolicy, ...], new: tuple[NetworkPolicy, ...], renames: dict[str, str]
) -> None:
    changes = ChangeSet.between(policies(*old), policies(*new))
    assert {str(n): str(o) for n, o in changes.renames.items()} == renames
    assert {str(ref) for ref in changes.renamed} == {*renames, *renames.values()}


WEB_POD = workload("shop/web", {"app": "web"}, (named("http", 8080),))


def moved(spec: str, like: Workload = WEB_POD) -> Workload:
    """``like`` under another name, namespace or kind."""
    at = endpoint(spec)
    return dataclasses.replace(like, namespace=at.namespace, name=at.name, kind=at.kind)


@pytest.mark.parametrize(
    ("old", "new", "moves"),
    [
        ((WEB_POD,), (moved("shop/web-v2"),), {"shop/web-v2": "shop/web"}),
        ((WEB_POD,), (moved("store/web"),), {"store/web": "shop/web"}),
        ((WEB_POD,), (moved("store/front"),), {"store/front": "shop/web"}),
        ((WEB_POD,), (moved("shop/web[StatefulSet]"),), {}),
        ((WEB_POD,), (workload("shop/web-v2", {"app": "web", "v": "2"}, WEB_POD.ports),), {}),
        ((WEB_POD,), (workload("shop/web-v2", {"app": "web"}, (named("http", 9090),)),), {}),
        ((WEB_POD,), (WEB_POD, moved("shop/web-copy")), {}),
        (
            (WEB_POD, moved("shop/zz"), moved("bank/api")),
            (moved("shop/aa"), moved("store/web")),
            # store/web is web moved (the same name); shop/aa takes shop/zz (the same
            # namespace), though shop/web comes first.
            {"store/web": "shop/web", "shop/aa": "shop/zz"},
        ),
        (
            (moved("b/one"), moved("a/two")),
            (moved("c/x"), moved("d/y")),
            {"c/x": "a/two", "d/y": "b/one"},  # nothing alike but the pods: in order
        ),
    ],
    ids=[
        "renamed",
        "moved-to-another-namespace",
        "renamed-and-moved",
        "another-kind-is-no-move",
        "other-labels-are-no-move",
        "other-ports-are-no-move",
        "a-copy-beside-the-original-is-no-move",
        "same-name-then-same-namespace-first",
        "one-to-one-in-order",
    ],
)
def test_a_workload_move_is_an_added_workload_repeating_a_removed_one(
    old: tuple[Workload, ...], new: tuple[Workload, ...], moves: dict[str, str]
) -> None:
    changes = ChangeSet.between(Cluster(workloads=old), Cluster(workloads=new[::-1]))
    found = {
        f"{n.namespace}/{n.name}": f"{o.namespace}/{o.name}"
        for n, o in changes.workload_moves.items()
    }
    assert found == moves


OLD = Cluster(
    (namespace("shop", team="a"), namespace("bank", team="b")),
    (
        workload("shop/web", {"app": "web"}, (named("http", 8080),)),
        workload("shop/api", {"app": "api"}),
        workload("bank/db", {"app": "db"}, (named("sql", 5432),)),
        workload("bank/gone"),
    ),
)
NEW = Cluster(
    (namespace("shop", team="c"), namespace("bank", team="b"), namespace("new")),
    (
        workload("shop/web", {"app": "web"}, (named("http", 9090), named("dns", 53, UDP))),
        workload("shop/api", {"app": "api", "v": "2"}),
        workload("bank/db", {"app": "db"}, (named("sql", 5432),)),
        workload("new/added", {"app": "x"}),
    ),
)


@pytest.mark.parametrize(
    ("subject", "found"),
    [
        (
            endpoint("shop/web"),
            [
                SubjectChange(
                    endpoint("shop/web"),
                    "named ports",
                    (("http/TCP", "8080"),),
                    (("dns/UDP", "53"), ("http/TCP", "9090")),
                ),
            ],
        ),
        (
            endpoint("shop/api"),
            [
                SubjectChange(
                    endpoint("shop/api"),
                    "labels",
                    (("app", "api"),),
                    (("app", "api"), ("v", "2")),
                ),
            ],
        ),
        (endpoint("bank/db"), []),
        (endpoint("bank/gone"), [SubjectChange(endpoint("bank/gone"), "removed")]),
        (
            endpoint("new/added"),
            [SubjectChange(endpoint("new/added"), "added", (), (("app", "x"),))],
        ),
    ],
    ids=[
        "named-ports",
        "labels",
        "nothing",
        "removed",
        "added-in-a-new-namespace",
    ],
)
def test_what_changed_on_a_workload(subject: WorkloadEndpoint, found: list[SubjectChange]) -> None:
    assert ChangeSet.between(OLD, NEW).workload_changes(subject) == found
