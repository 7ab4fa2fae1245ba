"""Shared fixtures: the repository root, golden-file updating, and running the CLI in-process."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

from netpoldiff.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "fixtures"


# Fixtures shared by test modules of several directories.
pytest_plugins = ["tests.testing.pushes"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the expected reports in fixtures/*/expected/ from the current output.",
    )


# The suite is often run from a git hook or `git rebase --exec`, where git exports GIT_DIR,
# GIT_INDEX_FILE, GIT_WORK_TREE (and more) naming the developer's repository: every git command
# of a test would then commit to, or re-initialise, that repository instead of its own scratch
# one. So every GIT_* variable goes before any fixture of any scope runs, for the whole session.
HERMETIC_GIT = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


# kubectl (with its kustomize) comes with the test extras, beside this Python: found on PATH
# as it is for a user whose virtual environment is active, so overlays render for real.
KUBECTL_DIRECTORY = str(Path(sys.executable).parent)


def pytest_configure() -> None:
    # git's variables (a run from a hook or rebase --exec would point at the caller's
    # repository) and pre-commit's (a run under pre-commit would name its refs).
    for name in [n for n in os.environ if n.startswith(("GIT_", "PRE_COMMIT_"))]:
        del os.environ[name]
    os.environ.update(HERMETIC_GIT)
    os.environ["PATH"] = os.pathsep.join([os.environ.get("PATH", os.defpath), KUBECTL_DIRECTORY])


@pytest.fixture(autouse=True)
def hermetic_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads the user's cache or colour preferences (git's were cleared at start)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@dataclass(frozen=True)
class CliResult:
    status: int
    out: str
    err: str


CliRunner = Callable[..., CliResult]


class Outcome(Protocol):
    """What a run of the command line left: CliResult, or a measured child process."""

    @property
    def status(self) -> int: ...
    @property
    def out(self) -> str: ...
    @property
    def err(self) -> str: ...


def assert_one_line_error(result: Outcome, *fragments: str) -> None:
    """Exit status 2, nothing on stdout, one ``netpoldiff: ...`` line, no traceback."""
    assert result.status == 2, (result.status, result.out[:500], result.err[:2000])
    assert result.out == ""
    assert result.err.startswith("netpoldiff: "), result.err
    assert result.err.count("\n") == 1, result.err
    assert result.err.endswith("\n")
    assert "Traceback" not in result.err
    assert "internal error" not in result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """Run ``netpoldiff ARGS`` in-process from the repository root; return status and output."""
    monkeypatch.chdir(REPO_ROOT)

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
        except SystemExit as done:
            code = done.code
            status = code if isinstance(code, int) else (0 if code is None else 1)
        else:
            status = 0
        captured = capsys.readouterr()
        return CliResult(status, captured.out, captured.err)

    return run
