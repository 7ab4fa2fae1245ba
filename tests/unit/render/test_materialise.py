"""materialise: regular files only, within the size limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from netpoldiff.errors import InputError, SourceError
from netpoldiff.render.materialise import materialise
from netpoldiff.render.tree import Entry, Tree


def _entry(kind: str, data: bytes = b"") -> Entry:
    return Entry(kind, lambda: len(data), lambda: data)  # type: ignore[arg-type]


def _tree(**entries: Entry) -> Tree:
    return Tree({k.replace("__", "/"): v for k, v in entries.items()}, str, lambda _: None)


def test_only_the_directories_asked_for_are_written(tmp_path: Path) -> None:
    tree = _tree(a__x=_entry("file", b"x"), b__y=_entry("link"))
    assert materialise(tree, ["a"], tmp_path, max_file_size=10, max_total_size=10) == 1
    assert (tmp_path / "a" / "x").read_bytes() == b"x"
    assert not (tmp_path / "b").exists()


def test_a_link_is_refused(tmp_path: Path) -> None:
    tree = _tree(a__y=_entry("link"))
    with pytest.raises(InputError, match="a/y: a symbolic link"):
        materialise(tree, ["a"], tmp_path, max_file_size=10, max_total_size=10)


def test_sizes_are_capped(tmp_path: Path) -> None:
    tree = _tree(a__x=_entry("file", b"12345"), a__y=_entry("file", b"12345"))
    with pytest.raises(InputError, match="--max-file-size"):
        materialise(tree, ["a"], tmp_path, max_file_size=4, max_total_size=100)
    with pytest.raises(SourceError, match="--max-total-size"):
        materialise(tree, ["a"], tmp_path, max_file_size=10, max_total_size=8)
