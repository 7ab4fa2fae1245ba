"""Composed YAML nodes read with go-yaml v2's semantics: keys, values, merge keys.

Nodes come from libyaml through PyYAML's composer with one change: a scalar that go-yaml
resolves (plain, or tagged ``!`` alone) carries the tag ``PLAIN``; a quoted one carries
``!!str``. This module answers, for such nodes, what go-yaml makes of a scalar, which key of a
Go map a mapping key is, and which pairs of a mapping survive its merge keys and repeated keys.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

import yaml

from netpoldiff.manifests import scalars

PLAIN: Final = "plain scalar"  # a space: no tag libyaml reads can be spelt like this
JSON_NUMBER: Final = "json number"  # a number of a JSON stream (see json_nodes.py)
STR_TAG: Final = scalars.STR_TAG
MERGE_SHAPE: Final = "<< (a merge key) must be given a mapping or a list of mappings"

Pair = tuple[yaml.ScalarNode, yaml.Node]


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


def is_merge(node: yaml.Node) -> bool:
    """go-yaml's isMerge: ``<<`` written plain (or tagged ``!``), or tagged ``!!merge``."""
    return (
        isinstance(node, yaml.ScalarNode)
        and node.value == "<<"
        and node.tag in {PLAIN, scalars.MERGE_TAG}
    )


def merge_sources(value: yaml.Node) -> list[yaml.Node]:
    """The mappings a merge key brings in, in the order go-yaml applies them (last wins)."""
    if isinstance(value, yaml.SequenceNode):
        return list(reversed(value.value))  # of a merged list, the earlier ones win
    return [value]


_VALUE_CACHE: dict[str, object] = {}
_KEY_TEXT: dict[str, str] = {}  # plain keys (untagged, unquoted) and the key each makes
_CACHE_LIMIT: Final = 100_000


def plain_value(text: str) -> object:
    """An untagged plain scalar's value as JSON carries it (cached: values repeat endlessly)."""
    cached = _VALUE_CACHE.get(text, _VALUE_CACHE)
    if cached is _VALUE_CACHE:
        cached = scalars.json_value(scalars.plain(text))
        if len(_VALUE_CACHE) < _CACHE_LIMIT:
            _VALUE_CACHE[text] = cached
    return cached


def known_plain_key(text: str) -> bool:
    """Whether a plain key's text was converted before (so it converts without error)."""
    return text in _KEY_TEXT


@dataclass(frozen=True, slots=True)
class NodeReader:
    """Reads the nodes of one document, composed from text that starts at ``line_offset``."""

    line_offset: int  # lines of the file before the text the nodes were composed from
    verbatim_marks: Collection[tuple[int, int]]  # (line, column) of plain scalars tagged "!"

    def line(self, node: yaml.Node) -> int:
        """The 1-based line of a node in the file."""
        return self.line_offset + node.start_mark.line + 1

    def verbatim(self, node: yaml.ScalarNode) -> bool:
        """Whether go-yaml keeps this PLAIN-tagged scalar as its text: quoted, or tagged ``!``."""
        if node.style:
            return True
        marks = self.verbatim_marks
        return bool(marks) and (node.start_mark.line, node.start_mark.column) in marks

    def resolved(self, node: yaml.ScalarNode) -> object:
        """go-yaml's value of a scalar, before JSON (a key keeps its Go type: 1 is no 1.0)."""
        tag = node.tag
        if tag == STR_TAG or (tag == PLAIN and self.verbatim(node)):
            return node.value
        if tag == PLAIN:
            return scalars.plain(node.value)
        if tag == JSON_NUMBER:
            return json_number(node.value)
        return scalars.tagged(tag, node.value)

    def value(self, node: yaml.ScalarNode) -> object:
        """A scalar's value as kubectl sends it; raises ScalarProblem where kubectl refuses."""
        tag = node.tag
        if tag is STR_TAG or tag == STR_TAG:
            return node.value
        if tag is PLAIN and not self.verbatim(node):
            return plain_value(node.value)
        return scalars.json_value(self.resolved(node))

    def key(self, node: yaml.ScalarNode) -> str:
        """A mapping key as the JSON key kubectl makes of it; raises ScalarProblem."""
        tag = node.tag
        if tag is STR_TAG or tag == STR_TAG:
            return str(node.value)
        if tag is PLAIN and not self.verbatim(node):
            text: str = node.value
            key = _KEY_TEXT.get(text)
            if key is None:
                key = scalars.key_text(scalars.plain(text), text)
                if len(_KEY_TEXT) < _CACHE_LIMIT:
                    _KEY_TEXT[text] = key
            return key
        return scalars.key_text(self.resolved(node), node.value)

    def identity(self, node: yaml.ScalarNode) -> object:
        """The key of the Go map this scalar is: its type and value (``1``, ``1.0``, ``"1"``)."""
        value = self.resolved(node)
        if isinstance(value, float) and value != value:  # noqa: PLR0124 - NaN
            return object()  # no NaN key equals another: each stays in the map
        return (type(value).__name__, value)

    def survivors(self, node: yaml.MappingNode) -> dict[object, Pair]:
        """The pairs go-yaml keeps of a mapping, by Go key, merge keys applied in order.

        A merge key sets the merged mapping's keys where it stands: it overrides keys written
        before it and is overridden by keys written after it.
        """
        found: dict[object, Pair] = {}
        self._collect(node, found)
        return found

    def _collect(self, node: yaml.MappingNode, found: dict[object, Pair]) -> None:
        for key_node, value_node in node.value:
            if key_node.value == "<<" and is_merge(key_node):
                for source in merge_sources(value_node):
                    if isinstance(source, yaml.MappingNode):
                        self._collect(source, found)
                continue
            identity = self.identity(key_node)
            found.pop(identity, None)  # the later one, at its own place
            found[identity] = (key_node, value_node)
