"""A composed YAML document to the values kubectl sends: checked whole, built where read.

go-yaml v2 decodes a document into Go values (merge keys applied in order, aliases expanded),
``sigs.k8s.io/yaml`` turns keys into strings and the result into JSON. kubectl refuses a
document whose conversion fails anywhere in it, even in fields netpoldiff never reads, and a
refused document is not applied: so every node is checked, but only the fields netpoldiff reads
(``schema``) are built into Python values.

Nodes come from libyaml through PyYAML's composer with one change: a scalar that go-yaml would
resolve (plain, or tagged ``!``) carries the tag ``PLAIN``; quoted ones carry ``!!str``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

import yaml

from netpoldiff.manifests import scalars
from netpoldiff.manifests.aliases import check_aliases
from netpoldiff.manifests.limits import LimitExceeded
from netpoldiff.manifests.schemas import HEAD, Each, Items, Schema, schema_for

PLAIN: Final = "plain scalar"  # a space: no tag libyaml reads can be spelt like this
JSON_NUMBER: Final = "json number"  # a number of a JSON stream (see json_nodes.py)
STR_TAG: Final = scalars.STR_TAG
_ABSENT: Final = object()
# The place of a node in its parent, for the checks that depend on it.
_VALUE: Final = "value"
_KEY: Final = "key"
_MERGED: Final = "merged"
_MERGE_SHAPE: Final = "<< (a merge key) must be given a mapping or a list of mappings"


class Located(dict[str, Any]):
    """A mapping of a manifest that remembers where it and each of its keys stand (1-based).

    ``raw`` keeps the text of plain scalars that did not read as strings (``on``, ``1.0``), so
    an error can say what was written, not what YAML made of it.
    """

    __slots__ = ("key_lines", "line", "raw")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}
        self.raw: dict[str, str] = {}

    def line_of(self, key: str) -> int:
        """The line of ``key`` if present, else of the mapping itself."""
        return self.key_lines.get(key, self.line)


class DecodeProblem(Exception):  # noqa: N818 - a signal, turned into InputError by the reader
    """Something kubectl refuses (or netpoldiff refuses to guess at), at a 1-based line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def json_number(text: str) -> object:
    """A JSON number as kubectl decodes it: int64 when it is written as one, else float64."""
    if "." not in text and "e" not in text and "E" not in text:
        return scalars.json_value(int(text))
    value = float(text)
    if value in {float("inf"), float("-inf")}:
        msg = f"number {text} is out of range"
        raise scalars.ScalarProblem(msg)
    return scalars.json_value(value)


@dataclass(frozen=True, slots=True)
class _Context:
    line_offset: int  # lines of the file before the text the nodes were composed from
    verbatim: Collection[tuple[int, int]]  # (line, column) of plain scalars tagged "!"
    has_aliases: bool


