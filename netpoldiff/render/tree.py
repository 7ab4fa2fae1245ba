"""Every file of a source (not only manifests), listed without reading, for rendering.

A kustomization reads patches, bases and generator files whatever their names, so rendering
needs the whole listing of a revision, the index, the working tree or a directory. Each entry
says whether it is a regular file (the only kind ever copied) and reads its bytes on demand:
from git objects for a revision and the index, from the disk for the rest, never through a
symbolic link.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final, Literal

from netpoldiff.errors import SourceError
from netpoldiff.sources import (
    GitRepository,
    Index,
    MergeBase,
    OnDisk,
    Revision,
    Source,
    WorkingTree,
    Workspace,
)
from netpoldiff.sources.files import shown_path

EntryKind = Literal["file", "link", "other"]

_REGULAR_MODES: Final = frozenset({"100644", "100755"})
_LINK_MODE: Final = "120000"


@dataclass(frozen=True, slots=True)
class Entry:
    """One path of a source: its kind, and how to measure and read it (files).

    Both are asked only of the files a rendering copies: a listing of a large repository
    stats and reads nothing.
    """

    kind: EntryKind
    size: Callable[[], int]
    read: Callable[[], bytes]


def _nothing() -> bytes:
    return b""


def _zero() -> int:
    return 0


def _fixed(size: int) -> Callable[[], int]:
    return lambda: size


@dataclass(frozen=True, slots=True)
class Tree:
    """A source's paths (``/``-separated, relative to its root) and how each is shown.

    ``display`` turns a tree path into the path reports use for the same file, so that a
    rendered object names the file a reader finds in the repository or directory.
    """

    entries: Mapping[str, Entry]
    display: Callable[[str], str]
    inside: Callable[[str], str | None]  # a user PATH as a tree path (None: outside the source)

    def directories(self) -> frozenset[str]:
        """Every directory that holds an entry (``.`` for the root)."""
        found = {"."}
        for path in self.entries:
            found.update(str(parent) for parent in PurePosixPath(path).parents)
        return frozenset(found)


def _mode_kind(mode: str) -> EntryKind:
    if mode in _REGULAR_MODES:
        return "file"
    return "link" if mode == _LINK_MODE else "other"


def _git_reader(repository: GitRepository, object_id: str, size: int) -> Callable[[], bytes]:
    return lambda: repository.blobs.read(object_id, size)


def _records(listing: bytes) -> list[tuple[list[str], str]]:
    """``ls-tree``/``ls-files -z`` records: the fields before the tab, and the path."""
    found = []
    for record in listing.split(b"\0"):
        if record:
            meta, _, raw_path = record.partition(b"\t")
            found.append((meta.decode().split(), os.fsdecode(raw_path)))
    return found


def _revision_tree(repository: GitRepository, tree_ish: str) -> dict[str, Entry]:
    listing = repository.tree_listing(tree_ish)
    entries = {}
    for (mode, _kind, object_id, size), path in _records(listing):
        kind = _mode_kind(mode)
        length = int(size) if kind == "file" else 0
        reader = _git_reader(repository, object_id, length) if kind == "file" else _nothing
        entries[path] = Entry(kind, _fixed(length), reader)
    return entries


def _index_tree(repository: GitRepository, *, on_disk: bool) -> dict[str, Entry]:
    repository.require_working_tree("index")
    listing = repository.output("-C", str(repository.root), "ls-files", "-s", "-z", "--full-name")
    entries: dict[str, Entry] = {}
    for (mode, object_id, _stage), path in _records(listing):
        kind = _mode_kind(mode)
        if on_disk:
            entries[path] = _worktree_entry(repository.root, path, kind)
        elif kind == "file":
            entries[path] = _blob_entry(repository, object_id)
        else:
            entries[path] = Entry(kind, _zero, _nothing)
    return entries


def _blob_entry(repository: GitRepository, object_id: str) -> Entry:
    def size() -> int:
        return repository.blobs.size(object_id)

    return Entry("file", size, lambda: repository.blobs.read(object_id, size()))


def _worktree_entry(root: Path, path: str, kind: EntryKind) -> Entry:
    """A tracked file as it is on disk when it is read: a link there now is refused then."""

    def now() -> Entry:
        entry = _disk_entry(root, path)
        if entry is None:
            msg = f"{path}: tracked but not on disk"
            raise SourceError(msg)
        if entry.kind != "file":
            msg = f"{path}: a symbolic link or special file on disk; links are not followed"
            raise SourceError(msg)
        return entry

    if kind != "file":
        return Entry(kind, _zero, _nothing)
    return Entry("file", lambda: now().size(), lambda: now().read())


def _disk_reader(file: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        # O_NOFOLLOW: a file swapped for a link after the listing is not followed either.
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as stream:
            return stream.read()

    return read


def _disk_entry(root: Path, path: str) -> Entry | None:
    """A file on disk as its path reads (None when gone); a link anywhere on the way is a link."""
    current = root
    for part in PurePosixPath(path).parts:
        current = current / part
        try:
            status = current.lstat()
        except OSError:
            return None
        if stat.S_ISLNK(status.st_mode):
            return Entry("link", _zero, _nothing)
    if not stat.S_ISREG(status.st_mode):
        return Entry("other", _zero, _nothing)
    return Entry("file", _fixed(status.st_size), _disk_reader(current))


def _directory_tree(root: Path) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for directory, subdirectories, names in os.walk(root):
        base = Path(directory)
        for name in [d for d in subdirectories if (base / d).is_symlink()]:
            entries[(base / name).relative_to(root).as_posix()] = Entry("link", _zero, _nothing)
        subdirectories[:] = [
            d for d in subdirectories if d != ".git" and not (base / d).is_symlink()
        ]
        for name in names:
            relative = (base / name).relative_to(root).as_posix()
            entry = _disk_entry(root, relative)
            if entry is not None:
                entries[relative] = entry
    return entries


def source_tree(workspace: Workspace, source: Source) -> Tree | None:
    """Every path of a source; None for a single file on disk (nothing to render there)."""
    if isinstance(source, OnDisk):
        root = workspace.start / source.path
        if not root.is_dir():
            return None
        start = workspace.start
        return Tree(
            _directory_tree(root), _on_disk_display(start, root), _on_disk_inside(start, root)
        )
    repository = workspace.repository
    if repository is None:
        msg = f"{source}: not in a git repository"
        raise SourceError(msg)
    match source:
        case WorkingTree():
            entries = _index_tree(repository, on_disk=True)
        case Index():
            entries = _index_tree(repository, on_disk=False)
        case MergeBase(left, right):
            entries = _revision_tree(repository, repository.merge_base(left, right).tree_ish)
        case Revision(name):
            entries = _revision_tree(repository, repository.resolve(name).tree_ish)
    return Tree(entries, lambda path: path, _repository_inside(repository))


def _on_disk_display(start: Path, root: Path) -> Callable[[str], str]:
    def display(path: str) -> str:
        shown = Path(shown_path(str(root / path)))
        return str(shown.relative_to(start)) if shown.is_relative_to(start) else str(shown)

    return display


def _on_disk_inside(start: Path, root: Path) -> Callable[[str], str | None]:
    resolved_root = root.resolve()

    def inside(path: str) -> str | None:
        for base in (start, root):
            candidate = Path(os.path.normpath(base / path))
            if candidate.exists() and candidate.resolve().is_relative_to(resolved_root):
                relative = candidate.resolve().relative_to(resolved_root)
                return relative.as_posix() if relative.parts else "."
        return None

    return inside


def _repository_inside(repository: GitRepository) -> Callable[[str], str | None]:
    def inside(path: str) -> str | None:
        try:
            return repository.repo_paths((path,))[0]
        except SourceError:
            return None

    return inside
