"""The suite leaves the repository it runs from alone, even when git's environment names it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.testing.gitrepo import GitRepo

# A module-scoped fixture runs before any function-scoped one: clearing git's variables in an
# autouse fixture came too late for it, and its commit landed in the caller's repository.
SCRATCH_TESTS = textwrap.dedent(
    """\
    import pytest
    from tests.testing.gitrepo import GitRepo

    @pytest.fixture(scope="module")
    def scratch(tmp_path_factory):
        repo = GitRepo.init(tmp_path_factory.mktemp("scratch") / "repo")
        (repo.root / "a.yaml").write_text("{}\\n")
        repo.commit("scratch commit")
        GitRepo(repo.root.parent).git("init", "--quiet", "--bare", "remote.git")
        return repo

    def test_scratch(scratch):
        assert scratch.git("log", "--format=%s").split() == ["scratch", "commit"]
    """
)


def test_a_run_under_a_git_hook_environment_changes_nothing_of_the_callers_repository(
    tmp_path: Path,
) -> None:
    caller = GitRepo.init(tmp_path / "caller")
    (caller.root / "mine.txt").write_text("mine\n")
    caller.commit("the developer's commit")
    before = (caller.git("rev-parse", "HEAD"), caller.git("config", "core.bare"))
    scratch_tests = tmp_path / "test_scratch.py"
    scratch_tests.write_text(SCRATCH_TESTS)

    # What git exports to a hook or to `git rebase --exec`.
    hook_environment = {
        **os.environ,
        "GIT_DIR": str(caller.root / ".git"),
        "GIT_WORK_TREE": str(caller.root),
        "GIT_INDEX_FILE": str(caller.root / ".git" / "index"),
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "tests.conftest",
            "-p",
            "no:cacheprovider",
            "--no-cov",
            str(scratch_tests),
        ],
        cwd=REPO_ROOT,
        env=hook_environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert (caller.git("rev-parse", "HEAD"), caller.git("config", "core.bare")) == before
    assert caller.git("status", "--porcelain") == ""
