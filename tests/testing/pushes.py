"""Repositories with a remote to push to: fixtures of the pre-push tests, unit and end to end.

Registered for the whole suite by tests/conftest.py (``pytest_plugins``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netpoldiff.sources import GitRepository
from tests.testing.gitrepo import GitRepo


def bare_repository(path: Path) -> GitRepo:
    """An empty bare repository at ``path``, its default branch ``main``."""
    GitRepo(path.parent).git("init", "--quiet", "--bare", "--initial-branch=main", str(path))
    return GitRepo(path)


@pytest.fixture
def pushed(tmp_path: Path) -> tuple[GitRepo, GitRepo]:
    """A working repository whose demo old manifests are pushed to a local bare ``origin``."""
    remote = bare_repository(tmp_path / "remote.git")
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.commit("old policies")
    repo.git("remote", "add", "origin", str(remote.root))
    repo.git("push", "--quiet", "--set-upstream", "origin", "main")
    return repo, remote


@pytest.fixture
def ahead(pushed: tuple[GitRepo, GitRepo]) -> tuple[GitRepository, str, str]:
    """The repository one closing commit ahead of origin/main: (repository, remote tip, tip).

    The commit is the demo's shop change: catalog may no longer reach the cache.
    """
    repo, _ = pushed
    remote_tip = repo.sha("origin/main")
    repo.put_demo("new", "shop.yaml")
    tip = repo.commit("close")
    return GitRepository(repo.root), remote_tip, tip
