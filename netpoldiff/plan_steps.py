"""The steps of a rollout: each changed object applied as NEW has it, or deleted.

A step knows what not applying it takes back (one policy, workload or namespace), the file
that holds it, and, for a policy applied in two steps, the widened version applied first.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

from netpoldiff.changes import ChangeSet
from netpoldiff.errors import Location
from netpoldiff.kinds import NAMESPACE
from netpoldiff.model import ObjectRef
from netpoldiff.policies import NetworkPolicy
from netpoldiff.policy_documents import policy_document
from netpoldiff.reverts import ChangedObject, workload_ref

Action = Literal["apply", "delete"]


@dataclass(frozen=True, slots=True)
class Step:
    """One object applied (as NEW has it) or deleted (OLD has it, NEW does not)."""

    action: Action
    ref: ObjectRef
    # What not applying this step takes back: one policy, workload or namespace.
    unit: ChangedObject = field(compare=False)
    origin: Location | None = field(default=None, compare=False)
    # A policy applied first as this version (OLD's and NEW's rules together), NEW's later.
    intermediate: NetworkPolicy | None = field(default=None, compare=False)


def intermediate_manifest(step: Step) -> dict[str, object] | None:
    """The widened policy a step applies (OLD's and NEW's rules together), as a manifest."""
    policy = step.intermediate
    if policy is None:
        return None
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": policy.ref.name, "namespace": policy.ref.namespace},
        "spec": policy_document(policy),
    }


def plan_steps(changes: ChangeSet) -> list[Step]:
    """Every object that differs between OLD and NEW as one step, by kind, namespace, name.

    Renamed policies and moved workloads are two steps (the new name applied, the old one
    deleted): an order must also say which comes first.
    """
    steps: list[Step] = []
    for ref, kind in changes.changed_policies:
        before, after = changes.old_policies.get(ref), changes.new_policies.get(ref)
        unit = ChangedObject(ref, "removed" if kind == "removed" else "modified", policies=(ref,))
        if after is None:
            steps.append(Step("delete", ref, unit, before.origin if before else None))
        else:
            steps.append(Step("apply", ref, unit, after.origin))
    for endpoint in changes.changed_workloads:
        was, now = changes.old_workloads.get(endpoint), changes.new_workloads.get(endpoint)
        unit = ChangedObject(workload_ref(endpoint), "modified", workloads=(endpoint,))
        if now is None:
            origin = was.origin if was else None
            steps.append(Step("delete", workload_ref(endpoint), unit, origin))
        else:
            steps.append(Step("apply", workload_ref(endpoint), unit, now.origin))
    for name in sorted(changes.old_namespaces.keys() & changes.new_namespaces.keys()):
        if changes.old_namespaces[name] != changes.new_namespaces[name]:
            ref = ObjectRef(NAMESPACE, None, name)
            unit = ChangedObject(ref, "modified", namespaces=(name,))
            steps.append(Step("apply", ref, unit, changes.namespace_origin(name)))
    return steps


def widened(before: NetworkPolicy, after: NetworkPolicy) -> NetworkPolicy | None:
    """NEW's policy with OLD's rules kept beside its own, when that allows what both allow.

    Only for a policy that keeps whom it selects and which directions it isolates: then the
    version with both sets of rules allows exactly what either allows, for its subjects.
    None when that version would be OLD's or NEW's own.
    """
    if (before.pod_selector, before.affects_ingress, before.affects_egress) != (
        after.pod_selector,
        after.affects_ingress,
        after.affects_egress,
    ):
        return None
    ingress = before.ingress + tuple(r for r in after.ingress if r not in before.ingress)
    egress = before.egress + tuple(r for r in after.egress if r not in before.egress)
    if set(ingress) in (set(before.ingress), set(after.ingress)) and set(egress) in (
        set(before.egress),
        set(after.egress),
    ):
        return None
    return dataclasses.replace(after, ingress=ingress, egress=egress)
