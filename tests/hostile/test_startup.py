"""A lean start: a run imports only what it uses, read from ``python -X importtime``.

A git hook starts netpoldiff on every commit: ``--version`` must not pay for YAML, tables or
the manifests, a matrix of directories outside a repository not for a git process, and no run
for a git library (git itself is run).
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from netpoldiff.sources.git_repo import outside_any_repository
from tests.conftest import FIXTURES, REPO_ROOT
from tests.testing.gitrepo import HERMETIC, GitRepo

HEAVY = ("git", "yaml", "tabulate", "netpoldiff.manifests")


def _imported(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``python -X importtime -m netpoldiff ARGS``; the outcome and every module imported."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "netpoldiff", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **HERMETIC, "PYTHONPATH": str(REPO_ROOT), **(env or {})},
    )
    lines = [line for line in run.stderr.splitlines() if line.startswith("import time:")]
    assert lines, run.stderr  # the scan sees imports: it can fail
    return run, {line.rsplit("|", 1)[1].strip() for line in lines[1:]}


def test_version_imports_no_git_yaml_tables_or_manifests(tmp_path: Path) -> None:
    run, imported = _imported(tmp_path, "--version")
    assert run.returncode == 0
    assert run.stdout.startswith("netpoldiff, version ")
    assert "click" in imported
    assert sorted(imported & set(HEAVY)) == []
    assert not [name for name in imported if name.startswith("netpoldiff.commands")]


def _without_git(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH holds no git program."""
    empty = tmp_path / "no-programs"
    empty.mkdir()
    return {"PATH": str(empty)}


def test_a_matrix_of_a_directory_outside_any_repository_runs_no_git(tmp_path: Path) -> None:
    if not outside_any_repository(tmp_path):  # pragma: no cover - a .git or HEAD above /tmp
        pytest.skip(f"{tmp_path} may be inside a repository")
    shutil.copytree(FIXTURES / "demo" / "new", tmp_path / "k8s")
    run, imported = _imported(tmp_path, "matrix", "k8s", "--no-cache", env=_without_git(tmp_path))
    assert (run.returncode, run.stdout.splitlines()[0]) == (0, "Reachability matrix of k8s")
    assert "yaml" in imported
    # The other commands' modules are not imported either.
    assert not {"netpoldiff.commands.diff", "netpoldiff.commands.explain"} & imported


def test_a_diff_whose_files_are_all_in_the_cache_reads_no_yaml(tmp_path: Path) -> None:
    # The hook's case: both revisions were converted before. Parsing and conversion are
    # imported only for a file the cache does not hold.
    repo = GitRepo.init(tmp_path / "repo")
    shutil.copytree(FIXTURES / "review-example" / "old", repo.root / "k8s")
    repo.commit("old")
    shutil.rmtree(repo.root / "k8s")
    shutil.copytree(FIXTURES / "review-example" / "new", repo.root / "k8s")
    repo.commit("new")
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    cold, cold_imports = _imported(repo.root, "HEAD~1", "HEAD", env=cache)
    warm, warm_imports = _imported(repo.root, "HEAD~1", "HEAD", env=cache)
    assert (cold.returncode, warm.returncode) == (0, 0), warm.stderr[-2000:]
    assert warm.stdout == cold.stdout
    parsing = {"yaml", "netpoldiff.manifests.yaml_docs", "netpoldiff.manifests.convert"}
    assert parsing <= cold_imports
    # (Worker processes are imported only to convert too; coverage's subprocess hook imports
    # multiprocessing under the test suite, so that is not asserted here.)
    assert sorted(warm_imports & parsing) == []
    assert "git" not in cold_imports  # git is run, not driven through a library


def test_a_matrix_inside_a_repository_still_opens_it(tmp_path: Path) -> None:
    # A path there could also name a revision (an error to resolve), and the repository's
    # configuration applies: git is needed, and found however the directory is reached.
    repo = GitRepo.init(tmp_path / "repo")
    shutil.copytree(FIXTURES / "demo" / "new", repo.root / "k8s")
    assert not outside_any_repository(repo.root / "k8s")
    run, _ = _imported(repo.root / "k8s", "matrix", ".", "--no-cache")
    assert run.returncode == 0, run.stderr[-2000:]
    no_git = _without_git(tmp_path)
    without, _ = _imported(repo.root / "k8s", "matrix", ".", "--no-cache", env=no_git)
    assert (without.returncode, without.stderr.splitlines()[-1]) == (
        2,
        "netpoldiff: cannot run git: No such file or directory",
    )


@pytest.mark.parametrize(
    "marker", [".git", "HEAD"], ids=["a .git entry", "a HEAD file (a bare repository)"]
)
def test_a_directory_below_what_git_could_read_as_a_repository_is_not_outside(
    tmp_path: Path, marker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert outside_any_repository(tmp_path / "a" / "b")
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))  # git reads that one
    assert not outside_any_repository(tmp_path / "a" / "b")
    monkeypatch.delenv("GIT_DIR")
    (tmp_path / marker).write_text("")
    assert not outside_any_repository(tmp_path / "a" / "b")


def test_the_commands_package_gives_each_name_from_its_module_when_asked() -> None:
    from netpoldiff import commands

    for name in commands.__all__:
        value = getattr(commands, name)
        assert value is getattr(importlib.import_module(commands._HOMES[name]), name)
    assert sorted(commands._HOMES) == sorted(commands.__all__)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        getattr(commands, "nope")  # noqa: B009 - the name is the test
