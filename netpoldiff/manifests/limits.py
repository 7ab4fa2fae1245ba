"""Guards against YAML built to hurt: nesting that crashes the C parser, aliases that explode.

Both are checked before any Python object is built, so a hostile file costs little time and
memory before it is rejected with a one-line error.
"""

from __future__ import annotations

import re
from typing import Final

import yaml

MAX_DEPTH: Final = 1000  # libyaml's C parser overflows its stack near 50,000 levels
MAX_EXPANDED_NODES: Final = 1_000_000  # after expanding every alias
MAX_DOCUMENTS: Final = 100_000  # in one file
MAX_EXPANSION_RATIO: Final = 10  # expanded nodes per written node, past _RATIO_FLOOR
_RATIO_FLOOR: Final = 100_000
_DEEP_LINE: Final = re.compile(rf"^[ \t?:-]{{{MAX_DEPTH},}}", re.MULTILINE)
_FLOW_OR_QUOTE: Final = re.compile(r"[\[\]{}'\"\n#]")


class LimitExceeded(Exception):  # noqa: N818 - a signal, turned into InputError by the reader
    """A document is nested too deep or expands too far; ``line`` is where, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def _flow_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of [ and { outside quotes and comments, and its line."""
    depth = deepest = 0
    deepest_line = line = 1
    quote: str | None = None
    comment = False
    for match in _FLOW_OR_QUOTE.finditer(text):
        char = match.group()
        if char == "\n":
            line += 1
            comment = False
            continue
        if comment:
            continue
        if quote is not None:
            if char == quote:
                quote = None
            continue
        if char in "'\"":
            quote = char
        elif char == "#":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        else:
            depth = max(0, depth - 1)
    return deepest, deepest_line


def check_nesting(text: str) -> None:
    """Reject text that could nest deeper than MAX_DEPTH, before the parser sees it.

    Block nesting needs a wider indent (or a longer ``- - -`` chain) for every level, flow
    nesting a bracket: both are bounded here without parsing. Quotes are tracked only roughly
    (escapes and multi-line scalars are not), which can only make the bound larger.
    """
    deep_line = _DEEP_LINE.search(text)
    if deep_line is not None:
        line = text.count("\n", 0, deep_line.start()) + 1
        msg = f"nesting too deep (more than {MAX_DEPTH} levels of indentation)"
        raise LimitExceeded(msg, line)
    if text.count("[") + text.count("{") < MAX_DEPTH:
        return  # not enough brackets to nest that deep
    depth, line = _flow_depth(text)
    if depth > MAX_DEPTH:
        msg = f"nesting too deep (more than {MAX_DEPTH} levels of brackets)"
        raise LimitExceeded(msg, line)


def check_expansion(node: yaml.Node) -> None:
    """Reject a composed document whose aliases expand too far, or refer to themselves.

    Composing keeps an alias as a second reference to the same node; counting with a memo
    of each node's expanded size takes time proportional to the composed document.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(current: yaml.Node) -> int:
        key = id(current)
        known = sizes.get(key)
        if known is not None:
            return known
        if key in in_progress:
            msg = "a recursive alias (an anchor used inside itself)"
            raise LimitExceeded(msg, current.start_mark.line + 1)
        in_progress.add(key)
        total = 1
        if isinstance(current, yaml.SequenceNode):
            total += sum(size(item) for item in current.value)
        elif isinstance(current, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in current.value)
        in_progress.discard(key)
        if total > MAX_EXPANDED_NODES:
            msg = f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)"
            raise LimitExceeded(msg, current.start_mark.line + 1)
        sizes[key] = total
        return total

    expanded = size(node)
    if expanded > _RATIO_FLOOR and expanded > MAX_EXPANSION_RATIO * len(sizes):
        msg = (
            f"aliases expand {len(sizes):,} nodes to {expanded:,} "
            f"(more than {MAX_EXPANSION_RATIO} times; an alias bomb?)"
        )
        raise LimitExceeded(msg, node.start_mark.line + 1)
