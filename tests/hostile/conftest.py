"""Fixtures of the hostile-input tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from netpoldiff.sources.git_blobs import BlobReader
from tests.conftest import CliRunner
from tests.hostile.measured import run_measured
from tests.testing.gitrepo import GitRepo


@pytest.fixture(scope="module")
def startup(tmp_path_factory: pytest.TempPathFactory) -> float:
    """Seconds a subprocess takes to start netpoldiff, diff two revisions and read nothing.

    Not ``--version``, which imports none of what a diff does (git, YAML, the evaluation).
    """
    repo = GitRepo.init(tmp_path_factory.mktemp("startup"))
    repo.git("commit", "--quiet", "--allow-empty", "-m", "nothing")
    runs = [run_measured(repo.root, "HEAD", "HEAD", "--no-cache") for _ in range(2)]
    assert all(run.status == 0 for run in runs), runs
    return min(run.seconds for run in runs)


@pytest.fixture
def scratch(run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty directory: nothing a test (or an injection) writes lands in the project."""
    directory = tmp_path / "scratch"
    directory.mkdir()
    monkeypatch.chdir(directory)
    del run_cli  # requested only so that its chdir to the project comes first
    return directory


@pytest.fixture
def blobs_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The object ids of every blob read through the object database while the test runs."""
    read: list[str] = []
    original = BlobReader.read

    def recording_read(self: BlobReader, object_id: str, size: int) -> bytes:
        read.append(object_id)
        return original(self, object_id, size)

    monkeypatch.setattr(BlobReader, "read", recording_read)
    return read
