"""git_command: the settings every git process netpoldiff starts gets, asked of git itself.

Each test runs the real git with the flags or environment the module gives, in a repository
whose own configuration says the opposite, and reads what git then uses.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from netpoldiff.errors import SourceError
from netpoldiff.sources.git_command import (
    SAFE_SETTINGS,
    SAFE_SETTINGS_BUT_HOOKS,
    GitFailedError,
    explain_failure,
    git_environment,
    run_git,
    setting_environment,
    setting_flags,
)
from tests.testing.gitrepo import GitRepo


def git(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> str:
    """git's stdout, run exactly as given (no test flags), with ``env`` on top of os.environ."""
    completed = subprocess.run(
        ["git", *args],
        cwd=repo.root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


@pytest.fixture
def armed(tmp_path: Path) -> GitRepo:
    """A repository whose configuration names programs for the settings that run them."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.git("config", "core.fsmonitor", "/bin/false")
    repo.git("config", "core.useBuiltinFSMonitor", "true")
    repo.git("config", "core.hooksPath", "my-hooks")
    return repo


def test_the_flags_override_the_repository_configuration(armed: GitRepo) -> None:
    flags = setting_flags()

    assert flags[0] == "--no-pager"
    for key, value in SAFE_SETTINGS:
        assert git(armed, *flags, "config", "--get", key) == f"{value}\n", key


def test_the_environment_overrides_the_repository_configuration(armed: GitRepo) -> None:
    variables = setting_environment({})

    for key, value in SAFE_SETTINGS:
        assert git(armed, "config", "--get", key, env=variables) == f"{value}\n", key
    assert git(armed, "var", "GIT_PAGER", env=variables) == "cat\n"


def test_settings_already_in_the_environment_stay_and_ours_win_over_them(armed: GitRepo) -> None:
    caller = {
        "GIT_CONFIG_COUNT": "2",
        "GIT_CONFIG_KEY_0": "user.name",
        "GIT_CONFIG_VALUE_0": "Kept",
        "GIT_CONFIG_KEY_1": "core.fsmonitor",
        "GIT_CONFIG_VALUE_1": "/bin/false",
    }
    variables = {**caller, **setting_environment(caller)}

    assert variables["GIT_CONFIG_COUNT"] == str(2 + len(SAFE_SETTINGS))
    assert git(armed, "config", "--get", "user.name", env=variables) == "Kept\n"
    assert git(armed, "config", "--get", "core.fsmonitor", env=variables) == "false\n"


@pytest.mark.parametrize("count", ["x", "-3", ""])
def test_a_count_that_is_no_count_starts_ours_at_zero(armed: GitRepo, count: str) -> None:
    variables = setting_environment({"GIT_CONFIG_COUNT": count})

    assert variables["GIT_CONFIG_KEY_0"] == SAFE_SETTINGS[0][0]
    assert git(armed, "config", "--get", "core.hooksPath", env=variables) == f"{os.devnull}\n"


def test_no_transport_is_allowed_and_nothing_prompts(tmp_path: Path) -> None:
    source = GitRepo.init(tmp_path / "source")
    source.commit("one")
    variables = setting_environment({})
    assert variables["GIT_TERMINAL_PROMPT"] == "0"
    assert variables["GIT_NO_LAZY_FETCH"] == "1"

    refused = subprocess.run(
        ["git", "clone", "--quiet", source.root.as_uri(), str(tmp_path / "copy")],
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        check=False,
    )

    assert refused.returncode != 0
    assert "transport 'file' not allowed" in refused.stderr
    assert not (tmp_path / "copy").exists()


def test_reading_where_hooks_live_sees_the_repository_own_hooks_path(armed: GitRepo) -> None:
    flags = setting_flags(SAFE_SETTINGS_BUT_HOOKS)

    assert git(armed, *flags, "rev-parse", "--git-path", "hooks") == "my-hooks\n"
    assert git(armed, *flags, "config", "--get", "core.fsmonitor") == "false\n"


@pytest.mark.parametrize(
    ("stderr", "message"),
    [
        (
            "warning: x\nfatal: bad object HEAD\n",
            "git: bad object HEAD",
        ),
        (
            "fatal: could not fetch abc from promisor remote\n",
            "git: could not fetch abc from promisor remote: this partial clone lacks it",
        ),
        (
            "fatal: detected dubious ownership in repository at '/r'\n",
            (
                "git refuses to read /top: it is owned by another user; trust it with "
                "`git config --global --add safe.directory /top`"
            ),
        ),
        ("", "git failed: git ls-tree HEAD"),
    ],
    ids=["fatal line", "promisor", "dubious, no suggestion", "nothing said"],
)
def test_a_failure_is_explained_in_one_line(stderr: str, message: str) -> None:
    explained = explain_failure(stderr, ["git", "ls-tree", "HEAD"], Path("/top"))
    assert explained.startswith(message)
    assert "\n" not in explained


def test_run_git_gives_the_output_or_what_git_said(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    assert run_git(["rev-parse", "--is-bare-repository"], tmp_path) == b"false\n"
    with pytest.raises(GitFailedError) as failed:
        run_git(["rev-parse", "--verify", "--end-of-options", "nope"], tmp_path)
    assert failed.value.command[-1] == "nope"
    assert "Needed a single revision" in failed.value.stderr  # in English: LC_ALL=C
    with pytest.raises(SourceError, match=r"^cannot run git: "):
        run_git(["status"], tmp_path / "missing")


def test_every_git_process_gets_the_settings_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "fr")
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    monkeypatch.setenv("NETPOLDIFF_TEST_KEPT", "1")
    environment = git_environment()
    assert (environment["LANGUAGE"], environment["LC_ALL"]) == ("C", "C")
    assert environment["NETPOLDIFF_TEST_KEPT"] == "1"
    assert environment.items() >= setting_environment(os.environ).items()
