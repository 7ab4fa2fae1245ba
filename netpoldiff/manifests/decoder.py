"""A composed YAML document to the values kubectl sends, built only where netpoldiff reads.

go-yaml v2 decodes a document into Go values (merge keys applied in order, aliases expanded),
``sigs.k8s.io/yaml`` turns keys into strings and the result into JSON. The whole document is
first checked for what kubectl refuses (refusals.py); then only the fields netpoldiff reads
(``schema``) are built into Python values, keeping their lines.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Final

import yaml

from netpoldiff.kinds import Declared
from netpoldiff.manifests import scalars
from netpoldiff.manifests.go_nodes import (
    PLAIN,
    DecodeProblem,
    NodeReader,
    is_merge,
    merge_sources,
)
from netpoldiff.manifests.located import Located
from netpoldiff.manifests.refusals import check_document
from netpoldiff.manifests.schemas import HEAD, Each, Items, Schema, schema_for

_ABSENT: Final = object()


class Decoder:
    """Decodes one document (composed from text at ``line_offset``) as kubectl would."""

    def __init__(
        self,
        line_offset: int = 0,
        verbatim: Collection[tuple[int, int]] = (),
        *,
        has_aliases: bool = True,
        declared: Declared = (),
    ) -> None:
        self.reader = NodeReader(line_offset, verbatim)
        self.has_aliases = has_aliases
        self.declared = declared  # kinds the user declared: their fields are read too
        self._memo: dict[tuple[int, int], object] = {}

    def check(self, root: yaml.Node) -> None:
        """Raise DecodeProblem for anything in the document kubectl would refuse."""
        check_document(self.reader, root, has_aliases=self.has_aliases)

    def document(self, node: yaml.Node) -> object:
        """A whole document: an object keeps the fields its kind has read (see schemas.py)."""
        return self._object(node, None)

    def build(self, node: yaml.Node, schema: Schema | Each | Items | None) -> object:
        """The value of a node as kubectl sends it, keeping only what ``schema`` names."""
        if isinstance(node, yaml.ScalarNode):
            try:
                return self.reader.value(node)
            except scalars.ScalarProblem as problem:
                raise DecodeProblem(self.reader.line(node), str(problem)) from None
        if isinstance(schema, Items):
            if not isinstance(node, yaml.SequenceNode):
                return self.build(node, None)  # not a list: whole, for the loader to report
            return [self._object(item, schema.implied) for item in node.value]
        if self.has_aliases:
            done = self._memo.get((id(node), id(schema)), _ABSENT)
            if done is not _ABSENT:
                return done  # an alias met again: built once
        value: object
        if isinstance(node, yaml.SequenceNode):
            item_schema = schema.schema if isinstance(schema, Each) else None
            value = [self.build(item, item_schema) for item in node.value]
        elif isinstance(node, yaml.MappingNode):
            value = self._mapping(node, schema if isinstance(schema, Mapping) else None)
        else:
            raise AssertionError(node)  # noqa: TRY004 - the composer makes no other kind of node
        if self.has_aliases:
            self._memo[id(node), id(schema)] = value
        return value

    def _object(self, node: yaml.Node, implied_kind: str | None) -> object:
        """An object, read by its own kind (merge keys applied), or by ``implied_kind``."""
        if not isinstance(node, yaml.MappingNode):
            return self.build(node, None)
        head = self._mapping(node, HEAD)
        kind = head.get("kind")
        return self.build(
            node, schema_for(kind if kind is not None else implied_kind, self.declared)
        )

    def _mapping(self, node: yaml.MappingNode, schema: Schema | None) -> Located:
        """A mapping as go-yaml decodes it: merge keys applied, the last of two keys kept.

        Two keys written in one mapping are refused, though: kubectl would keep the last one,
        and a reviewer would see the first. So are two keys that go-yaml tells apart but JSON
        does not (``y`` and ``"true"``): kubectl would keep one of them at random.
        """
        mapping = Located(self.reader.line(node))
        self._refuse_repeated_keys(node, schema)
        for key_node, value_node in self.reader.survivors(node).values():
            key = self.reader.key(key_node)
            item_schema = None if schema is None else schema.get(key, _ABSENT)
            if item_schema is _ABSENT:
                continue  # a field netpoldiff does not read
            line = self.reader.line(key_node)
            if key in mapping:
                first = min(line, mapping.key_lines[key])
                msg = f"duplicate key {key!r} (the first one is on line {first})"
                raise DecodeProblem(max(line, mapping.key_lines[key]), msg)
            mapping[key] = value = self.build(value_node, item_schema)  # type: ignore[arg-type]
            mapping.key_lines[key] = line
            if value_node.tag == PLAIN and not isinstance(value, str):
                mapping.raw[key] = value_node.value  # a scalar: only those carry PLAIN
        return mapping

    def _refuse_repeated_keys(self, node: yaml.MappingNode, schema: Schema | None) -> None:
        """Refuse a key written twice in one mapping (or a merged one), among those read."""
        written: dict[str, int] = {}
        for key_node, value_node in node.value:
            if is_merge(key_node):
                for source in merge_sources(value_node):
                    if isinstance(source, yaml.MappingNode):
                        self._refuse_repeated_keys(source, schema)
                continue
            key = self.reader.key(key_node)
            if schema is not None and key not in schema:
                continue
            line = self.reader.line(key_node)
            if key in written:
                msg = f"duplicate key {key!r} (the first one is on line {written[key]})"
                raise DecodeProblem(line, msg)
            written[key] = line
