"""What the two sides of a diff declare differently, object by object, as data.

Every question of the kind "did this object change, and how" is answered here, once per diff:
a policy's change in meaning and in its manifest, renames and moves, and what changed on a
workload or a namespace. Reports put it in words (object_edits.py, report/words.py).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from netpoldiff.admin_documents import admin_document, canonical_admin_document
from netpoldiff.admin_policies import AdminPolicy, AnyPolicy
from netpoldiff.cluster import Cluster
from netpoldiff.errors import Location
from netpoldiff.model import (
    ContainerPort,
    LabelPairs,
    ObjectRef,
    UnevaluatedPolicy,
    Workload,
    WorkloadEndpoint,
)
from netpoldiff.policy_documents import canonical_document, policy_document

ChangeKind = Literal["added", "removed", "modified", "unchanged"]
SubjectChangeKind = Literal["added", "removed", "labels", "named ports"]


@dataclass(frozen=True, slots=True)
class SubjectChange:
    """A change outside the policies that can move a flow: to a workload or a namespace.

    ``subject`` is the workload, or the name of the namespace. ``before`` and ``after`` are
    the labels (or, for named ports, ``name/protocol`` -> number) on each side.
    """

    subject: WorkloadEndpoint | str
    kind: SubjectChangeKind
    before: LabelPairs = ()
    after: LabelPairs = ()


@dataclass(frozen=True)
class ChangeSet:
    """Everything the two sides of a diff declare differently, by object."""

    old_policies: dict[ObjectRef, AnyPolicy]  # NetworkPolicies and admin policies
    new_policies: dict[ObjectRef, AnyPolicy]
    old_workloads: dict[WorkloadEndpoint, Workload]
    new_workloads: dict[WorkloadEndpoint, Workload]
    old_namespaces: dict[str, LabelPairs]
    new_namespaces: dict[str, LabelPairs]
    # The namespaces a manifest declares (the others exist because objects live in them).
    old_declared: frozenset[str] = frozenset()
    new_declared: frozenset[str] = frozenset()
    old_unevaluated: dict[ObjectRef, UnevaluatedPolicy] = field(default_factory=dict)
    new_unevaluated: dict[ObjectRef, UnevaluatedPolicy] = field(default_factory=dict)
    # Where NEW declares each namespace: a rollout step applies that file.
    namespace_origins: dict[str, Location] = field(default_factory=dict, compare=False)
    # Each policy's change in meaning, judged once (a report asks once per changed flow, and
    # judging compares whole policies: one may hold thousands of peers).
    _policy_changes: dict[ObjectRef, ChangeKind] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def between(cls, old: Cluster, new: Cluster) -> ChangeSet:
        """The per-object changes from ``old`` to ``new``."""
        return cls(
            _by_ref(old),
            _by_ref(new),
            {w.endpoint: w for w in old.workloads},
            {w.endpoint: w for w in new.workloads},
            old.namespace_labels(),
            new.namespace_labels(),
            frozenset(n.name for n in old.namespaces if n.origin is not None),
            frozenset(n.name for n in new.namespaces if n.origin is not None),
            {p.ref: p for p in old.unevaluated},
            {p.ref: p for p in new.unevaluated},
            {n.name: n.origin for n in new.namespaces if n.origin is not None},
        )

    def namespace_origin(self, name: str) -> Location | None:
        """Where NEW declares namespace ``name`` (None when only implied by its objects)."""
        return self.namespace_origins.get(name)

    def policy_change(self, policy: ObjectRef) -> ChangeKind:
        """How one policy changed in meaning: reordered or repeated rules are unchanged."""
        known = self._policy_changes.get(policy)
        if known is not None:
            return known
        before, after = self.old_policies.get(policy), self.new_policies.get(policy)
        change: ChangeKind
        if before is None:
            change = "added"
        elif after is None:
            change = "removed"
        elif before == after or meaning(before) == meaning(after):
            change = "unchanged"
        else:
            change = "modified"
        self._policy_changes[policy] = change
        return change

    @cached_property
    def changed_policies(self) -> tuple[tuple[ObjectRef, ChangeKind], ...]:
        """Every policy whose manifest changed (even if not in meaning), by namespace and name.

        Only those are sorted, and a policy that a file left alone is the same object on both
        sides: sorting and comparing every policy of a large cluster took a second.
        """
        old, new = self.old_policies, self.new_policies
        found: list[tuple[ObjectRef, ChangeKind]] = []
        for policy, after in new.items():
            before = old.get(policy)
            if before is None:
                found.append((policy, "added"))
            elif before is not after and before != after:
                found.append((policy, "modified"))
        found.extend((policy, "removed") for policy in old if policy not in new)
        return tuple(sorted(found, key=_by_policy))

    @cached_property
    def renames(self) -> dict[ObjectRef, ObjectRef]:
        """Added policies that repeat a removed one of the same namespace: new ref -> old ref."""
        removed = {
            policy: document(self.old_policies[policy])
            for policy, kind in self.changed_policies
            if kind == "removed"
        }
        renamed: dict[ObjectRef, ObjectRef] = {}
        for policy, kind in self.changed_policies:
            if kind != "added":
                continue
            written = document(self.new_policies[policy])
            for old_ref, old_document in removed.items():
                if old_ref.namespace == policy.namespace and old_document == written:
                    renamed[policy] = old_ref
                    del removed[old_ref]
                    break
        return renamed

    @cached_property
    def renamed(self) -> frozenset[ObjectRef]:
        """Both names of every renamed policy."""
        return frozenset(ref for pair in self.renames.items() for ref in pair)

    @cached_property
    def changed_workloads(self) -> tuple[WorkloadEndpoint, ...]:
        """Every workload that differs between the sides (added and removed too), in order.

        The others are the same on both sides, with nothing to report or revert. A file that
        did not change gives both sides the same objects, so most are told apart by identity.
        """
        old, new = self.old_workloads, self.new_workloads
        found = [e for e, after in new.items() if (b := old.get(e)) is not after and b != after]
        found.extend(endpoint for endpoint in old if endpoint not in new)
        return tuple(sorted(found))

    @cached_property
    def workload_moves(self) -> dict[WorkloadEndpoint, WorkloadEndpoint]:
        """Added workloads that repeat a removed one elsewhere: new endpoint -> old endpoint.

        A workload repeats another when both have the same kind, pod labels and container
        ports: no policy can tell them apart but by name and namespace, so the one was renamed
        or moved to another namespace. Each old workload is taken once. Among several, the
        same name is taken first (a move), then the same namespace (a rename), then the first
        in order, so the answer does not depend on the order of the manifests.
        """
        # Among the changed ones (in order), not every workload of both sides.
        removed = [e for e in self.changed_workloads if e not in self.new_workloads]
        added = [e for e in self.changed_workloads if e not in self.old_workloads]
        if not removed or not added:
            return {}
        old_pods = {e: _pod_template(self.old_workloads[e]) for e in removed}
        new_pods = {e: _pod_template(self.new_workloads[e]) for e in added}
        moves: dict[WorkloadEndpoint, WorkloadEndpoint] = {}
        taken: set[WorkloadEndpoint] = set()
        for alike in (_same_name, _same_namespace, _anywhere):
            candidates: dict[object, deque[WorkloadEndpoint]] = defaultdict(deque)
            for endpoint in removed:
                if endpoint not in taken:
                    candidates[old_pods[endpoint], alike(endpoint)].append(endpoint)
            for endpoint in added:
                found = candidates.get((new_pods[endpoint], alike(endpoint)))
                if found and endpoint not in moves:
                    moves[endpoint] = found.popleft()
                    taken.add(moves[endpoint])
        return dict(sorted(moves.items()))

    def workload_changes(self, endpoint: WorkloadEndpoint) -> list[SubjectChange]:
        """What changed on one workload: added, removed, labels, named ports (or nothing)."""
        before = self.old_workloads.get(endpoint)
        after = self.new_workloads.get(endpoint)
        if before is None and after is not None:
            return [SubjectChange(endpoint, "added", (), after.labels)]
        if after is None or before is None:
            return [SubjectChange(endpoint, "removed")]
        found = []
        if before.labels != after.labels:
            found.append(SubjectChange(endpoint, "labels", before.labels, after.labels))
        if before.named_ports() != after.named_ports():
            found.append(SubjectChange(endpoint, "named ports", _ports(before), _ports(after)))
        return found


def _by_policy(change: tuple[ObjectRef, ChangeKind]) -> tuple[str, str, str]:
    return change[0].sort_key()


def _by_ref(cluster: Cluster) -> dict[ObjectRef, AnyPolicy]:
    found: dict[ObjectRef, AnyPolicy] = {p.ref: p for p in cluster.policies}
    found.update((p.ref, p) for p in cluster.admin_policies)
    return found


def document(policy: AnyPolicy) -> dict[str, object]:
    """A policy of any kind as its manifest says it (the spec after defaulting)."""
    if isinstance(policy, AdminPolicy):
        return admin_document(policy)
    return policy_document(policy)


def meaning(policy: AnyPolicy) -> dict[str, object]:
    """What a policy of any kind says, in a form where equal means the same."""
    if isinstance(policy, AdminPolicy):
        return canonical_admin_document(policy)
    return canonical_document(policy)


def _pod_template(workload: Workload) -> tuple[str, LabelPairs, frozenset[ContainerPort]]:
    """What policies can see of a workload's pods, apart from where they live."""
    return (workload.kind, workload.labels, frozenset(workload.ports))


def _same_name(endpoint: WorkloadEndpoint) -> str:
    return endpoint.name


def _same_namespace(endpoint: WorkloadEndpoint) -> str:
    return endpoint.namespace


def _anywhere(_endpoint: WorkloadEndpoint) -> str:
    return ""


def _ports(workload: Workload) -> LabelPairs:
    return tuple((f"{n}/{p}", str(number)) for n, p, number in workload.named_ports())
