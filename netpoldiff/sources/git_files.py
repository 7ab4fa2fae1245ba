"""The manifests of a tree, the index or the working tree, as ``kubectl apply -f`` reads them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Final, NamedTuple

from netpoldiff.diagnostics import NOT_FOLLOWED, Diagnostic
from netpoldiff.errors import InputError, Location, SourceError
from netpoldiff.sources.files import (
    SourceFile,
    SourceFiles,
    is_manifest_name,
    link_identity,
    on_disk,
    shown_path,
    suffix_warning,
    too_large,
)
from netpoldiff.sources.git_blobs import BlobError, BlobReader
from netpoldiff.sources.git_repo import GitRepository, Resolved

_REGULAR_MODES: Final = {"100644", "100755"}
_SYMLINK_MODE: Final = "120000"
_SUBMODULE_MODE: Final = "160000"
_SKIP_WORKTREE: Final = "S"  # the tag ``ls-files -t`` gives an entry outside a sparse checkout


@dataclass(slots=True)
class _Listing:
    """What a listing found: files read, and notes on the entries that were not."""

    paths: tuple[str, ...]
    files: list[SourceFile] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    named: set[str] = field(default_factory=set)  # files named by themselves as PATHs
    not_followed: list[tuple[str, str]] = field(default_factory=list)

    def wanted(self, mode: str, raw_path: bytes, path: str, object_id: str) -> bool:
        """Whether to read an entry; notes why not when it is not.

        A file named by itself as a PATH is read whatever its name (``kubectl apply -f
        FILE``); the rest only with a manifest suffix (``kubectl apply -f DIR``).
        ``object_id`` names the entry's content (a link's target, a submodule's commit).
        """
        skipped = _skipped(mode, path)
        if skipped is not None:
            self.warnings.append(skipped)
            self.not_followed.append((path, object_id))
            return False
        if mode in _REGULAR_MODES and os.fsdecode(raw_path) in self.paths:
            self.named.add(path)
            return True
        if mode in _REGULAR_MODES and is_manifest_name(path):
            return True
        warning = suffix_warning(path)
        if warning is not None:
            self.warnings.append(warning)
        return False

    def fits(self, path: str, size: int, max_bytes: int) -> bool:
        """Whether a file is within the size limit (checked before it is read)."""
        if size > max_bytes:
            self.errors.append(too_large(path, size, max_bytes))
            return False
        return True

    def result(self, label: str, short: str | None = None) -> SourceFiles:
        files = tuple(replace(f, explicit=True) if f.path in self.named else f for f in self.files)
        return SourceFiles(
            label,
            files,
            tuple(self.warnings),
            tuple(self.errors),
            short or label,
            tuple(self.not_followed),
        )


def _path_text(raw: bytes) -> str:
    # Paths are bytes to git. A name that is not UTF-8 is shown with \xNN escapes: valid text
    # in every report (JSON included); files are read by object id or raw bytes, not by it.
    return shown_path(raw.decode("utf-8", "surrogateescape"))


@dataclass(frozen=True, slots=True)
class InRepository:
    """A blob of the repository, read when it is converted (in whichever process that is)."""

    blobs: BlobReader
    path: str
    object_id: str
    size: int

    def read(self) -> bytes:
        """The blob's bytes, checked against the size git listed for it."""
        try:
            return self.blobs.read(self.object_id, self.size)
        except BlobError as error:
            raise InputError(Location(self.path), f"{error}; run `git fsck`") from None


def _blob_file(repository: GitRepository, path: str, object_id: str, size: int) -> SourceFile:
    return SourceFile(path, InRepository(repository.blobs, path, object_id, size), object_id)


