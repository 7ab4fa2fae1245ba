"""Read the YAML (or JSON) documents of one file, keeping each mapping's line numbers."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from netpoldiff.errors import InputError, Location

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


class _Loader(_BaseLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Located:
        self.flatten_mapping(node)
        mapping = Located(node.start_mark.line + 1)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise _LoadProblem(
                    key_node.start_mark.line + 1, "a mapping key must be a scalar"
                ) from None
            if key in mapping:
                raise _LoadProblem(
                    key_node.start_mark.line + 1,
                    f"duplicate key {key!r} (the first one is on line {mapping.key_lines[key]})",
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
            mapping.key_lines[key] = key_node.start_mark.line + 1
            if (
                isinstance(value_node, yaml.ScalarNode)
                and value_node.tag != "tag:yaml.org,2002:str"
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


def documents(data: bytes, path: str) -> Iterator[Document]:
    """The documents of one file, in order; raises InputError on a syntax or encoding error."""
    text = decode(data, path)
    loader = _Loader(text)
    current = 0  # the document being read when something goes wrong
    try:
        while True:
            current += 1
            if not loader.check_node():
                break
            node = loader.get_node()
            content = loader.construct_document(node) if node is not None else None
            yield Document(current, content)
    except _LoadProblem as problem:
        raise InputError(Location(path, current, problem.line), problem.message) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem_text = error.problem or error.context or "invalid YAML"
        raise InputError(Location(path, current, line), f"invalid YAML: {problem_text}") from None
    except yaml.YAMLError as error:
        raise InputError(Location(path, current), f"invalid YAML: {error}") from None
    except RecursionError:
        msg = "invalid YAML: nesting too deep or a recursive alias"
        raise InputError(Location(path, current), msg) from None
    finally:
        loader.dispose()
