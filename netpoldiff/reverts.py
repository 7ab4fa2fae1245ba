"""The states between two clusters: NEW with some of its changed objects as OLD had them.

A changed object is the unit a reviewer reasons in and a rollout applies: one policy, one
workload, one namespace's labels. Causes ask "would this flow differ if that object had not
changed?" by evaluating NEW with the object reverted; a rollout plan walks the same states
from OLD to NEW.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

from netpoldiff.admin_policies import AdminPolicy, AnyPolicy
from netpoldiff.changes import ChangeSet, SubjectChange
from netpoldiff.cluster import Cluster
from netpoldiff.kinds import NAMESPACE
from netpoldiff.model import Namespace, ObjectRef, Workload, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy

ObjectChangeKind = Literal["added", "removed", "modified", "renamed"]
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class ChangedObject:
    """One object that differs between OLD and NEW in what it can do to reachability.

    ``ref`` is the name NEW gives it (OLD's when removed). ``fields`` name what changed on a
    workload or namespace (``labels``, ``ports``); ``details`` say how, for words. Reverting it
    takes back to OLD's version (or absence) every policy, workload and namespace listed in
    ``policies``, ``workloads`` and ``namespaces``.
    """

    ref: ObjectRef
    change: ObjectChangeKind
    fields: tuple[str, ...] = ()
    details: tuple[SubjectChange, ...] = ()
    policies: tuple[ObjectRef, ...] = ()
    workloads: tuple[WorkloadEndpoint, ...] = ()
    namespaces: tuple[str, ...] = ()
    # A moved workload's two endpoints, OLD's then NEW's: one object, whose flows move with it.
    moved: tuple[WorkloadEndpoint, WorkloadEndpoint] | None = None

    def __str__(self) -> str:
        return str(self.ref)


def workload_ref(endpoint: WorkloadEndpoint) -> ObjectRef:
    """The object reference of a workload."""
    return ObjectRef(endpoint.kind, endpoint.namespace, endpoint.name)


def changed_objects(changes: ChangeSet) -> tuple[ChangedObject, ...]:
    """Every object whose change can move a flow, in reference order.

    Left out: policies whose manifest changed but not their meaning, and renamed NetworkPolicies
    (the same rules under a new name in the same namespace: reverting one changes nothing). A
    renamed admin policy is one object, renamed: its kind and name order it among the policies
    of its priority. A workload moved (the same pods under another name or namespace) is one
    object, renamed.
    """
    found = list(_policy_objects(changes))
    moves = changes.workload_moves
    for new_endpoint, old_endpoint in moves.items():
        found.append(
            ChangedObject(
                workload_ref(new_endpoint),
                "renamed",
                workloads=(old_endpoint, new_endpoint),
                moved=(old_endpoint, new_endpoint),
            )
        )
    moved = {endpoint for pair in moves.items() for endpoint in pair}
    for endpoint in changes.changed_workloads:  # an unchanged workload has no details
        if endpoint in moved:
            continue
        details = tuple(changes.workload_changes(endpoint))
        if details:
            found.append(_subject_object(workload_ref(endpoint), details, workloads=(endpoint,)))
    for name in sorted(changes.old_namespaces.keys() & changes.new_namespaces.keys()):
        before, after = changes.old_namespaces[name], changes.new_namespaces[name]
        if before != after:
            detail = SubjectChange(name, "labels", before, after)
            ref = ObjectRef(NAMESPACE, None, name)
            found.append(_subject_object(ref, (detail,), namespaces=(name,)))
    return tuple(sorted(found, key=lambda o: o.ref.sort_key()))


def _policy_objects(changes: ChangeSet) -> Iterator[ChangedObject]:
    for policy, _ in changes.changed_policies:
        if policy in changes.renamed:
            before = changes.renames.get(policy)
            if before is not None and isinstance(changes.new_policies[policy], AdminPolicy):
                # Reverting it is NEW with the old name (and kind) back.
                yield ChangedObject(policy, "renamed", policies=(policy, before))
            continue
        kind = changes.policy_change(policy)
        if kind != "unchanged":
            yield ChangedObject(policy, kind, policies=(policy,))


def _subject_object(
    ref: ObjectRef,
    details: tuple[SubjectChange, ...],
    *,
    workloads: tuple[WorkloadEndpoint, ...] = (),
    namespaces: tuple[str, ...] = (),
) -> ChangedObject:
    kinds = {detail.kind for detail in details}
    change: ObjectChangeKind = (
        "added" if "added" in kinds else "removed" if "removed" in kinds else "modified"
    )
    fields = tuple(
        field for field, kind in (("labels", "labels"), ("ports", "named ports")) if kind in kinds
    )
    return ChangedObject(ref, change, fields, details, workloads=workloads, namespaces=namespaces)


def reverted(
    changes: ChangeSet,
    objects: Iterable[ChangedObject],
    within: Iterable[WorkloadEndpoint] | None = None,
) -> Cluster:
    """NEW with ``objects`` as OLD had them.

    With ``within``, only those workloads (in their reverted versions, where they exist) and
    the policies of their namespaces: a pair's connections depend on its two endpoints, their
    namespaces and the policies there, so such a cluster answers exactly for pairs among them.
    """
    policies = dict(changes.new_policies)
    workloads = dict(changes.new_workloads)
    # Namespaces only OLD has stay: a namespace matters only through its pods, and a state
    # may still run pods that NEW deletes with their namespace.
    namespaces = {**changes.old_namespaces, **changes.new_namespaces}
    for changed in objects:
        _take_back(policies, changes.old_policies, changed.policies)
        _take_back(workloads, changes.old_workloads, changed.workloads)
        _take_back(namespaces, changes.old_namespaces, changed.namespaces)
    if within is not None:
        kept = set(within)
        workloads = {endpoint: w for endpoint, w in workloads.items() if endpoint in kept}
        labels: dict[str, list[dict[str, str]]] = defaultdict(list)
        for endpoint, workload in workloads.items():
            labels[endpoint.namespace].append(dict(workload.labels))
        # A NetworkPolicy decides only for the pods it selects: one selecting none of these
        # workloads decides no pair among them. Admin policies are cluster-wide: all stay.
        policies = {
            ref: p
            for ref, p in policies.items()
            if p.namespace is None or _selects_one(p, labels.get(p.namespace, ()))
        }
    # In NEW's order, the reverted ones after: evaluating is the same in any order (sorting
    # ten thousand workloads for each state of a plan is what would cost).
    return with_policies(
        policies.values(),
        tuple(Namespace(name, labels) for name, labels in namespaces.items()),
        tuple(workloads.values()),
    )


def _selects_one(policy: NetworkPolicy, labels: Iterable[Mapping[str, str]]) -> bool:
    return any(policy.pod_selector.matches(each) for each in labels)


def with_policies(
    policies: Iterable[AnyPolicy],
    namespaces: tuple[Namespace, ...] = (),
    workloads: tuple[Workload, ...] = (),
) -> Cluster:
    """A cluster of these policies of any kind, and these namespaces and workloads."""
    policies = list(policies)
    return Cluster(
        namespaces,
        workloads,
        tuple(p for p in policies if isinstance(p, NetworkPolicy)),
        admin_policies=tuple(p for p in policies if isinstance(p, AdminPolicy)),
    )


def _take_back(new: dict[K, V], old: dict[K, V], keys: Iterable[K]) -> None:
    for key in keys:
        if key in old:
            new[key] = old[key]
        else:
            new.pop(key, None)
