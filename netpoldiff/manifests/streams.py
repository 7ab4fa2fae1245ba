"""A manifest file as kubectl frames it: its text, JSON or YAML, and where each document lies.

kubectl reads a file with apimachinery's ``YAMLOrJSONDecoder``: a stream whose first character
is ``{`` is a stream of JSON values; anything else is cut into documents at lines that start
with ``---`` *before* any YAML is parsed, and go-yaml then reads the first document of each
piece. netpoldiff frames files the same way, so that a document kubectl applies is never missed
and one it drops is never read.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from netpoldiff.errors import InputError, Location

_LFS_POINTER: Final = b"version https://git-lfs.github.com/spec/"
# Go's unicode.IsSpace: what apimachinery skips before looking for a JSON stream's "{".
_GO_SPACES: Final = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
_GO_SPACES_REST: Final = "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
GO_SPACE: Final = _GO_SPACES + _GO_SPACES_REST
_JSON_PEEK: Final = 4096  # bytes apimachinery looks at (kubectl's buffer size)
_SEPARATOR_LINE: Final = re.compile(r"^---(.*)$", re.MULTILINE)
# What libyaml reads as a separator: three dashes, then the end of the line or a blank.
_YAML_SEPARATOR_REST: Final = re.compile(r"(?:[ \t\r].*)?")


def decode(data: bytes, path: str) -> str:
    """The text of a manifest, decoded as kubectl decodes files.

    UTF-8, or UTF-16 (either order) or UTF-8 with a byte order mark, which kubectl's file
    reader turns into UTF-8 before anything else sees it.
    """
    if data.startswith(_LFS_POINTER):
        msg = (
            "is a Git LFS pointer, not a manifest: the content is in LFS storage, not in the "
            "repository (leave it out with -- PATH, or keep manifests out of LFS)"
        )
        raise InputError(Location(path), msg)
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    encoding = next((name for bom, name in boms if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        msg = f"not valid {encoding.upper().removesuffix('-SIG')} text (byte {error.start})"
        raise InputError(Location(path, line=line), msg) from None


def looks_like_json(text: str) -> bool:
    """Whether kubectl reads this stream as JSON: ``{`` within its first 4096 bytes of space."""
    start = len(text) - len(text.lstrip(GO_SPACE))
    return text.startswith("{", start) and len(text[:start].encode()) < _JSON_PEEK


@dataclass(frozen=True, slots=True)
class Chunk:
    """One document as kubectl cuts it: its 1-based number, first line (0-based) and text."""

    index: int
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Framing:
    """Where kubectl cuts a YAML stream: the first line of each document after the first."""

    boundaries: tuple[int, ...]
    whole_file_parse_agrees: bool  # libyaml's own documents are kubectl's, one for one

    def document_at(self, line: int) -> int:
        """The 1-based number of the document that holds a 0-based line."""
        # Asked once per document: a scan of every boundary would be quadratic in them.
        return 1 + bisect.bisect_right(self.boundaries, line)


def frame(text: str, path: str, first_line: int = 0) -> Framing:
    """Find kubectl's document separators; a line it refuses is an InputError.

    apimachinery's YAMLReader: a line that starts with ``---`` ends the document when only
    spaces or a comment follow on it; anything else after the dashes is an error. A separator
    that meets an empty buffer (the first line, or the second of two in a row) starts the next
    document instead of ending one.
    """
    boundaries: list[int] = []
    buffer_start = 0
    lines_before = 0
    offset = 0
    # Where libyaml and kubectl could frame the text differently: a document end marker or a
    # directive at the start of a line, a byte order mark past the start, a separator that
    # only kubectl knows (``---#``).
    agrees = not (
        text.startswith(("...", "%")) or "\n..." in text or "\n%" in text or "\ufeff" in text
    )
    for found in _SEPARATOR_LINE.finditer(text):
        lines_before += text.count("\n", offset, found.start())
        offset = found.start()
        rest = found.group(1).rstrip("\r").strip(GO_SPACE)
        if rest and not rest.startswith("#"):
            # Named after the document it would start.
            starts = len(boundaries) + (2 if lines_before > buffer_start else 1)
            where = Location(path, starts, first_line + lines_before + 1)
            written = found.group(0).rstrip()
            msg = f"invalid document separator {written!r}: only a comment may follow ---"
            raise InputError(where, msg)
        if _YAML_SEPARATOR_REST.fullmatch(found.group(1)) is None:
            agrees = False
        if lines_before > buffer_start:
            boundaries.append(lines_before + 1)
            buffer_start = lines_before + 1
    return Framing(tuple(boundaries), agrees)


def chunks(text: str, framing: Framing) -> Iterator[Chunk]:
    r"""The documents of a YAML stream, each as the text go-yaml gets from kubectl.

    Lines end in ``\n`` (kubectl's line reader drops a ``\r`` before it) and separator lines
    that end a document are left out.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the text ended with a newline: no partial last line
    starts = [0, *framing.boundaries]
    ends = [boundary - 1 for boundary in framing.boundaries] + [len(lines)]
    for index, (start, end) in enumerate(zip(starts, ends, strict=True), start=1):
        body = [line.removesuffix("\r") for line in lines[start:end]]
        yield Chunk(index, start, "".join(f"{line}\n" for line in body))
