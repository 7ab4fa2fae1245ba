"""Manifest files on disk: one file, or a directory read recursively.

A file's content is read when it is converted, not when it is listed: a run holds one file at
a time, whatever the size of the whole source (``--max-total-size`` bounds that).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final, Protocol

from netpoldiff.diagnostics import NOT_FOLLOWED, NOT_READ_SUFFIX, Diagnostic
from netpoldiff.errors import InputError, Location, SourceError

MANIFEST_SUFFIXES: Final = (".yaml", ".yml", ".json")
_METADATA_FOLDERS: Final = frozenset({".git", ".hg", ".svn"})


class Content(Protocol):
    """A file's content, read when it is needed (and not kept)."""

    @property
    def size(self) -> int:
        """Bytes, known without reading them."""

    def read(self) -> bytes:
        """The bytes; raises InputError when they cannot be had (--keep-going skips it)."""


@dataclass(frozen=True, slots=True)
class OnDisk:
    """A file on disk, whose object id was computed when it was listed."""

    file: Path
    display: str
    size: int
    object_id: str
    object_format: str = "sha1"

    def read(self) -> bytes:
        """The file's bytes, the very ones its object id was computed from."""
        try:
            data = self.file.read_bytes()
        except OSError as error:
            raise InputError(Location(self.display), f"cannot read: {error.strerror}") from None
        if blob_id(data, self.object_format) != self.object_id:
            # Converted under the id of other bytes, it would enter the cache under a lie.
            msg = "changed while netpoldiff was reading it; run again"
            raise InputError(Location(self.display), msg)
        return data


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One manifest file of a source: its display path and its content (bytes, or lazy)."""

    path: str
    content: bytes | Content
    object_id: str | None = None  # git's name for the content, when known: the conversion cache key
    # Named by itself (a SOURCE, a PATH), not found by walking a directory or tree: a file
    # that is no manifest is then an error, where a walk skips it with a warning.
    explicit: bool = False
    # The namespace of this file's objects that name none, when the file decides it (a Helm
    # release installs them in its namespace); None: the run's default (--namespace).
    namespace: str | None = None

    @property
    def data(self) -> bytes:
        """The file's bytes, read now unless they are held."""
        content = self.content
        return content if isinstance(content, bytes) else content.read()

    @property
    def size(self) -> int:
        """The file's size in bytes, without reading it."""
        content = self.content
        return len(content) if isinstance(content, bytes) else content.size


@dataclass(frozen=True, slots=True)
class SourceFiles:
    """The files of one source, and notes on what was skipped.

    ``label`` names the source in a report's header (``HEAD~1 (abc1234)``); ``short`` in
    messages about one side of a diff (``abc1234``, ``working tree``; the label when unset).
    """

    label: str
    files: tuple[SourceFile, ...]
    warnings: tuple[Diagnostic, ...] = ()
    errors: tuple[InputError, ...] = ()  # files not read, like those over the size limit
    short: str = ""
    # Symbolic links and submodules, not followed: (path, what git would name its content).
    # A diff tells which changed: it cannot say what such a change does.
    not_followed: tuple[tuple[str, str], ...] = ()

    @property
    def short_label(self) -> str:
        """The source in one word, for messages about one side of a diff."""
        return self.short or self.label


DEFAULT_MAX_FILE_SIZE: Final = 32 * 1024 * 1024
# The manifests of one source, all told: a generated 100,000-workload cluster is about 180 MB.
DEFAULT_MAX_TOTAL_SIZE: Final = 1024 * 1024 * 1024
_CHUNK: Final = 1 << 20


def too_much(label: str, total: int, limit: int) -> SourceError:
    """The error for a source whose manifests are over the total size limit."""
    msg = (
        f"{label}: its manifests total {total:,} bytes, over the limit of {limit:,} "
        "(--max-total-size)"
    )
    return SourceError(msg)


def too_large(path: str, size: int, limit: int) -> InputError:
    """The error for a file over the size limit (checked before it is read)."""
    message = f"{size:,} bytes is over the limit of {limit:,} (--max-file-size)"
    return InputError(Location(path), message)


def is_manifest_name(name: str) -> bool:
    """Whether ``kubectl apply -f DIR`` reads a file of this name (its suffix, case and all).

    kubectl keeps a file when ``filepath.Ext(name)`` is one of ``.json``, ``.yaml``, ``.yml``
    (k8s.io/cli-runtime, ``resource.FileExtensions``): ``deny.YAML`` is never applied.
    """
    return name.endswith(MANIFEST_SUFFIXES)


