"""Aliases: refuse documents that expand too far, and every document kubectl refuses for them.

An alias is cheap to write and expands to a copy of its anchor: a few hundred bytes can stand
for billions of nodes. netpoldiff refuses a document whose expansion passes its own bounds, and
also every document go-yaml v2 refuses with "document contains excessive aliasing": a document
kubectl does not apply must not be read as if it were (a hostile change could hide a policy
that way). Both are computed on the composed nodes, with each anchor's expansion counted once.

PyYAML's composer gives an alias the very node of its anchor, so which reference is the alias
is told by document order: the anchor is where a node is first reached, reading from the top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

import yaml

from netpoldiff.manifests.limits import LimitExceeded

MAX_EXPANDED_NODES: Final = 1_000_000  # after expanding every alias, per document
MAX_EXPANSION_RATIO: Final = 10  # expanded nodes per written node, past _RATIO_FLOOR
_RATIO_FLOOR: Final = 100_000
_MERGE_TAG: Final = "tag:yaml.org,2002:merge"
_MAPPING: Final = yaml.MappingNode
_SEQUENCE: Final = yaml.SequenceNode

# go-yaml v2.4 decode.go: past 100 alias decodes and 1,000 decodes, the share of decodes made
# inside aliases may not exceed 99% up to 400,000 decodes, falling to 10% at 4,000,000.
_GO_ALIASES_FLOOR: Final = 100
_GO_DECODES_FLOOR: Final = 1000
_GO_RATIO_LOW: Final = 400_000
_GO_RATIO_HIGH: Final = 4_000_000

Edge = tuple[int, int]  # (id of the parent node, position of the child in document order)
Step = tuple[yaml.Node, bool]  # a child as go-yaml decodes it, and whether it is an alias


def _allowed_ratio(decodes: int) -> float:
    if decodes <= _GO_RATIO_LOW:
        return 0.99
    if decodes >= _GO_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decodes - _GO_RATIO_LOW) / (_GO_RATIO_HIGH - _GO_RATIO_LOW)


def _children(node: yaml.Node) -> list[yaml.Node]:
    """A collection's children in document order (a mapping's keys and values interleaved)."""
    if node.__class__ is _SEQUENCE:
        return list(node.value)
    if node.__class__ is _MAPPING:
        return [child for pair in node.value for child in pair]
    return []


def alias_edges(root: yaml.Node) -> tuple[set[Edge], int]:
    """The references that are aliases, and how many nodes are written.

    A node is marked seen when it is reached in document order, not when its parent is: of
    two references under one parent, the first is the anchor even though both are pushed
    before either is reached.
    """
    aliases: set[Edge] = set()
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Edge | None]] = [(root, None)]
    while stack:  # preorder, in document order
        node, edge = stack.pop()
        if id(node) in seen:
            if edge is not None:
                aliases.add(edge)
            continue
        seen.add(id(node))
        children = _children(node)
        parent = id(node)
        stack.extend((children[p], (parent, p)) for p in range(len(children) - 1, -1, -1))
    return aliases, len(seen)


class _Document:
    """One document's aliases and what each node costs go-yaml to decode, expanded."""

    def __init__(self, aliases: set[Edge], is_merge_key: Callable[[yaml.Node], bool]) -> None:
        self.aliases = aliases
        self.is_merge_key = is_merge_key
        self.sizes: dict[int, int] = {}

    def steps(self, node: yaml.Node) -> list[Step]:
        """The children go-yaml decodes, in its order.

        Merge keys are not decoded, and of a merged list only the items are, the last one first.
        """
        if node.__class__ is _SEQUENCE:
            return [(item, (id(node), i) in self.aliases) for i, item in enumerate(node.value)]
        if node.__class__ is not _MAPPING:
            return []
        steps: list[Step] = []
        for index, (key, value) in enumerate(node.value):
            value_is_alias = (id(node), 2 * index + 1) in self.aliases
            if not self.is_merge_key(key):
                steps.extend(
                    ((key, (id(node), 2 * index) in self.aliases), (value, value_is_alias))
                )
            elif value.__class__ is _SEQUENCE and not value_is_alias:
                items = value.value
                steps.extend(
                    (items[i], (id(value), i) in self.aliases) for i in reversed(range(len(items)))
                )
            else:
                steps.append((value, value_is_alias))
        return steps

    def size(self, root: yaml.Node, line_of: Callable[[yaml.Node], int]) -> int:
        """Decodes of a node with every alias in it expanded (memoised; cycles refused)."""
        in_progress: set[int] = set()
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            if id(node) in self.sizes:
                continue
            steps = self.steps(node)
            if not children_done:
                in_progress.add(id(node))
                stack.append((node, True))
                for child, _ in steps:
                    if id(child) in in_progress:
                        msg = "a recursive alias (an anchor used inside itself)"
                        raise LimitExceeded(msg, line_of(child))
                    if id(child) not in self.sizes:
                        stack.append((child, False))
                continue
            total = 1 + sum(self.sizes[id(child)] + is_alias for child, is_alias in steps)
            if total > MAX_EXPANDED_NODES:
                msg = f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)"
                raise LimitExceeded(msg, line_of(node))
            in_progress.discard(id(node))
            self.sizes[id(node)] = total
        return self.sizes[id(root)]

    def check_go_yaml_ratio(self, root: yaml.Node, line_of: Callable[[yaml.Node], int]) -> None:
        """Decode in go-yaml's order, counting as it does, and fail where it would fail.

        Within an alias both counts rise together, so its share only grows while the share
        allowed only falls: checking at the end of each alias is as good as at each node in it.
        """
        decodes, aliased = 1, 0  # the document node itself
        pending: list[Iterator[Step]] = [iter([(root, False)])]
        while pending:
            step = next(pending[-1], None)
            if step is None:
                pending.pop()
                continue
            child, is_alias = step
            if is_alias:
                expansion = self.sizes[id(child)]
                decodes += 1 + expansion  # the alias node, then its expansion
                aliased += expansion
            else:
                decodes += 1
                pending.append(iter(self.steps(child)))
            _check_share(aliased, decodes, line_of(child))


def _check_share(aliased: int, decodes: int, line: int) -> None:
    if (
        aliased > _GO_ALIASES_FLOOR
        and decodes > _GO_DECODES_FLOOR
        and aliased / decodes > _allowed_ratio(decodes)
    ):
        msg = "document contains excessive aliasing (kubectl refuses it)"
        raise LimitExceeded(msg, line)


def check_aliases(
    root: yaml.Node,
    is_merge_key: Callable[[yaml.Node], bool],
    line_of: Callable[[yaml.Node], int],
) -> None:
    """Raise LimitExceeded for a document whose aliases expand too far or recurse."""
    aliases, written = alias_edges(root)
    if not aliases:
        return
    document = _Document(aliases, is_merge_key)
    expanded = 1 + document.size(root, line_of)
    if expanded > _RATIO_FLOOR and expanded > MAX_EXPANSION_RATIO * written:
        msg = (
            f"aliases expand {written:,} nodes to {expanded:,} "
            f"(more than {MAX_EXPANSION_RATIO} times; an alias bomb?)"
        )
        raise LimitExceeded(msg, line_of(root))
    document.check_go_yaml_ratio(root, line_of)
