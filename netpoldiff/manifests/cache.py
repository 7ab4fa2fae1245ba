"""Parse each blob once: in memory for a run, and on disk (JSON, keyed by blob id) across runs.

The disk cache can only ever save time: its key is git's name for the content plus the
netpoldiff version, an entry that cannot be read is ignored and rewritten, and content that
JSON cannot hold exactly (dates, binary) is simply not cached.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from netpoldiff import __version__
from netpoldiff.manifests.yaml_docs import Document, Located, documents
from netpoldiff.sources import SourceFile


class _NotCacheable(Exception):  # noqa: N818 - internal signal
    pass


def _encode(value: Any) -> Any:  # noqa: ANN401 - YAML values
    if isinstance(value, Located):
        return {
            "m": value.line,
            "k": [
                [
                    _encode(key),
                    value.key_lines.get(key, value.line),
                    value.raw.get(key),
                    _encode(item),
                ]
                for key, item in value.items()
            ],
        }
    if isinstance(value, list):
        return {"l": [_encode(item) for item in value]}
    if isinstance(value, float) and not math.isfinite(value):
        raise _NotCacheable
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise _NotCacheable


def _decode(value: Any) -> Any:  # noqa: ANN401 - YAML values
    if isinstance(value, dict):
        if "l" in value:
            return [_decode(item) for item in value["l"]]
        mapping = Located(value["m"])
        for key, line, raw, item in value["k"]:
            decoded_key = _decode(key)
            mapping[decoded_key] = _decode(item)
            mapping.key_lines[decoded_key] = line
            if raw is not None:
                mapping.raw[decoded_key] = raw
        return mapping
    return value


def default_directory() -> Path:
    """``$XDG_CACHE_HOME/netpoldiff`` (``~/.cache/netpoldiff`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netpoldiff"


class ParseCache:
    """Parsed documents by blob id; ``directory`` None keeps them in memory only."""

    def __init__(self, directory: Path | None = None, *, versioned: bool = True) -> None:
        if directory is not None and versioned:
            directory = directory / f"v{__version__}"
        self.directory = directory
        self._memory: dict[str, list[Document]] = {}
        self.parsed = 0  # blobs parsed from text in this run (the rest came from a cache)

    def _entry(self, object_id: str) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / object_id[:2] / f"{object_id[2:]}.json"

    def documents(self, source_file: SourceFile) -> list[Document]:
        """The documents of a file, parsed at most once per content."""
        object_id = source_file.object_id
        if object_id is None:
            self.parsed += 1
            return list(documents(source_file.data, source_file.path))
        cached = self._memory.get(object_id)
        if cached is None:
            cached = self._load(object_id)
        if cached is None:
            self.parsed += 1
            cached = list(documents(source_file.data, source_file.path))
            self._store(object_id, cached)
        self._memory[object_id] = cached
        return cached

    def _load(self, object_id: str) -> list[Document] | None:
        entry = self._entry(object_id)
        if entry is None:
            return None
        try:
            raw = json.loads(entry.read_bytes())
            return [Document(index, _decode(content)) for index, content in raw]
        except (OSError, ValueError, TypeError, KeyError):
            return None  # missing or unreadable: parse again (and rewrite)

    def _store(self, object_id: str, parsed: list[Document]) -> None:
        entry = self._entry(object_id)
        if entry is None:
            return
        try:
            text = json.dumps(
                [[d.index, _encode(d.content)] for d in parsed], separators=(",", ":")
            )
        except _NotCacheable:
            return
        with contextlib.suppress(OSError):
            entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
                Path(temporary).replace(entry)
            finally:
                Path(temporary).unlink(missing_ok=True)
