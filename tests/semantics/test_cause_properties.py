"""The causes of a diff's changed pairs meet their definition, on random clusters and edits.

A cause of a changed pair is a changed object such that NEW with that object alone reverted
to OLD gives the pair other connections; when no single object does, the causes are the
smallest set that does, each marked joint. Reverting is done here from the JSON causes and the
two clusters, and every state is answered by the naive oracle, which shares no code with the
evaluator or with the causes' own bookkeeping. Clusters hold NetworkPolicies, or admin policies
too, whose edits add, remove, re-prioritise, reorder rules, change an action, rename or
rewrite one in the other API version.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any, Final, TypeVar

import pytest
from hypothesis import given, settings

from netpoldiff.admin_documents import canonical_admin_document
from netpoldiff.admin_policies import (
    ADMIN_KINDS,
    ADMIN_NETWORK_POLICY,
    CLUSTER_NETWORK_POLICY,
    AdminPolicy,
    AnyPolicy,
)
from netpoldiff.cluster import Cluster
from netpoldiff.model import Endpoint, ExternalEndpoint, Namespace, Workload, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy
from netpoldiff.policy_documents import canonical_document
from netpoldiff.ports import NO_CONNECTIONS, ConnectionSet
from tests.semantics.admin_strategies import admin_cluster_pairs
from tests.semantics.oracle import Oracle
from tests.semantics.test_diff_properties import Diffed, cluster_pairs, json_key, key
from tests.testing.builders import (
    admin,
    admin_rule,
    cluster,
    in_namespaces,
    namespace,
    workload,
)

Identity = tuple[str, str | None, str]
"""(kind, namespace, name) of a changed object, as JSON names it."""

T = TypeVar("T")
SMALLEST_CHECKED: Final = 6  # pairs with more changed objects are checked for minimality no more


@dataclasses.dataclass(frozen=True)
class Sides:
    """OLD and NEW by object, so that any mixture of them can be built."""

    old: Cluster
    new: Cluster
    renamed: Mapping[Identity, Identity]  # a renamed policy's or moved workload's NEW -> OLD

    def changed(self) -> set[Identity]:
        """Every object whose two versions differ in meaning (a rename is one object)."""
        found: set[Identity] = set()
        old_policies, new_policies = _policies(self.old), _policies(self.new)
        for identity in old_policies.keys() | new_policies.keys():
            before, after = old_policies.get(identity), new_policies.get(identity)
            if before is None or after is None or _differ_in_meaning(before, after):
                found.add(identity)
        old_workloads, new_workloads = _workloads(self.old), _workloads(self.new)
        for identity in old_workloads.keys() | new_workloads.keys():
            if old_workloads.get(identity) != new_workloads.get(identity):
                found.add(identity)
        old_spaces, new_spaces = _namespaces(self.old), _namespaces(self.new)
        for identity in old_spaces.keys() & new_spaces.keys():
            if old_spaces[identity] != new_spaces[identity]:
                found.add(identity)
        # A rename or a move is one object, under NEW's name.
        return found - set(self.renamed.values())

    def reverted(self, objects: Iterable[Identity]) -> Cluster:
        """NEW with ``objects`` as OLD had them."""
        policies, workloads = _policies(self.new), _workloads(self.new)
        # Every namespace of either side: one matters only through its pods, and a reverted
        # workload may live in a namespace only OLD has.
        namespaces = {**_namespaces(self.old), **_namespaces(self.new)}
        old_policies, old_workloads = _policies(self.old), _workloads(self.old)
        old_spaces = _namespaces(self.old)
        for identity in objects:
            identities = [identity, *([self.renamed[identity]] if identity in self.renamed else [])]
            for each in identities:
                _take_back(policies, old_policies, each)
                _take_back(workloads, old_workloads, each)
                _take_back(namespaces, old_spaces, each)
        return Cluster(
            tuple(namespaces.values()),
            tuple(workloads.values()),
            tuple(p for p in policies.values() if isinstance(p, NetworkPolicy)),
            admin_policies=tuple(p for p in policies.values() if isinstance(p, AdminPolicy)),
        )


def _differ_in_meaning(before: AnyPolicy, after: AnyPolicy) -> bool:
    if isinstance(before, AdminPolicy) and isinstance(after, AdminPolicy):
        # Rules in order (the first match decides), each rule's peers and ports as sets.
        return canonical_admin_document(before) != canonical_admin_document(after)
    assert isinstance(before, NetworkPolicy)
    assert isinstance(after, NetworkPolicy)
    return canonical_document(before) != canonical_document(after)


def _take_back(new: dict[Identity, T], old: dict[Identity, T], identity: Identity) -> None:
    if identity in old:
        new[identity] = old[identity]
    else:
        new.pop(identity, None)


def _policies(cluster: Cluster) -> dict[Identity, AnyPolicy]:
    found: dict[Identity, AnyPolicy] = {
        ("NetworkPolicy", p.namespace, p.ref.name): p for p in cluster.policies
    }
    found.update(((p.ref.kind, None, p.ref.name), p) for p in cluster.admin_policies)
    return found


def _workloads(cluster: Cluster) -> dict[Identity, Workload]:
    return {(w.kind, w.namespace, w.name): w for w in cluster.workloads}


def _namespaces(cluster: Cluster) -> dict[Identity, Namespace]:
    return {("Namespace", None, n.name): n for n in cluster.namespaces}


def _endpoint(entry: Mapping[str, Any], atoms: Mapping[tuple[str, ...], Endpoint]) -> Endpoint:
    identity = json_key(entry)
    if identity[0] == "workload":
        return WorkloadEndpoint(identity[1], identity[3], identity[2])
    return atoms[identity]


def _connections(cluster: Cluster, src: Endpoint, dst: Endpoint) -> ConnectionSet:
    """What the oracle allows, nothing for an endpoint the cluster does not have."""
    present = {w.endpoint for w in cluster.workloads}
    for end in (src, dst):
        if isinstance(end, WorkloadEndpoint) and end not in present:
            return NO_CONNECTIONS
    return Oracle(cluster).connections(src, dst)


def _touching(
    changed: set[Identity], renamed: Mapping[Identity, Identity], src: Endpoint, dst: Endpoint
) -> set[Identity]:
    """The changed objects a pair could depend on: its ends, their namespaces, their policies.

    A moved end is both of its identities, in both of its namespaces. An admin policy is
    cluster-wide: it may touch any pair.
    """
    ends: set[Identity] = {
        (e.kind, e.namespace, e.name) for e in (src, dst) if isinstance(e, WorkloadEndpoint)
    }
    ends |= {new for new, old in renamed.items() if old in ends or new in ends}
    ends |= {renamed[end] for end in ends if end in renamed}
    spaces = {end[1] for end in ends if end[1] is not None}
    return {
        identity
        for identity in changed
        if identity in ends
        or (identity[0] == "Namespace" and identity[2] in spaces)
        or (identity[0] == "NetworkPolicy" and identity[1] in spaces)
        or identity[0] in ADMIN_KINDS
    }


@settings(max_examples=150, deadline=None)
@given(cluster_pairs())
def test_each_cause_reverted_alone_changes_its_pair_and_no_other_changed_object_does(
    pair: tuple[Cluster, Cluster],
) -> None:
    check_causes(*pair)


@settings(max_examples=150, deadline=None)
@given(admin_cluster_pairs())
def test_the_causes_meet_their_definition_with_admin_policies_edited_too(
    pair: tuple[Cluster, Cluster],
) -> None:
    check_causes(*pair)


def check_causes(old: Cluster, new: Cluster) -> None:
    """Every changed pair of the diff from ``old`` to ``new`` has the causes it should."""
    diffed = Diffed.of(old, new)
    document = diffed.document()
    renames: dict[Identity, Identity] = {
        (n.kind, n.namespace, n.name): (o.kind, o.namespace, o.name)
        for n, o in diffed.changes.renames.items()
    }
    # A moved workload is one object too, named as NEW names it; reverting it reverts both.
    renames.update(
        ((n.kind, n.namespace, n.name), (o.kind, o.namespace, o.name))
        for n, o in diffed.changes.workload_moves.items()
    )
    sides = Sides(old, new, renames)
    changed = sides.changed()
    atoms = {key(e): e for e in diffed.diff.endpoints if isinstance(e, ExternalEndpoint)}
    for entry in document["opened"] + document["closed"]:
        src, dst = _endpoint(entry["src"], atoms), _endpoint(entry["dst"], atoms)
        now = _connections(new, src, dst)
        causes = {(c["kind"], c["namespace"], c["name"]) for c in entry["causes"]}
        joint = any(c.get("joint") for c in entry["causes"])
        assert causes, f"{src} -> {dst}: no cause"
        assert causes <= changed, f"{src} -> {dst}: {causes - changed} did not change"
        alone = {
            identity
            for identity in changed
            if _connections(sides.reverted([identity]), src, dst) != now
        }
        if not joint:
            assert causes == alone, f"{src} -> {dst}: causes {causes}, by definition {alone}"
            continue
        assert not alone, f"{src} -> {dst}: joint causes, yet {alone} suffices alone"
        assert _connections(sides.reverted(causes), src, dst) != now
        touching = _touching(changed, renames, src, dst)
        assert causes <= touching
        if len(touching) <= SMALLEST_CHECKED:
            for size in range(2, len(causes)):
                for smaller in combinations(sorted(touching, key=str), size):
                    assert _connections(sides.reverted(smaller), src, dst) == now, (
                        f"{src} -> {dst}: {smaller} is a smaller set than {causes}"
                    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ((ADMIN_NETWORK_POLICY, "b-deny"), (ADMIN_NETWORK_POLICY, "d-deny")),
        ((ADMIN_NETWORK_POLICY, "b-deny"), (CLUSTER_NETWORK_POLICY, "b-deny")),
    ],
    ids=["renamed past the other", "rewritten as v1alpha2"],
)
def test_an_admin_policy_renamed_across_a_tie_of_priority_causes_what_it_reorders(
    before: tuple[str, str], after: tuple[str, str]
) -> None:
    # Kind, then name, order two policies of one priority: the same rules under another kind
    # or name are asked after the other policy now, and the flow it denied opens.
    def deny(kind: str, name: str) -> AdminPolicy:
        rule = admin_rule("deny", in_namespaces())
        return admin(name, 10, in_namespaces(team="back"), ingress=(rule,), kind=kind)

    allow_all = admin(
        "c-allow", 10, in_namespaces(team="back"), ingress=(admin_rule("allow", in_namespaces()),)
    )
    objects = (
        namespace("front", team="front"),
        namespace("back", team="back"),
        workload("front/web[Pod]"),
        workload("back/db[Pod]"),
        allow_all,
    )
    old, new = cluster(*objects, deny(*before)), cluster(*objects, deny(*after))
    check_causes(old, new)
    (flow,) = Diffed.of(old, new).document()["opened"]
    kind, name = after
    assert flow["causes"] == [{"kind": kind, "namespace": None, "name": name, "change": "renamed"}]
