"""A SOURCE names one thing, decided once: no name stands in for another.

Each case builds, beside the demo repository (HEAD~1 holds the old manifests, HEAD the new),
directories of the new manifests and branches at HEAD~1 with the names a SOURCE could be
confused with, then runs a command line and compares it with one that cannot be confused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from netpoldiff.commands import Settings, pre_push_command
from netpoldiff.sources import (
    HEAD,
    INDEX,
    WORKING_TREE,
    MergeBase,
    OnDisk,
    Revision,
    Workspace,
)
from tests.conftest import CliRunner, assert_one_line_error
from tests.testing.gitrepo import GitRepo, demo_repository

OPENS_AND_CLOSES = {"opened": 2, "closed": 1}  # from the old manifests to the new
REVERSED = {"opened": 1, "closed": 2}  # from the new manifests to the old
NO_CHANGE = {"opened": 0, "closed": 0}


@dataclass(frozen=True)
class Case:
    """Directories (of the new manifests) and branches (at HEAD~1) to make, and a run."""

    args: tuple[str, ...]
    directories: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    summary: dict[str, int] | None = None  # what the diff finds
    same_matrix_as: str | None = None  # a matrix run reads what this unambiguous SOURCE does
    error: tuple[str, ...] = ()  # fragments of the one-line error


CASES = {
    # The report: a directory of manifests named index was read as the git index.
    "directory index is the directory": Case(
        ("HEAD~1", "index"), directories=("index",), summary=OPENS_AND_CLOSES
    ),
    "matrix of directory index": Case(
        ("matrix", "index"), directories=("index",), same_matrix_as="HEAD"
    ),
    "branch index is the branch": Case(("HEAD", "index"), branches=("index",), summary=REVERSED),
    "matrix of branch index": Case(
        ("matrix", "index"), branches=("index",), same_matrix_as="HEAD~1"
    ),
    "directory and branch index are ambiguous": Case(
        ("HEAD~1", "index"),
        directories=("index",),
        branches=("index",),
        error=("'index' is both a revision and a path", "./index", "index^{commit}"),
    ),
    "./index picks the directory": Case(
        ("HEAD~1", "./index"),
        directories=("index",),
        branches=("index",),
        summary=OPENS_AND_CLOSES,
    ),
    "index^{commit} picks the branch": Case(
        ("HEAD", "index^{commit}"), directories=("index",), branches=("index",), summary=REVERSED
    ),
    "--staged reads the git index beside a directory and a branch index": Case(
        ("--staged", "HEAD"), directories=("index",), branches=("index",), summary=NO_CHANGE
    ),
    "directory named working tree is the directory": Case(
        ("HEAD~1", "working tree"), directories=("working tree",), summary=OPENS_AND_CLOSES
    ),
    "working tree typed without such a directory is no source": Case(
        ("HEAD~1", "working tree"), error=("'working tree': no such revision, file or directory",)
    ),
    "the default NEW is the working tree beside a directory of that name": Case(
        ("HEAD",), directories=("working tree", "index"), branches=("index",), summary=NO_CHANGE
    ),
    "a directory named HEAD and the revision are ambiguous": Case(
        ("HEAD~1", "HEAD"), directories=("HEAD",), error=("'HEAD' is both a revision and a path",)
    ),
    "a directory named as a merge base and the merge base are ambiguous": Case(
        ("HEAD~1...HEAD", "HEAD"),
        directories=("HEAD~1...HEAD",),
        error=("'HEAD~1...HEAD' is both a revision and a path",),
    ),
}


@pytest.fixture
def demo(tmp_path: Path) -> GitRepo:
    return demo_repository(tmp_path / "repo")


def _document(result: Any) -> dict[str, Any]:
    assert result.status == 0, result.err
    document: dict[str, Any] = json.loads(result.out)
    return document


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_a_source_name_never_stands_for_another(
    case: Case, demo: GitRepo, run_cli: CliRunner
) -> None:
    for directory in case.directories:
        demo.put_demo("new", under=directory)  # untracked: no part of the working tree source
    for branch in case.branches:
        demo.git("branch", branch, "HEAD~1")
    root = str(demo.root)
    result = run_cli("-C", root, *case.args, *(() if case.error else ("--format", "json")))
    if case.error:
        assert_one_line_error(result, *case.error)
    elif case.summary is not None:
        assert _document(result)["summary"] == case.summary
    else:
        assert case.same_matrix_as is not None
        unambiguous = run_cli("-C", root, "matrix", case.same_matrix_as, "--format", "json")
        assert _document(result)["endpoints"] == _document(unambiguous)["endpoints"]
        assert _document(result)["flows"] == _document(unambiguous)["flows"]


def test_each_kind_of_source_is_its_own_value(demo: GitRepo) -> None:
    demo.put_demo("new", under="index")
    workspace = Workspace.at(demo.root)
    assert workspace.source("index") == OnDisk("index")
    assert workspace.source("HEAD~1") == Revision("HEAD~1")
    assert workspace.source("HEAD~1...") == MergeBase("HEAD~1", "")
    assert workspace.source("HEAD") == HEAD
    # Shown as typed, so reports and JSON name each source as before.
    assert [str(s) for s in (MergeBase("a", ""), INDEX, WORKING_TREE, OnDisk("./k8s"))] == [
        "a...",
        "index",
        "working tree",
        "./k8s",
    ]
    assert len({INDEX, WORKING_TREE, OnDisk("index"), Revision("index")}) == 4


def test_a_pushed_commit_is_a_revision_even_beside_a_directory_of_its_name(
    demo: GitRepo,
) -> None:
    old, new = demo.sha("HEAD~1"), demo.sha("HEAD")
    for name in (old, new):
        demo.put_demo("old", under=name)  # what reading these as paths would compare
    pushed = [f"refs/heads/main {new} refs/heads/main {old}\n"]
    report = pre_push_command(
        "origin", pushed, output_format="json", settings=Settings(demo.root, use_cache=False)
    )
    heading, *document = report.chunks
    assert heading == "Pushing refs/heads/main:\n"
    assert json.loads("".join(document))["summary"] == OPENS_AND_CLOSES


@pytest.mark.parametrize("marker", [None, "HEAD"], ids=["nothing-above", "a-stray-HEAD-above"])
def test_a_directory_outside_any_repository_has_a_workspace_without_one(
    tmp_path: Path, marker: str | None
) -> None:
    # With nothing git could take for a repository above it, git is not even run; with a
    # file that only looks like one, git is run and finds none.
    if marker is not None:
        (tmp_path / marker).write_text("not a repository\n")
    (tmp_path / "k8s").mkdir()
    workspace = Workspace.at(tmp_path / "k8s")
    assert workspace.repository is None
    assert workspace.top == tmp_path / "k8s"
    assert workspace.source(".") == OnDisk(".")
