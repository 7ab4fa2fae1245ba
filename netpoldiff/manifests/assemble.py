"""The objects of many documents into one Cluster: names unique, namespaces implied."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from netpoldiff.admin_policies import AdminPolicy
from netpoldiff.cluster import Cluster
from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.manifests.converted import Converted, ConvertedDocument, HostNetworkWorkload
from netpoldiff.model import (
    Namespace,
    ObjectRef,
    UnevaluatedPolicy,
    Workload,
    WorkloadEndpoint,
)
from netpoldiff.policies import NetworkPolicy
from netpoldiff.suppression import Annotated


@dataclass(slots=True)
class Assembly:
    """A cluster being put together from documents, each added whole or not at all."""

    namespaces: dict[str, Namespace] = field(default_factory=dict)
    workloads: dict[tuple[str, str, str], Workload | HostNetworkWorkload] = field(
        default_factory=dict
    )
    policies: dict[ObjectRef, NetworkPolicy] = field(default_factory=dict)
    admin_policies: dict[ObjectRef, AdminPolicy] = field(default_factory=dict)
    unevaluated: dict[ObjectRef, UnevaluatedPolicy] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    ignored: list[Annotated] = field(default_factory=list)

    def add_document(self, document: ConvertedDocument) -> None:
        """Add every object of a document, or none of them (and none of its warnings)."""
        converted = document.objects
        if len(converted) == 1:
            # Most documents hold one object: added or refused whole as it is, unstaged.
            self._add(converted[0], self)
        else:
            self._add_staged(converted)
        self.warnings.extend(document.warnings)
        self.ignored.extend(document.ignored)

    def _add_staged(self, converted: tuple[Converted, ...]) -> None:
        """Add the objects together: if one is refused, none of them is added."""
        staged = Assembly()
        for found in converted:
            staged._add(found, self)
        self.namespaces.update(staged.namespaces)
        self.workloads.update(staged.workloads)
        self.policies.update(staged.policies)
        self.admin_policies.update(staged.admin_policies)
        self.unevaluated.update(staged.unevaluated)

    def _add(self, found: Converted, parent: Assembly) -> None:
        """Add one converted object; a name taken here or in ``parent`` must hold the same one."""
        # The message of a name taken twice is written only then: most objects are added.
        if isinstance(found, Namespace):
            _put(self.namespaces, parent.namespaces, found.name, found, _namespace_twice)
        elif isinstance(found, NetworkPolicy):
            _put(self.policies, parent.policies, found.ref, found, _policy_twice)
        elif isinstance(found, AdminPolicy):
            _put(self.admin_policies, parent.admin_policies, found.ref, found, _kind_twice)
        elif isinstance(found, UnevaluatedPolicy):
            _put(self.unevaluated, parent.unevaluated, found.ref, found, _kind_twice)
        else:
            key = found.key if isinstance(found, HostNetworkWorkload) else _workload_key(found)
            _put(self.workloads, parent.workloads, key, found, _workload_twice)

    def cluster(self) -> Cluster:
        """The cluster of every document added, with the namespaces its objects imply."""
        namespaces = dict(self.namespaces)
        workloads = {k: w for k, w in self.workloads.items() if isinstance(w, Workload)}
        used = {w.namespace for w in workloads.values()}
        used.update(p.namespace for p in self.policies.values())
        for name in used - namespaces.keys():
            # A namespace that objects live in exists even without a manifest, with the one
            # label the API server gives every namespace.
            namespaces[name] = Namespace.implicit(name)
        left_out = sorted(k for k, w in self.workloads.items() if not isinstance(w, Workload))
        return Cluster(
            namespaces=tuple(namespaces[name] for name in sorted(namespaces)),
            workloads=tuple(workloads[key] for key in sorted(workloads)),
            policies=tuple(
                self.policies[key] for key in sorted(self.policies, key=ObjectRef.sort_key)
            ),
            unevaluated=tuple(
                self.unevaluated[key] for key in sorted(self.unevaluated, key=ObjectRef.sort_key)
            ),
            host_network=tuple(WorkloadEndpoint(ns, name, kind) for ns, kind, name in left_out),
            admin_policies=tuple(
                self.admin_policies[key]
                for key in sorted(self.admin_policies, key=ObjectRef.sort_key)
            ),
        )


_Key = TypeVar("_Key")
_Object = TypeVar("_Object", bound=Converted)


def _put(
    table: dict[_Key, _Object],
    parent: dict[_Key, _Object],
    key: _Key,
    found: _Object,
    twice: Callable[[_Key], str],
) -> None:
    """Put ``found`` under ``key``, unless the same object is there; another is an error."""
    earlier = table.get(key) or parent.get(key)
    if earlier is None:
        table[key] = found
    elif not _same_object(earlier, found):
        message = f"{twice(key)} (also at {earlier.origin})"
        raise InputError(found.origin or Location("?"), message)


def _namespace_twice(name: str) -> str:
    return f"Namespace {name} is defined twice with different labels"


def _policy_twice(ref: ObjectRef) -> str:
    return f"NetworkPolicy {ref} is defined twice"


def _kind_twice(ref: ObjectRef) -> str:
    return f"{ref.kind} {ref} is defined twice"


def _workload_twice(key: tuple[str, str, str]) -> str:
    namespace_name, kind, name = key
    return f"{namespace_name}/{name}[{kind}] is defined twice"


def _workload_key(found: Workload) -> tuple[str, str, str]:
    return (found.namespace, found.kind, found.name)


def _same_object(earlier: Converted, found: Converted) -> bool:
    """Whether two objects under one name are one object, wherever each is written.

    ``kubectl apply`` of an object the cluster already holds as written is a no-op (the patch
    it computes is empty), so the same object in two files is one object, kept where it is
    first written. A different object under the same name is refused: kubectl would keep
    whichever it applied last, so the result would hang on the order of the files.

    Model values compare by every field netpoldiff reads after the API server's defaulting,
    and never by where they are written (every ``origin`` is left out of equality), so two
    spellings of one object are the same and two objects that differ in anything netpoldiff
    reads are not. A hostNetwork placeholder holds nothing but its name: policies do not
    govern its pods, so nothing else of it counts.
    """
    if isinstance(earlier, HostNetworkWorkload) or isinstance(found, HostNetworkWorkload):
        return (
            isinstance(earlier, HostNetworkWorkload)
            and isinstance(found, HostNetworkWorkload)
            and earlier.key == found.key
        )
    return earlier == found
