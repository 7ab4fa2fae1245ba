"""Guards against YAML built to hurt, checked on the text before any parser sees it.

libyaml's C parser recurses once per level of nesting and overflows its stack near 50,000
levels (an uncatchable crash): such text is refused from a scan of its indentation and
brackets. Aliases that expand too far are refused on the composed nodes (aliases.py).
"""

from __future__ import annotations

import re
from typing import Final

import yaml

from netpoldiff.manifests.prescan import LibyamlLoader

MAX_DEPTH: Final = 1000  # libyaml's C parser overflows its stack near 50,000 levels
MAX_DOCUMENTS: Final = 100_000  # in one file
_DEEP_LINE: Final = re.compile(rf"^[ \t?:-]{{{MAX_DEPTH},}}", re.MULTILINE)
_COLLECTION_STARTS: Final = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_LIBYAML_TOO_DEEP: Final = "exceeded maximum nesting depth"
_COLLECTION_ENDS: Final = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class LimitExceeded(Exception):  # noqa: N818 - a signal, turned into InputError by the reader
    """A document is nested too deep or expands too far; ``line`` is where, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def _collection_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of collections, and its 1-based line, as libyaml reads the text.

    Read from the parser's events, which libyaml produces without recursing; quotes, escapes,
    comments and plain scalars holding brackets are told apart exactly as when the text is
    loaded. Text the parser refuses is measured up to the error, which loading then reports.
    """
    depth = deepest = 0
    deepest_line = 1
    try:
        for event in yaml.parse(text, Loader=LibyamlLoader):
            if isinstance(event, _COLLECTION_STARTS):
                depth += 1
                if depth > deepest:
                    mark = event.start_mark
                    deepest, deepest_line = depth, (mark.line + 1 if mark else 1)
                    if deepest > MAX_DEPTH:
                        break
            elif isinstance(event, _COLLECTION_ENDS):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        # libyaml 0.2.5 and later stop at MAX_DEPTH levels themselves, ahead of the events.
        mark = error.problem_mark
        if error.problem == _LIBYAML_TOO_DEEP and mark is not None:
            return MAX_DEPTH + 1, mark.line + 1
    except yaml.YAMLError:
        pass
    return deepest, deepest_line


def check_nesting(text: str) -> None:
    """Reject text that could nest deeper than MAX_DEPTH, before the parser sees it.

    Block nesting needs a wider indent (or a longer ``- - -`` chain) for every level, flow
    nesting a bracket: both are bounded first on the bare text. Only text with enough opening
    brackets to pass the limit is measured exactly, on the parser's events.
    """
    deep_line = _DEEP_LINE.search(text)
    if deep_line is not None:
        line = text.count("\n", 0, deep_line.start()) + 1
        msg = f"nesting too deep (more than {MAX_DEPTH} levels of indentation)"
        raise LimitExceeded(msg, line)
    # An empty "[]" or "{}" adds one level at most, wherever it stands: past the other
    # opening brackets, the text cannot nest deeper than MAX_DEPTH by brackets.
    opening = text.count("[") - text.count("[]") + text.count("{") - text.count("{}")
    if opening < MAX_DEPTH:
        return
    depth, line = _collection_depth(text)
    if depth > MAX_DEPTH:
        msg = f"nesting too deep (more than {MAX_DEPTH} levels of brackets)"
        raise LimitExceeded(msg, line)
