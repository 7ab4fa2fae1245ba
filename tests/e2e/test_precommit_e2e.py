"""End to end with the pre-commit framework and this repository's .pre-commit-hooks.yaml.

A clone of this repository's HEAD is the hook repository. pre-commit builds its virtualenv and
pip-installs netpoldiff from that clone once per module (PRE_COMMIT_HOME is shared), so the
package index must be reachable. ``pre-commit try-repo`` always builds in a throwaway store, so
only one test pays for it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.testing.gitrepo import HERMETIC, GitRepo

OPENED_REPORT = "Reachability: 1 row opened (2 flows), 0 closed."
CLOSED_REPORT = "Reachability: 0 rows opened, 1 closed."
OPENED_FLOW = "+  0.0.0.0/0 except 10.0.0.0/8  ->  frontend/web[Deployment]  TCP/8080"
COMMIT_HOOK = "netpoldiff (NetworkPolicy reachability)"
PUSH_HOOK = "netpoldiff (NetworkPolicy reachability of pushed commits)"
INSTALL_TIMEOUT = 300
RUN_TIMEOUT = 120


def _pre_commit_executable() -> Path | None:
    found = shutil.which("pre-commit")
    if found:
        return Path(found)
    beside = Path(sys.executable).parent / "pre-commit"
    return beside if beside.is_file() else None


@dataclass(frozen=True)
class PreCommit:
    """The pre-commit CLI, the hook repository (a clone of HEAD) and the environment to run in."""

    executable: Path
    hook_repo: Path
    rev: str
    env: dict[str, str]

    def config(self) -> str:
        return (
            "repos:\n"
            f"  - repo: {self.hook_repo}\n"
            f"    rev: {self.rev}\n"
            "    hooks:\n"
            "      - id: netpoldiff\n"
            "      - id: netpoldiff-pre-push\n"
        )

    def run(
        self, repo: GitRepo, *args: str, timeout: float = RUN_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.executable), *args],
            cwd=repo.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )


def _environment(home: Path, cache: Path) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PRE_COMMIT", "GIT_")) and name not in {"NO_COLOR", "FORCE_COLOR"}
    }
    return {
        **inherited,
        **HERMETIC,
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
        "XDG_CACHE_HOME": str(cache),  # netpoldiff's conversion cache and pip's cache, shared
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreCommit]:
    """pre-commit with netpoldiff's hook environment built once for the whole module."""
    executable = _pre_commit_executable()
    if executable is None:
        pytest.skip("the pre-commit CLI is not installed")
    base = tmp_path_factory.mktemp("pre-commit")
    hook_repo = base / "hookrepo"
    GitRepo(base).git("clone", "--quiet", "--no-hardlinks", str(REPO_ROOT), str(hook_repo))
    rev = GitRepo(hook_repo).sha("HEAD")
    tool = PreCommit(executable, hook_repo, rev, _environment(base / "home", base / "cache"))
    warmup = GitRepo.init(base / "warmup")
    warmup.write(".pre-commit-config.yaml", tool.config())
    installed = tool.run(warmup, "install-hooks", timeout=INSTALL_TIMEOUT)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    yield tool
    # The built environments are large: drop them once the module is done.
    shutil.rmtree(base / "home", ignore_errors=True)


@pytest.fixture(autouse=True)
def outside_pre_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even when these tests run under pre-commit, git and the hooks must not see its refs."""
    for name in [n for n in os.environ if n.startswith("PRE_COMMIT")]:
        monkeypatch.delenv(name)


@pytest.fixture
def repo(pre_commit: PreCommit, tmp_path: Path) -> GitRepo:
    """The demo's old manifests and a .pre-commit-config.yaml using both hooks, committed."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.write(".pre-commit-config.yaml", pre_commit.config())
    repo.commit("old policies")
    return repo


def _output(completed: subprocess.CompletedProcess[str]) -> str:
    return completed.stdout + completed.stderr


def _status_line(output: str, hook: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(hook))


def test_a_staged_change_that_opens_flows_fails(pre_commit: PreCommit, repo: GitRepo) -> None:
    repo.put_demo("new", "frontend.yaml")
    repo.git("add", "--all")

    result = pre_commit.run(repo, "run")

    assert result.returncode == 1, _output(result)
    output = _output(result)
    assert _status_line(output, COMMIT_HOOK).endswith("Failed")
    assert "- hook id: netpoldiff\n- exit code: 1" in output
    assert "netpoldiff HEAD (" in output
    assert OPENED_FLOW in output
    assert OPENED_REPORT in output
    assert PUSH_HOOK not in output  # a pre-push hook does not run at commit time


