"""cache_directories: one per code digest, the running one marked used, stale ones pruned."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from netpoldiff.manifests.cache_directories import DAY, PRUNED, UNUSED_FOR, prune, tidy

NOW = 2_000_000_000.0
OWN = "v0.1.0-own"


def _directory(root: Path, name: str, *, age: float) -> Path:
    path = root / name
    (path / "ab").mkdir(parents=True)
    (path / "ab" / "entry.pickle").write_bytes(b"x")
    os.utime(path, (NOW - age, NOW - age))
    return path


@pytest.fixture
def root(tmp_path: Path) -> Iterator[int]:
    descriptor = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    yield descriptor
    os.close(descriptor)


def _names(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def test_prune_removes_only_other_digests_directories_unused_for_a_week(
    tmp_path: Path, root: int
) -> None:
    _directory(tmp_path, OWN, age=30 * DAY)  # the running code's: never pruned
    _directory(tmp_path, "v0.0.9-stale", age=UNUSED_FOR + 1)
    _directory(tmp_path, "v0.0.9-recent", age=UNUSED_FOR - 60)
    _directory(tmp_path, "other", age=30 * DAY)  # not a digest's directory
    elsewhere = _directory(tmp_path / "elsewhere", "v0.0.8-target", age=30 * DAY)
    (tmp_path / "v0.0.8-link").symlink_to(elsewhere)  # a link is never followed

    prune(root, OWN, now=NOW)

    assert _names(tmp_path) == ["elsewhere", "other", "v0.0.8-link", "v0.0.9-recent", OWN]
    assert (elsewhere / "ab" / "entry.pickle").exists()


def test_tidy_prunes_at_most_once_a_day(tmp_path: Path, root: int) -> None:
    own = _directory(tmp_path, OWN, age=0)
    descriptor = os.open(own, os.O_RDONLY | os.O_DIRECTORY)
    try:
        _directory(tmp_path, "v0.0.9-a", age=UNUSED_FOR + 1)
        tidy(root, OWN, descriptor, now=NOW)
        assert _names(tmp_path) == [PRUNED, OWN]

        _directory(tmp_path, "v0.0.9-b", age=UNUSED_FOR + 1)
        tidy(root, OWN, descriptor, now=NOW + DAY - 1)  # pruned less than a day ago
        assert "v0.0.9-b" in _names(tmp_path)
        tidy(root, OWN, descriptor, now=NOW + DAY)
        assert _names(tmp_path) == [PRUNED, OWN]
    finally:
        os.close(descriptor)


def test_tidy_marks_the_running_codes_directory_used_once_a_day(tmp_path: Path, root: int) -> None:
    own = _directory(tmp_path, OWN, age=DAY - 1)
    descriptor = os.open(own, os.O_RDONLY | os.O_DIRECTORY)
    try:
        tidy(root, OWN, descriptor, now=NOW)
        assert own.stat().st_mtime == NOW - DAY + 1  # used less than a day ago: left
        tidy(root, OWN, descriptor, now=NOW + 2)
        assert own.stat().st_mtime == NOW + 2
    finally:
        os.close(descriptor)
