"""The conversion cache against someone who can touch it: entries never change a run or run code.

Each attack puts a wrong conversion of ``pod.yaml`` (no workloads instead of ``web``) where
the cache would find it, in a form this user's netpoldiff could have written, then checks that
the run still sees ``web``. Ownership tests change owners with ``chown`` and are skipped where
that is not permitted (not running as root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from netpoldiff.manifests import Loaded, Loader
from netpoldiff.manifests.conversion_cache import ConversionCache
from netpoldiff.sources import SourceFile
from netpoldiff.sources.files import blob_id
from tests.conftest import REPO_ROOT

POD = b"apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {}\n"
NOTHING = b"# no objects here\n"
NOBODY = 65534  # the conventional uid of "nobody": some other user


def _pod() -> SourceFile:
    return SourceFile("pod.yaml", POD, blob_id(POD))


def _load(directory: Path) -> tuple[Loaded, int]:
    """``pod.yaml`` loaded through the cache in ``directory``, and how many files were parsed."""
    loader = Loader(ConversionCache(directory))
    return loader.load([_pod()]), loader.conversions


def _entry(directory: Path) -> Path:
    (entry,) = directory.rglob("*.pickle")
    return entry


def _cached(directory: Path) -> Path:
    """The entry of ``pod.yaml``'s real conversion, stored in ``directory``."""
    _load(directory)
    return _entry(directory)


def _plant(directory: Path) -> Path:
    """A well-formed entry in ``directory`` that says ``pod.yaml`` holds nothing."""
    Loader(ConversionCache(directory)).load([SourceFile("pod.yaml", NOTHING, blob_id(POD))])
    return _entry(directory)


def _workloads(loaded: Loaded) -> list[str]:
    return [w.name for w in loaded.cluster.workloads]


def _chown_to_another_user(path: Path) -> None:
    try:
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    except PermissionError:
        pytest.skip("changing an owner needs root")


# How far up from an entry the swapped path is: the entry, its shard, the code digest's
# directory, the cache root.
LEVELS = {"entry": 0, "shard directory": 1, "code digest directory": 2, "cache root": 3}


def _up(entry: Path, level: int) -> Path:
    return entry.parents[level - 1] if level else entry


@pytest.mark.parametrize("swapped", LEVELS)
def test_a_symlink_in_place_of_an_entry_or_a_cache_directory_is_not_followed(
    tmp_path: Path, swapped: str
) -> None:
    victim, elsewhere = tmp_path / "cache", tmp_path / "attacker"
    target = _up(_cached(victim), LEVELS[swapped])
    planted = _up(_plant(elsewhere), LEVELS[swapped])
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink()
    target.symlink_to(planted)

    loaded, parsed = _load(victim)
    assert _workloads(loaded) == ["web"]
    assert parsed == 1
    assert _load(elsewhere)[0].cluster.workloads == ()  # the planted entry was left alone


@pytest.mark.parametrize("owned", ["entry", "shard directory"])
def test_an_entry_or_directory_owned_by_another_user_is_not_read(
    tmp_path: Path, owned: str
) -> None:
    entry = _plant(tmp_path)
    _chown_to_another_user(entry if owned == "entry" else entry.parent)

    loaded, parsed = _load(tmp_path)
    assert _workloads(loaded) == ["web"]
    assert parsed == 1


@pytest.mark.parametrize(
    ("writable", "mode"),
    [
        pytest.param("entry", 0o620, id="entry-group"),
        pytest.param("entry", 0o602, id="entry-others"),
        pytest.param("shard directory", 0o720, id="shard-group"),
    ],
)
def test_an_entry_others_may_write_is_not_read(tmp_path: Path, writable: str, mode: int) -> None:
    entry = _plant(tmp_path)
    (entry if writable == "entry" else entry.parent).chmod(mode)

    loaded, parsed = _load(tmp_path)
    assert _workloads(loaded) == ["web"]
    assert parsed == 1


class _MakesMarker:
    """Pickles as a call that creates a directory: what a planted entry would run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[str], None], tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def test_an_entry_that_would_run_code_when_loaded_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    cache = tmp_path / "cache"
    # Written by the cache itself, so owner, mode and digest are all as they should be.
    ConversionCache(cache).store(_pod().object_id or "", "default", _MakesMarker(marker))

    loaded, parsed = _load(cache)
    assert not marker.exists()
    assert _workloads(loaded) == ["web"]
    assert parsed == 1
    assert _load(cache)[1] == 0  # the entry was rewritten with the real conversion


def _byte_changed(entry: Path, _: Path) -> None:
    data = entry.read_bytes()
    assert b"web" in data
    entry.write_bytes(data.replace(b"web", b"wex"))  # same length: the outer shape still holds


def _cut_short(entry: Path, _: Path) -> None:
    entry.write_bytes(entry.read_bytes()[:-1])


def _copied_from_another_file(entry: Path, other: Path) -> None:
    shutil.copyfile(other, entry)


@pytest.mark.parametrize("damage", [_byte_changed, _cut_short, _copied_from_another_file])
def test_a_damaged_entry_is_ignored_and_rewritten(
    tmp_path: Path, damage: Callable[[Path, Path], None]
) -> None:
    entry = _cached(tmp_path)
    Loader(ConversionCache(tmp_path)).load([SourceFile("none.yaml", NOTHING, blob_id(NOTHING))])
    (other,) = (e for e in tmp_path.rglob("*.pickle") if e != entry)
    damage(entry, other)

    loaded, parsed = _load(tmp_path)
    assert _workloads(loaded) == ["web"]
    assert [w.labels for w in loaded.cluster.workloads] == [(("app", "web"),)]
    assert parsed == 1
    assert _load(tmp_path)[1] == 0  # rewritten by the store that followed


# Each round stores every entry and reads it straight back: an entry the other process is
# rewriting at that moment must read whole, old or new, never missing or cut short.
_STORE_AND_READ = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from netpoldiff.manifests.conversion_cache import ConversionCache

    directory = Path(sys.argv[1])
    values = {f"blob{i}": (f"file{i}.yaml" + "x" * 50_000, []) for i in range(20)}
    for _ in range(30):
        cache = ConversionCache(directory)
        for key, value in values.items():
            cache.store(key, "default", value)
            read = cache.converted(key, "default")
            assert read == value, (key, None if read is None else type(read))
    print("ok")
    """
)


def test_two_runs_storing_and_reading_the_same_entries_both_succeed(tmp_path: Path) -> None:
    command = [sys.executable, "-c", _STORE_AND_READ, str(tmp_path)]
    runs = [
        subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert (run.returncode, out) == (0, "ok\n"), err
    assert len(list(tmp_path.rglob("*.pickle"))) == 20
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".tmp-")]
