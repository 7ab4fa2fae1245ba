"""Which fields of each kind netpoldiff reads: the rest of a document is checked, never built.

Building Python values is most of the cost of reading YAML, and most of a workload manifest
(env, resources, probes, volumes) says nothing about the network. A schema names the keys to
keep at each level; the decoder builds only those, and keeps their line numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from netpoldiff.kinds import (
    GENERIC_TEMPLATE,
    KINDS,
    NETWORK_POLICY,
    POLICY_KIND_NAMES,
    Declared,
    Kind,
)
from netpoldiff.suppression import IGNORE_ANNOTATION


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
_CONTAINERS: Final = Each(_CONTAINER)
_POD_SPEC: Final[Schema] = {
    "hostNetwork": None,
    "containers": _CONTAINERS,
    "initContainers": _CONTAINERS,
}
_TEMPLATE: Final[Schema] = {"metadata": {"labels": None}, "spec": _POD_SPEC}
# Of the annotations, only the one that says which warnings the object's document hides.
_METADATA: Final[Schema] = {
    "name": None,
    "namespace": None,
    "labels": None,
    "annotations": {IGNORE_ANNOTATION: None},
}
HEAD: Final[Schema] = {"apiVersion": None, "kind": None}


def _at(path: Iterable[str], inner: Schema | Each | None) -> Schema:
    """A schema that keeps ``inner`` at ``path``."""
    keys = tuple(path)
    schema: Schema | Each | None = inner
    for key in reversed(keys):
        schema = {key: schema}
    assert isinstance(schema, Mapping)  # noqa: S101 - paths are never empty
    return schema


def _merged(first: Schema, second: Schema) -> Schema:
    """A schema that keeps what either keeps (None, the whole value, wins)."""
    merged: dict[str, Schema | Each | Items | None] = dict(first)
    for key, value in second.items():
        if key not in merged:
            merged[key] = value
        elif merged[key] is None or value is None:
            merged[key] = None
        elif isinstance(merged[key], Mapping) and isinstance(value, Mapping):
            merged[key] = _merged(merged[key], value)  # type: ignore[arg-type]
        elif merged[key] != value:
            merged[key] = None  # a list and a mapping: keep it whole
    return merged


def _object_schema(kind: Kind) -> Schema:
    """The fields read of an object of a modelled kind: for a workload, its pod template's."""
    if kind.name == NETWORK_POLICY:
        return {**HEAD, "metadata": _METADATA, "spec": None}
    schema: Schema = {**HEAD, "metadata": _METADATA}
    if kind.pod_template is not None:
        if not kind.pod_template:  # the object is the pod
            return {**schema, "spec": _POD_SPEC}
        schema = _merged(schema, _at(kind.pod_template, _TEMPLATE))
    if kind.operated is not None:
        pods = kind.operated
        sidecars = {pods.containers, pods.init_containers} - {None}
        for path in pods.paths():
            schema = _merged(schema, _at(path, _CONTAINERS if path in sidecars else None))
    return schema


_SCHEMAS: Final[Mapping[str, Schema]] = {
    # A policy kind netpoldiff does not evaluate keeps what it says (spec; Cilium's specs),
    # so that a change to it is seen. NetworkPolicy keeps its spec in either case.
    **{
        name: {**HEAD, "metadata": _METADATA, "spec": None, "specs": None}
        for name in POLICY_KIND_NAMES
    },
    **{name: _object_schema(kind) for name, kind in KINDS.items()},
}
# Any other kind may keep a pod template in spec.template (a Rollout, a CloneSet): read it,
# and the names that make it a workload.
_OTHER: Final[Schema] = {**HEAD, "metadata": _METADATA, **_at(GENERIC_TEMPLATE, _TEMPLATE)}


def schema_for(kind: object, declared: Declared = ()) -> Schema:
    """The fields read of an object of this kind (only apiVersion and kind for the others).

    A ``List`` or ``<Kind>List`` keeps its items, each read by its own kind (items of a typed
    list may leave their kind out). Kinds the table does not name keep their ``spec.template``;
    ``declared`` kinds keep what they declare too.
    """
    if not isinstance(kind, str):
        return HEAD
    if kind.endswith("List"):
        return {**HEAD, "items": Items(kind.removesuffix("List") or None)}
    if declared:
        return _declared_schema(kind, declared)
    return _SCHEMAS.get(kind, _OTHER)


@functools.lru_cache(maxsize=256)
def _declared_schema(kind: str, declared: Declared) -> Schema:
    schema = _SCHEMAS.get(kind, _OTHER)
    for mine in declared:
        if mine.name == kind:
            schema = _merged(schema, _object_schema(mine))
    return schema
