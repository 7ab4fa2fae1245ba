"""Git sources: revisions, the index and the working tree, read without touching any of them."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final, NoReturn

import git

from netpoldiff.errors import InputError, InputWarning, Location, SourceError
from netpoldiff.sources.files import (
    DEFAULT_MAX_FILE_SIZE,
    SourceFile,
    SourceFiles,
    blob_id,
    is_manifest_name,
    shown_path,
    too_large,
)

_REGULAR_MODES: Final = {"100644", "100755"}
_SYMLINK_MODE: Final = "120000"
_SUBMODULE_MODE: Final = "160000"
_SHALLOW_HINT: Final = (
    "this clone is shallow and lacks that history: fetch it with `git fetch --deepen=N` or "
    "`git fetch --unshallow` (in GitHub Actions: actions/checkout with fetch-depth: 0)"
)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A revision resolved once to an object name, with the label reports show."""

    tree_ish: str
    label: str


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _path_text(raw: bytes) -> str:
    # Paths are bytes to git. A name that is not UTF-8 is shown with \xNN escapes: valid text
    # in every report (JSON included); files are read by object id or raw bytes, not by it.
    return shown_path(raw.decode("utf-8", "surrogateescape"))


class GitRepository:
    """The repository a command runs in, read through git itself (no checkout, no archive)."""

    def __init__(self, start: Path) -> None:
        try:
            self.repo = git.Repo(start, search_parent_directories=True)
        except git.NoSuchPathError:
            msg = f"{start}: no such directory"
            raise SourceError(msg) from None
        except git.InvalidGitRepositoryError:
            msg = f"{start.resolve()} is not inside a git repository"
            raise SourceError(msg) from None
        self.bare = self.repo.bare or self.repo.working_tree_dir is None
        self.git_dir = Path(self.repo.git_dir).resolve()
        self.root = Path(self.repo.working_tree_dir or self.repo.git_dir)
        self.start = start.resolve()

    def _require_working_tree(self, what: str) -> None:
        if self.bare:
            msg = f"{self.root} is a bare repository: it has no {what}"
            raise SourceError(msg)

    def _git(self, *args: str) -> bytes:
        try:
            # Paths are literal, as typed: no globs, no ":(magic)", like revisions read them.
            output: bytes = self.repo.git.execute(
                ["git", "--literal-pathspecs", *args],
                stdout_as_string=False,
                strip_newline_in_stdout=False,
            )
        except git.GitCommandError as error:
            raise SourceError(self._explain(error)) from None
        return output

    def _explain(self, error: git.GitCommandError) -> str:
        raw: object = error.stderr
        stderr = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
        lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
        detail = next(
            (line for line in lines if line.startswith("fatal:")), lines[0] if lines else ""
        )
        detail = detail.removeprefix("stderr: ")
        if detail.startswith("'") and detail.endswith("'"):
            detail = detail[1:-1]  # GitPython quotes the captured stderr
        detail = detail.removeprefix("fatal: ").removeprefix("error: ")
        if "unmerged" in stderr or "error building trees" in stderr:
            return "git cannot read the index as a tree: it has unmerged paths (finish the merge)"
        if "dubious ownership" in stderr:
            return (
                f"git refuses to read {self.root}: it is owned by another user; trust it with "
                f"`git config --global --add safe.directory {self.root}`"
            )
        return f"git: {detail}" if detail else f"git failed: {' '.join(map(str, error.command))}"

    def is_shallow(self) -> bool:
        """Whether this is a shallow clone (some history is missing)."""
        return self._git("rev-parse", "--is-shallow-repository").strip() == b"true"

    def _commit(self, revision: str) -> str | None:
        if revision.startswith("-"):
            msg = f"revision {revision!r} must not start with '-'"
            raise SourceError(msg)
        try:
            output = self.repo.git.execute(
                [
                    "git",
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    "--end-of-options",
                    f"{revision}^{{commit}}",
                ],
                stdout_as_string=False,
            )
        except git.GitCommandError:
            return None
        return _decode(output).strip() or None

    def is_revision(self, revision: str) -> bool:
        """Whether ``revision`` (or ``A...B``) names commits in this repository."""
        if revision.startswith("-"):
            return False
        parts = revision.split("...") if "..." in revision else [revision]
        return all(self._commit(part or "HEAD") is not None for part in parts)

    def empty_tree(self) -> str:
        """The empty tree's name in this repository's hash (it differs for SHA-256)."""
        return _decode(self._git("hash-object", "-t", "tree", os.devnull)).strip()

    def has_commits(self) -> bool:
        """Whether HEAD points at a commit (false on an unborn branch)."""
        return self._commit("HEAD") is not None

    def is_empty_tree(self, spec: str) -> bool:
        """Whether ``spec`` names the empty tree (what a branch with no history compares to)."""
        return spec == self.empty_tree()

    def resolve(self, revision: str) -> Resolved:
        """Resolve a revision, or ``A...B`` (their merge base), once to a commit."""
        if self.is_empty_tree(revision):
            return Resolved(revision, f"empty tree ({revision[:7]})")
        if "..." in revision:
            left, _, right = revision.partition("...")
            left_sha = self._resolve_one(left or "HEAD")
            right_sha = self._resolve_one(right or "HEAD")
            try:
                output = self.repo.git.execute(
                    ["git", "merge-base", left_sha, right_sha], stdout_as_string=False
                )
            except git.GitCommandError:
                hint = f"; {_SHALLOW_HINT}" if self.is_shallow() else ""
                msg = f"{revision}: {left or 'HEAD'} and {right or 'HEAD'} have no merge base{hint}"
                raise SourceError(msg) from None
            sha = _decode(output).strip()
            return Resolved(sha, f"{revision} (merge base {sha[:7]})")
        if revision == "HEAD" and not self.has_commits():
            # An unborn branch (before the first commit) has the empty tree.
            return Resolved(self.empty_tree(), "HEAD (no commits yet)")
        sha = self._resolve_one(revision)
        return Resolved(sha, f"{revision} ({sha[:7]})")

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
        kind = None if spec.startswith("-") else self._object_type(spec)
        if spec.startswith("-"):
            msg = f"revision {spec!r} must not start with '-'"
        elif kind is not None:
            msg = f"{spec!r} names a {kind}, not a commit: give a commit, branch or tag"
        elif self.is_shallow():
            msg = f"{spec!r}: no such revision, file or directory; {_SHALLOW_HINT}"
        else:
            msg = f"{spec!r}: no such revision, file or directory"
        raise SourceError(msg)

    def _object_type(self, spec: str) -> str | None:
        """The type of the object ``spec`` names (blob, tree, ...), or None if it names none."""
        try:
            output = self.repo.git.execute(
                ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", spec],
                stdout_as_string=False,
            )
            sha = _decode(output).strip()
            kind = self.repo.git.execute(["git", "cat-file", "-t", sha], stdout_as_string=False)
        except git.GitCommandError:
            return None
        return _decode(kind).strip() or None

    def hooks_directory(self) -> Path:
        """Where git runs hooks from (honours core.hooksPath)."""
        relative = _decode(self._git("rev-parse", "--git-path", "hooks")).strip()
        path = Path(relative)
        # git answers relative to where it runs, which is the top of the working tree.
        return path if path.is_absolute() else (self.root / path).resolve()

    def exists(self, sha: str) -> bool:
        """Whether a commit is in the local object database."""
        return self._commit(sha) is not None

    def pushed_base(self, local_sha: str, remote: str) -> str | None:
        """For a new branch, the newest commit the remote already has (its empty tree if none).

        None when the remote already has every commit of ``local_sha``.
        """
        output = _decode(
            self._git(
                "rev-list", "--topo-order", "--reverse", local_sha, "--not", f"--remotes={remote}"
            )
        ).split()
        if not output:
            return None
        parent = self._commit(f"{output[0]}^")
        return parent if parent is not None else self.empty_tree()

    def index_tree(self) -> Resolved:
        """The index as a tree (``git write-tree`` honours GIT_INDEX_FILE during commits)."""
        self._require_working_tree("index")
        tree = _decode(self._git("write-tree")).strip()
        return Resolved(tree, f"index ({tree[:7]})")

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

    def tree_files(
        self, resolved: Resolved, paths: tuple[str, ...], max_bytes: int = DEFAULT_MAX_FILE_SIZE
    ) -> SourceFiles:
        """The manifests of a tree: regular blobs only, read from the object database."""
        listing = self._git(
            "ls-tree", "-r", "-z", "-l", "--full-tree", resolved.tree_ish, "--", *paths
        )
        entries: list[tuple[str, str, int]] = []
        warnings: list[InputWarning] = []
        errors: list[InputError] = []
        for record in listing.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, _kind, object_id, size = meta.decode().split()
            path = _path_text(raw_path)
            skipped = _skipped(mode, path)
            if skipped is not None:
                warnings.append(skipped)
            elif mode in _REGULAR_MODES and is_manifest_name(path):
                if int(size) > max_bytes:
                    errors.append(too_large(path, int(size), max_bytes))
                else:
                    entries.append((path, object_id, int(size)))
        files = [
            SourceFile(path, self._blob(path, object_id, size), object_id)
            for path, object_id, size in entries
        ]
        return SourceFiles(resolved.label, tuple(files), tuple(warnings), tuple(errors))

    def _blob(self, path: str, object_id: str, size: int) -> bytes:
        """A blob's content, checked against the size git listed for it."""
        try:
            data: bytes = self.repo.odb.stream(bytes.fromhex(object_id)).read()
        except (ValueError, OSError, git.GitCommandError) as error:
            msg = f"{path}: cannot read git object {object_id[:12]} ({error}); run `git fsck`"
            raise SourceError(msg) from None
        if len(data) != size:
            msg = f"{path}: git object {object_id[:12]} is corrupt or truncated; run `git fsck`"
            raise SourceError(msg)
        return data

    def worktree_files(
        self, paths: tuple[str, ...], max_bytes: int = DEFAULT_MAX_FILE_SIZE
    ) -> SourceFiles:
        """Tracked manifests as they are on disk now (what ``git diff`` compares)."""
        self._require_working_tree("working tree")
        # Run from the top, so the (literal) paths are repository paths.
        listing = self._git(
            "-C", str(self.root), "ls-files", "-s", "-z", "--full-name", "--", *paths
        )
        files: list[SourceFile] = []
        warnings: list[InputWarning] = []
        errors: list[InputError] = []
        linked_directories: dict[Path, bool] = {}
        for record in dict.fromkeys(listing.split(b"\0")):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode = meta.decode().split()[0]
            path = _path_text(raw_path)
            on_disk = self.root / os.fsdecode(raw_path)
            if on_disk.is_symlink():
                mode = _SYMLINK_MODE  # what is on disk now is what git diff would compare
            elif _under_symlink(self.root, on_disk, linked_directories):
                # git sees the tracked file as deleted when a folder above it became a link.
                warnings.append(
                    InputWarning("NPD004", "inside a symbolic link, not followed", Location(path))
                )
                continue
            skipped = _skipped(mode, path)
            if skipped is not None:
                warnings.append(skipped)
            elif is_manifest_name(path) and on_disk.is_file():
                if on_disk.stat().st_size > max_bytes:
                    errors.append(too_large(path, on_disk.stat().st_size, max_bytes))
                    continue
                try:
                    data = on_disk.read_bytes()
                except OSError as error:
                    msg = f"{path}: cannot read: {error.strerror}"
                    raise SourceError(msg) from None
                files.append(SourceFile(path, data, blob_id(data, self._object_format)))
        return SourceFiles("working tree", tuple(files), tuple(warnings), tuple(errors))

    @functools.cached_property
    def _object_format(self) -> str:
        return _decode(self._git("rev-parse", "--show-object-format")).strip() or "sha1"


def _skipped(mode: str, path: str) -> InputWarning | None:
    """The note for an entry that is not read: symbolic links and submodules, never followed.

    Any submodule may hold manifests; a link may be a file or a folder, so links are noted
    unless their name says they are neither a manifest nor a folder.
    """
    if mode == _SUBMODULE_MODE:
        return InputWarning("NPD004", "submodule skipped", Location(path))
    if mode == _SYMLINK_MODE and (is_manifest_name(path) or not PurePosixPath(path).suffix):
        return InputWarning("NPD004", "symbolic link skipped, not followed", Location(path))
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
