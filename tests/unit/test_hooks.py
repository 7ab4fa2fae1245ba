"""hooks: the script ``hook install`` writes, where it goes, and git's pre-push input.

Repositories (and a bare ``origin``) are built in tmp_path with the git command; git itself
(``check-ref-format``, ``sh`` running the script) is the oracle where it has the answer.
"""

from __future__ import annotations

import io
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from netpoldiff.errors import SourceError, WriteError
from netpoldiff.hooks import (
    MARKER,
    PushRange,
    Stage,
    hook_script,
    install,
    pre_commit_range,
    push_ranges,
)
from netpoldiff.sources import GitRepository
from tests.testing.gitrepo import GitRepo
from tests.testing.pushes import bare_repository

ZERO = "0" * 40
UNKNOWN = "1234abcd" * 5  # a well-formed sha no repository here has
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


# ---- push_ranges: the lines git writes to a pre-push hook ---------------------------------------


def test_push_ranges_of_an_update(ahead: tuple[GitRepository, str, str]) -> None:
    repository, remote_tip, tip = ahead
    lines = [f"refs/heads/main {tip} refs/heads/main {remote_tip}\n"]

    assert push_ranges(lines, repository, "origin") == [
        PushRange("refs/heads/main", remote_tip, tip)
    ]


def test_push_ranges_of_a_new_branch(ahead: tuple[GitRepository, str, str]) -> None:
    repository, remote_tip, tip = ahead
    lines = [f"refs/heads/feature {tip} refs/heads/topic {ZERO}\n"]

    assert push_ranges(lines, repository, "origin") == [
        PushRange("refs/heads/topic", remote_tip, tip)
    ]


def test_push_ranges_of_a_new_branch_the_remote_already_has(
    ahead: tuple[GitRepository, str, str],
) -> None:
    repository, remote_tip, _ = ahead
    lines = [f"refs/heads/old {remote_tip} refs/heads/old {ZERO}\n"]

    assert push_ranges(lines, repository, "origin") == []


def test_push_ranges_of_a_deletion(ahead: tuple[GitRepository, str, str]) -> None:
    repository, remote_tip, _ = ahead
    lines = [f"(delete) {ZERO} refs/heads/feature {remote_tip}\n"]

    assert push_ranges(lines, repository, "origin") == []


def test_push_ranges_with_a_remote_tip_we_do_not_have(
    ahead: tuple[GitRepository, str, str],
) -> None:
    """Someone else pushed: compare with the remote-tracking refs instead."""
    repository, remote_tip, tip = ahead
    lines = [f"refs/heads/main {tip} refs/heads/main {UNKNOWN}\n"]

    assert push_ranges(lines, repository, "origin") == [
        PushRange("refs/heads/main", remote_tip, tip)
    ]


def test_push_ranges_skip_blank_lines_and_keep_order(
    ahead: tuple[GitRepository, str, str],
) -> None:
    repository, remote_tip, tip = ahead
    lines = [
        "\n",
        f"refs/heads/main {tip} refs/heads/main {remote_tip}\n",
        "   \n",
        f"(delete) {ZERO} refs/heads/gone {remote_tip}\n",
        f"refs/heads/main {tip} refs/heads/new {ZERO}",  # the last line may lack its newline
    ]

    assert push_ranges(lines, repository, "origin") == [
        PushRange("refs/heads/main", remote_tip, tip),
        PushRange("refs/heads/new", remote_tip, tip),
    ]


@pytest.mark.parametrize(
    "line", ["refs/heads/main abc refs/heads/main\n", "one two three four five\n"]
)
def test_push_ranges_reject_a_malformed_line(
    ahead: tuple[GitRepository, str, str], line: str
) -> None:
    repository, _, _ = ahead

    with pytest.raises(SourceError, match="pre-push: unexpected input line"):
        push_ranges([line], repository, "origin")


# ---- pre_commit_range: the refs the pre-commit framework hands over ------------------------------


def test_pre_commit_range_reads_from_and_to_refs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "aaa")
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "bbb")

    assert pre_commit_range() == ("aaa", "bbb")


def test_pre_commit_range_reads_the_legacy_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRE_COMMIT_SOURCE", "aaa")
    monkeypatch.setenv("PRE_COMMIT_ORIGIN", "bbb")

    assert pre_commit_range() == ("aaa", "bbb")


def test_pre_commit_range_prefers_the_current_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRE_COMMIT_SOURCE", "old-from")
    monkeypatch.setenv("PRE_COMMIT_ORIGIN", "old-to")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "from")
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "to")

    assert pre_commit_range() == ("from", "to")


