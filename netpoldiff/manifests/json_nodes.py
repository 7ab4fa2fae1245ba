"""A stream of JSON values read as Go's encoding/json reads it, into YAML nodes with lines.

kubectl reads a file that starts with ``{`` as a stream of JSON values. The values become the
same node types the YAML reader composes, so one decoder checks and builds both: strings are
``!!str``, ``true``/``false``/``null`` resolve as go-yaml resolves them (identically), and
numbers keep their text for ``decoder.json_number``.
"""

from __future__ import annotations

import bisect
import json.decoder
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import yaml

from netpoldiff.manifests.scalars import STR_TAG

_WHITESPACE: Final = re.compile(r"[ \t\n\r]*")  # JSON's, not Unicode's
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS: Final = ("true", "false", "null")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_scanstring: Final[Callable[[str, int, bool], tuple[str, int]]] = json.decoder.scanstring  # type: ignore[attr-defined]
_SEQ_TAG: Final = "tag:yaml.org,2002:seq"
_MAP_TAG: Final = "tag:yaml.org,2002:map"


class JsonProblem(ValueError):  # noqa: N818 - a reading problem, reported as InputError
    """Text that is not JSON, at a 0-based position."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True, slots=True)
class JsonValue:
    """One value of the stream, and where its text ends."""

    node: yaml.Node
    end: int


class JsonReader:
    """Reads the values of one JSON text; ``plain_tag`` and ``number_tag`` as the decoder wants."""

    def __init__(self, text: str, plain_tag: str, number_tag: str) -> None:
        self.text = text
        self.plain_tag = plain_tag
        self.number_tag = number_tag
        self._newlines = [match.start() for match in re.finditer("\n", text)]

    def skip_space(self, position: int) -> int:
        """The position of the next character that is not JSON whitespace."""
        found = _WHITESPACE.match(self.text, position)
        return found.end() if found else position

    def line(self, position: int) -> int:
        """The 0-based line of a position."""
        return bisect.bisect_left(self._newlines, position)

    def _mark(self, position: int) -> yaml.Mark:
        line = self.line(position)
        column = position - (self._newlines[line - 1] + 1 if line else 0)
        return yaml.Mark("<json>", position, line, column, "", 0)

    def value(self, position: int) -> JsonValue:
        """The value that starts at ``position`` (after whitespace); raises JsonProblem."""
        text = self.text
        position = self.skip_space(position)
        if position >= len(text):
            raise JsonProblem(position, "unexpected end of JSON input")
        char = text[position]
        mark = self._mark(position)
        if char == "{":
            return self._object(position, mark)
        if char == "[":
            return self._array(position, mark)
        if char == '"':
            value, end = self._string(position)
            return JsonValue(yaml.ScalarNode(STR_TAG, value, mark, mark, '"'), end)
        number = _NUMBER.match(text, position)
        if number is not None:
            node = yaml.ScalarNode(self.number_tag, number.group(), mark, mark, "")
            return JsonValue(node, number.end())
        for literal in _LITERALS:
            if text.startswith(literal, position):
                node = yaml.ScalarNode(self.plain_tag, literal, mark, mark, "")
                return JsonValue(node, position + len(literal))
        raise JsonProblem(position, f"invalid character {char!r} looking for beginning of value")

    def _string(self, position: int) -> tuple[str, int]:
        try:
            value, end = _scanstring(self.text, position + 1, True)  # noqa: FBT003
        except json.JSONDecodeError as error:
            raise JsonProblem(error.pos, error.msg) from None
        if not value.isascii() and _SURROGATE.search(value):
            value = _SURROGATE.sub("\ufffd", value)  # Go replaces an unpaired surrogate
        return value, end

    def _expect(self, position: int, expected: str, context: str) -> int:
        position = self.skip_space(position)
        if not self.text.startswith(expected, position):
            found = repr(self.text[position]) if position < len(self.text) else "end of input"
            raise JsonProblem(position, f"invalid character {found} {context}")
        return position + 1

    def _object(self, position: int, mark: yaml.Mark) -> JsonValue:
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        position = self.skip_space(position + 1)
        if self.text.startswith("}", position):
            return JsonValue(yaml.MappingNode(_MAP_TAG, pairs, mark, mark, True), position + 1)  # noqa: FBT003
        while True:
            position = self.skip_space(position)
            if not self.text.startswith('"', position):
                raise JsonProblem(position, "looking for beginning of object key string")
            key_mark = self._mark(position)
            key, position = self._string(position)
            position = self._expect(position, ":", "after object key")
            item = self.value(position)
            pairs.append((yaml.ScalarNode(STR_TAG, key, key_mark, key_mark, '"'), item.node))
            position = self.skip_space(item.end)
            if self.text.startswith("}", position):
                node = yaml.MappingNode(_MAP_TAG, pairs, mark, mark, True)  # noqa: FBT003
                return JsonValue(node, position + 1)
            position = self._expect(position, ",", "after object key:value pair")

    def _array(self, position: int, mark: yaml.Mark) -> JsonValue:
        items: list[yaml.Node] = []
        position = self.skip_space(position + 1)
        if self.text.startswith("]", position):
            return JsonValue(yaml.SequenceNode(_SEQ_TAG, items, mark, mark, True), position + 1)  # noqa: FBT003
        while True:
            item = self.value(position)
            items.append(item.node)
            position = self.skip_space(item.end)
            if self.text.startswith("]", position):
                node = yaml.SequenceNode(_SEQ_TAG, items, mark, mark, True)  # noqa: FBT003
                return JsonValue(node, position + 1)
            position = self._expect(position, ",", "after array element")
