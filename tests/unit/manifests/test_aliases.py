"""aliases: the caps on what aliases expand to, and go-yaml's "excessive aliasing" refusal.

Documents are composed by libyaml here and checked directly. The same refusals through the
command line, timed, are in tests/hostile/test_checklist.py (``test_alias_bomb_*``,
``test_recursive_alias_*``, ``test_nested_list_alias_bomb_*``).
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.manifests import aliases
from netpoldiff.manifests.aliases import alias_edges, check_aliases
from netpoldiff.manifests.limits import LimitExceeded
from netpoldiff.manifests.prescan import LibyamlLoader


def compose(text: str) -> yaml.Node:
    node = yaml.compose(text, Loader=LibyamlLoader)
    assert node is not None
    return node


def is_merge(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.value == "<<"


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def check(text: str) -> None:
    check_aliases(compose(text), is_merge, line_of)


def laughs(levels: int, width: int = 10) -> str:
    """The billion laughs: each level a list of ``width`` aliases of the level before."""
    lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def alias_places(text: str) -> set[tuple[tuple[int, int], int]]:
    """Where alias_edges finds aliases: (line, column) of the parent, position of the child."""
    root = compose(text)
    starts: dict[int, tuple[int, int]] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in starts:
            starts[id(node)] = (node.start_mark.line, node.start_mark.column)
            stack.extend(reversed(aliases._children(node)))
    return {(starts[parent], position) for parent, position in alias_edges(root)[0]}


@pytest.mark.parametrize(
    ("text", "places"),
    [
        pytest.param("a: 1\nb: [2]\n", set(), id="none"),
        pytest.param("a: &x [1]\nc: [*x, 2]\n", {((1, 3), 0)}, id="in-another-branch"),
        pytest.param("a: &x [1]\nc: {d: [3, *x]}\n", {((1, 7), 1)}, id="deeper-elsewhere"),
        pytest.param(
            "a: &x [1]\nb: *x\n",
            {((0, 0), 3)},
            id="sibling",
        ),
        pytest.param(
            "[&x [1], *x]\n",
            {((0, 0), 1)},
            id="list-item",
        ),
        pytest.param(
            "a: {b: &x [1]}\nc: *x\n",
            {((0, 0), 3)},
            id="shallower-than-its-anchor",
        ),
    ],
)
def test_an_alias_is_the_reference_after_its_anchor_in_document_order(
    text: str, places: set[tuple[tuple[int, int], int]]
) -> None:
    assert alias_places(text) == places


def test_the_nodes_written_are_counted_once() -> None:
    # The root, three keys, two lists, 1 and 2: the alias adds no node.
    assert alias_edges(compose("a: &x [1]\nb: *x\nc: [*x, 2]\n"))[1] == 8


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: 1\n", id="no-alias"),
        pytest.param("base: &b {app: web}\nlabels: {<<: *b, tier: front}\n", id="merge-key"),
        pytest.param(laughs(3), id="three-levels-of-laughs"),
        pytest.param("a: &a [" + ", ".join(["x"] * 5000) + "]\nc: {b: *a}\n", id="one-large-alias"),
        pytest.param(
            "a: &a [" + ", ".join(["x"] * 5000) + "]\nb: *a\n",
            id="one-large-alias-beside-its-anchor",
        ),
    ],
)
def test_ordinary_aliases_pass(text: str) -> None:
    check(text)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: &x\n  b: *x\n", "a recursive alias", 1),
        ("a: &x [1, [2, *x]]\n", "a recursive alias", 1),
        (laughs(6), "aliases expand to more than 1,000,000 nodes", 6),
        (laughs(5), "aliases expand 21 nodes to 135,802 (more than 10 times", 1),
        (laughs(4), "document contains excessive aliasing (kubectl refuses it)", 3),
    ],
    ids=["recursive-mapping", "recursive-list", "past-the-node-cap", "past-ten-times", "go-yaml"],
)
def test_refused(text: str, message: str, line: int) -> None:
    with pytest.raises(LimitExceeded) as refused:
        check(text)
    assert message in str(refused.value)
    assert refused.value.line == line


def test_go_yaml_share_is_checked_between_its_two_bounds() -> None:
    # 100,000 nodes written, then 8,500 aliases of a 101-node list: about 967,000 decodes,
    # 89% of them inside aliases. go-yaml allows 85% at that size (99% up to 400,000).
    text = (
        "p: ["
        + ", ".join(["x"] * 100_000)
        + "]\na: &a ["
        + ", ".join(["x"] * 100)
        + "]\nb: ["
        + ", ".join(["*a"] * 8500)
        + "]\n"
    )
    with pytest.raises(LimitExceeded, match="excessive aliasing"):
        check(text)


def test_merge_keys_and_merged_lists_are_decoded_as_go_yaml_does() -> None:
    root = compose("a: &a {x: 1}\nb: &b {y: 2}\nc: {<<: [*a, *b], z: 3}\n")
    assert isinstance(root, yaml.MappingNode)
    edges, _ = alias_edges(root)
    document = aliases._Document(edges, is_merge)
    merged = root.value[2][1]
    a, b = root.value[0][1], root.value[1][1]
    z_key, z_value = merged.value[1]
    # The merge key itself is not decoded; of the merged list, the items, the last one first.
    assert document.steps(merged) == [(b, True), (a, True), (z_key, False), (z_value, False)]


# go-yaml v2.4 decode.go, allowedAliasRatio: 99% up to 400,000 decodes, 10% from 4,000,000,
# and a straight line between.
@pytest.mark.parametrize(
    ("decodes", "ratio"),
    [
        (1, 0.99),
        (400_000, 0.99),
        (2_200_000, 0.545),
        (3_100_000, 0.3225),
        (4_000_000, 0.10),
        (40_000_000, 0.10),
    ],
)
def test_go_yaml_allowed_ratio(decodes: int, ratio: float) -> None:
    assert aliases._allowed_ratio(decodes) == pytest.approx(ratio)


@given(st.integers(0, 5_000_000), st.integers(0, 5_000_000))
def test_the_allowed_ratio_only_falls(first: int, second: int) -> None:
    low, high = sorted((first, second))
    assert 0.10 <= aliases._allowed_ratio(high) <= aliases._allowed_ratio(low) <= 0.99
