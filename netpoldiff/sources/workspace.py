"""Where a command reads its sources: the directory it runs in and the repository around it."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from netpoldiff.errors import InputError, Location, SourceError, UsageError
from netpoldiff.sources.exclusions import Exclusions
from netpoldiff.sources.files import (
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_TOTAL_SIZE,
    SourceFile,
    SourceFiles,
    read_path,
    too_much,
)
from netpoldiff.sources.git_files import index_files, tree_files, worktree_files
from netpoldiff.sources.git_repo import GitRepository, NotARepositoryError, outside_any_repository
from netpoldiff.sources.source import (
    Index,
    MergeBase,
    OnDisk,
    Revision,
    Source,
    WorkingTree,
)


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
        if start.is_dir() and outside_any_repository(start):
            return cls(start, None, max_file_size, max_total_size)
        try:
            repository: GitRepository | None = GitRepository(start)
        except NotARepositoryError:
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

    def source(self, text: str) -> Source:
        """What a SOURCE typed on the command line names, decided once.

        A name that is both a path here and a revision is an error that says how to pick
        one, as git's own "ambiguous argument" does: never a silent choice.
        """
        on_disk = (self.start / text).exists() and not self._in_git_dir(self.start / text)
        try:
            revision = self.repository is not None and self.repository.is_revision(text)
        except SourceError:
            if not on_disk:
                raise
            # git refuses the repository (another user's): no revision of it can be read,
            # so the path is the only reading there is.
            revision = False
        if on_disk and revision:
            msg = (
                f"{text!r} is both a revision and a path: write ./{text} for the path or "
                f"{text}^{{commit}} for the revision"
            )
            raise UsageError(msg)
        if on_disk:
            return OnDisk(text)
        repository = self._repository(text)
        if text.startswith("-"):
            msg = f"revision {text!r} must not start with '-'"
            raise UsageError(msg)
        if "..." in text:
            left, _, right = text.partition("...")
            return MergeBase(left, right)
        # HEAD before the first commit is the empty tree, as is the empty tree's own name.
        if not (revision or text == "HEAD" or repository.is_empty_tree(text)):
            repository.unknown(text)
        return Revision(text)

    @property
    def top(self) -> Path:
        """The top of the repository's working tree; outside one, where the command runs."""
        if self.repository is None or self.repository.bare:
            return self.start
        return self.repository.root

    def read(
        self, source: Source, paths: tuple[str, ...] = (), exclude: Exclusions | None = None
    ) -> SourceFiles:
        """The files of a source, those inside ``paths`` when any are given, less ``exclude``.

        Files are listed, not read (a run holds one at a time); their sizes, known from the
        listing, are bounded each and all told. What is excluded is neither read nor noted.
        """
        files = self._files(source, paths)
        if exclude is not None and exclude.patterns:
            files = self._without(files, exclude, on_disk=isinstance(source, OnDisk))
        total = sum(file.size for file in files.files)
        if total > self.max_total_size:
            raise too_much(files.label, total, self.max_total_size)
        return files

    def _without(self, files: SourceFiles, exclude: Exclusions, *, on_disk: bool) -> SourceFiles:
        """``files`` less those ``exclude`` names, with their notes and errors."""

        def kept(path: str) -> bool:
            # Git lists repository paths; a directory source, paths from where the command runs.
            return (self.repository_path(path) if on_disk else path) not in exclude

        return replace(
            files,
            files=tuple(f for f in files.files if kept(f.path)),
            warnings=tuple(
                w for w in files.warnings if w.location is None or kept(w.location.path)
            ),
            errors=tuple(e for e in files.errors if kept(e.location.path)),
        )

    def repository_path(self, shown: str) -> str:
        """A path shown from where the command runs as a path from the top (as is if outside)."""
        absolute = Path(os.path.normpath(self.start / shown))
        try:
            return PurePosixPath(absolute.relative_to(self.top)).as_posix()
        except ValueError:
            return shown

    def top_file(self, source: Source, name: str) -> bytes | None:
        """The bytes of the file ``name`` at the top of the repository as ``source`` has it.

        None when there is no such file. A revision's or the index's copy is read from git;
        the working tree's and a directory source's from disk. A symbolic link is refused
        (never followed), and so is a file above ``--max-file-size``.
        """
        match source:
            case Revision() | MergeBase() | Index():
                found = self._files(source, (os.path.relpath(self.top / name, self.start),))
            case WorkingTree() | OnDisk():
                path = self.top / name
                if not path.exists() and not path.is_symlink():
                    return None
                found = read_path(str(path), self.max_file_size)
        if found.errors:
            raise found.errors[0]
        if found.warnings:
            msg = f"{name} in {found.label}: a symbolic link or submodule; give a regular file"
            raise SourceError(msg)
        return found.files[0].data if found.files else None

    def _files(self, source: Source, paths: tuple[str, ...]) -> SourceFiles:
        if isinstance(source, OnDisk):
            return self._on_disk(source.path, paths)
        repository = self._repository(str(source))
        repo_paths = repository.repo_paths(paths)
        match source:
            case WorkingTree():
                return worktree_files(repository, repo_paths, self.max_file_size)
            case Index():
                return index_files(repository, repo_paths, self.max_file_size)
            case MergeBase(left, right):
                resolved = repository.merge_base(left, right)
            case Revision(name):
                resolved = repository.resolve(name)
        return tree_files(repository, resolved, repo_paths, self.max_file_size)

    def _on_disk(self, path: str, paths: tuple[str, ...]) -> SourceFiles:
        root = self.start / path
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
        return SourceFiles(path, _relabel(selected, self.start), warnings, errors)


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
