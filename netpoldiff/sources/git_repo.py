"""Git sources: revisions, the index and the working tree, read without touching any of them."""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final, NoReturn

from netpoldiff.errors import SourceError, UsageError
from netpoldiff.sources.git_blobs import HEX_LENGTHS, BlobReader
from netpoldiff.sources.git_command import (
    FINDING_SETTINGS,
    SAFE_SETTINGS,
    SAFE_SETTINGS_BUT_HOOKS,
    GitFailedError,
    Setting,
    explain_failure,
    refused_for_ownership,
    run_git,
)

_HEX_DIGITS: Final = frozenset("0123456789abcdef")
_SHALLOW_HINT: Final = (
    "this clone is shallow and lacks that history: fetch it with `git fetch --deepen=N` or "
    "`git fetch --unshallow` (in GitHub Actions: actions/checkout with fetch-depth: 0)"
)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A revision resolved once to an object name, with the labels reports show.

    ``short`` names it in one word (an abbreviated commit), for messages about one side.
    """

    tree_ish: str
    label: str
    short: str


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


class NotARepositoryError(SourceError):
    """The directory is in no git repository: directory sources still work there."""


def outside_any_repository(start: Path) -> bool:
    """Whether no git repository can hold the directory ``start``, known without running git.

    git looks, from ``start`` up, for a ``.git`` directory or file, or a directory that is a
    repository itself (which holds ``HEAD``). Where none of these names exists and no
    variable points git elsewhere, it can find nothing; where one does, git decides.
    """
    if "GIT_DIR" in os.environ:
        return False  # git reads the repository named there, wherever it runs
    absolute = Path(os.path.normpath(Path.cwd() / start))
    return not any(
        os.path.lexists(directory / name)
        for directory in (absolute, *absolute.parents)
        for name in (".git", "HEAD")
    )


class GitRepository:
    """The repository a command runs in, read through git itself (no checkout, no archive)."""

    def __init__(self, start: Path) -> None:
        if not start.exists():
            msg = f"{start}: no such directory"
            raise SourceError(msg)
        if not start.is_dir():
            msg = f"{start}: not a directory"
            raise SourceError(msg)
        self.start = start.resolve()
        # git finds the repository itself, as every git command run here would: .git files,
        # GIT_DIR and GIT_CEILING_DIRECTORIES are its own to apply. Whose it is matters only
        # to the commands that read it (git_command.py).
        try:
            found = run_git(
                [
                    "rev-parse",
                    "--is-bare-repository",
                    "--is-inside-work-tree",
                    "--absolute-git-dir",
                    "--show-object-format",  # sha1 or sha256
                    "--show-cdup",  # printed only inside a working tree
                ],
                self.start,
                FINDING_SETTINGS,
            )
        except GitFailedError as error:
            if "not a git repository" in error.stderr:
                msg = f"{self.start} is not inside a git repository"
                raise NotARepositoryError(msg) from None
            raise SourceError(explain_failure(error.stderr, error.command, self.start)) from None
        bare, inside, git_dir, object_format, *cdup = _decode(found).split("\n")
        self.git_dir = Path(git_dir).resolve()
        self.object_format = object_format or "sha1"  # the hash of its object ids
        if inside == "true":
            self.bare = False
            self.root = Path(os.path.normpath(self.start / (cdup[0] if cdup else "")))
        elif bare != "true" and self.git_dir.name == ".git":
            # In the .git directory of a repository with a working tree: that tree's top.
            self.bare = False
            self.root = self.git_dir.parent
        else:
            self.bare = True
            self.root = self.git_dir
        self._commits: dict[str, str | None] = {}
        self._listings: dict[str, bytes] = {}

    def require_working_tree(self, what: str) -> None:
        """Fail for a bare repository, which has no index and no working tree."""
        if self.bare:
            msg = f"{self.root} is a bare repository: it has no {what}"
            raise SourceError(msg)

    def output(self, *args: str, settings: tuple[Setting, ...] = SAFE_SETTINGS) -> bytes:
        """The output of a git command, or a SourceError that explains its failure."""
        try:
            return run_git(list(args), self.root, settings)
        except GitFailedError as error:
            raise SourceError(explain_failure(error.stderr, error.command, self.root)) from None

    def _answer(self, *args: str) -> str | None:
        """The output of a git command that may fail, as text; None when it fails.

        Not when git refuses the repository itself: "no such revision" would then be a
        silent wrong answer (HEAD read as a branch with no commits yet).
        """
        try:
            return _decode(run_git(list(args), self.root)).strip() or None
        except GitFailedError as error:
            if refused_for_ownership(error.stderr):
                raise SourceError(explain_failure(error.stderr, error.command, self.root)) from None
            return None

    def tree_listing(self, tree_ish: str) -> bytes:
        """Every entry of a tree, recursively, with sizes: ``ls-tree -r -z -l --full-tree``.

        Listed once per run: the files a diff reads and the tree a renderer looks through are
        the same listing, and ``-l`` looks up every blob's size.
        """
        listing = self._listings.get(tree_ish)
        if listing is None:
            listing = self.output("ls-tree", "-r", "-z", "-l", "--full-tree", tree_ish)
            self._listings[tree_ish] = listing
        return listing

    def is_shallow(self) -> bool:
        """Whether this is a shallow clone (some history is missing)."""
        return self.output("rev-parse", "--is-shallow-repository").strip() == b"true"

    def _object(self, revision: str) -> str | None:
        """The object a revision names, or None."""
        return self._answer("rev-parse", "--verify", "--quiet", "--end-of-options", revision)

    def _commit(self, revision: str) -> str | None:
        if revision.startswith("-"):
            msg = f"revision {revision!r} must not start with '-'"
            raise UsageError(msg)
        if revision not in self._commits:
            if ":" in revision:
                # Resolved first, then peeled: after a colon (``:/text``, ``HEAD:path``) the
                # rest is a message or a path, so ``^{commit}`` would be read as part of it.
                found = self._object(revision)
                peeled = None if found is None else self._object(f"{found}^{{commit}}")
            else:
                peeled = self._object(f"{revision}^{{commit}}")  # one process, not two
            self._commits[revision] = peeled  # once per run, as every check asks again
        return self._commits[revision]

    def is_revision(self, revision: str) -> bool:
        """Whether ``revision`` (or ``A...B``) names commits in this repository."""
        if revision.startswith("-"):
            return False
        parts = revision.split("...") if "..." in revision else [revision]
        return all(self._commit(part or "HEAD") is not None for part in parts)

    def empty_tree(self) -> str:
        """The empty tree's name in this repository's hash (it differs for SHA-256)."""
        # What ``git hash-object -t tree /dev/null`` prints, without a process.
        return hashlib.new(self.object_format, b"tree 0\0").hexdigest()

    def has_commits(self) -> bool:
        """Whether HEAD points at a commit (false on an unborn branch)."""
        return self._commit("HEAD") is not None

    def is_empty_tree(self, spec: str) -> bool:
        """Whether ``spec`` names the empty tree (what a branch with no history compares to)."""
        return spec == self.empty_tree()

    def merge_base(self, left: str, right: str) -> Resolved:
        """Resolve ``left...right`` (an empty side is HEAD) once to their merge base."""
        shown = f"{left}...{right}"
        left, right = left or "HEAD", right or "HEAD"
        sha = self._answer("merge-base", self._resolve_one(left), self._resolve_one(right))
        if sha is None:
            hint = f"; {_SHALLOW_HINT}" if self.is_shallow() else ""
            msg = f"{shown}: {left} and {right} have no merge base{hint}"
            raise SourceError(msg)
        return Resolved(sha, f"{shown} (merge base {sha[:7]})", sha[:7])

    def resolve(self, revision: str) -> Resolved:
        """Resolve a revision (or the empty tree's name) once to a commit."""
        if self.is_empty_tree(revision):
            return Resolved(revision, f"empty tree ({revision[:7]})", "empty tree")
        if revision == "HEAD" and not self.has_commits():
            # An unborn branch (before the first commit) has the empty tree.
            return Resolved(self.empty_tree(), "HEAD (no commits yet)", "no commits yet")
        sha = self._resolve_one(revision)
        return Resolved(sha, f"{revision} ({sha[:7]})", sha[:7])

    def _resolve_one(self, revision: str) -> str:
        sha = self._commit(revision)
        if sha is not None:
            return sha
        if self.is_shallow():
            msg = f"unknown revision {revision!r}: {_SHALLOW_HINT}"
        else:
            msg = f"unknown revision {revision!r} (not a commit of {self.root})"
        raise SourceError(msg)

    def unknown(self, spec: str) -> NoReturn:
        """Fail for a SOURCE that is neither a revision here nor a path on disk."""
        kind = self._object_type(spec)
        if kind is not None:
            msg = f"{spec!r} names a {kind}, not a commit: give a commit, branch or tag"
        elif self.is_shallow():
            msg = f"{spec!r}: no such revision, file or directory; {_SHALLOW_HINT}"
        else:
            msg = f"{spec!r}: no such revision, file or directory"
        raise SourceError(msg)

    def _object_type(self, spec: str) -> str | None:
        """The type of the object ``spec`` names (blob, tree, ...), or None if it names none."""
        found = self._object(spec)
        return None if found is None else self._answer("cat-file", "-t", found)

    def hooks_directory(self) -> Path:
        """Where git runs hooks from (honours core.hooksPath)."""
        # Asked without our core.hooksPath, which would hide the repository's own.
        answer = self.output("rev-parse", "--git-path", "hooks", settings=SAFE_SETTINGS_BUT_HOOKS)
        relative = _decode(answer).strip()
        path = Path(relative)
        # git answers relative to where it runs, which is the top of the working tree.
        return path if path.is_absolute() else (self.root / path).resolve()

    def exists(self, sha: str) -> bool:
        """Whether a commit is in the local object database."""
        return self._commit(sha) is not None

    def default_branch(self) -> str | None:
        """The branch HEAD points at (``refs/heads/main``); None when HEAD is detached."""
        return self._answer("symbolic-ref", "--quiet", "HEAD")

    def tip(self, ref: str) -> str | None:
        """The commit a ref points at, or None (a branch not created yet)."""
        return self._commit(ref)

    def common_ancestor(self, left: str, right: str) -> str | None:
        """The merge base of two commits, or None when their histories never met."""
        return self._answer("merge-base", "--end-of-options", left, right)

    def pushed_base(self, local_sha: str, remote: str) -> str | None:
        """For a new branch, the newest commit the remote already has (its empty tree if none).

        None when the remote already has every commit of ``local_sha``.
        """
        output = _decode(
            self.output(
                "rev-list", "--topo-order", "--reverse", local_sha, "--not", f"--remotes={remote}"
            )
        ).split()
        if not output:
            return None
        parent = self._commit(f"{output[0]}^")
        return parent if parent is not None else self.empty_tree()

    def repo_paths(self, paths: tuple[str, ...]) -> tuple[str, ...]:
        """User paths (relative to where the command runs) as repository paths."""
        result = []
        for path in paths:
            # Lexically, like git: a path through a symbolic link is not the link's target.
            absolute = Path(os.path.normpath(self.start / path))
            try:
                relative = absolute.relative_to(self.root)
            except ValueError:
                msg = f"{path}: outside the repository {self.root}"
                raise SourceError(msg) from None
            result.append(PurePosixPath(relative).as_posix() if relative.parts else ".")
        return tuple(result)

    @functools.cached_property
    def blobs(self) -> BlobReader:
        """The repository's file contents, by object id."""
        return BlobReader(self.root, self.object_format)

    @property
    def object_id_length(self) -> int:
        """How many hexadecimal digits a full object id has here (40, or 64 for SHA-256)."""
        return HEX_LENGTHS[self.object_format]

    def is_object_id(self, text: str) -> bool:
        """Whether ``text`` is a full object id of this repository's hash, as git writes it."""
        return len(text) == self.object_id_length and all(c in _HEX_DIGITS for c in text)
