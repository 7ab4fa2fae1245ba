"""The conversion cache over time and between runs: pruned of old code, shared without harm.

Old code digests' directories go (and only those); an entry cut short or garbled is a miss
that is removed and written again, without changing what the run reports; runs that store
and read the same entries at once never see half an entry, or another file's.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from netpoldiff.manifests import Loader
from netpoldiff.manifests.cache_directories import DAY, PRUNED, UNUSED_FOR
from netpoldiff.manifests.conversion_cache import ConversionCache, default_directory
from netpoldiff.sources import SourceFile
from netpoldiff.sources.files import blob_id
from tests.conftest import REPO_ROOT, CliRunner

POD = b"apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {}\n"


def _pod() -> SourceFile:
    return SourceFile("pod.yaml", POD, blob_id(POD))


def _parsed(directory: Path) -> int:
    """How many files a load of ``pod.yaml`` through the cache in ``directory`` parsed."""
    loader = Loader(ConversionCache(directory))
    assert [w.name for w in loader.load([_pod()]).cluster.workloads] == ["web"]
    return loader.conversions


def _aged(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def _digest_directory(root: Path, name: str, *, age: float) -> Path:
    """Another code digest's directory, with an entry, last used ``age`` seconds ago."""
    (root / name / "ab").mkdir(parents=True, mode=0o700)
    (root / name / "ab" / "cd.pickle").write_bytes(b"an entry of other code")
    return _aged(root / name, age)


def test_a_run_prunes_old_code_digests_directories_and_nothing_else(tmp_path: Path) -> None:
    assert _parsed(tmp_path) == 1
    (own,) = (p for p in tmp_path.iterdir() if p.name.startswith("v"))
    _aged(own, 30 * DAY)  # unused for long, but the running code's own
    stale = _digest_directory(tmp_path, "v0.0.9-0123456789abcdef", age=UNUSED_FOR + 60)
    recent = _digest_directory(tmp_path, "v0.0.9-fedcba9876543210", age=UNUSED_FOR - 60)
    (tmp_path / "notes.txt").write_text("not the cache's")

    assert _parsed(tmp_path) == 0  # pruned a day ago or less (the first run): nothing goes
    assert stale.exists()
    _aged(tmp_path / PRUNED, DAY + 60)

    assert _parsed(tmp_path) == 0  # the run's own entries are all there
    assert not stale.exists()
    assert recent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [PRUNED, own.name, recent.name, "notes.txt"]
    )
    assert own.stat().st_mtime > time.time() - 60  # marked used by the runs


def _cut_short(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _garbage(data: bytes) -> bytes:
    return bytes((i * 131 + 7) % 256 for i in range(len(data)))


DAMAGES = {"cut short": _cut_short, "garbage": _garbage, "empty": lambda _: b""}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_entry_is_a_miss_and_removed_and_the_run_reports_the_same(
    run_cli: CliRunner, damage: Callable[[bytes], bytes]
) -> None:
    first = run_cli("matrix", "fixtures/demo/new", "--format", "json")
    entries = sorted(default_directory().rglob("*.pickle"))
    assert len(entries) == 6
    whole = {entry: entry.read_bytes() for entry in entries}
    for entry, data in whole.items():
        entry.write_bytes(damage(data))

    cache = ConversionCache(default_directory())
    for manifest in sorted((REPO_ROOT / "fixtures" / "demo" / "new").iterdir()):
        assert cache.converted(blob_id(manifest.read_bytes()), "default") is None
    assert not [entry for entry in entries if entry.exists()]

    again = run_cli("matrix", "fixtures/demo/new", "--format", "json")
    assert (again.status, again.out, again.err) == (first.status, first.out, first.err)
    assert {entry: entry.read_bytes() for entry in entries} == whole  # written whole again


# ---- runs sharing one cache ----------------------------------------------------------------------

FILES = 20
ROUNDS = 300


def _conversions() -> dict[str, object]:
    """Each of FILES pods' real conversion (of different sizes), by object id."""
    converted: dict[str, object] = {}
    for i in range(FILES):
        labels = ", ".join(f"k{j}: v{j}" for j in range(i * 10))
        data = f"kind: Pod\napiVersion: v1\nmetadata: {{name: p{i}, labels: {{{labels}}}}}\n"
        source = SourceFile(f"p{i}.yaml", f"{data}spec: {{}}\n".encode(), None)
        object_id = blob_id(source.data)
        loader = Loader(ConversionCache(None))
        converted[object_id] = (source.path, loader._convert_text(source))
    return converted


def _store_and_read(directory: Path, seed: int, expected: dict[str, object]) -> list[str]:
    """In a process of its own: store entries and read others back; what read wrong."""
    ids = sorted(expected)
    wrong = []
    cache = ConversionCache(directory)
    for round_number in range(ROUNDS):
        if round_number % 50 == 0:
            cache = ConversionCache(directory)  # as a new run opens it
        # Each process walks the files in its own order: the same entries, at other moments.
        stored = ids[(round_number * 3 + seed) % len(ids)]
        cache.store(stored, "default", expected[stored])
        read = ids[(round_number * 7 + seed * 5) % len(ids)]
        found = cache.converted(read, "default")
        if found != expected[read]:
            wrong.append(f"{read}: {'missing' if found is None else 'another conversion'}")
    return wrong


def test_runs_sharing_a_cache_never_read_half_an_entry_or_a_wrong_one(tmp_path: Path) -> None:
    expected = _conversions()
    first = ConversionCache(tmp_path)
    for object_id, conversion in expected.items():
        first.store(object_id, "default", conversion)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        runs = [pool.submit(_store_and_read, tmp_path, seed, expected) for seed in (1, 2)]
        assert [run.result(timeout=300) for run in runs] == [[], []]
    assert len(list(tmp_path.rglob("*.pickle"))) == FILES
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".tmp-")]