def suffix_warning(path: str) -> Diagnostic | None:
    """NPD005 for a file named like a manifest in another case, which kubectl does not read."""
    if is_manifest_name(path) or not path.lower().endswith(MANIFEST_SUFFIXES):
        return None
    return NOT_READ_SUFFIX.at(Location(path))


def _skipped_symlink(path: str) -> Diagnostic:
    return NOT_FOLLOWED.at(Location(path), what="symbolic link skipped, not followed")


def link_identity(path: Path, object_format: str = "sha1") -> str:
    """What git names a symbolic link's content (its target): equal when the link is."""
    return blob_id(os.fsencode(path.readlink()), object_format)


def read_path(
    spec: str, max_bytes: int = DEFAULT_MAX_FILE_SIZE, explicit: Collection[Path] = ()
) -> SourceFiles:
    """Manifests of a directory (recursively, in path order) or of one file on disk.

    A file given by itself, as ``spec`` or among the resolved ``explicit`` paths, is read
    whatever its name, as ``kubectl apply -f FILE`` reads it.
    """
    root = Path(spec)
    if root.is_symlink() and root.is_file():
        link = ((spec, link_identity(root)),)
        return SourceFiles(spec, (), (_skipped_symlink(spec),), not_followed=link)
    if root.is_file():
        if root.stat().st_size > max_bytes:
            return SourceFiles(spec, (), (), (too_large(spec, root.stat().st_size, max_bytes),))
        return SourceFiles(spec, (replace(on_disk(root, spec), explicit=True),))
    if not root.is_dir():
        msg = f"{spec}: no such file or directory"
        raise SourceError(msg)
    files: list[SourceFile] = []
    warnings: list[Diagnostic] = []
    errors: list[InputError] = []
    links: list[tuple[str, str]] = []
    for directory, subdirectories, names in os.walk(root):
        linked = {d for d in subdirectories if (Path(directory) / d).is_symlink()}
        for name in sorted(linked):
            folder = Path(directory) / name
            warnings.append(_skipped_symlink(str(folder)))
            links.append((str(folder), link_identity(folder)))
        # Like git, which tracks dot-folders too; only repository metadata is left out.
        subdirectories[:] = sorted(
            d for d in subdirectories if d not in _METADATA_FOLDERS and d not in linked
        )
        for name in sorted(names):
            path = Path(directory) / name
            named = bool(explicit) and path.resolve() in explicit
            if is_manifest_name(name) or named:
                _collect(path, max_bytes, files, (warnings, errors, links), explicit=named)
            elif (warning := suffix_warning(shown_path(str(path)))) is not None:
                warnings.append(warning)
    files.sort(key=lambda f: f.path)
    return SourceFiles(
        spec, tuple(files), tuple(warnings), tuple(errors), not_followed=tuple(links)
    )


def _collect(
    path: Path,
    max_bytes: int,
    files: list[SourceFile],
    notes: tuple[list[Diagnostic], list[InputError], list[tuple[str, str]]],
    *,
    explicit: bool,
) -> None:
    """Read one manifest of a directory, or note why it is not read.

    ``notes``: the warnings, the errors and the links not followed, each added to.
    """
    warnings, errors, links = notes
    display = shown_path(str(path))
    if path.is_symlink():
        warnings.append(_skipped_symlink(display))
        links.append((display, link_identity(path)))
        return
    size = path.stat().st_size
    if size > max_bytes:
        errors.append(too_large(display, size, max_bytes))
        return
    try:
        files.append(replace(on_disk(path, display), explicit=explicit))
    except SourceError as error:
        errors.append(InputError(Location(display), str(error).removeprefix(f"{display}: ")))


def shown_path(name: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 become backslash escapes."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    # A newline or escape sequence in a name must not start a line (or a workflow command).
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def on_disk(path: Path, display: str, object_format: str = "sha1") -> SourceFile:
    """A file on disk, named like git would name its content (so the cache serves it too).

    The content is hashed a chunk at a time and read again when it is converted.
    """
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            digest = _digest(object_format, size)
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    except OSError as error:
        msg = f"{display}: cannot read: {error.strerror}"
        raise SourceError(msg) from error
    object_id = digest.hexdigest()
    return SourceFile(display, OnDisk(path, display, size, object_id, object_format), object_id)


def _digest(object_format: str, size: int) -> hashlib._Hash:
    digest = hashlib.sha256() if object_format == "sha256" else hashlib.sha1()  # noqa: S324
    digest.update(b"blob %d\0" % size)
    return digest


def blob_id(data: bytes, object_format: str = "sha1") -> str:
    """The object name git would give this content, so caches match across sources."""
    digest = _digest(object_format, len(data))
    digest.update(data)
    return digest.hexdigest()
