"""One document's objects, converted and validated as the API server would (no cluster yet)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import Location
from netpoldiff.kinds import NAMESPACE, NETWORK_POLICY, modelled_kind
from netpoldiff.manifests.fields import Fields, object_name, with_defaults
from netpoldiff.manifests.policies import network_policy
from netpoldiff.manifests.workloads import namespace, workload
from netpoldiff.model import Namespace, ObjectRef, Workload
from netpoldiff.policies import NetworkPolicy


@dataclass(frozen=True, slots=True)
class HostNetworkWorkload:
    """A workload left out of the matrix; its name still counts for duplicates."""

    key: tuple[str, str, str]
    origin: Location


Converted = Namespace | Workload | NetworkPolicy | HostNetworkWorkload

# The namespace of an object that names none, as kubectl's context defaults to (and
# ``--namespace`` overrides).
DEFAULT_NAMESPACE: Final = "default"


@dataclass(frozen=True, slots=True)
class ConvertedDocument:
    """The objects of one document, and the warnings found in them."""

    objects: tuple[Converted, ...]
    warnings: tuple[Diagnostic, ...]


def convert_document(fields: Fields, default_namespace: str) -> ConvertedDocument:
    """The objects of one document and the warnings found in them; raises InputError.

    Objects that name no namespace are in ``default_namespace``.
    """
    warnings: list[Diagnostic] = []
    converted = [
        found
        for item in _expand_lists(fields)
        if (found := _convert(item, default_namespace, warnings)) is not None
    ]
    return ConvertedDocument(tuple(converted), tuple(warnings))


def _convert(
    fields: Fields, default_namespace: str, warnings: list[Diagnostic]
) -> Converted | None:
    kind = _modelled_kind(fields)
    if kind is None:
        return None
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
    found = workload(fields, kind, name, object_namespace, warnings)
    if found is None:
        return HostNetworkWorkload((object_namespace, kind, name), fields.where())
    return found


def _modelled_kind(fields: Fields) -> str | None:
    """The kind of an object netpoldiff models, or None for anything else."""
    kind = modelled_kind(fields.get("apiVersion"), fields.get("kind"))
    return kind.name if kind is not None else None


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
