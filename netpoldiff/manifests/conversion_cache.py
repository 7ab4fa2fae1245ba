"""Convert each blob once across runs: conversions kept on disk.

A file's conversion (its model objects, warnings and errors) is stored under git's name for the
content, the namespace that objects without one default to, a fingerprint of the kinds the user
declared (``--workload-kind``) and a digest of netpoldiff's own code, so an entry can only ever
be used by the code that wrote it, for the same question.

Entries are pickles, many times faster to load than parsing and converting the YAML again.
Three guards keep an entry from being anything but what this user's netpoldiff wrote:

- Every directory (cache root, code digest's directory, shard) and every entry is opened
  relative to its parent's descriptor without following symbolic links, and checked on that
  descriptor: this user's, and no group or other may write to it. What is checked is what is
  read; otherwise the cache, or that entry, is quietly done without.
- Each entry starts with a marker and a sha256 of its key and payload: a damaged, cut short
  or misplaced entry is a miss, removed, and written whole by the next store. A cache makes a
  run faster, never different.
- The unpickler builds only netpoldiff's data classes: no entry can run code.

An entry is written to a file of its own beside it and renamed over it, so runs sharing the
cache read an entry whole, old or new, never half-written. Directories of other code digests
are pruned (cache_directories.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import importlib
import io
import os
import pickle
import secrets
import stat
import sys
import weakref
from pathlib import Path
from typing import Final

from netpoldiff import __version__
from netpoldiff.errors import NetpoldiffError
from netpoldiff.manifests.cache_directories import (
    DIRECTORY,
    SUPPORTED,
    close_all,
    open_directory,
    private,
    tidy,
)

_PACKAGE = Path(__file__).resolve().parent.parent

# Non-blocking, so that a FIFO put in an entry's place cannot stall the open; fstat refuses it.
_ENTRY: Final = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_NEW_ENTRY: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)

_MAGIC: Final = b"netpoldiff cache 1\n"
_HEADER: Final = len(_MAGIC) + hashlib.sha256().digest_size
_SUFFIX: Final = ".pickle"

# The modules whose classes a conversion is made of (see Loader._convert_content).
_DATA_MODULES: Final = frozenset(
    {
        "netpoldiff.addresses",
        "netpoldiff.admin_policies",
        "netpoldiff.diagnostics",
        "netpoldiff.errors",
        "netpoldiff.intervals",
        "netpoldiff.manifests.converted",
        "netpoldiff.manifests.templated",
        "netpoldiff.model",
        "netpoldiff.policies",
        "netpoldiff.ports",
        "netpoldiff.selectors",
        "netpoldiff.suppression",
    }
)


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


def _digest(key: str, payload: bytes) -> bytes:
    # The key is in the digest, so an entry copied under another content's name is foreign too.
    digest = hashlib.sha256(key.encode())
    digest.update(payload)
    return digest.digest()


def _seal(key: str, payload: bytes) -> bytes:
    """An entry: the header (a marker and the digest of key and payload), then the payload."""
    return _MAGIC + _digest(key, payload) + payload


def _unseal(key: str, entry: bytes) -> bytes | None:
    """The payload of an entry written for ``key`` by ``_seal``; None when it is not one."""
    payload = entry[_HEADER:]
    return payload if entry[:_HEADER] == _MAGIC + _digest(key, payload) else None


def _unpickled(payload: bytes | None) -> object | None:
    """The conversion a checked payload holds; None when there is none or it is refused."""
    if payload is None:
        return None
    try:
        value: object = _ConversionUnpickler(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - refused (or stale): convert again
        return None
    return value


def _discard(shard: int, name: str, read: os.stat_result) -> None:
    """Remove an entry found bad, unless another run has renamed a new one over it since."""
    with contextlib.suppress(OSError):
        now = os.stat(name, dir_fd=shard, follow_symlinks=False)
        if (now.st_dev, now.st_ino) == (read.st_dev, read.st_ino):
            os.unlink(name, dir_fd=shard)


@functools.cache
def _data_class(module_name: str, global_name: str) -> type | None:
    """The class a pickle names, when it is one of the kinds a conversion is made of."""
    if module_name not in _DATA_MODULES or "." in global_name:
        return None
    found = getattr(importlib.import_module(module_name), global_name, None)
    # Defined there (not imported into it) and plain data: building one runs no code beyond
    # the class's own validation.
    if (
        isinstance(found, type)
        and found.__module__ == module_name
        and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum | NetpoldiffError))
    ):
        return found
    return None


class _ConversionUnpickler(pickle.Unpickler):
    """Builds only netpoldiff's data classes: no entry can call a function or import a module."""

    def find_class(self, module_name: str, global_name: str, /) -> type:
        found = _data_class(module_name, global_name)
        if found is None:
            msg = f"{module_name}.{global_name} is not part of a conversion"
            raise pickle.UnpicklingError(msg)
        return found


