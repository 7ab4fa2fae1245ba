"""Where the configuration is read: the top of each source's tree, or -c FILE."""

from __future__ import annotations

from pathlib import Path

import pytest

from netpoldiff.configuration import configuration_file, configuration_of
from netpoldiff.errors import InputError, SourceError
from netpoldiff.sources import INDEX, WORKING_TREE, OnDisk, Revision, Workspace
from tests.testing.gitrepo import GitRepo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """HEAD~1 says namespace one; HEAD namespace two; the index three; the disk four."""
    repo = GitRepo.init(tmp_path / "repo")
    for number in ("one", "two"):
        repo.write(".netpoldiff.yaml", f"namespace: {number}\n")
        repo.commit(number)
    repo.write(".netpoldiff.yaml", "namespace: three\n")
    repo.git("add", ".netpoldiff.yaml")
    repo.write(".netpoldiff.yaml", "namespace: four\n")
    repo.write("sub/dir/.keep", "")
    return repo


@pytest.mark.parametrize(
    ("source", "namespace"),
    [
        (Revision("HEAD~1"), "one"),
        (Revision("HEAD"), "two"),
        (INDEX, "three"),
        (WORKING_TREE, "four"),
        (OnDisk("."), "four"),
    ],
    ids=["older-revision", "head", "index", "working-tree", "directory"],
)
def test_each_source_has_its_own_copy(repo: GitRepo, source: object, namespace: str) -> None:
    workspace = Workspace.at(repo.root)
    found = configuration_of(workspace, source)  # type: ignore[arg-type]
    assert found is not None
    assert found.namespace == namespace


def test_from_a_subdirectory_the_top_of_the_repository_is_read(repo: GitRepo) -> None:
    workspace = Workspace.at(repo.root / "sub" / "dir")
    found = configuration_of(workspace, Revision("HEAD"))
    assert found is not None
    assert found.namespace == "two"
    assert configuration_of(workspace, WORKING_TREE) == configuration_of(
        Workspace.at(repo.root), WORKING_TREE
    )


def test_outside_a_repository_the_start_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".netpoldiff.yaml").write_text("namespace: here\n", encoding="utf-8")
    (tmp_path / "below").mkdir()
    found = configuration_of(Workspace.at(tmp_path), OnDisk("."))
    assert found is not None
    assert found.namespace == "here"
    assert configuration_of(Workspace.at(tmp_path / "below"), OnDisk(".")) is None


def test_a_revision_without_the_file_has_none(repo: GitRepo) -> None:
    repo.git("rm", "--quiet", "--cached", "--force", ".netpoldiff.yaml")
    repo.commit("no configuration", stage_all=False)
    assert configuration_of(Workspace.at(repo.root), Revision("HEAD")) is None
    assert configuration_of(Workspace.at(repo.root), INDEX) is None


def test_dash_c_reads_the_file_it_names_from_where_the_command_runs(repo: GitRepo) -> None:
    repo.write("sub/ci.yaml", "namespace: ci\n")
    found = configuration_file(Workspace.at(repo.root / "sub"), "ci.yaml")
    assert (found.namespace, found.path) == ("ci", "ci.yaml")
    with pytest.raises(SourceError, match=r"^--config nope\.yaml: no such file$"):
        configuration_file(Workspace.at(repo.root), "nope.yaml")


def test_an_invalid_copy_is_an_error_naming_the_file_and_line(repo: GitRepo) -> None:
    repo.write(".netpoldiff.yaml", "namespace: a\nexclud: [x]\n")
    with pytest.raises(InputError, match=r"^\.netpoldiff\.yaml \(line 2\): unknown key 'exclud'"):
        configuration_of(Workspace.at(repo.root), WORKING_TREE)


def test_a_symbolic_link_is_refused_not_followed(repo: GitRepo, tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere.yaml"
    secret.write_text("namespace: secret\n", encoding="utf-8")
    (repo.root / ".netpoldiff.yaml").unlink()
    (repo.root / ".netpoldiff.yaml").symlink_to(secret)
    with pytest.raises(SourceError, match="symbolic link"):
        configuration_of(Workspace.at(repo.root), WORKING_TREE)
    repo.commit("a link")
    with pytest.raises(SourceError, match="symbolic link"):
        configuration_of(Workspace.at(repo.root), Revision("HEAD"))
