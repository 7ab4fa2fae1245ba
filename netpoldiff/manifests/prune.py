"""Keep only the parts of a composed YAML document that netpoldiff reads, before construction.

Building Python objects is most of the cost of reading YAML, and most of a workload manifest
(env, resources, probes, volumes) says nothing about the network. The composed node tree is
cut down to the fields the loader converts, so the rest is never constructed. Line numbers
survive because nodes keep their marks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import yaml

_MERGE_TAG: Final = "tag:yaml.org,2002:merge"


@dataclass(frozen=True, slots=True)
class Each:
    """Every item of a sequence follows ``schema``."""

    schema: Schema


Schema = Mapping[str, "Schema | Each | None"]
"""Which keys of a mapping to keep; None keeps the value whole."""

_CONTAINER: Final[Schema] = {"name": None, "ports": None, "restartPolicy": None}
_POD_SPEC: Final[Schema] = {
    "hostNetwork": None,
    "containers": Each(_CONTAINER),
    "initContainers": Each(_CONTAINER),
}
_TEMPLATE: Final[Schema] = {"metadata": {"labels": None}, "spec": _POD_SPEC}
_METADATA: Final[Schema] = {"name": None, "namespace": None, "labels": None}
_HEAD: Final[Schema] = {"apiVersion": None, "kind": None}
_SCHEMAS: Final[Mapping[str, Schema]] = {
    "NetworkPolicy": {**_HEAD, "metadata": _METADATA, "spec": None},
    "Namespace": {**_HEAD, "metadata": _METADATA},
    "Pod": {**_HEAD, "metadata": _METADATA, "spec": _POD_SPEC},
    **{
        kind: {**_HEAD, "metadata": _METADATA, "spec": {"template": _TEMPLATE}}
        for kind in (
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ReplicationController",
            "Job",
        )
    },
    "CronJob": {
        **_HEAD,
        "metadata": _METADATA,
        "spec": {"jobTemplate": {"spec": {"template": _TEMPLATE}}},
    },
}


def _scalar(node: yaml.MappingNode, key: str) -> str | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            if isinstance(value_node, yaml.ScalarNode):
                return str(value_node.value)
            return None
    return None


_Memo = dict[tuple[int, int], yaml.Node]


def _prune(node: yaml.Node, schema: Schema | Each | None, memo: _Memo) -> yaml.Node:
    if schema is None:
        return node
    # An alias is the same node met twice: prune it once, so the copy stays as small as the
    # original (an alias bomb must reach the expansion check unexpanded).
    key = (id(node), id(schema))
    done = memo.get(key)
    if done is not None:
        return done
    pruned = _prune_uncached(node, schema, memo)
    memo[key] = pruned
    return pruned


def _prune_uncached(node: yaml.Node, schema: Schema | Each, memo: _Memo) -> yaml.Node:
    if isinstance(schema, Each):
        if not isinstance(node, yaml.SequenceNode):
            return node  # not a list: left whole, for the loader to report
        items = [_prune(item, schema.schema, memo) for item in node.value]
        return yaml.SequenceNode(node.tag, items, node.start_mark, node.end_mark, node.flow_style)
    if not isinstance(node, yaml.MappingNode):
        return node  # not a mapping: left whole, for the loader to report
    kept = []
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE_TAG:
            kept.append((key_node, value_node))  # merged mappings are kept as written
        elif isinstance(key_node, yaml.ScalarNode) and key_node.value in schema:
            kept.append((key_node, _prune(value_node, schema[key_node.value], memo)))
    return yaml.MappingNode(node.tag, kept, node.start_mark, node.end_mark, node.flow_style)


def prune_document(node: yaml.Node) -> yaml.Node:
    """The parts of one manifest (or of each item of a List) that the loader reads."""
    return _prune_object(node, None, {}, {})


def _prune_object(
    node: yaml.Node,
    implied_kind: str | None,
    memo: _Memo,
    objects: dict[tuple[int, str | None], yaml.Node],
) -> yaml.Node:
    key = (id(node), implied_kind)
    done = objects.get(key)
    if done is not None:
        return done  # a List met again through an alias: shared, not copied
    pruned = _prune_object_uncached(node, implied_kind, memo, objects)
    objects[key] = pruned
    return pruned


def _prune_object_uncached(
    node: yaml.Node,
    implied_kind: str | None,
    memo: _Memo,
    objects: dict[tuple[int, str | None], yaml.Node],
) -> yaml.Node:
    if not isinstance(node, yaml.MappingNode):
        return node
    kind = _scalar(node, "kind") or implied_kind
    if kind is not None and kind.endswith("List"):
        kept = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value not in {
                "apiVersion",
                "kind",
                "items",
            }:
                continue
            if key_node.value == "items" and isinstance(value_node, yaml.SequenceNode):
                item_kind = kind.removesuffix("List") or None
                items = [_prune_object(item, item_kind, memo, objects) for item in value_node.value]
                value_node = yaml.SequenceNode(  # noqa: PLW2901 - the pruned items
                    value_node.tag,
                    items,
                    value_node.start_mark,
                    value_node.end_mark,
                    value_node.flow_style,
                )
            kept.append((key_node, value_node))
        return yaml.MappingNode(node.tag, kept, node.start_mark, node.end_mark, node.flow_style)
    return _prune(node, _SCHEMAS.get(kind or "", _HEAD), memo)