class ConversionCache:
    """Keeps files' conversions on disk across runs when ``directory`` is set (else nothing).

    ``directory`` is the cache root (``default_directory()``); entries live in a subdirectory
    named by the code digest unless ``versioned`` is False (worker processes get that
    subdirectory itself).
    """

    def __init__(self, directory: Path | None = None, *, versioned: bool = True) -> None:
        if directory is not None and versioned:
            directory = directory / f"v{__version__}-{code_digest()}"
        self.directory = directory
        self._tidies = versioned  # worker processes leave the root to their parent
        self._refused = directory is None or not SUPPORTED  # never to be used in this run
        # Held descriptors: "" for the code digest's directory, the other keys for shards.
        self._held: dict[str, int] = {}
        weakref.finalize(self, close_all, self._held)

    def _versioned(self, *, create: bool) -> int | None:
        """The held descriptor of the code digest's directory, reached from a checked root."""
        held = self._held.get("")
        if held is not None or self._refused or self.directory is None:
            return held
        root = self.directory.parent
        try:
            if create:
                root.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # The root's parent is whatever the user's cache home is (a symbolic link, say);
            # from the root down, every level is opened from a checked one.
            above = os.open(root.parent, DIRECTORY & ~getattr(os, "O_NOFOLLOW", 0))
            try:
                top = open_directory(root.name, above, create=create)
            finally:
                os.close(above)
            try:
                held = open_directory(self.directory.name, top, create=create)
                if self._tidies:
                    tidy(top, self.directory.name, held)
            finally:
                os.close(top)
        except FileNotFoundError:
            return None  # nothing cached yet; decide when there is something to store
        except OSError:
            self._refused = True
            return None
        self._held[""] = held
        return held

    def _shard(self, key: str, *, create: bool) -> int | None:
        """The held descriptor of the directory of ``key``'s entry."""
        if self._refused:
            return None
        name = key[:2]
        held = self._held.get(name)
        if held is not None:
            return held if held >= 0 else None
        versioned = self._versioned(create=create)
        if versioned is None:
            return None
        try:
            held = open_directory(name, versioned, create=create)
        except FileNotFoundError:
            return None
        except OSError:
            held = -1  # this shard is not private: its entries are never read or written
        self._held[name] = held
        return held if held >= 0 else None

    @staticmethod
    def _key(object_id: str, default_namespace: str, kinds: str) -> str:
        question = f"{object_id}\0{default_namespace}" + (f"\0{kinds}" if kinds else "")
        return hashlib.sha256(question.encode()).hexdigest()

    def has(self, object_id: str, default_namespace: str, kinds: str = "") -> bool:
        """Whether an entry for this content, default namespace and declared kinds is on disk.

        ``kinds`` is the fingerprint of the kinds the user declared ("" for none).
        """
        key = self._key(object_id, default_namespace, kinds)
        shard = self._shard(key, create=False)
        if shard is None:
            return False
        try:
            status = os.stat(key[2:] + _SUFFIX, dir_fd=shard, follow_symlinks=False)
        except OSError:
            return False
        return private(status, stat.S_IFREG)

    def converted(self, object_id: str, default_namespace: str, kinds: str = "") -> object | None:
        """What ``store`` kept for this content, default namespace and declared kinds, or None.

        An entry that is not what ``store`` wrote (cut short, damaged, refused by the
        unpickler) is a miss, and removed: the next store writes it whole.
        """
        key = self._key(object_id, default_namespace, kinds)
        shard = self._shard(key, create=False)
        if shard is None:
            return None
        name = key[2:] + _SUFFIX
        try:
            descriptor = os.open(name, _ENTRY, dir_fd=shard)
            with open(descriptor, "rb") as stream:  # noqa: PTH123 - a descriptor, not a path
                status = os.fstat(descriptor)
                if not private(status, stat.S_IFREG):
                    return None  # not ours to read, nor to remove
                entry = stream.read()
        except OSError:
            return None
        value = _unpickled(_unseal(key, entry))
        if value is None:
            _discard(shard, name, status)
        return value

    def store(self, object_id: str, default_namespace: str, value: object, kinds: str = "") -> None:
        """Keep a file's conversion for later runs (best effort: a failure only costs time)."""
        key = self._key(object_id, default_namespace, kinds)
        with contextlib.suppress(OSError, pickle.PicklingError, RecursionError):
            shard = self._shard(key, create=True)
            if shard is None:
                return
            entry = _seal(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            # Written whole under a name no one else uses, then renamed over the entry: a
            # concurrent run reads the old entry or the new one, never part of one.
            temporary = f".tmp-{os.getpid()}-{secrets.token_hex(8)}"
            descriptor = os.open(temporary, _NEW_ENTRY, 0o600, dir_fd=shard)
            try:
                with open(descriptor, "wb") as stream:  # noqa: PTH123 - a descriptor
                    stream.write(entry)
                os.rename(temporary, key[2:] + _SUFFIX, src_dir_fd=shard, dst_dir_fd=shard)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=shard)
                raise
