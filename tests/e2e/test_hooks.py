"""Plain git hooks: ``netpoldiff hook install`` and ``hook run``, driven by real git commands.

Repositories (and bare remotes) are built in tmp_path with the git command; the installed hooks
run this checkout's netpoldiff in a subprocess, exactly as git runs them.
"""

from __future__ import annotations

import io
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from netpoldiff.hooks import MARKER
from netpoldiff.sources import GitRepository
from tests.conftest import CliResult, CliRunner, assert_one_line_error
from tests.testing.gitrepo import GitRepo
from tests.testing.pushes import bare_repository

ZERO = "0" * 40
OPENED_REPORT = "Reachability: 1 row opened (2 flows), 0 closed."
CLOSED_REPORT = "Reachability: 0 rows opened, 1 closed."
OPENED_FLOW = "+  0.0.0.0/0 except 10.0.0.0/8  ->  frontend/web[Deployment]  TCP/8080"
COMMIT_REFUSED = "netpoldiff: commit refused (--fail-on opened)"
PUSH_REFUSED = "netpoldiff: push refused (--fail-on opened)"


def _old_repo(root: Path) -> GitRepo:
    """``main`` with one commit: the demo's old manifests under k8s/."""
    repo = GitRepo.init(root)
    repo.put_demo("old")
    repo.commit("old policies")
    return repo


def _open_a_flow(repo: GitRepo) -> None:
    """The demo's frontend change: the web tier takes traffic from the internet."""
    repo.put_demo("new", "frontend.yaml")


def _close_a_flow(repo: GitRepo) -> None:
    """The demo's shop change: catalog may no longer reach the cache."""
    repo.put_demo("new", "shop.yaml")


def _install(run_cli: CliRunner, repo: GitRepo | Path, *args: str) -> CliResult:
    root = repo.root if isinstance(repo, GitRepo) else repo
    return run_cli("hook", "install", "-C", str(root), *args)


def _output(completed: subprocess.CompletedProcess[str]) -> str:
    return completed.stdout + completed.stderr


def _is_executable(path: Path) -> bool:
    mode = path.stat().st_mode
    return bool(mode & stat.S_IXUSR) and bool(mode & stat.S_IXGRP) and bool(mode & stat.S_IXOTH)


# ---- hook install --------------------------------------------------------------------------------


