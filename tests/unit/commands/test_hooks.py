"""``hook_install_command`` and ``hook_run_command``: what a hook runs, and what it checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netpoldiff.commands import (
    HOOK_FAIL_ON,
    Report,
    Settings,
    diff_command,
    hook_install_command,
    hook_run_command,
)
from netpoldiff.errors import WriteError
from tests.testing.gitrepo import GitRepo

ZERO = "0" * 40


def _json(report: Report) -> dict[str, Any]:
    document: dict[str, Any] = json.loads("".join(report.chunks))
    return document


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The demo's old manifests in one commit."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.commit("old policies")
    return repo


def _settings(repo: GitRepo) -> Settings:
    return Settings(repo.root, use_cache=False)


def test_install_writes_the_hook_of_the_stage_with_each_fail_on_condition(repo: GitRepo) -> None:
    target = hook_install_command("pre-push", fail_on=("closed", "any"), settings=_settings(repo))
    assert target == repo.root / ".git" / "hooks" / "pre-push"
    assert target.read_text(encoding="utf-8").endswith(
        ' hook run --pre-push --fail-on closed --fail-on any "$@"\n'
    )


def test_install_refuses_opened_flows_by_default(repo: GitRepo) -> None:
    assert HOOK_FAIL_ON == ("opened",)
    target = hook_install_command("pre-commit", settings=_settings(repo))
    assert target.read_text(encoding="utf-8").endswith(" hook run --pre-commit --fail-on opened\n")


def test_install_replaces_a_foreign_hook_only_with_force(repo: GitRepo) -> None:
    foreign = repo.write(".git/hooks/pre-commit", "#!/bin/sh\necho mine\n")
    with pytest.raises(WriteError, match="exists and was not written by netpoldiff"):
        hook_install_command("pre-commit", settings=_settings(repo))
    assert foreign.read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"
    hook_install_command("pre-commit", force=True, settings=_settings(repo))
    assert "hook run --pre-commit" in foreign.read_text(encoding="utf-8")


def test_run_pre_commit_checks_the_index_not_the_working_tree(repo: GitRepo) -> None:
    repo.put_demo("new", "frontend.yaml")  # opens flows: staged
    repo.git("add", "--all")
    repo.put_demo("new", "shop.yaml")  # closes a flow: not staged
    settings = _settings(repo)
    report = hook_run_command("pre-commit", output_format="json", settings=settings)
    staged = diff_command(None, None, staged=True, output_format="json", settings=settings)
    document = _json(report)
    assert document == _json(staged)
    assert document["summary"] == {"opened": 2, "closed": 0}


def test_run_pre_commit_keeps_to_the_paths(repo: GitRepo) -> None:
    repo.put_demo("new", "frontend.yaml", "shop.yaml")
    repo.git("add", "--all")
    report = hook_run_command(
        "pre-commit", ["k8s/shop.yaml"], output_format="json", settings=_settings(repo)
    )
    assert _json(report)["summary"] == {"opened": 0, "closed": 1}


def test_run_pre_push_checks_every_ref_and_fails_if_any_fails(repo: GitRepo) -> None:
    base = repo.sha("HEAD")
    repo.put_demo("new", "frontend.yaml")
    opens = repo.commit("open")
    repo.git("reset", "--quiet", "--hard", base)
    repo.put_demo("new", "shop.yaml")
    closes = repo.commit("close")
    lines = [
        f"refs/heads/a {opens} refs/heads/a {base}\n",  # the failing ref first
        f"refs/heads/b {closes} refs/heads/b {base}\n",
    ]
    report = hook_run_command(
        "pre-push", pushed_lines=lines, settings=_settings(repo), fail_on=["opened"]
    )
    text = "".join(report.chunks)
    assert (report.exit_status, report.changed) == (1, True)
    assert text.index("Pushing refs/heads/a:\n") < text.index("Pushing refs/heads/b:\n")
    assert text.count("Reachability: ") == 2


def test_run_pre_push_of_only_a_deletion_reports_nothing(repo: GitRepo) -> None:
    lines = [f"(delete) {ZERO} refs/heads/gone {repo.sha('HEAD')}\n"]
    report = hook_run_command(
        "pre-push", pushed_lines=lines, settings=_settings(repo), fail_on=["any"]
    )
    assert (list(report.chunks), report.exit_status, report.changed) == ([], 0, False)


def test_run_pre_push_compares_a_new_branch_with_what_origin_has(
    repo: GitRepo, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    repo.git("init", "--quiet", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "--quiet", "origin", "main")
    repo.put_demo("new", "shop.yaml")
    tip = repo.commit("close")
    lines = [f"refs/heads/main {tip} refs/heads/feature {ZERO}\n"]
    # No remote named: git names one to every hook; by hand, origin.
    report = hook_run_command(
        "pre-push", pushed_lines=lines, output_format="json", settings=_settings(repo)
    )
    header, _, document = "".join(report.chunks).partition("\n")
    assert header == "Pushing refs/heads/feature:"
    assert json.loads(document)["summary"] == {"opened": 0, "closed": 1}
