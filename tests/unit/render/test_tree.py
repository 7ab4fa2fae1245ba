"""source_tree: every path of a directory or revision, links marked and never followed."""

from __future__ import annotations

from pathlib import Path

from netpoldiff.render.tree import source_tree
from netpoldiff.sources import OnDisk, Revision, Workspace
from tests.testing.gitrepo import GitRepo


def test_a_directory_lists_files_and_links_as_they_are(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "sub" / "f.txt").write_text("f")
    (tmp_path / "d" / "up").symlink_to(tmp_path)
    tree = source_tree(Workspace.at(tmp_path), OnDisk("d"))
    assert tree is not None
    assert {p: e.kind for p, e in tree.entries.items()} == {"sub/f.txt": "file", "up": "link"}
    assert tree.entries["sub/f.txt"].read() == b"f"
    assert tree.display("sub/f.txt") == "d/sub/f.txt"
    assert tree.inside("d/sub") == "sub"
    assert tree.directories() == {".", "sub"}


def test_a_revision_lists_its_own_tree(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.write("k/a.txt", "old")
    repo.commit("one")
    repo.write("k/a.txt", "new, not committed")
    tree = source_tree(Workspace.at(repo.root), Revision("HEAD"))
    assert tree is not None
    assert tree.entries["k/a.txt"].read() == b"old"
    assert tree.entries["k/a.txt"].size() == 3
