"""Repositories of Kustomize overlays for tests: the fixture case as two commits, or by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES
from tests.testing.gitrepo import GitRepo

OVERLAYS = FIXTURES / "kustomize-overlays"


def put_overlays(repo: GitRepo, side: str, under: str = "deploy") -> None:
    """Replace ``under`` with the fixture's ``old`` or ``new`` base and overlays."""
    target = repo.root / under
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(OVERLAYS / side, target)


def overlay_repository(root: Path) -> GitRepo:
    """``main`` with two commits: the base and two overlays, then staging's new policy."""
    repo = GitRepo.init(root)
    put_overlays(repo, "old")
    repo.commit("base and overlays")
    put_overlays(repo, "new")
    repo.commit("staging opens web to the office")
    return repo
