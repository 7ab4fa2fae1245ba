"""json_nodes: JSON values read as Go's encoding/json reads them, into nodes that know their place.

Whole JSON files read as kubectl reads them are in test_yaml_docs.py and in
tests/differential/test_kubectl_reading.py.
"""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.manifests.json_nodes import JsonProblem, JsonReader
from netpoldiff.manifests.scalars import STR_TAG

PLAIN, NUMBER = "plain", "number"
_LITERALS = {"true": True, "false": False, "null": None}


def read(text: str, position: int = 0) -> tuple[yaml.Node, int]:
    value = JsonReader(text, PLAIN, NUMBER).value(position)
    return value.node, value.end


def python(node: yaml.Node) -> object:
    """What a node stands for, by the tags the reader was given."""
    if isinstance(node, yaml.MappingNode):
        return {python(key): python(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [python(item) for item in node.value]
    if node.tag == NUMBER:
        return json.loads(node.value)
    if node.tag == PLAIN:
        return _LITERALS[node.value]
    assert node.tag == STR_TAG
    return node.value


def nodes(node: yaml.Node) -> list[yaml.Node]:
    found = [node]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found += [key, *nodes(value)]
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += nodes(item)
    return found


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(_json_values, st.sampled_from([None, 0, 1, 2, "\t"]), st.booleans())
def test_every_json_value_reads_back_whole(
    value: object, indent: int | str | None, escaped: bool
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=escaped)
    node, end = read(text)
    assert python(node) == json.loads(text)
    assert end == len(text)


@given(_json_values, st.sampled_from([None, 1, "\t"]))
def test_every_node_knows_the_line_and_column_its_text_starts_at(
    value: object, indent: int | str | None
) -> None:
    text = " \n" + json.dumps(value, indent=indent)
    node, _ = read(text)
    lines = text.split("\n")
    for found in nodes(node):
        mark = found.start_mark
        assert text[mark.index] in '{["-0123456789tfn'
        assert lines[mark.line][mark.column] == text[mark.index]
        assert text.count("\n", 0, mark.index) == mark.line


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('"\\u00e9"', "é"),
        ('"\\ud83d\\ude00"', "\U0001f600"),
        ('"\\ud800"', "\ufffd"),
        ('"a\\ud800b"', "a\ufffdb"),
        ('"\\udc00\\ud800"', "\ufffd\ufffd"),
    ],
    ids=["escape", "surrogate-pair", "lone-surrogate", "lone-surrogate-inside", "reversed-pair"],
)
def test_strings_decode_as_go_does(text: str, value: str) -> None:
    # Go replaces a surrogate that pairs with nothing by U+FFFD; Python would keep it.
    node, _ = read(text)
    assert node.value == value


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("", 0, "unexpected end of JSON input"),
        ("  \n ", 4, "unexpected end of JSON input"),
        ("[1,]", 3, "invalid character ']' looking for beginning of value"),
        ("[1 2]", 3, "invalid character '2' after array element"),
        ('{"a" 1}', 5, "invalid character '1' after object key"),
        ('{"a": 1 "b": 2}', 8, "invalid character '\"' after object key:value pair"),
        ('{"a": 1', 7, "invalid character end of input after object key:value pair"),
        ("{1: 2}", 1, "looking for beginning of object key string"),
        ('"abc', 0, "Unterminated string starting at"),
        ('"a\\x"', 2, "Invalid \\escape"),
        ("tru", 0, "invalid character 't' looking for beginning of value"),
        ("\u00a01", 0, "invalid character '\\xa0' looking for beginning of value"),
        ("\x0b1", 0, "invalid character '\\x0b' looking for beginning of value"),
    ],
    ids=[
        "empty",
        "only-space",
        "trailing-comma",
        "missing-comma",
        "missing-colon",
        "missing-comma-in-object",
        "unclosed-object",
        "number-key",
        "unterminated-string",
        "bad-escape",
        "bad-literal",
        "no-break-space-is-no-json-space",
        "vertical-tab-is-no-json-space",
    ],
)
def test_what_is_not_json_is_a_problem_at_its_position(
    text: str, position: int, message: str
) -> None:
    with pytest.raises(JsonProblem) as problem:
        read(text)
    assert message in str(problem.value)
    assert problem.value.position == position


def test_a_value_ends_where_its_text_ends() -> None:
    text = '{"a": [1, 2]} {"b": true}\n[]'
    reader = JsonReader(text, PLAIN, NUMBER)
    first = reader.value(0)
    assert first.end == 13
    second = reader.value(first.end)
    assert second.end == 25
    assert python(second.node) == {"b": True}
    assert reader.line(reader.skip_space(second.end)) == 1


def test_numbers_keep_their_text() -> None:
    node, _ = read("[1.0, 1e3, -0, 12345678901234567890]")
    assert isinstance(node, yaml.SequenceNode)
    assert [(item.tag, item.value) for item in node.value] == [
        (NUMBER, "1.0"),
        (NUMBER, "1e3"),
        (NUMBER, "-0"),
        (NUMBER, "12345678901234567890"),
    ]


@pytest.mark.parametrize(("position", "line"), [(0, 0), (2, 0), (3, 1), (5, 1), (6, 2)], ids=str)
def test_a_newline_belongs_to_the_line_it_ends(position: int, line: int) -> None:
    # A problem can stand at a newline: a control character inside a string, say.
    assert JsonReader("ab\ncd\n", PLAIN, NUMBER).line(position) == line


def test_a_newline_inside_a_string_is_a_problem_on_the_line_it_ends() -> None:
    text = '{"a":\n "b\nc"}'
    reader = JsonReader(text, PLAIN, NUMBER)
    with pytest.raises(JsonProblem, match="Invalid control character") as problem:
        reader.value(0)
    assert reader.line(problem.value.position) == 1
