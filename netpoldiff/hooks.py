"""Plain git hooks: the script ``hook install`` writes and the pre-push protocol it speaks."""

from __future__ import annotations

import os
import shlex
import stat
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from netpoldiff.errors import NetpoldiffError, SourceError
from netpoldiff.sources import GitRepository

Stage = Literal["pre-commit", "pre-push"]
MARKER: Final = "# Installed by netpoldiff hook install"
_ZERO: Final = frozenset("0")


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
    if target.exists() and not force and MARKER not in target.read_text(errors="replace"):
        msg = f"{target} exists and was not written by netpoldiff: use --force to replace it"
        raise NetpoldiffError(msg)
    directory.mkdir(parents=True, exist_ok=True)
    if target.is_symlink():
        target.unlink()  # replace the link itself, never the file it points to
    target.write_text(hook_script(stage, arguments), encoding="utf-8")
    target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return target


@dataclass(frozen=True, slots=True)
class PushRange:
    """One pushed ref: compare ``old`` (what the remote has) with ``new`` (what is pushed)."""

    ref: str
    old: str
    new: str


def _is_zero(sha: str) -> bool:
    return set(sha) <= _ZERO


def push_ranges(lines: Iterable[str], repository: GitRepository, remote: str) -> list[PushRange]:
    """The ranges to check, from git's pre-push input.

    Each line reads ``<local ref> <local sha> <remote ref> <remote sha>``.
    """
    ranges = []
    for line in lines:
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 4:  # noqa: PLR2004 - the protocol has four fields
            msg = f"pre-push: unexpected input line {line.strip()!r}"
            raise SourceError(msg)
        local_ref, local_sha, remote_ref, remote_sha = fields
        if _is_zero(local_sha):
            continue  # a deletion pushes no manifests
        if not _is_zero(remote_sha) and repository.exists(remote_sha):
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
