"""Read the YAML (or JSON) documents of one file, keeping each mapping's line numbers."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final

import yaml

from netpoldiff.errors import InputError, Location
from netpoldiff.manifests.limits import (
    MAX_DOCUMENTS,
    LimitExceeded,
    check_expansion,
    check_nesting,
)
from netpoldiff.manifests.prune import prune_document

if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:  # the C parser when libyaml is present, as pre-commit does: same results, much faster
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Located(dict[Any, Any]):
    """A YAML mapping that remembers where it and each of its keys stand (1-based lines).

    ``raw`` keeps the source text of plain scalars YAML did not read as strings (``on``,
    ``22:22``), so an error can say what was written, not what YAML 1.1 made of it.
    """

    __slots__ = ("key_lines", "line", "raw")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.raw: dict[Any, str] = {}

    def line_of(self, key: str) -> int:
        """The line of ``key`` if present, else of the mapping itself."""
        return self.key_lines.get(key, self.line)


_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


_RESOLVED_LIMIT = 200_000
_ALIAS_FOLLOWS: Final = "[{,:?-"  # besides whitespace and the start of the text
_NOT_ALIAS_NAME: Final = ",]}"  # besides whitespace


def may_have_alias(text: str) -> bool:
    """Whether the text may hold an alias: a ``*name`` where a node can start.

    ``* * *`` in a cron schedule is not one. A scan for ``*`` is several times faster than a
    regular expression whose match can start anywhere, and most files have no ``*`` at all.
    """
    position = text.find("*")
    while position >= 0:
        before = text[position - 1] if position else "\n"
        after = text[position + 1 : position + 2]
        if (
            (before.isspace() or before in _ALIAS_FOLLOWS)
            and after
            and not after.isspace()
            and after not in _NOT_ALIAS_NAME
        ):
            return True
        position = text.find("*", position + 1)
    return False


class _Loader(_BaseLoader):
    # Plain scalars repeat endlessly in manifests (keys, "TCP", "http"): resolving each one's
    # implicit tag with PyYAML's regular expressions is a large share of the parse, so the
    # answers are remembered, per value, across documents and files.
    _resolved: ClassVar[dict[str, str]] = {}

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:  # noqa: ANN401
        if kind is yaml.ScalarNode and implicit[0] and type(value) is str:
            tag = self._resolved.get(value)
            if tag is None:
                tag = str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]
                if len(self._resolved) < _RESOLVED_LIMIT:
                    self._resolved[value] = tag
            return tag
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        """No path resolvers are registered: skip PyYAML's per-node bookkeeping."""

    def ascend_resolver(self) -> None:
        """No path resolvers are registered: skip PyYAML's per-node bookkeeping."""

    def build(self, node: yaml.Node) -> Any:  # noqa: ANN401 - YAML values
        """Construct a node, taking the short way for strings, lists and mappings.

        Anything else (numbers, booleans, dates, explicit tags) goes through PyYAML.
        """
        tag = node.tag
        if tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value
        if tag == _SEQ_TAG and isinstance(node, yaml.SequenceNode):
            return [self.build(item) for item in node.value]
        if tag == _MAP_TAG and isinstance(node, yaml.MappingNode):
            return self.construct_mapping(node)
        return self.construct_object(node, deep=True)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:  # noqa: ANN401
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, AttributeError, OverflowError) as error:
            # A scalar its tag cannot hold (a date like 2023-02-30, ``!!int twelve``).
            tag = node.tag.rsplit(":", 1)[-1]
            message = f"cannot read {node.value!r} as {tag} ({error})"
            raise _LoadProblem(node.start_mark.line + 1, message) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Located:  # noqa: ARG002
        explicit = {id(key_node) for key_node, _ in node.value if key_node.tag != _MERGE_TAG}
        # Merge keys (``<<``) come first after flattening; written keys then override them.
        self.flatten_mapping(node)
        mapping = Located(node.start_mark.line + 1)
        written: set[Any] = set()
        for key_node, value_node in node.value:
            key = self.build(key_node)
            line = key_node.start_mark.line + 1
            try:
                hash(key)
            except TypeError:
                raise _LoadProblem(line, "a mapping key must be a scalar") from None
            if id(key_node) in explicit:
                if key in written:
                    first = mapping.key_lines[key]
                    message = f"duplicate key {key!r} (the first one is on line {first})"
                    raise _LoadProblem(line, message)
                written.add(key)
            elif key in mapping:
                continue  # of two merged mappings, the earlier one wins
            mapping[key] = self.build(value_node)
            mapping.key_lines[key] = line
            mapping.raw.pop(key, None)
            if (
                isinstance(value_node, yaml.ScalarNode)
                and value_node.tag != _STR_TAG
                and not value_node.style  # plain (None from PyYAML, "" from libyaml)
            ):
                mapping.raw[key] = value_node.value
        return mapping


