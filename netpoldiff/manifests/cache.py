"""Convert each blob once across runs: conversions kept on disk.

A file's conversion (its model objects, warnings and errors) is stored under git's name for the
content, the namespace that objects without one default to, and a digest of netpoldiff's own
code, so an entry can only ever be used by the code that wrote it, for the same question.

Entries are pickles: loading one is many times faster than parsing and converting the YAML
again, which is what makes a repeated run cheap. A pickle can run code when loaded, so the
cache is used only in a directory that the current user owns and nobody else can write (the
rule of every per-user cache that holds pickles); otherwise netpoldiff quietly does without
it. An entry that cannot be read is ignored and rewritten: the cache can make a run faster,
never different.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

from netpoldiff import __version__
from netpoldiff.manifests.yaml_docs import Document, documents
from netpoldiff.sources import SourceFile

_PACKAGE = Path(__file__).resolve().parent.parent


def default_directory() -> Path:
    """``$XDG_CACHE_HOME/netpoldiff`` (``~/.cache/netpoldiff`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netpoldiff"


@functools.cache
def code_digest() -> str:
    """A digest of netpoldiff's source and the interpreter: what a cached conversion depends on."""
    digest = hashlib.sha256(f"{__version__}\0{sys.implementation.cache_tag}".encode())
    for module in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(module.relative_to(_PACKAGE)).encode() + b"\0")
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def _private(directory: Path) -> bool:
    """Whether a directory belongs to this user and no one else may write into it."""
    if not hasattr(os, "getuid"):  # pragma: no cover - no owners to compare
        return True
    try:
        status = directory.stat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(status.st_mode)
        and status.st_uid == os.getuid()
        and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


class ParseCache:
    """Parses files; keeps their conversions on disk across runs when ``directory`` is set.

    ``directory`` is the cache root (``default_directory()``); entries live in a subdirectory
    named by the code digest unless ``versioned`` is False (worker processes get that
    subdirectory itself).
    """

    def __init__(self, directory: Path | None = None, *, versioned: bool = True) -> None:
        if directory is not None and versioned:
            directory = directory / f"v{__version__}-{code_digest()}"
        self.directory = directory
        self._usable: bool | None = None  # whether the directory may be used, once known
        self.parsed = 0  # blobs parsed from text in this run (the rest came from a cache)

    def documents(self, source_file: SourceFile) -> list[Document]:
        """The documents of a file, parsed now.

        They are not kept: the Loader converts each content once, and holding every parsed
        file until the end would double a large run's peak memory.
        """
        self.parsed += 1
        return list(documents(source_file.data, source_file.path))

    def _entry(self, object_id: str, default_namespace: str) -> Path | None:
        if self.directory is None:
            return None
        key = hashlib.sha256(f"{object_id}\0{default_namespace}".encode()).hexdigest()
        return self.directory / key[:2] / f"{key[2:]}.pickle"

    def _directory_usable(self, *, create: bool) -> bool:
        if self._usable is None and self.directory is not None:
            if create:
                with contextlib.suppress(OSError):
                    self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self.directory.exists():
                return False  # nothing cached yet; decide when there is something to store
            # The root and the digest's directory: either could let someone swap entries.
            self._usable = _private(self.directory.parent) and _private(self.directory)
        return bool(self._usable)

    def has(self, object_id: str, default_namespace: str) -> bool:
        """Whether an entry for this content and default namespace is on disk."""
        entry = self._entry(object_id, default_namespace)
        return entry is not None and self._directory_usable(create=False) and entry.exists()

    def converted(self, object_id: str, default_namespace: str) -> object | None:
        """What ``store`` kept for this content and default namespace, or None."""
        entry = self._entry(object_id, default_namespace)
        if entry is None or not self._directory_usable(create=False):
            return None
        try:
            with entry.open("rb") as stream:
                value: object = pickle.load(stream)  # noqa: S301 - a private directory, see above
        except Exception:  # noqa: BLE001 - missing, cut short or stale: convert again
            return None
        return value

    def store(self, object_id: str, default_namespace: str, value: object) -> None:
        """Keep a file's conversion for later runs (best effort: a failure only costs time)."""
        entry = self._entry(object_id, default_namespace)
        if entry is None or not self._directory_usable(create=True):
            return
        with contextlib.suppress(OSError, pickle.PicklingError, RecursionError):
            entry.parent.mkdir(mode=0o700, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
                Path(temporary).replace(entry)
            finally:
                Path(temporary).unlink(missing_ok=True)
