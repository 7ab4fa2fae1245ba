"""``hook install --pre-merge-commit``, driven by real ``git merge``.

git runs pre-merge-commit once the merge's result is in the index and before the merge commit
is made; it names no merged head then (MERGE_HEAD is written only after a refusal), so the hook
checks HEAD, the branch merged into, against the index: what the merge commit brings in. A
fast-forward makes no merge commit, and git runs no hook for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netpoldiff.hooks import MARKER
from tests.conftest import CliRunner
from tests.testing.gitrepo import GitRepo

OPENED_FLOW = "+  0.0.0.0/0 except 10.0.0.0/8  ->  frontend/web[Deployment]  TCP/8080"
MERGE_REFUSED = "netpoldiff: merge refused (--fail-on opened)"


@pytest.fixture
def hooked(run_cli: CliRunner, tmp_path: Path) -> GitRepo:
    """``main`` with the demo's old manifests and the pre-merge-commit hook installed."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.commit("old policies")
    result = run_cli("hook", "install", "--pre-merge-commit", "-C", str(repo.root))
    assert result.status == 0, result.err
    return repo


def _branch(repo: GitRepo, name: str, demo_file: str) -> str:
    """A branch off main that takes one of the demo's new files; back on main after."""
    repo.git("checkout", "--quiet", "-b", name, "main")
    repo.put_demo("new", demo_file)
    tip = repo.commit(f"{name}: {demo_file}")
    repo.git("checkout", "--quiet", "main")
    return tip


def _parents(repo: GitRepo) -> list[str]:
    return repo.git("rev-list", "--parents", "-n", "1", "HEAD").split()[1:]


def test_install_writes_the_pre_merge_commit_hook(hooked: GitRepo) -> None:
    hook = hooked.root / ".git" / "hooks" / "pre-merge-commit"
    lines = hook.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith(f"{MARKER} (pre-merge-commit)")
    assert lines[2].endswith("hook run --pre-merge-commit --fail-on opened")


def test_a_merge_that_opens_a_flow_is_refused(hooked: GitRepo) -> None:
    head = hooked.sha("HEAD")
    _branch(hooked, "frontend", "frontend.yaml")

    merged = hooked.run("merge", "--no-ff", "--no-edit", "frontend")

    assert merged.returncode != 0
    assert OPENED_FLOW in merged.stderr  # git shows a hook's output on stderr
    assert MERGE_REFUSED in merged.stderr
    assert "Not committing merge" in merged.stderr
    assert hooked.sha("HEAD") == head


def test_a_merge_that_only_closes_flows_is_made(hooked: GitRepo) -> None:
    head = hooked.sha("HEAD")
    tip = _branch(hooked, "shop", "shop.yaml")

    merged = hooked.run("merge", "--no-ff", "--no-edit", "shop")

    assert merged.returncode == 0, merged.stderr
    assert "Reachability: 0 rows opened, 1 closed." in merged.stderr
    assert _parents(hooked) == [head, tip]


def test_a_diverged_merge_checks_only_what_it_brings_in(hooked: GitRepo) -> None:
    # main opens a flow itself (its own commit, not checked here), then merges a closing branch.
    tip = _branch(hooked, "shop", "shop.yaml")
    hooked.put_demo("new", "frontend.yaml")
    head = hooked.commit("main opens a flow")

    merged = hooked.run("merge", "--no-edit", "shop")

    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert OPENED_FLOW not in merged.stderr
    assert _parents(hooked) == [head, tip]


def test_a_fast_forward_makes_no_merge_commit_and_runs_no_hook(hooked: GitRepo) -> None:
    tip = _branch(hooked, "frontend", "frontend.yaml")

    merged = hooked.run("merge", "--ff-only", "frontend")

    assert merged.returncode == 0, merged.stderr
    assert "netpoldiff" not in merged.stdout + merged.stderr
    assert hooked.sha("HEAD") == tip
