"""A mapping read from YAML that keeps its lines: what the decoder builds and errors cite.

Apart from the decoder, so that code reading decoded mappings (the configuration) does not
import a YAML parser until it has something to parse.
"""

from __future__ import annotations

from typing import Any


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
