"""Hostile input to the git hooks: pre-push lines and whatever sits where a hook goes.

The pre-push input is read from standard input, so anything that can run the hook with other
input (or a repository's own tooling) controls it: every field is checked before any of it
reaches git. ``hook install`` never replaces what it did not write.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from netpoldiff.hooks import MARKER
from tests.conftest import CliResult, CliRunner, assert_one_line_error
from tests.testing.gitrepo import GitRepo, demo_repository

ZERO = "0" * 40


@pytest.fixture(autouse=True)
def scratch(run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty directory: nothing a test (or an injection) writes lands in the project."""
    directory = tmp_path / "scratch"
    directory.mkdir()
    monkeypatch.chdir(directory)
    del run_cli  # requested only so that its chdir to the project comes first
    return directory


def pre_push(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, repo: GitRepo, stdin: str
) -> CliResult:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return run_cli(
        "hook", "run", "--pre-push", "-C", str(repo.root), "origin", "file:///remote.git"
    )


# --- 6: pre-push input ----------------------------------------------------------------------

# Each line is hostile in one field; {tip} and {base} are real commits of the repository.
HOSTILE_LINES = {
    "local id is an option": "refs/heads/main --output={out} refs/heads/main {base}",
    "remote id is an option": "refs/heads/main {tip} refs/heads/main --output={out}",
    "local id is an option, new branch": "refs/heads/x --output={out} refs/heads/x " + ZERO,
    "local id is a revision": "refs/heads/main HEAD refs/heads/main {base}",
    "local id is short": "refs/heads/main {short} refs/heads/main {base}",
    "local id in capitals": "refs/heads/main {upper} refs/heads/main {base}",
    "local id of the other hash": "refs/heads/main {tip}{tip_end} refs/heads/main {base}",
    "remote ref is an option": "refs/heads/main {tip} --output={out} {base}",
    "remote ref is not a ref": "refs/heads/main {tip} main {base}",
    "remote ref with ..": "refs/heads/main {tip} refs/heads/a..b {base}",
    "local ref is an option": "--output={out} {tip} refs/heads/main {base}",
    "local ref with an escape": "refs/heads/\x1b]0;owned\x07 {tip} refs/heads/main {base}",
}


@pytest.mark.parametrize("line", HOSTILE_LINES.values(), ids=HOSTILE_LINES.keys())
def test_pre_push_fields_are_checked_before_reaching_git(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, line: str
) -> None:
    repo = demo_repository(tmp_path / "repo")
    tip, base = repo.sha("HEAD"), repo.sha("HEAD~1")
    out = tmp_path / "created"
    stdin = line.format(
        out=out, tip=tip, base=base, short=tip[:12], upper=tip.upper(), tip_end=tip[:24]
    )

    result = pre_push(run_cli, monkeypatch, repo, stdin + "\n")

    assert_one_line_error(result, "pre-push: unexpected input line")
    assert "\x1b" not in result.err
    assert not out.exists()
    assert not list(repo.root.glob("--output*"))


def test_pre_push_input_that_is_not_text_is_one_line(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo = demo_repository(tmp_path / "repo")
    stdin = io.TextIOWrapper(io.BytesIO(b"refs/heads/\xff " + b"0" * 40 + b"\n"), "utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)

    result = run_cli("hook", "run", "--pre-push", "-C", str(repo.root), "origin")

    assert_one_line_error(result, "pre-push: the input from git is not text")


def test_pre_push_of_a_sha256_repository(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    repo = GitRepo(tmp_path / "repo")
    repo.root.mkdir()
    repo.git("init", "--quiet", "--object-format=sha256", "--initial-branch=main")
    repo.git("init", "--quiet", "--bare", "--object-format=sha256", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.put_demo("old")
    base = repo.commit("old policies")
    repo.git("push", "--quiet", "origin", "main")
    repo.put_demo("new")
    tip = repo.commit("new policies")
    zero = "0" * 64

    update = pre_push(run_cli, monkeypatch, repo, f"refs/heads/main {tip} refs/heads/main {base}\n")
    assert update.status == 0, update.err
    assert "Reachability: 1 row opened (2 flows), 1 closed." in update.out
    new_branch = pre_push(run_cli, monkeypatch, repo, f"HEAD {tip} refs/heads/x {zero}\n")
    assert new_branch.status == 0, new_branch.err
    assert "Pushing refs/heads/x:" in new_branch.out
    deletion = pre_push(run_cli, monkeypatch, repo, f"(delete) {zero} refs/heads/main {tip}\n")
    assert (deletion.status, deletion.out, deletion.err) == (0, "", "")
    sha1_zero = pre_push(run_cli, monkeypatch, repo, f"(delete) {ZERO} refs/heads/main {tip}\n")
    assert_one_line_error(sha1_zero, "64 lowercase hexadecimal digits")


# --- 7: whatever is where the hook goes -----------------------------------------------------


def test_install_never_replaces_a_dangling_symlink_without_force(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    target = repo.root / "tools" / "pre-commit.sh"  # not written yet
    hook.symlink_to(target)

    refused = run_cli("hook", "install", "-C", str(repo.root))

    assert_one_line_error(refused, str(hook), "--force")
    assert hook.is_symlink()
    assert hook.readlink() == target
    assert not target.exists()
    forced = run_cli("hook", "install", "-C", str(repo.root), "--force")
    assert forced.status == 0, forced.err
    assert not hook.is_symlink()
    assert MARKER in hook.read_text(encoding="utf-8")
    assert not target.exists(), "the link was replaced, not written through"


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["plain", "force"])
def test_a_hook_path_that_is_a_directory_is_one_line(
    run_cli: CliRunner, tmp_path: Path, force: tuple[str, ...]
) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    (hook / "inside").mkdir(parents=True)

    result = run_cli("hook", "install", "-C", str(repo.root), *force)

    assert_one_line_error(result, str(hook), "is a directory")
    assert (hook / "inside").is_dir()


def test_a_hooks_directory_that_cannot_be_written_is_one_line(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    (repo.root / "not-a-directory").write_text("a file\n", encoding="utf-8")
    repo.git("config", "core.hooksPath", "not-a-directory")

    result = run_cli("hook", "install", "-C", str(repo.root))

    assert_one_line_error(result, "cannot write the hook", "not-a-directory is not a directory")
    assert (repo.root / "not-a-directory").read_text(encoding="utf-8") == "a file\n"
