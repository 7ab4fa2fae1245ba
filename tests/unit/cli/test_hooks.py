"""``netpoldiff hook install`` and ``hook run`` on the command line: where, stdin, what is said.

The hooks themselves, run by git, are tested in tests/e2e/test_hooks.py.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import CliRunner
from tests.testing.gitrepo import GitRepo


@pytest.fixture
def staged_change(tmp_path: Path) -> GitRepo:
    """The demo's old manifests committed; its new ones (2 flows opened, 1 closed) staged."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.commit("old policies")
    repo.put_demo("new")
    repo.git("add", "--all")
    return repo


class _Terminal(io.StringIO):
    """A standard input that is a terminal: nobody is piping git's pushed refs into it."""

    def isatty(self) -> bool:
        return True


def test_install_goes_where_the_groups_dash_c_says(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    result = run_cli("-C", str(repo.root), "hook", "install")
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    assert (result.status, result.out) == (0, "")
    assert result.err == f"netpoldiff: installed {hook}\n"
    assert hook.read_text(encoding="utf-8").endswith(" hook run --pre-commit --fail-on opened\n")


def test_run_refuses_a_commit_naming_every_condition_and_the_bypass(
    run_cli: CliRunner, staged_change: GitRepo
) -> None:
    root = str(staged_change.root)
    result = run_cli("hook", "run", "-C", root, "--fail-on", "closed", "--fail-on", "opened")
    assert result.status == 1
    assert result.out.endswith("Reachability: 1 row opened (2 flows), 1 closed.\n")
    assert result.err == (
        "netpoldiff: commit refused (--fail-on closed, opened); review the report above, "
        "or bypass with `git commit --no-verify`\n"
    )


def test_run_says_nothing_on_stderr_when_the_hook_passes(
    run_cli: CliRunner, staged_change: GitRepo
) -> None:
    result = run_cli("hook", "run", "-C", str(staged_change.root), "--format", "json")
    assert (result.status, result.err) == (0, "")
    document = json.loads(result.out)
    assert (document["old"], document["new"]) == ("HEAD", "index")
    assert document["summary"] == {"opened": 2, "closed": 1}


def test_run_pre_push_refusal_names_push_and_its_bypass(
    run_cli: CliRunner, staged_change: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = staged_change.sha("HEAD")
    tip = staged_change.commit("new policies")
    monkeypatch.setattr(
        sys, "stdin", io.StringIO(f"refs/heads/main {tip} refs/heads/main {base}\n")
    )
    result = run_cli("hook", "run", "--pre-push", "-C", str(staged_change.root), "--fail-on", "any")
    assert result.status == 1
    assert result.out.startswith("Pushing refs/heads/main:\n")
    assert result.err == (
        "netpoldiff: push refused (--fail-on any); review the report above, "
        "or bypass with `git push --no-verify`\n"
    )


@pytest.mark.parametrize("stdin", [_Terminal("garbage\n"), None], ids=["terminal", "closed"])
def test_run_pre_push_reads_no_refs_from_a_terminal_or_no_stdin(
    run_cli: CliRunner,
    staged_change: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    stdin: io.StringIO | None,
) -> None:
    # Run by hand, not by git: nothing is being pushed, and a terminal is not git's input.
    monkeypatch.setattr(sys, "stdin", stdin)
    result = run_cli("hook", "run", "--pre-push", "-C", str(staged_change.root), "--fail-on", "any")
    assert (result.status, result.out, result.err) == (0, "", "")
