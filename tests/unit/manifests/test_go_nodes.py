"""go_nodes: composed nodes read with go-yaml v2's semantics (values, keys, merge keys).

Nodes are composed here as the reader composes them (yaml_docs' loader, which tags what go-yaml
resolves ``PLAIN``). kubectl's own reading of the same forms is compared in
tests/differential/test_kubectl_reading.py.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given

from netpoldiff.manifests import go_nodes, scalars
from netpoldiff.manifests.go_nodes import (
    PLAIN,
    NodeReader,
    is_merge,
    json_number,
    merge_sources,
)
from netpoldiff.manifests.prescan import verbatim_marks
from netpoldiff.manifests.yaml_docs import _Loader
from tests.differential.strategies import plain_texts


def compose(text: str) -> yaml.Node:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    assert node is not None
    return node


def value_node(text: str) -> tuple[NodeReader, yaml.ScalarNode]:
    """The reader of ``v: <text>`` and the node of its value."""
    document = f"v: {text}\n"
    root = compose(document)
    assert isinstance(root, yaml.MappingNode)
    ((_, node),) = root.value
    assert isinstance(node, yaml.ScalarNode)
    return NodeReader(0, verbatim_marks(document)), node


def key_node(text: str) -> tuple[NodeReader, yaml.ScalarNode]:
    """The reader of ``<text>: v`` and the node of its key."""
    document = f"{text}: v\n"
    root = compose(document)
    assert isinstance(root, yaml.MappingNode)
    ((node, _),) = root.value
    return NodeReader(0, verbatim_marks(document)), node


VALUE_CASES: dict[str, tuple[str, object]] = {
    "plain-number": ("80", 80),
    "quoted-number": ('"80"', "80"),
    "single-quoted-word": ("'yes'", "yes"),
    "plain-word": ("yes", True),
    "bang-tag-keeps-the-text": ("! 80", "80"),
    "bang-tag-on-a-quoted-scalar": ('! "80"', "80"),
    "str-tag": ("!!str 80", "80"),
    "int-tag-on-a-quoted-scalar": ('!!int "0x50"', 80),
    "float-tag-is-sent-as-json": ("!!float 443", 443),
    "local-tag-keeps-the-text": ("!port 80", "80"),
    "null": ("~", None),
}


@pytest.mark.parametrize(("text", "value"), VALUE_CASES.values(), ids=list(VALUE_CASES))
def test_values(text: str, value: object) -> None:
    reader, node = value_node(text)
    found = reader.value(node)
    assert found == value
    assert type(found) is type(value)


KEY_CASES: dict[str, tuple[str, str]] = {
    "plain-word": ("app", "app"),
    "plain-y-is-true": ("y", "true"),
    "quoted-y": ('"y"', "y"),
    "bang-tag-y": ("! y", "y"),
    "plain-float": ("1.0", "1"),
    "float-tag": ("!!float 1", "1"),
    "octal": ("0o17", "15"),
}


@pytest.mark.parametrize(("text", "key"), KEY_CASES.values(), ids=list(KEY_CASES))
def test_keys(text: str, key: str) -> None:
    reader, node = key_node(text)
    assert reader.key(node) == key


def test_a_scalar_the_tag_does_not_fit_raises_scalar_problem() -> None:
    reader, node = value_node("!!int eighty")
    with pytest.raises(scalars.ScalarProblem, match="cannot read !!str `eighty` as !!int"):
        reader.value(node)


def test_lines_count_from_the_text_the_node_was_composed_from() -> None:
    root = compose("a: 1\nb:\n  c: 2\n")
    assert isinstance(root, yaml.MappingNode)
    inner = root.value[1][1]
    assert NodeReader(0, ()).line(inner) == 3
    assert NodeReader(10, ()).line(inner) == 13


@pytest.mark.parametrize(
    ("text", "merge"),
    [
        ("<<: {a: 1}", True),
        ("!!merge <<: {a: 1}", True),
        ("! <<: {a: 1}", True),
        ('"<<": {a: 1}', False),
        ("!!str <<: {a: 1}", False),
        ("<<<: {a: 1}", False),
    ],
    ids=["plain", "merge-tag", "bang-tag", "quoted", "str-tag", "another-word"],
)
def test_merge_keys(text: str, merge: bool) -> None:
    root = compose(text)
    assert isinstance(root, yaml.MappingNode)
    ((key, value),) = root.value
    assert is_merge(key) is merge
    assert is_merge(value) is False


def test_of_a_merged_list_the_earlier_mappings_win() -> None:
    root = compose("[{a: 1}, {a: 2}]")
    assert isinstance(root, yaml.SequenceNode)
    first, second = root.value
    assert merge_sources(root) == [second, first]  # applied in order: the last applied wins
    assert merge_sources(first) == [first]


SURVIVOR_CASES: dict[str, tuple[str, dict[str, str]]] = {
    "last-of-two-keys": ("{a: 1, a: 2}", {"a": "2"}),
    "merge-overrides-keys-before-it": ("{a: 1, <<: {a: 2, b: 2}}", {"a": "2", "b": "2"}),
    "keys-after-a-merge-override-it": ("{<<: {a: 2, b: 2}, b: 3}", {"a": "2", "b": "3"}),
    "earlier-merged-mapping-wins": ("{<<: [{a: 1}, {a: 2, b: 2}]}", {"a": "1", "b": "2"}),
    "nested-merge": ("{<<: {<<: {a: 1}, b: 2}, c: 3}", {"a": "1", "b": "2", "c": "3"}),
    "no-mapping-to-merge-is-skipped": ("{<<: [{a: 1}, x], b: 2}", {"a": "1", "b": "2"}),
}


@pytest.mark.parametrize(("text", "kept"), SURVIVOR_CASES.values(), ids=list(SURVIVOR_CASES))
def test_survivors(text: str, kept: dict[str, str]) -> None:
    root = compose(text)
    assert isinstance(root, yaml.MappingNode)
    reader = NodeReader(0, ())
    survivors = reader.survivors(root).values()
    assert {str(key.value): value.value for key, value in survivors} == kept


def test_keys_of_three_go_types_are_three_keys() -> None:
    # Go map keys of different types: 1, 1.0 and "1" (the decoder then refuses the repeat).
    root = compose('{1: i, 1.0: f, "1": s}')
    assert isinstance(root, yaml.MappingNode)
    assert len(NodeReader(0, ()).survivors(root)) == 3


def test_no_two_nan_keys_are_the_same_key() -> None:
    root = compose("{.nan: a, .nan: b}")
    assert isinstance(root, yaml.MappingNode)
    assert len(NodeReader(0, ()).survivors(root)) == 2


@pytest.mark.parametrize(
    ("text", "value"),
    [("80", 80), ("-0", 0), ("1.0", 1), ("1e3", 1000), ("1.5", 1.5), ("1E-1", 0.1)],
)
def test_json_numbers(text: str, value: object) -> None:
    found = json_number(text)
    assert found == value
    assert type(found) is type(value)


def test_a_json_number_beyond_float64_is_refused() -> None:
    with pytest.raises(scalars.ScalarProblem, match="number 1e400 is out of range"):
        json_number("1e400")


@given(plain_texts())
def test_plain_scalars_read_the_same_from_the_caches(text: str) -> None:
    # The caches of plain values and keys are a shortcut: what they give is what the
    # resolution gives, first time and every time after.
    node = yaml.ScalarNode(PLAIN, text)
    reader = NodeReader(0, ())
    for _ in range(2):
        try:
            value: object = reader.value(node)
        except scalars.ScalarProblem as problem:
            value = problem.args
        try:
            expected: object = scalars.json_value(scalars.plain(text))
        except scalars.ScalarProblem as problem:
            expected = problem.args
        assert value == expected
        try:
            key: object = reader.key(node)
        except scalars.ScalarProblem as problem:
            key = problem.args
        try:
            expected_key: object = scalars.key_text(scalars.plain(text), text)
        except scalars.ScalarProblem as problem:
            expected_key = problem.args
        assert key == expected_key


def test_full_caches_still_read_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(go_nodes, "_CACHE_LIMIT", 0)
    monkeypatch.setattr(go_nodes, "_VALUE_CACHE", {})
    monkeypatch.setattr(go_nodes, "_KEY_TEXT", {})
    reader = NodeReader(0, ())
    assert reader.value(yaml.ScalarNode(PLAIN, "0x50")) == 80
    assert reader.key(yaml.ScalarNode(PLAIN, "y")) == "true"
    assert go_nodes._VALUE_CACHE == {}
    assert not go_nodes.known_plain_key("y")
