"""git_files: which entries of a tree, the index or the working tree are read, and from where.

Repositories are built with the git command; what each listing reads is compared with what
the test wrote, staged or committed.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from netpoldiff.errors import InputError, SourceError
from netpoldiff.sources import GitRepository, SourceFiles
from netpoldiff.sources.git_files import index_files, tree_files, worktree_files
from tests.testing.gitrepo import GitRepo

LIMIT = 1 << 20
NOT_READ = "not read: kubectl apply -f DIR reads only .yaml, .yml and .json"


def read(found: SourceFiles) -> dict[str, bytes]:
    return {f.path: f.data for f in found.files}


def notes(found: SourceFiles) -> list[tuple[str, str, str]]:
    return [(w.code, w.location.path if w.location else "", w.message) for w in found.warnings]


def head_files(repo: GitRepo, *paths: str, max_bytes: int = LIMIT) -> SourceFiles:
    repository = GitRepository(repo.root)
    return tree_files(repository, repository.resolve("HEAD"), paths, max_bytes)


@pytest.fixture
def mixed(tmp_path: Path) -> GitRepo:
    """A commit of every kind of entry a tree can hold."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("k8s/a.yaml", "a: 1\n")
    repo.write("k8s/run.yml", "b: 2\n")
    (repo.root / "k8s" / "run.yml").chmod(0o755)
    repo.write("k8s/c.json", "{}\n")
    repo.write("k8s/README.md", "docs\n")
    repo.write("k8s/Upper.YAML", "c: 3\n")
    (repo.root / "k8s" / "link.yaml").symlink_to("a.yaml")
    (repo.root / "k8s" / "folder-link").symlink_to(".")
    (repo.root / "k8s" / "notes.txt").symlink_to("README.md")
    sub = GitRepo.init(tmp_path / "sub")
    sub.write("x.yaml", "x: 1\n")
    sub.commit("sub")
    repo.git("submodule", "--quiet", "add", sub.root.as_uri(), "vendor/sub")
    repo.commit("everything")
    return repo


def test_a_tree_gives_its_manifests_and_notes_what_it_skips(mixed: GitRepo) -> None:
    found = head_files(mixed)

    assert read(found) == {"k8s/a.yaml": b"a: 1\n", "k8s/c.json": b"{}\n", "k8s/run.yml": b"b: 2\n"}
    assert notes(found) == [  # in git's order; a link named notes.txt is neither, so silent
        ("NPD005", "k8s/Upper.YAML", NOT_READ),
        ("NPD004", "k8s/folder-link", "symbolic link skipped, not followed"),
        ("NPD004", "k8s/link.yaml", "symbolic link skipped, not followed"),
        ("NPD004", "vendor/sub", "submodule skipped"),
    ]
    assert found.errors == ()
    assert found.label == f"HEAD ({mixed.sha('HEAD')[:7]})"
    assert {f.object_id for f in found.files} == {mixed.sha(f"HEAD:{path}") for path in read(found)}


def test_a_file_named_by_itself_is_read_whatever_its_name(mixed: GitRepo) -> None:
    found = head_files(mixed, "k8s/README.md", "k8s/Upper.YAML", "k8s/link.yaml")

    assert read(found) == {"k8s/README.md": b"docs\n", "k8s/Upper.YAML": b"c: 3\n"}
    assert notes(found) == [("NPD004", "k8s/link.yaml", "symbolic link skipped, not followed")]


def test_the_index_and_the_working_tree_skip_the_same_entries(mixed: GitRepo) -> None:
    repository = GitRepository(mixed.root)

    for found in (
        index_files(repository, (), LIMIT),
        worktree_files(repository, (), LIMIT),
    ):
        assert read(found) == read(head_files(mixed)), found.label
        assert notes(found) == notes(head_files(mixed)), found.label


