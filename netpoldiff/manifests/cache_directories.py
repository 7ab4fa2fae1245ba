"""The conversion cache's directories: opened without following links, checked, pruned.

The cache root holds one directory per code digest (``v0.1.0-<digest>``): entries that only the
code that wrote them reads. Code that changed leaves its directory behind, so once a day a run
removes the directories of other digests that no run has used for ``UNUSED_FOR``. A directory
counts as used when its modification time is recent: a run that opens its own directory sets
that time once a day (one ``fstat`` otherwise).

Every level is opened relative to its parent's descriptor without following symbolic links,
and removed the same way (``shutil.rmtree`` with ``dir_fd``), so nothing planted in the cache
can send a read, or a removal, elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from typing import Final

# Descriptor-relative calls and no-follow opens make the checks hold; without them, no cache.
SUPPORTED: Final = (
    hasattr(os, "getuid")
    and hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
    and {os.open, os.mkdir, os.rename, os.stat, os.unlink} <= os.supports_dir_fd
)
# Pruning also needs descriptor-relative removal, and times set through a descriptor.
_PRUNES: Final = SUPPORTED and shutil.rmtree.avoids_symlink_attacks and os.utime in os.supports_fd
DIRECTORY: Final = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)

DAY: Final = 24 * 3600.0
UNUSED_FOR: Final = 7 * DAY  # another digest's directory unused this long is removed
PRUNED: Final = ".pruned"  # in the cache root: its modification time is the last pruning
VERSIONED_PREFIX: Final = "v"  # what a code digest's directory is named with


def private(status: os.stat_result, kind: int) -> bool:
    """Whether a directory or file is of ``kind``, this user's, and writable by no one else."""
    return (
        stat.S_IFMT(status.st_mode) == kind
        and status.st_uid == os.getuid()
        and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def open_directory(name: str, parent: int, *, create: bool) -> int:
    """A descriptor of the private directory ``name`` in ``parent``, made when ``create``.

    Raises FileNotFoundError when it does not exist, and another OSError when it may not be used.
    """
    if create:
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o700, dir_fd=parent)
    descriptor = os.open(name, DIRECTORY, dir_fd=parent)
    if not private(os.fstat(descriptor), stat.S_IFDIR):
        os.close(descriptor)
        raise PermissionError(name)
    return descriptor


def close_all(descriptors: dict[str, int]) -> None:
    """Close the held descriptors (those not marked -1) and forget them."""
    for descriptor in descriptors.values():
        if descriptor >= 0:
            with contextlib.suppress(OSError):
                os.close(descriptor)
    descriptors.clear()


def tidy(root: int, own: str, own_descriptor: int, *, now: float | None = None) -> None:
    """Mark ``own`` (the running code's directory in the cache root) used; prune when due.

    Best effort, like the whole cache: what fails is left for another day.
    """
    if not _PRUNES:  # pragma: no cover - Linux and macOS have all it needs
        return
    now = time.time() if now is None else now
    with contextlib.suppress(OSError):
        if os.fstat(own_descriptor).st_mtime < now - DAY:
            os.utime(own_descriptor, (now, now))
    with contextlib.suppress(OSError):
        if _due(root, now):
            prune(root, own, now=now)


def _due(root: int, now: float) -> bool:
    """Whether the last pruning of ``root`` was a day ago or more; if so, this one is it."""
    try:
        last = os.stat(PRUNED, dir_fd=root, follow_symlinks=False).st_mtime
    except FileNotFoundError:
        last = None
    if last is not None and last > now - DAY:
        return False
    # Marked before pruning: of runs starting together, most see the fresh mark and skip.
    descriptor = os.open(PRUNED, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600, dir_fd=root)
    try:
        os.utime(descriptor, (now, now))
    finally:
        os.close(descriptor)
    return True


def prune(root: int, own: str, *, now: float | None = None) -> None:
    """Remove the code digests' directories in ``root`` but ``own`` unused for UNUSED_FOR.

    Only real directories named like a code digest's are considered: a symbolic link or a
    file is never one, nor followed.
    """
    now = time.time() if now is None else now
    with os.scandir(root) as entries:
        stale = [
            entry.name
            for entry in entries
            if entry.name.startswith(VERSIONED_PREFIX)
            and entry.name != own
            and entry.is_dir(follow_symlinks=False)
            and entry.stat(follow_symlinks=False).st_mtime < now - UNUSED_FOR
        ]
    for name in stale:
        # Another run may be removing it too: whatever is gone already is no error.
        shutil.rmtree(name, dir_fd=root, ignore_errors=True)