def test_a_staged_change_that_only_closes_flows_passes(
    pre_commit: PreCommit, repo: GitRepo
) -> None:
    repo.put_demo("new", "shop.yaml")
    repo.git("add", "--all")

    result = pre_commit.run(repo, "run")

    assert result.returncode == 0, _output(result)
    assert _status_line(_output(result), COMMIT_HOOK).endswith("Passed")


def test_the_hook_checks_the_index_not_the_working_tree(
    pre_commit: PreCommit, repo: GitRepo
) -> None:
    repo.put_demo("new", "shop.yaml")
    repo.git("add", "--all")
    repo.put_demo("new", "frontend.yaml")  # opens a flow, but is not staged

    result = pre_commit.run(repo, "run")

    assert result.returncode == 0, _output(result)
    assert _status_line(_output(result), COMMIT_HOOK).endswith("Passed")
    # pre-commit put the unstaged change back.
    assert repo.git("diff", "--name-only") == "k8s/frontend.yaml\n"


def test_a_change_without_manifests_skips_the_hook(pre_commit: PreCommit, repo: GitRepo) -> None:
    repo.write("README.md", "docs\n")
    repo.git("add", "--all")

    result = pre_commit.run(repo, "run")

    assert result.returncode == 0, _output(result)
    assert _status_line(_output(result), COMMIT_HOOK).endswith("(no files to check)Skipped")


def test_git_commit_runs_the_installed_hook(pre_commit: PreCommit, repo: GitRepo) -> None:
    installed = pre_commit.run(repo, "install")
    assert installed.returncode == 0, _output(installed)
    before = repo.sha("HEAD")
    repo.put_demo("new", "frontend.yaml")
    repo.git("add", "--all")

    refused = repo.run("commit", "-m", "open the web tier", env=pre_commit.env)

    assert refused.returncode == 1
    assert OPENED_REPORT in _output(refused)
    assert repo.sha("HEAD") == before

    repo.git("checkout", "HEAD", "--", "k8s/frontend.yaml")
    repo.put_demo("new", "shop.yaml")
    repo.git("add", "--all")
    accepted = repo.run("commit", "-m", "close the cache", env=pre_commit.env)

    assert accepted.returncode == 0, _output(accepted)
    assert repo.sha("HEAD~1") == before
    assert repo.git("show", "--name-only", "--format=", "HEAD") == "k8s/shop.yaml\n"


def test_git_push_runs_the_pre_push_hook(
    pre_commit: PreCommit, repo: GitRepo, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    GitRepo(tmp_path).git("init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "--quiet", "--set-upstream", "origin", "main")
    remote_tip = repo.sha("HEAD")
    installed = pre_commit.run(repo, "install", "--hook-type", "pre-push")
    assert installed.returncode == 0, _output(installed)
    repo.put_demo("new", "frontend.yaml")
    opening = repo.commit("open the web tier")

    refused = repo.run("push", "origin", "main", env=pre_commit.env)

    output = _output(refused)
    assert refused.returncode != 0
    assert _status_line(output, PUSH_HOOK).endswith("Failed")
    # pre-commit hands over the range in PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF.
    assert f"netpoldiff {remote_tip} ({remote_tip[:7]}) -> {opening} ({opening[:7]})" in output
    assert OPENED_REPORT in output
    assert GitRepo(remote).sha("refs/heads/main") == remote_tip

    repo.git("reset", "--quiet", "--hard", "origin/main")
    repo.put_demo("new", "shop.yaml")
    closing = repo.commit("close the cache")
    accepted = repo.run("push", "origin", "main", env=pre_commit.env)

    assert accepted.returncode == 0, _output(accepted)
    assert _status_line(_output(accepted), PUSH_HOOK).endswith("Passed")
    assert GitRepo(remote).sha("refs/heads/main") == closing


def test_try_repo_refuses_a_staged_change_that_opens_flows(
    pre_commit: PreCommit, tmp_path: Path
) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.commit("old policies")
    repo.put_demo("new", "frontend.yaml")
    repo.git("add", "--all")

    result = pre_commit.run(
        repo, "try-repo", str(pre_commit.hook_repo), "netpoldiff", timeout=INSTALL_TIMEOUT
    )

    output = _output(result)
    assert result.returncode == 1, output
    assert f"rev: {pre_commit.rev}" in output
    assert _status_line(output, COMMIT_HOOK).endswith("Failed")
    assert OPENED_FLOW in output
    assert OPENED_REPORT in output
