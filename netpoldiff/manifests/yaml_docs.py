"""Read the documents of one manifest file as kubectl reads them, keeping line numbers.

The file is framed as kubectl frames it (streams.py), each document composed by libyaml (the
C library go-yaml v2 was ported from), checked and built by the decoder as go-yaml and
``sigs.k8s.io/yaml`` would convert it. What kubectl refuses is an error here too, so that a
document it does not apply is never read as if it were.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import yaml

from netpoldiff.errors import InputError, Location
from netpoldiff.kinds import Declared
from netpoldiff.manifests.decoder import Decoder
from netpoldiff.manifests.go_nodes import JSON_NUMBER, PLAIN, STR_TAG, DecodeProblem
from netpoldiff.manifests.json_nodes import JsonProblem, JsonReader
from netpoldiff.manifests.limits import MAX_DOCUMENTS, LimitExceeded, check_nesting
from netpoldiff.manifests.located import Located
from netpoldiff.manifests.prescan import (
    LibyamlLoader,
    may_have_alias,
    question_mark_in_flow,
    verbatim_marks,
)
from netpoldiff.manifests.rule_keys import yaml_hint
from netpoldiff.manifests.streams import (
    GO_SPACE,
    Chunk,
    chunks,
    decode,
    frame,
    looks_like_json,
)

_SEQ_TAG: Final = "tag:yaml.org,2002:seq"
_MAP_TAG: Final = "tag:yaml.org,2002:map"
_VERSION_DIRECTIVE: Final = re.compile(r"^%YAML[ \t]+([0-9]+)\.([0-9]+)", re.MULTILINE)

__all__ = ["Document", "Located", "decode", "documents"]


@dataclass(frozen=True, slots=True)
class Document:
    """One document of a file: its 1-based index and its content (None if empty)."""

    index: int
    content: object


class _Loader(LibyamlLoader):
    """libyaml's composer, with go-yaml's resolution left to the decoder."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:  # noqa: ANN401, ARG002
        if kind is yaml.ScalarNode:
            # (True, _) is a plain scalar or one tagged "!": go-yaml resolves those.
            return PLAIN if implicit[0] else STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        """No path resolvers are registered: skip PyYAML's per-node bookkeeping."""

    def ascend_resolver(self) -> None:
        """No path resolvers are registered: skip PyYAML's per-node bookkeeping."""


def documents(
    data: bytes, path: str, *, whole: bool = False, declared: Declared = ()
) -> Iterator[Document]:
    """The documents of one file, in order; raises InputError where kubectl would refuse it.

    Each document keeps the fields netpoldiff reads of its kind (and of the ``declared``
    kinds), or everything with ``whole``.
    """
    reading = _Reading(whole=whole, declared=declared)
    text = decode(data, path)
    try:
        check_nesting(text)
    except LimitExceeded as error:
        where = Location(path, 1 if error.line else None, error.line)
        raise InputError(where, str(error)) from None
    if looks_like_json(text):
        return _json_stream(text, path, reading)
    return _yaml_stream(text, path, first_line=0, first_index=1, reading=reading)


def _json_stream(text: str, path: str, reading: _Reading) -> Iterator[Document]:
    """The documents of a stream that starts with ``{`` (apimachinery's YAMLOrJSONDecoder).

    A value that is not JSON ends the JSON part; if no more than one object came before it,
    the rest of the stream (from the end of that object and its line) is read as YAML, as
    kubectl does; after two or more, it is an error.
    """
    reader = JsonReader(text, PLAIN, JSON_NUMBER)
    count = 0
    resume = 0  # where the YAML reading would start: after the last value read
    position = reader.skip_space(0)
    while position < len(text):
        try:
            value = reader.value(position)
        except JsonProblem as problem:
            if count > 1:
                line = reader.line(problem.position) + 1
                where = Location(path, count + 1, line)
                raise InputError(where, f"invalid JSON: {problem}") from None
            yield from _json_fallback(text, path, (resume, count), problem, reader, reading=reading)
            return
        count += 1
        _check_count(count, path)
        node = value.node
        yield _document(path, count, node, line_offset=0, has_aliases=False, reading=reading)
        resume = position = value.end
        position = reader.skip_space(position)


def _json_fallback(
    text: str,
    path: str,
    after: tuple[int, int],
    problem: JsonProblem,
    reader: JsonReader,
    *,
    reading: _Reading,
) -> Iterator[Document]:
    """The rest of a JSON-looking stream read as YAML, after apimachinery's whitespace rule.

    ``after`` is where the last JSON value ended and how many values were read.
    """
    start, count = after
    while start < len(text) and text[start] in GO_SPACE:
        start += 1
        if text[start - 1] == "\n":
            break
    rest = _yaml_stream(
        text[start:], path, first_line=reader.line(start), first_index=count + 1, reading=reading
    )
    try:
        first = next(rest, None)
    except InputError:
        line = reader.line(problem.position) + 1
        raise InputError(Location(path, count + 1, line), f"invalid JSON: {problem}") from None
    if first is not None:
        yield first
    yield from rest


def _check_count(count: int, path: str) -> None:
    if count > MAX_DOCUMENTS:
        msg = f"more than {MAX_DOCUMENTS:,} documents in one file"
        raise InputError(Location(path, count), msg)