class Decoder:
    """Decodes the documents of one file (one per call), as kubectl would."""

    def __init__(
        self,
        line_offset: int = 0,
        verbatim: Collection[tuple[int, int]] = (),
        *,
        has_aliases: bool = True,
    ) -> None:
        self._context = _Context(line_offset, verbatim, has_aliases)
        self._memo: dict[tuple[int, int], object] = {}

    # --- checking the whole document ----------------------------------------------------------

    def check(self, root: yaml.Node) -> None:
        """Raise DecodeProblem for anything in the document kubectl would refuse to convert."""
        if not self._context.has_aliases:
            self._check_tree(root)
            return
        try:
            check_aliases(root, self._is_merge, self._line)
        except LimitExceeded as error:
            raise DecodeProblem(error.line or self._line(root), str(error)) from None
        seen: set[int] = set()
        stack: list[tuple[yaml.Node, str]] = [(root, _VALUE)]
        while stack:  # in document order: an anchor is met before its aliases
            node, role = stack.pop()
            if isinstance(node, yaml.ScalarNode):
                self._check_scalar(node, role)
            elif self._first_visit(node, role, seen):
                stack.extend(self._roles_of_children(node, role))

    def _check_tree(self, root: yaml.Node) -> None:
        """``check`` for a document without aliases: every node once, in any order.

        Most nodes are plain keys and values that cannot fail: they cost a lookup each.
        """
        if isinstance(root, yaml.ScalarNode):
            self._check_scalar(root, _VALUE)
            return
        scalar, plain, string, non_finite = yaml.ScalarNode, PLAIN, STR_TAG, scalars.NON_FINITE
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                values = self._values_keys_checked(node, stack)
            else:
                values = node.value
            for value in values:
                if value.__class__ is not scalar:
                    stack.append(value)
                elif value.tag is not string and (
                    value.tag is not plain or value.value in non_finite
                ):
                    self._check_scalar(value, _VALUE)

    def _values_keys_checked(
        self, node: yaml.MappingNode, stack: list[yaml.Node]
    ) -> list[yaml.Node]:
        """A mapping's values, once its keys are checked; merged mappings go on ``stack``."""
        scalar, plain, string, good_keys = yaml.ScalarNode, PLAIN, STR_TAG, _KEY_TEXT
        values = []
        for key_node, value_node in node.value:
            if key_node.__class__ is scalar:
                tag, text = key_node.tag, key_node.value
                if tag is string or (tag is plain and text != "<<" and text in good_keys):
                    values.append(value_node)
                    continue
                if text == "<<" and self._is_merge(key_node):
                    self._first_visit(value_node, _MERGED, set())
                    stack.append(value_node)
                    continue
            self._check_key_node(key_node)
            values.append(value_node)
        return values

    def _check_key_node(self, node: yaml.Node) -> None:
        if isinstance(node, yaml.ScalarNode):
            self._check_scalar(node, _KEY)
        else:
            self._first_visit(node, _KEY, set())

    def _first_visit(self, node: yaml.Node, role: str, seen: set[int]) -> bool:
        """Whether a collection is met for the first time (not through an alias); checks it."""
        if role is _MERGED and isinstance(node, yaml.ScalarNode):
            raise DecodeProblem(self._line(node), _MERGE_SHAPE)
        if role is _KEY:
            kind = "a mapping" if isinstance(node, yaml.MappingNode) else "a list"
            raise DecodeProblem(self._line(node), f"a mapping key must be a scalar, not {kind}")
        if self._context.has_aliases:
            if id(node) in seen:
                if role is _MERGED and isinstance(node, yaml.SequenceNode):
                    raise DecodeProblem(self._line(node), _MERGE_SHAPE)  # an alias of a list
                return False  # an alias: checked where its anchor was
            seen.add(id(node))
        if (
            role is _MERGED
            and isinstance(node, yaml.SequenceNode)
            and any(not isinstance(item, yaml.MappingNode) for item in node.value)
        ):
            raise DecodeProblem(self._line(node), _MERGE_SHAPE)
        return True

    def _roles_of_children(self, node: yaml.Node, role: str) -> list[tuple[yaml.Node, str]]:
        """A collection's children with their roles, last first (for a stack)."""
        del role
        if isinstance(node, yaml.SequenceNode):
            return [(item, _VALUE) for item in reversed(node.value)]
        children: list[tuple[yaml.Node, str]] = []
        for key_node, value_node in reversed(node.value):
            if self._is_merge(key_node):
                children.append((value_node, _MERGED))
            else:
                children.extend(((value_node, _VALUE), (key_node, _KEY)))
        return children

    def _check_scalar(self, node: yaml.ScalarNode, role: str) -> None:
        if role is _MERGED:
            raise DecodeProblem(self._line(node), _MERGE_SHAPE)
        tag = node.tag
        if tag == STR_TAG:
            return
        try:
            if role is _KEY:
                self._key(node)
            elif tag == PLAIN:
                if node.value in scalars.NON_FINITE and not self._verbatim(node):
                    scalars.json_value(scalars.plain(node.value))
            else:
                self._scalar(node)
        except scalars.ScalarProblem as problem:
            raise DecodeProblem(self._line(node), str(problem)) from None

    # --- building the parts that are read -----------------------------------------------------

    def build(self, node: yaml.Node, schema: Schema | Each | Items | None) -> object:
        """The value of a node as kubectl sends it, keeping only what ``schema`` names."""
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(schema, Items):
            if not isinstance(node, yaml.SequenceNode):
                return self.build(node, None)  # not a list: whole, for the loader to report
            return [self._object(item, schema.implied) for item in node.value]
        if self._context.has_aliases:
            key = (id(node), id(schema))
            done = self._memo.get(key, _ABSENT)
            if done is not _ABSENT:
                return done  # an alias met again: built once
        value: object
        if isinstance(node, yaml.SequenceNode):
            item_schema = schema.schema if isinstance(schema, Each) else None
            value = [self.build(item, item_schema) for item in node.value]
        elif isinstance(node, yaml.MappingNode):
            value = Located(self._line(node))
            self._fill(node, value, schema if isinstance(schema, Mapping) else None)
        else:
            raise AssertionError(node)  # noqa: TRY004 - the composer makes no other kind of node
        if self._context.has_aliases:
            self._memo[id(node), id(schema)] = value
        return value

    def document(self, node: yaml.Node) -> object:
        """A whole document: an object keeps the fields its kind has read (see schemas.py)."""
        return self._object(node, None)

    def _object(self, node: yaml.Node, implied_kind: str | None) -> object:
        """An object, read by its own kind (merge keys applied), or by ``implied_kind``."""
        if not isinstance(node, yaml.MappingNode):
            return self.build(node, None)
        head = self.build(node, HEAD)
        kind = head.get("kind") if isinstance(head, Mapping) else None
        return self.build(node, schema_for(kind if kind is not None else implied_kind))

    def _fill(self, node: yaml.MappingNode, into: Located, schema: Schema | None) -> None:
        """Set the keys of one mapping into ``into``, in order, as go-yaml does.

        A merge key (``<<``) sets the merged mapping's keys where it stands: it overrides keys
        written before it and is overridden by keys written after it. Of a list of merged
        mappings the earlier ones win. Two keys written in one mapping are refused: kubectl
        would keep the last one, and a reviewer would see the first.
        """
        written: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.value == "<<" and self._is_merge(key_node):
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for source in reversed(sources):
                    self._fill(source, into, schema)
                continue
            key = self._key(key_node)
            item_schema = None if schema is None else schema.get(key, _ABSENT)
            if item_schema is _ABSENT:
                continue  # a field netpoldiff does not read
            line = self._line(key_node)
            first = written.get(key)
            if first is not None:
                msg = f"duplicate key {key!r} (the first one is on line {first})"
                raise DecodeProblem(line, msg)
            written[key] = line
            into[key] = self.build(value_node, item_schema)  # type: ignore[arg-type]
            into.key_lines[key] = line
            into.raw.pop(key, None)
            if value_node.tag == PLAIN and not isinstance(into[key], str):
                into.raw[key] = value_node.value  # a scalar: only those carry PLAIN

    def _scalar(self, node: yaml.ScalarNode) -> object:
        tag = node.tag
        if tag == STR_TAG:
            return node.value
        try:
            if tag == PLAIN:
                if self._verbatim(node):
                    return node.value
                return _plain_value(node.value)
            if tag == JSON_NUMBER:
                return json_number(node.value)
            return scalars.json_value(scalars.tagged(tag, node.value))
        except scalars.ScalarProblem as problem:
            raise DecodeProblem(self._line(node), str(problem)) from None

    def _key(self, node: yaml.ScalarNode) -> str:
        tag = node.tag
        if tag is STR_TAG or tag == STR_TAG:
            return str(node.value)
        if tag is PLAIN:
            if self._verbatim(node):
                return str(node.value)
            text: str = node.value
            key = _KEY_TEXT.get(text)
            if key is None:
                key = scalars.key_text(scalars.plain(text), text)
                if len(_KEY_TEXT) < _VALUE_CACHE_LIMIT:
                    _KEY_TEXT[text] = key
            return key
        return scalars.key_text(scalars.tagged(tag, node.value), node.value)

    # --- small questions -----------------------------------------------------------------------

    def _verbatim(self, node: yaml.ScalarNode) -> bool:
        """Whether go-yaml keeps this plain-tagged scalar as text: quoted, or tagged ``!``."""
        if node.style:
            return True
        verbatim = self._context.verbatim
        return bool(verbatim) and (node.start_mark.line, node.start_mark.column) in verbatim

    @staticmethod
    def _is_merge(node: yaml.Node) -> bool:
        """go-yaml's isMerge: ``<<`` written plain (or tagged ``!``), or tagged ``!!merge``."""
        return (
            isinstance(node, yaml.ScalarNode)
            and node.value == "<<"
            and node.tag in {PLAIN, scalars.MERGE_TAG}
        )

    def _line(self, node: yaml.Node) -> int:
        return self._context.line_offset + node.start_mark.line + 1


_VALUE_CACHE: dict[str, object] = {}
_VALUE_CACHE_LIMIT: Final = 100_000
# Plain keys (untagged, unquoted) already converted: the text and the key it makes.
_KEY_TEXT: dict[str, str] = {}


def _plain_value(text: str) -> object:
    """An untagged plain scalar's value as JSON carries it (cached: values repeat endlessly)."""
    cached = _VALUE_CACHE.get(text, _ABSENT)
    if cached is _ABSENT:
        cached = scalars.json_value(scalars.plain(text))
        if len(_VALUE_CACHE) < _VALUE_CACHE_LIMIT:
            _VALUE_CACHE[text] = cached
    return cached
