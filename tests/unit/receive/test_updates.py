"""receive/updates: git's pre-receive lines checked, and which refs are protected."""

from __future__ import annotations

from pathlib import Path

import pytest

from netpoldiff.errors import SourceError
from netpoldiff.receive import RefUpdate, is_protected, ref_updates
from netpoldiff.sources import GitRepository
from tests.testing.gitrepo import GitRepo

ZERO = "0" * 40


@pytest.mark.parametrize(
    ("ref", "protected"),
    [
        ("refs/heads/main", True),
        ("refs/heads/release/1", True),
        ("refs/heads/release/1/fix", True),
        ("refs/heads/feature", False),
        ("refs/tags/v1", False),
        ("refs/tags/release/1", False),
    ],
)
def test_the_default_branch_and_pattern_matches_are_protected(
    ref: str,
    protected: bool,
) -> None:
    patterns = ("refs/heads/release/*", "refs/tags/*")
    assert is_protected(ref, "refs/heads/main", patterns) == protected


def test_an_update_knows_creations_deletions_and_branches() -> None:
    created = RefUpdate(ZERO, "a" * 40, "refs/heads/x")
    deleted = RefUpdate("a" * 40, ZERO, "refs/tags/v1")
    assert (created.created, created.deleted, created.is_branch) == (True, False, True)
    assert (deleted.created, deleted.deleted, deleted.is_branch) == (False, True, False)


def test_lines_become_updates_blank_lines_skipped(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    tip = repo.commit("first")
    lines = [f"{ZERO} {tip} refs/heads/main\n", "\n", f"{tip} {ZERO} refs/heads/gone\n"]

    updates = ref_updates(lines, GitRepository(repo.root))

    assert updates == (
        RefUpdate(ZERO, tip, "refs/heads/main"),
        RefUpdate(tip, ZERO, "refs/heads/gone"),
    )


def test_a_tag_to_an_unknown_object_is_not_read(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit("first")
    line = f"{ZERO} {'b' * 40} refs/tags/v1"

    assert ref_updates([line], GitRepository(repo.root)) == (
        RefUpdate(ZERO, "b" * 40, "refs/tags/v1"),
    )


def test_one_bad_line_refuses_all(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    tip = repo.commit("first")
    lines = [f"{ZERO} {tip} refs/heads/main", f"{ZERO} {tip} refs/heads/a..b"]

    with pytest.raises(SourceError, match="the ref is not a full ref name"):
        ref_updates(lines, GitRepository(repo.root))
