"""Guards against YAML built to hurt, checked on the text before any parser sees it.

libyaml's C parser recurses once per level of nesting and overflows its stack near 50,000
levels (an uncatchable crash): such text is refused from a scan of its indentation and
brackets. Aliases that expand too far are refused on the composed nodes (aliases.py).
"""

from __future__ import annotations

import re
from typing import Final

MAX_DEPTH: Final = 1000  # libyaml's C parser overflows its stack near 50,000 levels
MAX_DOCUMENTS: Final = 100_000  # in one file
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