def _construct_located(loader: _Loader, node: yaml.MappingNode) -> Located:
    return loader.construct_mapping(node, deep=True)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_located)


class _LoadProblem(Exception):  # noqa: N818 - internal signal, turned into InputError below
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document of a file: its 1-based index and its content (None if empty)."""

    index: int
    content: object


def decode(data: bytes, path: str) -> str:
    """Text of a manifest: UTF-8, or UTF-16/UTF-8 with a byte order mark, as YAML allows."""
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


def _document_at(text: str, line: int) -> int:
    """The 1-based index of the document that holds ``line``, from the ``---`` markers.

    Parsers report some errors only while looking for the next document, so the count of
    documents read so far can be one too high; the markers before the line cannot.
    """
    index = 1
    has_content = False
    for row in text.splitlines()[: line - 1]:
        if row.startswith("---") and row[3:4] in {"", " ", "\t"}:
            if has_content:
                index += 1
            has_content = True
        elif row.strip() and not row.startswith(("#", "%")):
            has_content = True
    return index


def documents(data: bytes, path: str) -> Iterator[Document]:
    """The documents of one file, in order; raises InputError on a syntax or encoding error."""
    text = decode(data, path)
    try:
        check_nesting(text)
    except LimitExceeded as error:
        where = Location(path, _document_at(text, error.line) if error.line else None, error.line)
        raise InputError(where, str(error)) from None
    return _parse(text, path)


def _check_count(documents_read: int) -> None:
    if documents_read > MAX_DOCUMENTS:
        msg = f"more than {MAX_DOCUMENTS:,} documents in one file"
        raise LimitExceeded(msg)


def _content(loader: _Loader, node: yaml.Node | None, *, check_aliases: bool) -> object:
    """A composed document cut to what the loader reads, checked, then built."""
    if node is None:
        return None
    kept = prune_document(node)
    if check_aliases:
        check_expansion(kept)
    return loader.build(kept)


def _parse(text: str, path: str) -> Iterator[Document]:
    loader = _Loader(text)
    current = 0  # the document being read when something goes wrong
    check_aliases = may_have_alias(text)  # without an alias nothing can expand
    try:
        while True:
            current += 1
            if not loader.check_node():
                break
            _check_count(current)
            yield Document(
                current, _content(loader, loader.get_node(), check_aliases=check_aliases)
            )
    except LimitExceeded as error:
        raise InputError(Location(path, current, error.line), str(error)) from None
    except _LoadProblem as problem:
        raise InputError(Location(path, current, problem.line), problem.message) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        document = _document_at(text, line) if line is not None else current
        problem_text = error.problem or error.context or "invalid YAML"
        raise InputError(Location(path, document, line), f"invalid YAML: {problem_text}") from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        character = chr(error.character) if isinstance(error.character, int) else error.character
        message = f"invalid YAML: {error.reason} {character!r}"
        raise InputError(Location(path, _document_at(text, line), line), message) from None
    except yaml.YAMLError as error:
        message = f"invalid YAML: {str(error).splitlines()[0]}"
        raise InputError(Location(path, current), message) from None
    except RecursionError:
        msg = "invalid YAML: nesting too deep or a recursive alias"
        raise InputError(Location(path, current), msg) from None
    finally:
        loader.dispose()