def tree_files(
    repository: GitRepository, resolved: Resolved, paths: tuple[str, ...], max_bytes: int
) -> SourceFiles:
    """The manifests of a tree: regular blobs only, read from the object database."""
    listing = (
        repository.output(
            "ls-tree", "-r", "-z", "-l", "--full-tree", resolved.tree_ish, "--", *paths
        )
        if paths
        else repository.tree_listing(resolved.tree_ish)
    )
    found = _Listing(paths)
    entries: list[tuple[str, str, int]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, _kind, object_id, size = meta.decode().split()
        path = _path_text(raw_path)
        if found.wanted(mode, raw_path, path, object_id) and found.fits(path, int(size), max_bytes):
            entries.append((path, object_id, int(size)))
    found.files.extend(
        _blob_file(repository, path, object_id, size) for path, object_id, size in entries
    )
    return found.result(resolved.label, resolved.short)


class _Entry(NamedTuple):
    """One index entry, as ``ls-files -s -t`` lists it."""

    tag: str
    mode: str
    object_id: str
    stage: str
    raw_path: bytes


def _index(repository: GitRepository, paths: tuple[str, ...]) -> list[_Entry]:
    """The index's entries, one per path and stage.

    Listed, never written: ``write-tree`` would rewrite the index when its cached trees are
    stale, and rehash racily clean files through their clean filters on the way.
    """
    # Run from the top, so the (literal) paths are repository paths; -t tags skip-worktree.
    listing = repository.output(
        "-C", str(repository.root), "ls-files", "-s", "-t", "-z", "--full-name", "--", *paths
    )
    entries = []
    for record in listing.split(b"\0"):
        if record:
            meta, _, raw_path = record.partition(b"\t")
            tag, mode, object_id, stage = meta.decode().split()
            entries.append(_Entry(tag, mode, object_id, stage, raw_path))
    return entries


def index_files(repository: GitRepository, paths: tuple[str, ...], max_bytes: int) -> SourceFiles:
    """The manifests of the index: what ``git commit`` would commit now."""
    repository.require_working_tree("index")
    found = _Listing(paths)
    for _tag, mode, object_id, stage, raw_path in _index(repository, paths):
        path = _path_text(raw_path)
        if stage != "0":
            msg = f"{path}: unmerged in the git index; finish the merge (git add or git rm it)"
            raise SourceError(msg)
        if found.wanted(mode, raw_path, path, object_id):
            _add_from_index(repository, found, path, object_id, max_bytes)
    return found.result("index")


def worktree_files(
    repository: GitRepository, paths: tuple[str, ...], max_bytes: int
) -> SourceFiles:
    """Tracked manifests as ``git diff`` compares them: on disk, or in the index when sparse.

    A file outside a sparse checkout (its skip-worktree bit set) is not on disk, and git
    does not take it for deleted: what it compares is the index's copy, so that is read.
    """
    repository.require_working_tree("working tree")
    root = repository.root
    found = _Listing(paths)
    linked_directories: dict[Path, bool] = {}
    seen: set[bytes] = set()
    for entry in _index(repository, paths):
        if entry.raw_path in seen:
            continue  # an unmerged path has an entry per stage and one file on disk
        seen.add(entry.raw_path)
        path = _path_text(entry.raw_path)
        if entry.tag == _SKIP_WORKTREE:
            if found.wanted(entry.mode, entry.raw_path, path, entry.object_id):
                _add_from_index(repository, found, path, entry.object_id, max_bytes)
            continue
        on_disk = root / os.fsdecode(entry.raw_path)
        # What is on disk now is what git diff compares: a link, even where a file was.
        mode, object_id = entry.mode, entry.object_id
        if on_disk.is_symlink():
            mode, object_id = _SYMLINK_MODE, link_identity(on_disk, repository.object_format)
        if mode != _SYMLINK_MODE and _under_symlink(root, on_disk, linked_directories):
            # git sees the tracked file as deleted when a folder above it became a link.
            found.warnings.append(
                NOT_FOLLOWED.at(Location(path), what="inside a symbolic link, not followed")
            )
        elif found.wanted(mode, entry.raw_path, path, object_id) and on_disk.is_file():
            _add_from_disk(repository, found, path, on_disk, max_bytes)
    return found.result("working tree")


def _add_from_disk(
    repository: GitRepository, found: _Listing, path: str, file: Path, max_bytes: int
) -> None:
    if found.fits(path, file.stat().st_size, max_bytes):
        found.files.append(on_disk(file, path, repository.object_format))


def _add_from_index(
    repository: GitRepository, found: _Listing, path: str, object_id: str, max_bytes: int
) -> None:
    try:
        size = repository.blobs.size(object_id)
    except BlobError as error:
        msg = f"{path}: {error}; run `git fsck`"
        raise SourceError(msg) from None
    if found.fits(path, size, max_bytes):
        found.files.append(_blob_file(repository, path, object_id, size))


def _skipped(mode: str, path: str) -> Diagnostic | None:
    """The note for an entry that is not read: symbolic links and submodules, never followed.

    Any submodule may hold manifests; a link may be a file or a folder, so links are noted
    unless their name says they are neither a manifest nor a folder.
    """
    if mode == _SUBMODULE_MODE:
        return NOT_FOLLOWED.at(Location(path), what="submodule skipped")
    if mode == _SYMLINK_MODE and (is_manifest_name(path) or not PurePosixPath(path).suffix):
        return NOT_FOLLOWED.at(Location(path), what="symbolic link skipped, not followed")
    return None


def _under_symlink(root: Path, path: Path, seen: dict[Path, bool]) -> bool:
    """Whether a folder between ``root`` and ``path`` is a symbolic link."""
    for parent in path.relative_to(root).parents:
        if parent == Path():
            continue
        folder = root / parent
        if folder not in seen:
            seen[folder] = folder.is_symlink()
        if seen[folder]:
            return True
    return False
