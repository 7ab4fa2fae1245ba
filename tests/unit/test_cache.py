"""The conversion cache: keyed so that an entry is only ever read by the code that wrote it."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from netpoldiff.manifests import Loader, cache
from netpoldiff.manifests.cache import ParseCache
from netpoldiff.sources import SourceFile
from netpoldiff.sources.files import blob_id

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

POD = b"apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {}\n"


def test_the_code_digest_follows_every_source_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "netpoldiff"
    shutil.copytree(cache._PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "_PACKAGE", copy)
    digests = set()
    for change in ("", "policies.py", "evaluate.py"):
        if change:
            target = next(copy.rglob(change))
            target.write_text(target.read_text() + "\n# changed\n")
        cache.code_digest.cache_clear()
        digests.add(cache.code_digest())
    cache.code_digest.cache_clear()
    assert len(digests) == 3


def test_a_conversion_is_read_back_for_the_same_default_namespace_only(tmp_path: Path) -> None:
    source = SourceFile("pod.yaml", POD, blob_id(POD))
    first = Loader(ParseCache(tmp_path), default_namespace="shop").load([source])
    assert list(tmp_path.rglob("*.pickle"))

    again = Loader(ParseCache(tmp_path), default_namespace="shop")
    assert again.load([source]) == first
    assert again.cache.parsed == 0  # read back, not parsed

    elsewhere = Loader(ParseCache(tmp_path), default_namespace="bank")
    moved = elsewhere.load([source])
    assert elsewhere.cache.parsed == 1
    assert [w.namespace for w in moved.cluster.workloads] == ["bank"]


def test_a_cached_conversion_is_placed_at_the_path_it_is_read_from(tmp_path: Path) -> None:
    Loader(ParseCache(tmp_path)).load([SourceFile("old/pod.yaml", POD, blob_id(POD))])
    loaded = Loader(ParseCache(tmp_path)).load([SourceFile("new/pod.yaml", POD, blob_id(POD))])
    assert [str(w.origin) for w in loaded.cluster.workloads] == [
        "new/pod.yaml (document 1, line 1)"
    ]
