"""Manifests: the files of a source to one validated, defaulted Cluster (the API server's part)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from netpoldiff.errors import InputError, InputWarning, Location
from netpoldiff.manifests.fields import Fields
from netpoldiff.manifests.policies import network_policy
from netpoldiff.manifests.workloads import TEMPLATE_PATHS, namespace, workload
from netpoldiff.manifests.yaml_docs import documents
from netpoldiff.model import Cluster, Namespace, NetworkPolicy, PolicyId, Workload
from netpoldiff.sources import SourceFile

# API groups each modelled kind is served from ("" is the core group). Same-named kinds of
# other groups (Calico's or Cilium's NetworkPolicy, say) are different objects: skipped.
_GROUPS: Final[Mapping[str, frozenset[str]]] = {
    "Namespace": frozenset({""}),
    "Pod": frozenset({""}),
    "ReplicationController": frozenset({""}),
    "Deployment": frozenset({"apps", "extensions"}),
    "StatefulSet": frozenset({"apps"}),
    "DaemonSet": frozenset({"apps", "extensions"}),
    "ReplicaSet": frozenset({"apps", "extensions"}),
    "Job": frozenset({"batch"}),
    "CronJob": frozenset({"batch"}),
    "NetworkPolicy": frozenset({"networking.k8s.io"}),
}
_NETWORK_POLICY_VERSION: Final = "networking.k8s.io/v1"


@dataclass(frozen=True, slots=True)
class Loaded:
    """The cluster a source describes, the warnings found, and the input skipped (keep-going)."""

    cluster: Cluster
    warnings: tuple[InputWarning, ...] = ()
    errors: tuple[InputError, ...] = ()


@dataclass(slots=True)
class _Collector:
    default_namespace: str
    namespaces: dict[str, Namespace] = field(default_factory=dict)
    workloads: dict[tuple[str, str, str], Workload] = field(default_factory=dict)
    policies: dict[PolicyId, NetworkPolicy] = field(default_factory=dict)
    warnings: list[InputWarning] = field(default_factory=list)

    def add_document(self, fields: Fields) -> None:
        for item in _expand_lists(fields):
            self.add_object(item)

    def add_object(self, fields: Fields) -> None:
        kind = _modelled_kind(fields)
        if kind is None:
            return
        metadata = fields.mapping("metadata")
        if metadata is None:
            raise fields.error("metadata", "is required")
        name = metadata.required_string("name")
        if not name:
            raise metadata.error("name", "must not be empty")
        if kind == "Namespace":
            self._add_namespace(namespace(fields, name))
            return
        object_namespace = metadata.string("namespace") or self.default_namespace
        if kind == "NetworkPolicy":
            policy_id = PolicyId(object_namespace, name)
            policy = network_policy(fields, policy_id, self.warnings)
            earlier = self.policies.get(policy_id)
            if earlier is not None:
                msg = f"NetworkPolicy {policy_id} is defined twice (also at {earlier.origin})"
                raise InputError(fields.where(), msg)
            self.policies[policy_id] = policy
            return
        found = workload(fields, kind, name, object_namespace, self.warnings)
        if found is None:
            return
        key = (object_namespace, kind, name)
        previous = self.workloads.get(key)
        if previous is not None:
            msg = f"{found.endpoint} is defined twice (also at {previous.origin})"
            raise InputError(fields.where(), msg)
        self.workloads[key] = found

    def _add_namespace(self, declared: Namespace) -> None:
        earlier = self.namespaces.get(declared.name)
        if earlier is not None and earlier.labels != declared.labels:
            msg = (
                f"Namespace {declared.name} is defined twice with different labels "
                f"(also at {earlier.origin})"
            )
            raise InputError(declared.origin or Location("?"), msg)
        if earlier is None:
            self.namespaces[declared.name] = declared

    def cluster(self) -> Cluster:
        namespaces = dict(self.namespaces)
        used = {w.namespace for w in self.workloads.values()}
        used.update(p.namespace for p in self.policies)
        for name in used - namespaces.keys():
            # A namespace that objects live in exists even without a manifest, with the one
            # label the API server gives every namespace.
            namespaces[name] = Namespace.implicit(name)
        return Cluster(
            namespaces=tuple(namespaces[name] for name in sorted(namespaces)),
            workloads=tuple(self.workloads[key] for key in sorted(self.workloads)),
            policies=tuple(self.policies[key] for key in sorted(self.policies)),
        )


def _modelled_kind(fields: Fields) -> str | None:
    """The kind of an object netpoldiff models, or None for anything else."""
    api_version = fields.get("apiVersion")
    kind = fields.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None  # not a Kubernetes object (or a fragment): not ours to judge
    if api_version.rpartition("/")[0] not in _GROUPS.get(kind, ()):
        return None
    if kind == "NetworkPolicy" and api_version != _NETWORK_POLICY_VERSION:
        return None
    return kind


def _expand_lists(fields: Fields) -> Iterator[Fields]:
    """The object, or the items of a ``List`` / ``<Kind>List`` (typed items may omit kind)."""
    kind = fields.get("kind")
    items = fields.get("items")
    if not (isinstance(kind, str) and kind.endswith("List") and isinstance(items, list)):
        yield fields
        return
    item_kind = kind.removesuffix("List")
    for item in fields.mappings("items") or ():
        if item_kind and not item.has("kind"):
            implied: dict[Any, Any] = {"apiVersion": fields.get("apiVersion"), "kind": item_kind}
            implied.update(item.data)
            item = Fields(implied, item.document, item.path)  # noqa: PLW2901 - the filled-in item
        yield from _expand_lists(item)


def load_cluster(
    files: Iterable[SourceFile], *, default_namespace: str = "default", keep_going: bool = False
) -> Loaded:
    """Read every document of every file into one Cluster.

    Without ``keep_going`` the first invalid input raises InputError. With it, a file that
    cannot be parsed, or a document that is invalid, is skipped and recorded in ``errors``.
    """
    collector = _Collector(default_namespace)
    errors: list[InputError] = []
    for source_file in files:
        try:
            parsed = list(documents(source_file.data, source_file.path))
        except InputError as error:
            if not keep_going:
                raise
            errors.append(error)
            continue
        for document in parsed:
            if not isinstance(document.content, Mapping):
                continue  # empty documents and non-objects are no manifests
            location = Location(source_file.path, document.index)
            try:
                collector.add_document(Fields(document.content, location, ""))
            except InputError as error:
                if not keep_going:
                    raise
                errors.append(error)
    return Loaded(collector.cluster(), tuple(collector.warnings), tuple(errors))


__all__ = ["TEMPLATE_PATHS", "Loaded", "load_cluster"]