def test_install_writes_an_executable_pre_commit_hook(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")

    result = _install(run_cli, repo)

    hook = repo.root / ".git" / "hooks" / "pre-commit"
    assert result.status == 0, result.err
    assert result.out == ""
    assert result.err == f"netpoldiff: installed {hook}\n"
    assert _is_executable(hook)
    lines = hook.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/bin/sh"
    assert lines[1].startswith(f"{MARKER} (pre-commit)")
    assert lines[2] == (
        f"exec {shlex.quote(sys.executable)} -m netpoldiff hook run --pre-commit --fail-on opened"
    )
    assert not (repo.root / ".git" / "hooks" / "pre-push").exists()


def test_install_pre_push_forwards_git_arguments(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")

    result = _install(run_cli, repo, "--pre-push", "--fail-on", "opened", "--fail-on", "closed")

    hook = repo.root / ".git" / "hooks" / "pre-push"
    assert result.status == 0, result.err
    assert result.err == f"netpoldiff: installed {hook}\n"
    assert _is_executable(hook)
    text = hook.read_text(encoding="utf-8")
    assert f"{MARKER} (pre-push)" in text
    assert text.endswith(
        f"exec {shlex.quote(sys.executable)} -m netpoldiff hook run --pre-push"
        ' --fail-on opened --fail-on closed "$@"\n'
    )
    assert not (repo.root / ".git" / "hooks" / "pre-commit").exists()


def test_install_honours_a_relative_core_hooks_path(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = _old_repo(tmp_path / "repo")
    repo.git("config", "core.hooksPath", ".githooks")

    result = _install(run_cli, repo)

    hook = repo.root / ".githooks" / "pre-commit"
    assert result.status == 0, result.err
    assert result.err == f"netpoldiff: installed {hook}\n"
    assert _is_executable(hook)
    assert not (repo.root / ".git" / "hooks" / "pre-commit").exists()
    # git runs it from there.
    _open_a_flow(repo)
    repo.git("add", "--all")
    before = repo.sha("HEAD")
    refused = repo.run("commit", "-m", "open")
    assert refused.returncode == 1
    assert COMMIT_REFUSED in refused.stderr
    assert repo.sha("HEAD") == before


def test_install_honours_an_absolute_core_hooks_path(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    shared = tmp_path / "shared-hooks"
    repo.git("config", "core.hooksPath", str(shared))

    result = _install(run_cli, repo, "--pre-push")

    assert result.status == 0, result.err
    assert _is_executable(shared / "pre-push")
    assert MARKER in (shared / "pre-push").read_text(encoding="utf-8")
    assert not (repo.root / ".git" / "hooks" / "pre-push").exists()


@pytest.mark.parametrize("hooks_path", [None, ".githooks"], ids=["default", "core.hooksPath"])
def test_install_from_a_subdirectory_writes_the_hook_git_runs(
    run_cli: CliRunner, tmp_path: Path, hooks_path: str | None
) -> None:
    """BUG: from a subdirectory, the hook lands in <subdir>/.git/hooks, which git never runs.

    ``git rev-parse --git-path hooks`` runs at the top of the working tree, and its relative
    answer was joined to the starting directory instead.
    """
    repo = _old_repo(tmp_path / "repo")
    if hooks_path is not None:
        repo.git("config", "core.hooksPath", hooks_path)
    subdirectory = repo.root / "k8s"

    result = _install(run_cli, subdirectory)

    expected = repo.root / (hooks_path or ".git/hooks") / "pre-commit"
    assert result.status == 0, result.err
    assert result.err == f"netpoldiff: installed {expected}\n"
    assert expected.is_file()
    assert not (subdirectory / ".git").exists()
    assert not (subdirectory / ".githooks").exists()


def test_install_refuses_to_replace_a_foreign_hook(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    hook = repo.write(".git/hooks/pre-commit", "#!/bin/sh\necho 'my own checks'\n")
    hook.chmod(0o755)

    result = _install(run_cli, repo)

    assert_one_line_error(result, str(hook), "--force")
    assert hook.read_text(encoding="utf-8") == "#!/bin/sh\necho 'my own checks'\n"


def test_install_force_replaces_a_foreign_hook(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    hook = repo.write(".git/hooks/pre-push", "#!/bin/sh\nexit 0\n")

    result = _install(run_cli, repo, "--pre-push", "--force")

    assert result.status == 0, result.err
    assert MARKER in hook.read_text(encoding="utf-8")
    assert "echo" not in hook.read_text(encoding="utf-8")
    assert _is_executable(hook)


def test_install_force_replaces_a_symlinked_hook_not_its_target(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    """BUG: --force writes through a symlinked hook, overwriting the script it points to.

    Teams often link .git/hooks/pre-commit to a script tracked in the repository; replacing the
    hook must not rewrite (and chmod) that script.
    """
    repo = GitRepo.init(tmp_path / "repo")
    script = repo.write("tools/pre-commit.sh", "#!/bin/sh\nmake lint\n")
    repo.commit("shared hook script")
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.symlink_to(script)

    result = _install(run_cli, repo, "--force")

    assert result.status == 0, result.err
    assert script.read_text(encoding="utf-8") == "#!/bin/sh\nmake lint\n"
    assert repo.git("status", "--porcelain") == ""
    assert MARKER in hook.read_text(encoding="utf-8")


def test_install_over_its_own_hook_needs_no_force(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    assert _install(run_cli, repo).status == 0
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    assert "--fail-on opened" in hook.read_text(encoding="utf-8")

    result = _install(run_cli, repo, "--fail-on", "any")

    assert result.status == 0, result.err
    text = hook.read_text(encoding="utf-8")
    assert text.count(MARKER) == 1
    assert "--fail-on any" in text
    assert "--fail-on opened" not in text


def test_install_outside_a_repository_is_one_line(run_cli: CliRunner, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()

    result = _install(run_cli, plain)

    assert_one_line_error(result, "not inside a git repository")
    assert list(plain.iterdir()) == []


# ---- the pre-commit hook, run by git commit ---------------------------------------------------


@pytest.fixture
def hooked(run_cli: CliRunner, tmp_path: Path) -> GitRepo:
    """The demo's old manifests committed, and the pre-commit hook installed (--fail-on opened)."""
    repo = _old_repo(tmp_path / "repo")
    assert _install(run_cli, repo, "--fail-on", "opened").status == 0
    return repo


def test_a_commit_that_opens_a_flow_is_refused(hooked: GitRepo) -> None:
    before = hooked.sha("HEAD")
    _open_a_flow(hooked)
    hooked.git("add", "--all")

    refused = hooked.run("commit", "-m", "open the web tier")

    assert refused.returncode == 1
    output = _output(refused)
    assert "netpoldiff HEAD (" in output
    assert "-> index\n" in output
    assert OPENED_FLOW in output
    assert OPENED_REPORT in output
    assert COMMIT_REFUSED in refused.stderr
    assert "git commit --no-verify" in refused.stderr
    assert hooked.sha("HEAD") == before
    assert hooked.git("diff", "--cached", "--name-only") == "k8s/frontend.yaml\n"


def test_a_commit_that_only_closes_flows_is_accepted(hooked: GitRepo) -> None:
    before = hooked.sha("HEAD")
    _close_a_flow(hooked)
    hooked.git("add", "--all")

    accepted = hooked.run("commit", "-m", "close the cache")

    assert accepted.returncode == 0, _output(accepted)
    output = _output(accepted)
    assert CLOSED_REPORT in output
    assert "refused" not in output
    assert hooked.sha("HEAD~1") == before
    assert hooked.git("show", "--name-only", "--format=", "HEAD") == "k8s/shop.yaml\n"


def test_a_commit_without_manifest_changes_is_accepted(hooked: GitRepo) -> None:
    hooked.write("README.md", "docs\n")
    hooked.git("add", "--all")

    accepted = hooked.run("commit", "-m", "docs")

    assert accepted.returncode == 0, _output(accepted)
    assert "No reachability changes." in _output(accepted)
    assert hooked.git("show", "--name-only", "--format=", "HEAD") == "README.md\n"


def test_commit_all_checks_what_is_committed(hooked: GitRepo) -> None:
    """``git commit -a`` commits unstaged changes: the hook sees them through git's index."""
    before = hooked.sha("HEAD")
    _open_a_flow(hooked)  # not staged

    refused = hooked.run("commit", "-a", "-m", "open, unstaged")

    assert refused.returncode == 1
    assert OPENED_REPORT in _output(refused)
    assert hooked.sha("HEAD") == before


def test_a_partial_commit_checks_only_the_committed_paths(hooked: GitRepo) -> None:
    _open_a_flow(hooked)
    hooked.git("add", "--all")  # staged, but not part of the commit below
    _close_a_flow(hooked)

    accepted = hooked.run("commit", "-m", "only shop", "--", "k8s/shop.yaml")

    assert accepted.returncode == 0, _output(accepted)
    assert CLOSED_REPORT in _output(accepted)
    assert hooked.git("show", "--name-only", "--format=", "HEAD") == "k8s/shop.yaml\n"
    assert hooked.git("diff", "--cached", "--name-only") == "k8s/frontend.yaml\n"


def test_fail_on_any_refuses_a_commit_that_only_closes(run_cli: CliRunner, hooked: GitRepo) -> None:
    assert _install(run_cli, hooked, "--fail-on", "any").status == 0
    _close_a_flow(hooked)
    hooked.git("add", "--all")

    refused = hooked.run("commit", "-m", "close")

    assert refused.returncode == 1
    assert CLOSED_REPORT in _output(refused)
    assert "netpoldiff: commit refused (--fail-on any)" in refused.stderr


def test_hook_run_pre_commit_in_process(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = _old_repo(tmp_path / "repo")
    _open_a_flow(repo)
    repo.git("add", "--all")

    result = run_cli("hook", "run", "-C", str(repo.root), "--fail-on", "opened")

    assert result.status == 1
    assert OPENED_FLOW in result.out
    assert result.err.startswith(COMMIT_REFUSED)
    assert result.err.count("\n") == 1


# ---- the pre-push hook, run by git push -------------------------------------------------------


@pytest.fixture
def push_hooked(run_cli: CliRunner, pushed: tuple[GitRepo, GitRepo]) -> tuple[GitRepo, GitRepo]:
    repo, _ = pushed
    assert _install(run_cli, repo, "--pre-push", "--fail-on", "opened").status == 0
    return pushed


def _remote_has(remote: GitRepo, branch: str) -> str | None:
    found = remote.git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False)
    return found.strip() or None


def test_a_push_that_opens_a_flow_is_refused(push_hooked: tuple[GitRepo, GitRepo]) -> None:
    repo, remote = push_hooked
    remote_tip = repo.sha("origin/main")
    _open_a_flow(repo)
    opening = repo.commit("open")

    refused = repo.run("push", "origin", "main")

    assert refused.returncode != 0
    output = _output(refused)
    assert "Pushing refs/heads/main:" in output
    assert f"netpoldiff {remote_tip} ({remote_tip[:7]}) -> {opening} ({opening[:7]})" in output
    assert OPENED_FLOW in output
    assert OPENED_REPORT in output
    assert PUSH_REFUSED in refused.stderr
    assert _remote_has(remote, "main") == remote_tip


def test_a_push_that_only_closes_flows_is_accepted(push_hooked: tuple[GitRepo, GitRepo]) -> None:
    repo, remote = push_hooked
    _close_a_flow(repo)
    closing = repo.commit("close")

    accepted = repo.run("push", "origin", "main")

    assert accepted.returncode == 0, _output(accepted)
    assert CLOSED_REPORT in _output(accepted)
    assert "refused" not in _output(accepted)
    assert _remote_has(remote, "main") == closing


def test_a_push_checks_every_pushed_commit_not_only_the_last(
    push_hooked: tuple[GitRepo, GitRepo],
) -> None:
    repo, remote = push_hooked
    remote_tip = repo.sha("origin/main")
    _open_a_flow(repo)
    repo.commit("open")
    repo.write("README.md", "docs\n")
    repo.commit("docs only")

    refused = repo.run("push", "origin", "main")

    assert refused.returncode != 0
    assert OPENED_REPORT in _output(refused)
    assert _remote_has(remote, "main") == remote_tip


def test_a_new_branch_is_compared_with_what_the_remote_has(
    push_hooked: tuple[GitRepo, GitRepo],
) -> None:
    """The branch's first commit opens a flow, its last only closes: the push is still refused."""
    repo, remote = push_hooked
    remote_tip = repo.sha("origin/main")
    repo.git("switch", "--quiet", "--create", "feature")
    _open_a_flow(repo)
    repo.commit("open")
    _close_a_flow(repo)
    tip = repo.commit("close")

    refused = repo.run("push", "origin", "feature")

    assert refused.returncode != 0
    output = _output(refused)
    assert "Pushing refs/heads/feature:" in output
    assert f"netpoldiff {remote_tip} ({remote_tip[:7]}) -> {tip} ({tip[:7]})" in output
    assert "Reachability: 1 row opened (2 flows), 1 closed." in output
    assert _remote_has(remote, "feature") is None


def test_a_new_branch_that_only_closes_is_accepted(push_hooked: tuple[GitRepo, GitRepo]) -> None:
    repo, remote = push_hooked
    remote_tip = repo.sha("origin/main")
    repo.git("switch", "--quiet", "--create", "feature")
    _close_a_flow(repo)
    tip = repo.commit("close")

    accepted = repo.run("push", "origin", "feature")

    assert accepted.returncode == 0, _output(accepted)
    assert f"netpoldiff {remote_tip} ({remote_tip[:7]}) -> {tip} ({tip[:7]})" in _output(accepted)
    assert CLOSED_REPORT in _output(accepted)
    assert _remote_has(remote, "feature") == tip


def test_a_new_branch_of_pushed_commits_is_accepted_silently(
    push_hooked: tuple[GitRepo, GitRepo],
) -> None:
    repo, remote = push_hooked

    accepted = repo.run("push", "origin", "main:refs/heads/copy")

    assert accepted.returncode == 0, _output(accepted)
    assert "netpoldiff" not in _output(accepted)
    assert _remote_has(remote, "copy") == repo.sha("main")


def test_deleting_a_branch_is_not_blocked(push_hooked: tuple[GitRepo, GitRepo]) -> None:
    repo, remote = push_hooked
    repo.git("switch", "--quiet", "--create", "feature")
    _open_a_flow(repo)
    opening = repo.commit("open")
    repo.git("push", "--quiet", "--no-verify", "origin", "feature")
    assert _remote_has(remote, "feature") == opening

    deleted = repo.run("push", "origin", ":feature")

    assert deleted.returncode == 0, _output(deleted)
    assert "netpoldiff" not in _output(deleted)
    assert _remote_has(remote, "feature") is None


def test_one_opening_ref_refuses_the_whole_push(push_hooked: tuple[GitRepo, GitRepo]) -> None:
    repo, remote = push_hooked
    remote_tip = repo.sha("origin/main")
    _close_a_flow(repo)
    repo.commit("close")
    repo.git("switch", "--quiet", "--create", "feature")
    _open_a_flow(repo)
    repo.commit("open")

    refused = repo.run("push", "--atomic", "origin", "main", "feature")

    assert refused.returncode != 0
    output = _output(refused)
    assert "Pushing refs/heads/main:" in output
    assert "Pushing refs/heads/feature:" in output
    assert CLOSED_REPORT in output
    assert PUSH_REFUSED in refused.stderr
    assert _remote_has(remote, "main") == remote_tip
    assert _remote_has(remote, "feature") is None


def test_the_first_push_to_an_empty_remote_is_checked(run_cli: CliRunner, tmp_path: Path) -> None:
    """BUG: a push the remote has no commit of fails: the empty tree is not a revision.

    ``push_ranges`` compares such a push with the empty tree, then ``diff_command`` resolves that
    tree's name as a commit and stops with "no such revision" (exit 2): the very first push of a
    repository (or of an orphan branch, or any new branch pushed by URL) is always blocked.
    """
    remote = bare_repository(tmp_path / "remote.git")
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("README.md", "policies will live in k8s/\n")
    first = repo.commit("start")
    repo.git("remote", "add", "origin", str(remote.root))
    assert _install(run_cli, repo, "--pre-push").status == 0

    pushed = repo.run("push", "--set-upstream", "origin", "main")

    assert "no such revision" not in _output(pushed)
    assert pushed.returncode == 0, _output(pushed)
    assert _remote_has(remote, "main") == first


# ---- hook run --pre-push, in-process with a recorded stdin ---------------------------------------


def _run_pre_push(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, repo: GitRepo, stdin: str, *args: str
) -> CliResult:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return run_cli(
        "hook", "run", "--pre-push", "-C", str(repo.root), *args, "origin", "file:///remote.git"
    )


def test_hook_run_pre_push_refuses_an_update_that_opens(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, pushed: tuple[GitRepo, GitRepo]
) -> None:
    repo, _ = pushed
    remote_tip = repo.sha("origin/main")
    _open_a_flow(repo)
    tip = repo.commit("open")

    result = _run_pre_push(
        run_cli,
        monkeypatch,
        repo,
        f"refs/heads/main {tip} refs/heads/main {remote_tip}\n",
        "--fail-on",
        "opened",
    )

    assert result.status == 1
    assert result.out.startswith(
        f"Pushing refs/heads/main:\nnetpoldiff {remote_tip} ({remote_tip[:7]}) -> {tip} "
    )
    assert OPENED_REPORT in result.out
    assert result.err.startswith(PUSH_REFUSED)
    assert result.err.count("\n") == 1


def test_hook_run_pre_push_reports_each_ref(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, ahead: tuple[GitRepository, str, str]
) -> None:
    repository, remote_tip, tip = ahead
    repo = GitRepo(repository.root)
    stdin = (
        f"refs/heads/main {tip} refs/heads/main {remote_tip}\n"
        f"refs/heads/main {tip} refs/heads/copy {ZERO}\n"
        f"(delete) {ZERO} refs/heads/gone {remote_tip}\n"
    )

    result = _run_pre_push(run_cli, monkeypatch, repo, stdin, "--fail-on", "opened")

    assert result.status == 0, result.err
    assert result.out.count("Pushing ") == 2
    assert "Pushing refs/heads/main:\n" in result.out
    assert "Pushing refs/heads/copy:\n" in result.out
    assert "refs/heads/gone" not in result.out
    assert result.out.count(CLOSED_REPORT) == 2
    assert result.err == ""


def test_hook_run_pre_push_with_only_a_deletion_says_nothing(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, pushed: tuple[GitRepo, GitRepo]
) -> None:
    repo, _ = pushed
    stdin = f"(delete) {ZERO} refs/heads/feature {repo.sha('main')}\n"

    result = _run_pre_push(run_cli, monkeypatch, repo, stdin, "--fail-on", "any")

    assert (result.status, result.out, result.err) == (0, "", "")


def test_hook_run_pre_push_with_a_malformed_line_is_one_line(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, pushed: tuple[GitRepo, GitRepo]
) -> None:
    repo, _ = pushed

    result = _run_pre_push(run_cli, monkeypatch, repo, "garbage\n", "--fail-on", "opened")

    assert_one_line_error(result, "unexpected input line 'garbage'")


def test_hook_run_pre_push_uses_pre_commit_refs_instead_of_stdin(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, pushed: tuple[GitRepo, GitRepo]
) -> None:
    repo, _ = pushed
    base = repo.sha("HEAD")
    _open_a_flow(repo)
    tip = repo.commit("open")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", tip)

    # pre-commit has already read git's input: whatever is left on stdin is not ours to parse.
    result = _run_pre_push(run_cli, monkeypatch, repo, "garbage\n", "--fail-on", "opened")

    assert result.status == 1
    assert result.out.startswith(f"netpoldiff {base} ({base[:7]}) -> {tip} ({tip[:7]})\n")
    assert "Pushing" not in result.out
    assert OPENED_FLOW in result.out
    assert result.err.startswith(PUSH_REFUSED)


def test_hook_run_pre_push_with_legacy_pre_commit_refs(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, pushed: tuple[GitRepo, GitRepo]
) -> None:
    repo, _ = pushed
    base = repo.sha("HEAD")
    _close_a_flow(repo)
    tip = repo.commit("close")
    monkeypatch.setenv("PRE_COMMIT_SOURCE", base)
    monkeypatch.setenv("PRE_COMMIT_ORIGIN", tip)

    result = _run_pre_push(run_cli, monkeypatch, repo, "", "--fail-on", "opened")

    assert result.status == 0, result.err
    assert result.out.startswith(f"netpoldiff {base} ({base[:7]}) -> {tip} ({tip[:7]})\n")
    assert CLOSED_REPORT in result.out
    assert result.err == ""
