"""Text from input made harmless to print: the one escaping rule of everything netpoldiff writes.

A manifest, a file name or a revision can hold characters that act on whoever reads the
output: terminal escape sequences (set the window title, clear the screen), newlines that
forge report lines, bidi overrides and zero-width characters that reorder or hide text, and
GitHub Actions workflow commands (``::error::`` first on a line, ``##[error]`` anywhere in
one: the runner still honours the legacy form mid-line). The rule:

- A character that ``str.isprintable`` rejects (control characters C0, DEL and C1, format
  characters such as U+202E and U+200B, line and paragraph separators, unassigned and private
  code points, spaces other than U+0020) is written as a backslash escape.
- ``##[`` loses its bracket, and text from input never starts a line with ``::``. The one
  document whose lines start with ``::`` is the GitHub format's, which writes workflow
  commands on purpose, with every value from input escaped as the runner reads it.

Where it applies, once: text that holds input and prints as (part of) one line goes through
``printable`` where it is made (errors.py: messages, when an error or warning is made, and
paths, when a location is written; report/text.py: source names, when a header is made); the
one-line error goes through it as it is written (cli/output.py). Every report goes through
``inert_document`` as it is written (cli/output.py); there, line breaks are ours (input that could
hold one was escaped where it was made; names and labels are validated), and so are the text
report's colour codes and the zero-width space the Markdown report puts after ``@`` and ``#``
to stop mentions. Both are idempotent: text escaped early passes unchanged, never twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Final

_LEGACY_COMMAND: Final = "##["
# A line the Actions runner reads as a workflow command: it trims leading white space, then
# wants "::", a command name, optional properties after a space, and "::" again. (Our own
# IPv6 blocks, "::ffff:0:0/96", never take that shape.)
_COMMAND: Final = r"( *)::(?=[A-Za-z][A-Za-z-]*(?: [^\n]*?)?::)"
_COMMAND_FIRST: Final = re.compile(_COMMAND)
_COMMAND_AFTER_BREAK: Final = re.compile(f"\n{_COMMAND}")  # 25x faster than ^ and MULTILINE
# What a document may hold that needs a look: anything but printable ASCII and line breaks.
_UNUSUAL: Final = re.compile(r"[^\n -~]")  # one at a time: a run (+) searches 3x slower
# Ours, and passed as they are: the text report's colour codes (SGR: colour, bold, reset).
_OUR_COLOURS: Final = ("\x1b[0m", "\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[33m")
_ZERO_WIDTH_SPACE: Final = "\u200b"


def _escape(character: str) -> str:
    # The escapes Python itself writes (\n, \x1b, \u202e, \U000e0001, \udce9): unambiguous,
    # plain ASCII, and what file names already show (sources.files.shown_path).
    return repr(character)[1:-1]


def printable(text: str) -> str:
    """``text`` with every unprintable character escaped and no workflow command left in it.

    For text from input that is printed as (part of) one line. Idempotent.
    """
    start = len(text) - len(text.lstrip(" "))
    if text.isprintable() and _LEGACY_COMMAND not in text and not text.startswith("::", start):
        return text
    text = "".join(c if c.isprintable() else _escape(c) for c in text)
    text = text.replace(_LEGACY_COMMAND, "##\\x5b")
    if text.startswith("::", start):
        text = f"{text[:start]}\\x3a{text[start + 1 :]}"
    return text


def _json_escape(character: str) -> str:
    r"""A ``\uXXXX`` escape (UTF-16 units): valid inside a JSON string and plain in text."""
    code = ord(character)
    if code <= 0xFFFF:  # noqa: PLR2004 - the Basic Multilingual Plane
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _is_ours(text: str, position: int) -> bool:
    """Whether the unprintable character at ``position`` is one the reports put there."""
    character = text[position]
    if character == "\x1b":
        return text.startswith(_OUR_COLOURS, position)
    # The Markdown report stops @mentions and #123 links with a zero-width space.
    return character == _ZERO_WIDTH_SPACE and position > 0 and text[position - 1] in "@#"


def _inert_lines(text: str, *, workflow_commands: bool = False) -> str:
    pieces: list[str] = []
    done = 0
    # Reports are large and nearly all plain ASCII: a character class finds what needs a look.
    for match in _UNUSUAL.finditer(text):
        position = match.start()
        character = match.group()
        if not character.isprintable() and not _is_ours(text, position):
            pieces.append(text[done:position])
            pieces.append(_json_escape(character))
            done = position + 1
    text = "".join(pieces) + text[done:] if pieces else text
    if _LEGACY_COMMAND in text:
        text = text.replace(_LEGACY_COMMAND, "##\\u005b")
    if workflow_commands:
        return text
    text = _COMMAND_AFTER_BREAK.sub(lambda match: f"\n{match.group(1)}\\u003a:", text)
    first = _COMMAND_FIRST.match(text)  # text starts a line
    return f"{first.group(1)}\\u003a{text[first.end() - 1 :]}" if first else text


def inert_document(chunks: Iterable[str], *, workflow_commands: bool = False) -> Iterator[str]:
    r"""A report's pieces with nothing left that could act on a terminal or a CI log.

    Line breaks and the reports' own colour codes and mention breakers pass; any other
    unprintable character becomes a ``\uXXXX`` escape, which JSON reads as the same string.
    Works line by line across pieces, so a streamed document is guarded as it streams.

    ``workflow_commands``: the document is the GitHub format's, whose every line is a workflow
    command netpoldiff writes on purpose, each value in it escaped as the runner reads it (no
    line break from input can start a line of its own). Those lines pass; the rest of the rule
    (unprintable characters, ``##[``) still holds.
    """
    pending = ""
    for chunk in chunks:
        complete, newline, rest = (pending + chunk).rpartition("\n")
        pending = rest
        if newline:
            yield _inert_lines(complete + newline, workflow_commands=workflow_commands)
    if pending:
        yield _inert_lines(pending, workflow_commands=workflow_commands)
