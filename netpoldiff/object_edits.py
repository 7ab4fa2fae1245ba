"""Every object the two sides of a diff declare differently, with its edits in manifest words.

One list for every format: JSON writes it as ``objects``, text and Markdown as their rows of
changed objects. An object is a policy (evaluated or not), a workload or a declared namespace;
a rename or a move is one entry, on the new name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from netpoldiff.admin_edits import describe_admin_edits
from netpoldiff.admin_policies import AdminPolicy
from netpoldiff.changes import ChangeSet
from netpoldiff.kinds import NAMESPACE
from netpoldiff.model import LabelPairs, ObjectRef, Workload
from netpoldiff.policies import NetworkPolicy
from netpoldiff.policy_edits import describe_policy_edits
from netpoldiff.reverts import ObjectChangeKind, workload_ref


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """One changed object: how it changed, what it was called before, and its edits."""

    ref: ObjectRef
    change: ObjectChangeKind
    edits: tuple[str, ...] = ()
    renamed_from: ObjectRef | None = None


def label_edits(before: LabelPairs, after: LabelPairs) -> list[str]:
    """``labels: app=a -> app=b``, ``labels: tier=web added``: one edit per key, by key."""
    old, new = dict(before), dict(after)
    edits = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        if was is None:
            edits.append(f"labels: {key}={now} added")
        elif now is None:
            edits.append(f"labels: {key}={was} removed")
        else:
            edits.append(f"labels: {key}={was} -> {key}={now}")
    return edits


def port_edits(before: Workload, after: Workload) -> list[str]:
    """``named port added: http TCP/8080``, ``named port http: TCP/8080 -> TCP/9090``.

    A named port is known by its name and protocol, which rules name; a port without a name
    only by its protocol and number.
    """
    old = {(name, protocol): number for name, protocol, number in before.named_ports()}
    new = {(name, protocol): number for name, protocol, number in after.named_ports()}
    edits = []
    for name, protocol in sorted(old.keys() | new.keys()):
        was, now = old.get((name, protocol)), new.get((name, protocol))
        if was == now:
            continue
        if was is None:
            edits.append(f"named port added: {name} {protocol}/{now}")
        elif now is None:
            edits.append(f"named port removed: {name} {protocol}/{was}")
        else:
            edits.append(f"named port {name}: {protocol}/{was} -> {protocol}/{now}")
    unnamed_old = {(p.protocol, p.number) for p in before.ports if p.name is None}
    unnamed_new = {(p.protocol, p.number) for p in after.ports if p.name is None}
    edits.extend(f"port added: {p}/{n}" for p, n in sorted(unnamed_new - unnamed_old))
    edits.extend(f"port removed: {p}/{n}" for p, n in sorted(unnamed_old - unnamed_new))
    return edits


def _policies(changes: ChangeSet) -> Iterator[ObjectChange]:
    renames = changes.renames
    renamed_from = set(renames.values())
    for ref, change in changes.changed_policies:
        if change == "modified":
            before, after = changes.old_policies[ref], changes.new_policies[ref]
            if isinstance(before, NetworkPolicy) and isinstance(after, NetworkPolicy):
                edits = describe_policy_edits(before, after)
            else:
                assert isinstance(before, AdminPolicy)  # noqa: S101 - a kind keeps its model
                assert isinstance(after, AdminPolicy)  # noqa: S101
                edits = describe_admin_edits(before, after)
            yield ObjectChange(ref, "modified", tuple(edits))
        elif change == "added" and ref in renames:
            yield ObjectChange(ref, "renamed", renamed_from=renames[ref])
        elif change == "added" or ref not in renamed_from:
            yield ObjectChange(ref, "added" if change == "added" else "removed")


def _workloads(changes: ChangeSet) -> Iterator[ObjectChange]:
    moves = changes.workload_moves
    moved_from = set(moves.values())
    old, new = changes.old_workloads, changes.new_workloads
    for endpoint in changes.changed_workloads:  # an unchanged workload has no edits
        before, after = old.get(endpoint), new.get(endpoint)
        ref = workload_ref(endpoint)
        if before is None and endpoint in moves:
            yield ObjectChange(ref, "renamed", renamed_from=workload_ref(moves[endpoint]))
        elif before is None:
            yield ObjectChange(ref, "added")
        elif after is None:
            if endpoint not in moved_from:
                yield ObjectChange(ref, "removed")
        elif edits := [*label_edits(before.labels, after.labels), *port_edits(before, after)]:
            yield ObjectChange(ref, "modified", tuple(edits))


def _namespaces(changes: ChangeSet) -> Iterator[ObjectChange]:
    """Declared namespaces: one that only holds objects is no object of its own."""
    for name in sorted(changes.old_declared | changes.new_declared):
        ref = ObjectRef(NAMESPACE, None, name)
        if name not in changes.old_declared:
            yield ObjectChange(ref, "added")
        elif name not in changes.new_declared:
            yield ObjectChange(ref, "removed")
        elif edits := label_edits(changes.old_namespaces[name], changes.new_namespaces[name]):
            yield ObjectChange(ref, "modified", tuple(edits))


def _unevaluated(changes: ChangeSet) -> Iterator[ObjectChange]:
    old, new = changes.old_unevaluated, changes.new_unevaluated
    for ref in old.keys() | new.keys():
        before, after = old.get(ref), new.get(ref)
        if before is None:
            yield ObjectChange(ref, "added")
        elif after is None:
            yield ObjectChange(ref, "removed")
        elif before != after:
            yield ObjectChange(ref, "modified")


def changed_objects(changes: ChangeSet) -> tuple[ObjectChange, ...]:
    """Every changed object of either side, by kind, namespace and name."""
    found = [
        *_policies(changes),
        *_workloads(changes),
        *_namespaces(changes),
        *_unevaluated(changes),
    ]
    return tuple(sorted(found, key=lambda entry: entry.ref.sort_key()))
