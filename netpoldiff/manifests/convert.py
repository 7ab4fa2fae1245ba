"""One document's objects, converted and validated as the API server would (no cluster yet)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from netpoldiff.admin_policies import AdminPolicy
from netpoldiff.diagnostics import KIND_NOT_EVALUATED, Diagnostic
from netpoldiff.kinds import (
    GENERIC_TEMPLATE,
    NAMESPACE,
    NETWORK_POLICY,
    Declared,
    Kind,
    PolicyKind,
    modelled_kind,
    policy_kind_not_evaluated,
    qualified_kind,
)
from netpoldiff.manifests.admin_policies import admin_kind, admin_policy
from netpoldiff.manifests.converted import Converted, ConvertedDocument, HostNetworkWorkload
from netpoldiff.manifests.fields import Fields, object_name, with_defaults
from netpoldiff.manifests.ignore_annotation import ignore_annotation
from netpoldiff.manifests.operated import operated_workload
from netpoldiff.manifests.policies import network_policy
from netpoldiff.manifests.workloads import namespace, workload
from netpoldiff.model import ObjectRef, UnevaluatedPolicy
from netpoldiff.suppression import Annotated


def convert_document(
    fields: Fields, default_namespace: str, declared: Declared = ()
) -> ConvertedDocument:
    """The objects of one document and the warnings found in them; raises InputError.

    Objects that name no namespace are in ``default_namespace``; ``declared`` kinds are the
    user's (looked up before the table of kinds).
    """
    warnings: list[Diagnostic] = []
    converted: list[Converted] = []
    ignored: list[Annotated] = []
    items = list(_expand_lists(fields))
    whole = len(items) == 1 and items[0] is fields
    for index, item in enumerate(items):
        found = _convert(item, default_namespace, declared, warnings)
        if found is None:
            continue
        converted.append(found)
        # The items of a List share a document: each holds the lines up to the next one's.
        first = None if whole else _line(item)
        following = _line(items[index + 1]) if index + 1 < len(items) else None
        last = None if following is None else following - 1
        annotation = ignore_annotation(item, first, last)
        if annotation is not None:
            ignored.append(annotation)
    return ConvertedDocument(tuple(converted), tuple(warnings), tuple(ignored))


def _line(fields: Fields) -> int | None:
    """The line an object starts on, where the reader kept it."""
    return fields.where().line


def _convert(
    fields: Fields, default_namespace: str, declared: Declared, warnings: list[Diagnostic]
) -> Converted | None:
    modelled = modelled_kind(fields.get("apiVersion"), fields.get("kind"), declared)
    if modelled is None:
        policy = _policy_of_other_kind(fields, default_namespace, warnings)
        if policy is not None:
            return policy
    read_as = _read_as(fields, modelled)
    if read_as is None:
        return None
    kind, template = read_as
    metadata = fields.mapping("metadata")
    if metadata is None:
        raise fields.error("metadata", "is required")
    name = object_name(metadata, "name", label=kind == NAMESPACE)
    if kind == NAMESPACE:
        return namespace(fields, name)
    object_namespace = default_namespace
    if metadata.string("namespace"):  # empty means the default, as kubectl applies it
        object_namespace = object_name(metadata, "namespace", label=True)
    if kind == NETWORK_POLICY:
        return network_policy(fields, ObjectRef.network_policy(object_namespace, name), warnings)
    if modelled is not None and modelled.operated is not None:
        found = operated_workload(
            fields, (kind, modelled.operated), name, object_namespace, warnings
        )
    else:
        assert template is not None  # noqa: S101 - a workload kind has one or the other
        found = workload(fields, (kind, template), name, object_namespace, warnings)
    if found is None:
        return HostNetworkWorkload((object_namespace, kind, name), fields.where())
    return found


def _read_as(fields: Fields, modelled: Kind | None) -> tuple[str, tuple[str, ...] | None] | None:
    """The kind an object is read as and its pod template path, or None if it is not read."""
    if modelled is not None:
        return modelled.name, modelled.pod_template
    if _has_pod_template(fields):
        return str(fields.get("kind")), GENERIC_TEMPLATE
    return None


def _policy_of_other_kind(
    fields: Fields, default_namespace: str, warnings: list[Diagnostic]
) -> AdminPolicy | UnevaluatedPolicy | None:
    """An admin policy, a policy of a kind netpoldiff does not evaluate, or None."""
    api_version, kind = fields.get("apiVersion"), fields.get("kind")
    if admin_kind(api_version, kind):
        return _admin_policy(fields, warnings)
    policy_kind = policy_kind_not_evaluated(api_version, kind)
    if policy_kind is not None:
        return _unevaluated_policy(fields, policy_kind, default_namespace, warnings)
    return None


def _admin_policy(fields: Fields, warnings: list[Diagnostic]) -> AdminPolicy:
    metadata = fields.mapping("metadata")
    if metadata is None:
        raise fields.error("metadata", "is required")
    # Cluster-scoped: the API server ignores a namespace written on it.
    return admin_policy(fields, object_name(metadata, "name", label=False), warnings)


def _unevaluated_policy(
    fields: Fields, kind: PolicyKind, default_namespace: str, warnings: list[Diagnostic]
) -> UnevaluatedPolicy:
    """A policy of a kind netpoldiff does not evaluate: who it is, what it says, a warning."""
    metadata = fields.mapping("metadata")
    if metadata is None:
        raise fields.error("metadata", "is required")
    name = object_name(metadata, "name", label=False)
    namespace: str | None = None
    if kind.namespaced:
        namespace = default_namespace
        if metadata.string("namespace"):
            namespace = object_name(metadata, "namespace", label=True)
    # A cluster-scoped object has no namespace: the API server ignores one written on it.
    ref = ObjectRef(qualified_kind(kind.name, str(fields.get("apiVersion"))), namespace, name)
    said = {key: fields.get(key) for key in ("spec", "specs") if fields.has(key)}
    content = json.dumps(said, sort_keys=True, ensure_ascii=False, default=str)
    warnings.append(KIND_NOT_EVALUATED.at(fields.where(), kind=ref.kind, name=str(ref)))
    return UnevaluatedPolicy(ref, content, fields.where())


def _has_pod_template(fields: Fields) -> bool:
    """Whether an object of a kind netpoldiff does not model keeps a pod template.

    A Kubernetes object (an apiVersion and a kind) whose ``spec.template`` is a mapping with
    ``spec.containers`` a list, and ``metadata`` a mapping if present: the shape of a
    PodTemplateSpec. Anything else of such a kind is not read, as before.
    """
    if not (fields.get("apiVersion") and isinstance(fields.get("kind"), str)):
        return False
    if not isinstance(fields.get("apiVersion"), str):
        return False
    spec = fields.get("spec")
    template = spec.get("template") if isinstance(spec, Mapping) else None
    if not isinstance(template, Mapping):
        return False
    metadata = template.get("metadata")
    pod_spec = template.get("spec")
    return (
        (metadata is None or isinstance(metadata, Mapping))
        and isinstance(pod_spec, Mapping)
        and isinstance(pod_spec.get("containers"), list)
    )


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
            implied = with_defaults(
                item.data, {"apiVersion": fields.get("apiVersion"), "kind": item_kind}
            )
            item = Fields(implied, item.document, item.path)  # noqa: PLW2901 - the filled-in item
        yield from _expand_lists(item)
