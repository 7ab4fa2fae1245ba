"""Sources: turn a SOURCE argument (revision, index, working tree, directory, file) into files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from netpoldiff.errors import InputError, Location, SourceError
from netpoldiff.sources.files import (
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_TOTAL_SIZE,
    SourceFile,
    SourceFiles,
    is_manifest_name,
    read_path,
    too_much,
)
from netpoldiff.sources.git_files import index_files, tree_files, worktree_files
from netpoldiff.sources.git_repo import GitRepository


class Implicit(str):
    """A SOURCE netpoldiff chose itself, never one typed: never a path, never ambiguous.

    It reads (and shows in reports) as its text, yet a directory named ``HEAD`` or ``index``
    cannot take its place: only the user's own SOURCE is looked for on disk.
    """

    __slots__ = ()


HEAD: Final = Implicit("HEAD")
WORKING_TREE: Final = Implicit("working tree")
INDEX: Final = Implicit("index")


@dataclass(frozen=True, slots=True)
class Workspace:
    """Where a command runs: its directory, and the git repository around it if any."""

    start: Path
    repository: GitRepository | None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE

    @classmethod
    def at(
        cls,
        start: Path,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
    ) -> Workspace:
        """The workspace of a directory; no repository is fine for directory sources."""
        try:
            repository: GitRepository | None = GitRepository(start)
        except SourceError:
            if not start.is_dir():
                raise
            repository = None
        return cls(start, repository, max_file_size, max_total_size)

    def _repository(self, spec: str) -> GitRepository:
        if self.repository is None:
            msg = (
                f"{spec!r} is neither an existing file or directory nor a revision "
                "(not in a git repository)"
            )
            raise SourceError(msg)
        return self.repository

    def _in_git_dir(self, path: Path) -> bool:
        """Whether a path is repository metadata (``.git/HEAD``, a bare repository's files)."""
        return self.repository is not None and path.resolve().is_relative_to(
            self.repository.git_dir
        )

    def read(self, spec: str, paths: tuple[str, ...] = ()) -> SourceFiles:
        """The files of a SOURCE: a path on disk, a revision, ``A...B``, the index or the tree.

        Files are listed, not read (a run holds one at a time); their sizes, known from the
        listing, are bounded each and all told.
        """
        files = self._files(spec, paths)
        total = sum(file.size for file in files.files)
        if total > self.max_total_size:
            raise too_much(files.label, total, self.max_total_size)
        return files

    def _files(self, spec: str, paths: tuple[str, ...]) -> SourceFiles:
        if isinstance(spec, Implicit):
            return self._read_implicit(spec, paths)
        on_disk = (self.start / spec).exists() and not self._in_git_dir(self.start / spec)
        is_revision = self.repository is not None and self.repository.is_revision(spec)
        if on_disk and is_revision:
            msg = (
                f"{spec!r} is both a revision and a path: write ./{spec} for the path or "
                f"{spec}^{{commit}} for the revision"
            )
            raise SourceError(msg)
        if on_disk:
            root = self.start / spec
            wanted = _wanted(self.start, root, paths)
            explicit = {path for path in wanted if path.is_file()}
            files = read_path(str(root), self.max_file_size, explicit)
            inside = _within(wanted)
            selected = tuple(f for f in files.files if inside(f.path))
            # As for a revision, notes on what is outside the PATHs are left out.
            warnings = tuple(
                replace(w, location=Location(_shown(w.location.path, self.start)))
                if w.location is not None
                else w
                for w in files.warnings
                if w.location is None or inside(w.location.path)
            )
            errors = tuple(
                InputError(Location(_shown(e.location.path, self.start)), e.message)
                for e in files.errors
                if inside(e.location.path)
            )
            return SourceFiles(spec, _relabel(selected, self.start), warnings, errors)
        repository = self._repository(spec)
        if (
            not is_revision
            and spec != "HEAD"
            and "..." not in spec
            and not repository.is_empty_tree(spec)
        ):
            repository.unknown(spec)
        return tree_files(
            repository, repository.resolve(spec), repository.repo_paths(paths), self.max_file_size
        )

    def _read_implicit(self, spec: Implicit, paths: tuple[str, ...]) -> SourceFiles:
        repository = self._repository(spec)
        repo_paths = repository.repo_paths(paths)
        if spec == WORKING_TREE:
            return worktree_files(repository, repo_paths, self.max_file_size)
        if spec == INDEX:
            return index_files(repository, repo_paths, self.max_file_size)
        return tree_files(repository, repository.resolve(spec), repo_paths, self.max_file_size)


def _wanted(start: Path, root: Path, paths: tuple[str, ...]) -> list[Path]:
    """``paths``, each as given from where the command runs or from the source's root."""
    return [(base / p).resolve() for p in paths for base in (start, root)]


def _within(wanted: list[Path]) -> Callable[[str], bool]:
    """Whether a file is inside any of the ``wanted`` paths (all files when none is given)."""

    def inside(path_text: str) -> bool:
        path = Path(path_text).resolve()
        return not wanted or any(path == w or path.is_relative_to(w) for w in wanted)

    return inside


def _shown(path_text: str, start: Path) -> str:
    """A path relative to where the command runs when it lies below it."""
    path = Path(path_text)
    if path.is_absolute() and path.is_relative_to(start):
        return str(path.relative_to(start))
    return path_text


def _relabel(files: tuple[SourceFile, ...], start: Path) -> tuple[SourceFile, ...]:
    """Show paths relative to where the command runs, as the user typed them."""
    return tuple(replace(f, path=_shown(f.path, start)) for f in files)


__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_MAX_TOTAL_SIZE",
    "HEAD",
    "INDEX",
    "WORKING_TREE",
    "GitRepository",
    "Implicit",
    "SourceFile",
    "SourceFiles",
    "Workspace",
    "is_manifest_name",
    "read_path",
]