@pytest.mark.parametrize(
    "variables",
    [{}, {"PRE_COMMIT_FROM_REF": "aaa"}, {"PRE_COMMIT_TO_REF": "bbb"}, {"PRE_COMMIT_FROM_REF": ""}],
    ids=["none", "from-only", "to-only", "empty"],
)
def test_pre_commit_range_needs_both_ends(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    assert pre_commit_range() is None


def test_the_first_push_to_an_empty_remote_is_compared_with_the_empty_tree(
    tmp_path: Path,
) -> None:
    remote = bare_repository(tmp_path / "remote.git")
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("README.md", "start\n")
    first = repo.commit("start")
    repo.git("remote", "add", "origin", str(remote.root))
    lines = [f"refs/heads/main {first} refs/heads/main {ZERO}\n"]

    assert push_ranges(lines, GitRepository(repo.root), "origin") == [
        PushRange("refs/heads/main", EMPTY_TREE, first)
    ]


@pytest.mark.parametrize("local_ref", ["HEAD~1", "(delete)", "refs/heads/main", "main"])
def test_push_ranges_show_the_local_side_as_typed(
    ahead: tuple[GitRepository, str, str], local_ref: str
) -> None:
    """The local side is only shown: any revision the user typed (never an option) is taken."""
    repository, remote_tip, tip = ahead
    lines = [f"{local_ref} {tip} refs/heads/main {remote_tip}\n"]

    assert push_ranges(lines, repository, "origin") == [
        PushRange("refs/heads/main", remote_tip, tip)
    ]


REF_NAMES = (
    *("refs/heads/main", "refs/tags/v1.0", "refs/x", "refs/heads/café", "refs/heads/@"),
    *("refs/heads/a@b", "refs/heads/a{b", "refs/heads/-x", "refs/heads/a.lockb"),
    *("refs", "refs/", "refs/heads/a..b", "refs/heads/a.lock", "refs/heads/a.lock/b"),
    *("refs/heads/.a", "refs/heads/a/.b", "refs/heads/a.", "refs/heads/a/", "refs/heads/a//b"),
    *("refs/heads/a@{b", "refs/heads/a~1", "refs/heads/a^", "refs/heads/a:b", "refs/heads/a?"),
    *("refs/heads/a*", "refs/heads/a[b", "refs/heads/a\\b", "refs/heads/a\x7f", "refs/heads/a\x01"),
    *("refs/heads/x/y.lock", "refs/.heads/x", "main", "HEAD"),
)


@pytest.mark.parametrize("name", REF_NAMES)
def test_a_remote_ref_is_taken_exactly_when_git_check_ref_format_takes_it(
    ahead: tuple[GitRepository, str, str], name: str
) -> None:
    repository, remote_tip, tip = ahead
    git_takes = (
        name.startswith("refs/")
        and subprocess.run(["git", "check-ref-format", name], check=False).returncode == 0
    )
    lines = [f"refs/heads/main {tip} {name} {remote_tip}\n"]

    if git_takes:
        assert push_ranges(lines, repository, "origin") == [PushRange(name, remote_tip, tip)]
    else:
        with pytest.raises(SourceError, match="the remote ref is not a full ref name"):
            push_ranges(lines, repository, "origin")


def test_push_input_that_is_not_text_is_a_source_error(
    ahead: tuple[GitRepository, str, str],
) -> None:
    repository, _, _ = ahead
    lines = io.TextIOWrapper(io.BytesIO(b"refs/heads/\xff x y z\n"), "utf-8")

    with pytest.raises(SourceError, match="pre-push: the input from git is not text"):
        push_ranges(lines, repository, "origin")


# ---- the script and where it goes ---------------------------------------------------------------


@pytest.mark.parametrize("stage", ["pre-commit", "pre-push"])
def test_the_script_passes_each_argument_through_the_shell_unchanged(
    tmp_path: Path, stage: Stage
) -> None:
    """What ``sh`` runs is this Python, netpoldiff, the stage, and the arguments as given."""
    marker = tmp_path / "ran"
    arguments = ["--fail-on", "opened", f"$(touch {marker})", f"; touch {marker}", "it's"]
    script = hook_script(stage, arguments)
    # The same script with its program replaced by one that prints what it was given.
    printer = f"{shlex.quote(sys.executable)} -c 'import sys; print(sys.argv[1:])'"
    shown = script.replace(shlex.quote(sys.executable) + " -m netpoldiff", printer, 1)
    assert shown != script

    completed = subprocess.run(
        ["sh", "-c", shown, "hook", "origin", "file:///a b/remote.git"],
        capture_output=True,
        text=True,
        check=True,
    )

    forwarded = ["origin", "file:///a b/remote.git"] if stage == "pre-push" else []
    assert completed.stdout == f"{['hook', 'run', f'--{stage}', *arguments, *forwarded]}\n"
    assert not marker.exists()
    assert script.startswith(f"#!/bin/sh\n{MARKER} ({stage})")


def test_install_writes_an_executable_hook_where_git_runs_hooks(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.git("config", "core.hooksPath", "ci/hooks")

    written = install(GitRepository(repo.root), "pre-push", ["--fail-on", "any"], force=False)

    assert written == repo.root / "ci" / "hooks" / "pre-push"
    assert written.read_text(encoding="utf-8") == hook_script("pre-push", ["--fail-on", "any"])
    mode = written.stat().st_mode
    assert mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH) == (
        stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
    )


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_install_replaces_its_own_hook_and_refuses_another_unless_forced(
    tmp_path: Path, force: bool
) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repository = GitRepository(repo.root)
    own = install(repository, "pre-commit", ["--fail-on", "opened"], force=False)
    assert install(repository, "pre-commit", ["--fail-on", "any"], force=False) == own
    assert "--fail-on any" in own.read_text(encoding="utf-8")
    foreign = repo.write(".git/hooks/pre-push", "#!/bin/sh\nmake lint\n")

    if force:
        install(repository, "pre-push", [], force=True)
        assert MARKER in foreign.read_text(encoding="utf-8")
    else:
        with pytest.raises(WriteError, match="was not written by netpoldiff: use --force"):
            install(repository, "pre-push", [], force=False)
        assert foreign.read_text(encoding="utf-8") == "#!/bin/sh\nmake lint\n"
