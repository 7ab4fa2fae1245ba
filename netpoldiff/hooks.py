"""Plain git hooks: the script ``hook install`` writes and the pre-push protocol it speaks.

``pre-commit``, ``pre-merge-commit`` and ``pre-push`` run where the developer works;
``pre-receive`` on the server that takes the push (its input is read in receive/).
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from netpoldiff.errors import SourceError, WriteError
from netpoldiff.sources import GitRepository

Stage = Literal["pre-commit", "pre-push", "pre-merge-commit", "pre-receive"]
MARKER: Final = "# Installed by netpoldiff hook install"
_ZERO: Final = frozenset("0")
_DELETE: Final = "(delete)"
# What git check-ref-format refuses: control characters, space and ~^:?*[\ anywhere; "..",
# "@{", "//"; a component that starts with "." or ends with ".lock"; a "/" or "." at the end.
_BAD_REF: Final = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//|/\.|\.lock(?:/|$)|[/.]$")


def hook_script(stage: Stage, arguments: Sequence[str]) -> str:
    """The hook: run this netpoldiff's Python so it works outside any virtualenv activation."""
    command = [sys.executable, "-m", "netpoldiff", "hook", "run", f"--{stage}", *arguments]
    forwarded = ' "$@"' if stage == "pre-push" else ""
    return (
        "#!/bin/sh\n"
        f"{MARKER} ({stage}); `netpoldiff hook install --force` rewrites it.\n"
        f"exec {shlex.join(command)}{forwarded}\n"
    )


def install(
    repository: GitRepository, stage: Stage, arguments: Sequence[str], *, force: bool
) -> Path:
    """Write the hook; refuse to replace a hook netpoldiff did not write unless ``force``."""
    directory = repository.hooks_directory()
    target = directory / stage
    try:
        if target.is_dir() and not target.is_symlink():
            msg = f"{target} is a directory, not a hook: remove it first"
            raise WriteError(msg)
        if not force and _taken(target):
            msg = f"{target} exists and was not written by netpoldiff: use --force to replace it"
            raise WriteError(msg)
        directory.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()  # replace the link itself, never the file it points to
        target.write_text(hook_script(stage, arguments), encoding="utf-8")
        target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    except FileExistsError:
        msg = f"cannot write the hook {target}: {directory} is not a directory"
        raise WriteError(msg) from None
    except OSError as error:
        msg = f"cannot write the hook {target}: {error.strerror or error}"
        raise WriteError(msg) from None
    return target


def _taken(target: Path) -> bool:
    """Whether something other than a hook netpoldiff wrote is at ``target``.

    A symbolic link counts even when it points nowhere (``exists()`` is false for it): it
    is someone's, and may be meant to point at a hook that is not there yet.
    """
    if not target.is_symlink() and not target.exists():
        return False
    if not target.is_file():
        return True  # a dangling link, a link to a directory, a socket...
    return MARKER not in target.read_text(encoding="utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class PushRange:
    """One pushed ref: compare ``old`` (what the remote has) with ``new`` (what is pushed)."""

    ref: str
    old: str
    new: str


def is_zero(sha: str) -> bool:
    """Whether ``sha`` is how git writes "no object": all zeros."""
    return set(sha) <= _ZERO


def is_ref_name(name: str) -> bool:
    """Whether ``name`` is a full ref name as ``git check-ref-format`` allows it."""
    return name.startswith("refs/") and _BAD_REF.search(name) is None


def _is_local_ref(name: str) -> bool:
    """Whether ``name`` can be what git writes for the local side.

    That is ``(delete)``, or the source of the refspec as the user typed it: a ref name or
    any revision (``HEAD~1``, an object id). It is only ever shown, never given to git.
    """
    return name == _DELETE or (name.isprintable() and not name.startswith("-"))


def _fields(line: str, repository: GitRepository) -> tuple[str, str, str, str] | None:
    """The four checked fields of one input line (None for a blank line).

    The object ids reach ``git rev-list`` as arguments, so each must be a full object id
    (``--output=FILE`` would be an option); all zeros is how git writes "no object".
    """
    fields = line.split()
    if not fields:
        return None
    if len(fields) != 4:  # noqa: PLR2004 - the protocol has four fields
        msg = f"pre-push: unexpected input line {line.strip()!r}: it needs four fields"
        raise SourceError(msg)
    local_ref, local_sha, remote_ref, remote_sha = fields
    digits = f"{repository.object_id_length} lowercase hexadecimal digits"
    problems = (
        (_is_local_ref(local_ref), "the local ref is not a ref name or a revision"),
        (repository.is_object_id(local_sha), f"the local object id is not {digits}"),
        (is_ref_name(remote_ref), "the remote ref is not a full ref name"),
        (repository.is_object_id(remote_sha), f"the remote object id is not {digits}"),
    )
    for valid, problem in problems:
        if not valid:
            msg = f"pre-push: unexpected input line {line.strip()!r}: {problem}"
            raise SourceError(msg)
    return local_ref, local_sha, remote_ref, remote_sha


def _text_lines(lines: Iterable[str]) -> Iterator[str]:
    try:
        yield from lines
    except UnicodeDecodeError:
        msg = "pre-push: the input from git is not text"
        raise SourceError(msg) from None


def push_ranges(lines: Iterable[str], repository: GitRepository, remote: str) -> list[PushRange]:
    """The ranges to check, from git's pre-push input.

    Each line reads ``<local ref> <local sha> <remote ref> <remote sha>``.
    """
    ranges = []
    for line in _text_lines(lines):
        fields = _fields(line, repository)
        if fields is None:
            continue
        local_ref, local_sha, remote_ref, remote_sha = fields
        if is_zero(local_sha):
            continue  # a deletion pushes no manifests
        if not is_zero(remote_sha) and repository.exists(remote_sha):
            ranges.append(PushRange(remote_ref, remote_sha, local_sha))
            continue
        # A new branch (or a remote tip we do not have): compare with what the remote has.
        base = repository.pushed_base(local_sha, remote)
        if base is not None:
            ranges.append(PushRange(remote_ref or local_ref, base, local_sha))
    return ranges


def pre_commit_range() -> tuple[str, str] | None:
    """The refs pre-commit's pre-push stage hands over, if it runs us."""
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF") or os.environ.get("PRE_COMMIT_SOURCE")
    to_ref = os.environ.get("PRE_COMMIT_TO_REF") or os.environ.get("PRE_COMMIT_ORIGIN")
    if from_ref and to_ref:
        return from_ref, to_ref
    return None