def test_a_file_over_the_limit_is_an_error_and_never_read(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("big.yaml", "x" * 101)
    repo.write("small.yaml", "y: 1\n")
    repo.commit("sizes")
    big = repo.sha("HEAD:big.yaml")
    loose = repo.root / ".git" / "objects" / big[:2] / big[2:]
    loose.chmod(0o644)
    loose.write_bytes(zlib.compress(b"blob 101\0" + b"x" * 100))  # reading it would fail
    repository = GitRepository(repo.root)

    for found in (
        head_files(repo, max_bytes=100),
        index_files(repository, (), 100),
        worktree_files(repository, (), 100),
    ):
        assert read(found) == {"small.yaml": b"y: 1\n"}, found.label
        assert [str(e) for e in found.errors] == [
            "big.yaml: 101 bytes is over the limit of 100 (--max-file-size)"
        ]


def test_a_blob_that_cannot_be_read_names_the_file_and_git_fsck(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("k8s/a.yaml", "a: 1\n")
    repo.commit("one")
    blob = repo.sha("HEAD:k8s/a.yaml")
    loose = repo.root / ".git" / "objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    loose.write_bytes(zlib.compress(b"blob 5\0a:"))
    (file,) = head_files(repo).files

    with pytest.raises(InputError) as raised:
        _ = file.data
    assert str(raised.value) == (
        f"k8s/a.yaml: git object {blob[:12]} is corrupt: 2 of its 5 bytes; run `git fsck`"
    )


def test_a_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    (repo.root / os.fsdecode(b"caf\xe9.yaml")).write_bytes(b"a: 1\n")
    repo.commit("latin-1 name")

    assert read(head_files(repo)) == {"caf\\xe9.yaml": b"a: 1\n"}


# ---- the index ---------------------------------------------------------------------------------


def test_the_index_gives_what_is_staged_and_is_never_written(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("a.yaml", "committed\n")
    repo.commit("one")
    repo.write("a.yaml", "staged\n")
    repo.git("add", "a.yaml")
    repo.write("a.yaml", "on disk\n")
    repo.write("new.yaml", "untracked\n")
    index = repo.root / ".git" / "index"
    before = (index.read_bytes(), index.stat().st_mtime_ns)

    found = index_files(GitRepository(repo.root), (), LIMIT)

    assert found.label == "index"
    assert read(found) == {"a.yaml": b"staged\n"}
    assert (index.read_bytes(), index.stat().st_mtime_ns) == before


def test_an_unmerged_index_is_a_source_error_and_the_working_tree_reads_the_file_once(
    tmp_path: Path,
) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("a.yaml", "base\n")
    repo.commit("base")
    repo.git("switch", "--quiet", "-c", "other")
    repo.write("a.yaml", "other\n")
    repo.commit("other")
    repo.git("switch", "--quiet", "main")
    repo.write("a.yaml", "main\n")
    repo.commit("main")
    assert repo.run("merge", "--quiet", "other").returncode != 0
    repository = GitRepository(repo.root)

    with pytest.raises(SourceError, match=r"^a\.yaml: unmerged in the git index; finish the merge"):
        index_files(repository, (), LIMIT)
    (conflicted,) = worktree_files(repository, (), LIMIT).files
    assert conflicted.path == "a.yaml"
    assert conflicted.data.startswith(b"<<<<<<<")


def test_a_bare_repository_has_no_index_to_read(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit("one")
    repo.git("clone", "--quiet", "--bare", ".", str(tmp_path / "bare"))
    repository = GitRepository(tmp_path / "bare")

    with pytest.raises(SourceError, match="is a bare repository: it has no index"):
        index_files(repository, (), LIMIT)
    with pytest.raises(SourceError, match="is a bare repository: it has no working tree"):
        worktree_files(repository, (), LIMIT)


# ---- the working tree --------------------------------------------------------------------------


def test_the_working_tree_gives_tracked_files_as_they_are_on_disk(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("a.yaml", "committed\n")
    repo.write("gone.yaml", "deleted later\n")
    repo.commit("one")
    repo.write("a.yaml", "edited\n")
    (repo.root / "gone.yaml").unlink()
    repo.write("new.yaml", "untracked\n")

    found = worktree_files(GitRepository(repo.root), (), LIMIT)

    assert found.label == "working tree"
    assert read(found) == {"a.yaml": b"edited\n"}
    assert found.warnings == ()


def test_links_made_in_the_working_tree_are_not_followed(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("k8s/a.yaml", "a: 1\n")
    repo.write("k8s/b.yaml", "b: 2\n")
    repo.write("outside/evil.yaml", "evil: 1\n")
    repo.commit("one")
    # A tracked file replaced by a link, and a tracked folder replaced by one.
    (repo.root / "k8s" / "b.yaml").unlink()
    (repo.root / "k8s" / "b.yaml").symlink_to(repo.root / "outside" / "evil.yaml")
    (repo.root / "outside").rename(repo.root / "moved")
    (repo.root / "outside").symlink_to(repo.root / "k8s")

    found = worktree_files(GitRepository(repo.root), (), LIMIT)

    assert read(found) == {"k8s/a.yaml": b"a: 1\n"}
    assert notes(found) == [
        ("NPD004", "k8s/b.yaml", "symbolic link skipped, not followed"),
        ("NPD004", "outside/evil.yaml", "inside a symbolic link, not followed"),
    ]


def test_a_file_outside_a_sparse_checkout_is_read_from_the_index(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("k8s/a.yaml", "a: 1\n")
    repo.write("other/b.yaml", "b: 2\n")
    repo.commit("one")
    repo.git("sparse-checkout", "set", "other")
    assert not (repo.root / "k8s").exists()

    found = worktree_files(GitRepository(repo.root), (), LIMIT)

    assert read(found) == {"k8s/a.yaml": b"a: 1\n", "other/b.yaml": b"b: 2\n"}
    assert found.warnings == ()


def test_paths_restrict_every_listing_literally(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("k8s/a.yaml", "a: 1\n")
    repo.write("k8s/*.yaml", "star: 1\n")
    repo.write("other/b.yaml", "b: 2\n")
    repo.commit("one")
    repository = GitRepository(repo.root)
    paths = ("k8s/*.yaml",)

    for found in (
        head_files(repo, *paths),
        index_files(repository, paths, LIMIT),
        worktree_files(repository, paths, LIMIT),
    ):
        assert read(found) == {"k8s/*.yaml": b"star: 1\n"}, found.label