def _yaml_stream(
    text: str, path: str, *, first_line: int, first_index: int, reading: _Reading
) -> Iterator[Document]:
    framing = frame(text, path, first_line)
    has_aliases = may_have_alias(text)
    if framing.whole_file_parse_agrees:
        # libyaml cuts this text where kubectl does: one parser for the whole file.
        _refuse_question_mark_in_flow(
            text, path, _Where(text, first_line, framing.document_at, first_index)
        )
        verbatim = verbatim_marks(text)
        loader = _Loader(text)
        count = 0
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is None:  # pragma: no cover - check_node said there is one
                    break
                index = first_index - 1 + framing.document_at(node.start_mark.line)
                count += 1
                _check_count(count, path)
                yield _document(
                    path,
                    index,
                    node,
                    line_offset=first_line,
                    verbatim=verbatim,
                    has_aliases=has_aliases,
                    reading=reading,
                )
        except yaml.YAMLError as error:
            at = _Where(text, first_line, framing.document_at, first_index)
            raise _syntax_error(error, path, at) from None
        finally:
            loader.dispose()
        return
    for chunk in chunks(text, framing):
        _check_count(chunk.index, path)
        found = _chunk_document(
            chunk, path, (first_line, first_index), has_aliases=has_aliases, reading=reading
        )
        if found is not None:
            yield found


def _chunk_document(
    chunk: Chunk, path: str, start: tuple[int, int], *, has_aliases: bool, reading: _Reading
) -> Document | None:
    """The first document of one piece kubectl cut (go-yaml reads no further), or None.

    ``start`` is the file line and document number the framed text starts at.
    """
    first_line, first_index = start
    index = first_index - 1 + chunk.index
    line_offset = first_line + chunk.line
    version = _VERSION_DIRECTIVE.search(chunk.text)
    if version is not None and version.groups() != ("1", "1"):
        where = Location(path, index, line_offset + chunk.text.count("\n", 0, version.start()) + 1)
        msg = f"%YAML {version[1]}.{version[2]}: kubectl reads only YAML 1.1 documents"
        raise InputError(where, msg)
    _refuse_question_mark_in_flow(
        chunk.text, path, _Where(chunk.text, line_offset, lambda _: 1, index)
    )
    loader = _Loader(chunk.text)
    try:
        node = loader.get_node() if loader.check_node() else None
    except yaml.YAMLError as error:
        raise _syntax_error(
            error, path, _Where(chunk.text, line_offset, lambda _: 1, index)
        ) from None
    finally:
        loader.dispose()
    if node is None:
        return None
    verbatim = verbatim_marks(chunk.text)
    return _document(
        path,
        index,
        node,
        line_offset=line_offset,
        verbatim=verbatim,
        has_aliases=has_aliases,
        reading=reading,
    )


def _document(
    path: str,
    index: int,
    node: yaml.Node,
    *,
    line_offset: int,
    verbatim: frozenset[tuple[int, int]] = frozenset(),
    has_aliases: bool,
    reading: _Reading,
) -> Document:
    decoder = Decoder(line_offset, verbatim, has_aliases=has_aliases, declared=reading.declared)
    try:
        decoder.check(node)
        content = decoder.build(node, None) if reading.whole else decoder.document(node)
    except DecodeProblem as problem:
        raise InputError(Location(path, index, problem.line), problem.message) from None
    except RecursionError:
        msg = "nesting too deep or a recursive alias"
        raise InputError(Location(path, index), msg) from None
    return Document(index, content)


@dataclass(frozen=True, slots=True)
class _Reading:
    """What to keep of each document: everything (``whole``), or what its kind reads."""

    whole: bool
    declared: Declared


@dataclass(frozen=True, slots=True)
class _Where:
    """What turns a parser's position into the file's document and line numbers."""

    text: str  # the text the parser read
    line_offset: int  # lines of the file before that text
    document_at: Callable[[int], int]  # 0-based line of the text to its document (from 1)
    first_index: int  # the number of the text's first document in the file

    def location(self, path: str, line: int) -> Location:
        document = self.first_index - 1 + self.document_at(line)
        return Location(path, document, self.line_offset + line + 1)


def _refuse_question_mark_in_flow(text: str, path: str, at: _Where) -> None:
    """Refuse a document kubectl never applies rather than read it as libyaml does."""
    found = question_mark_in_flow(text)
    if found is not None:
        msg = (
            f"{found.value!r}: kubectl refuses a '?' inside an unquoted value in "
            "[...] or {...}: quote the value"
        )
        raise InputError(at.location(path, found.line), msg)


def _syntax_error(error: yaml.YAMLError, path: str, at: _Where) -> InputError:
    """A parser's complaint as a one-line InputError at the file's own line numbers."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if mark is None:
            return InputError(Location(path, at.first_index), f"invalid YAML: {problem}")
        hint = yaml_hint(at.text, mark.line)
        return InputError(at.location(path, mark.line), f"invalid YAML: {problem}{hint}")
    if isinstance(error, yaml.reader.ReaderError):
        character = chr(error.character) if isinstance(error.character, int) else error.character
        line = at.text.count("\n", 0, error.position)
        return InputError(at.location(path, line), f"invalid YAML: {error.reason} {character!r}")
    return InputError(Location(path, at.first_index), f"invalid YAML: {str(error).splitlines()[0]}")
