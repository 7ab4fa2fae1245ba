"""Which fields of each kind netpoldiff reads: the rest of a document is checked, never built.

Building Python values is most of the cost of reading YAML, and most of a workload manifest
(env, resources, probes, volumes) says nothing about the network. A schema names the keys to
keep at each level; the decoder builds only those, and keeps their line numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from netpoldiff.kinds import KINDS, NETWORK_POLICY, Kind


@dataclass(frozen=True, slots=True)
class Each:
    """Every item of a sequence follows ``schema``."""

    schema: Schema


@dataclass(frozen=True, slots=True)
class Items:
    """The items of a List: each is read by its own kind, or by the List's (``implied``)."""

    implied: str | None


Schema = Mapping[str, "Schema | Each | Items | None"]
"""Which keys of a mapping to keep; None keeps the value whole."""

_CONTAINER: Final[Schema] = {"name": None, "ports": None, "restartPolicy": None}
_POD_SPEC: Final[Schema] = {
    "hostNetwork": None,
    "containers": Each(_CONTAINER),
    "initContainers": Each(_CONTAINER),
}
_TEMPLATE: Final[Schema] = {"metadata": {"labels": None}, "spec": _POD_SPEC}
_METADATA: Final[Schema] = {"name": None, "namespace": None, "labels": None}
HEAD: Final[Schema] = {"apiVersion": None, "kind": None}


def _object_schema(kind: Kind) -> Schema:
    """The fields read of an object of a modelled kind: for a workload, its pod template's."""
    if kind.name == NETWORK_POLICY:
        return {**HEAD, "metadata": _METADATA, "spec": None}
    if kind.pod_template is None:
        return {**HEAD, "metadata": _METADATA}
    if not kind.pod_template:  # the object is the pod
        return {**HEAD, "metadata": _METADATA, "spec": _POD_SPEC}
    inner: Schema = _TEMPLATE
    for key in reversed(kind.pod_template):
        inner = {key: inner}
    return {**HEAD, "metadata": _METADATA, **inner}


_SCHEMAS: Final[Mapping[str, Schema]] = {name: _object_schema(kind) for name, kind in KINDS.items()}


def schema_for(kind: object) -> Schema:
    """The fields read of an object of this kind (only apiVersion and kind for the others).

    A ``List`` or ``<Kind>List`` keeps its items, each read by its own kind (items of a typed
    list may leave their kind out).
    """
    if not isinstance(kind, str):
        return HEAD
    if kind.endswith("List"):
        return {**HEAD, "items": Items(kind.removesuffix("List") or None)}
    return _SCHEMAS.get(kind, HEAD)
