"""git_repo: the repository a command runs in, read through git on real repositories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from netpoldiff.errors import SourceError, UsageError
from netpoldiff.sources import git_repo
from netpoldiff.sources.git_command import SAFE_SETTINGS, Setting, run_git
from netpoldiff.sources.git_repo import GitRepository, Resolved
from tests.conftest import CliRunner
from tests.testing.gitrepo import GitRepo, demo_repository

SHALLOW_HINT = "this clone is shallow and lacks that history: fetch it with `git fetch --deepen"


@pytest.fixture
def demo(tmp_path: Path) -> GitRepo:
    return demo_repository(tmp_path / "repo")


def repository_of_format(root: Path, object_format: str) -> GitRepo:
    root.mkdir(parents=True)
    repo = GitRepo(root)
    repo.git("init", "--quiet", f"--object-format={object_format}", "--initial-branch=main")
    return repo


# ---- finding the repository ----------------------------------------------------------------------


def test_a_repository_is_found_from_any_directory_inside_it(demo: GitRepo) -> None:
    repository = GitRepository(demo.root / "k8s")

    assert repository.root == demo.root
    assert repository.git_dir == (demo.root / ".git").resolve()
    assert not repository.bare
    assert repository.repo_paths(("shop.yaml", ".", "..")) == ("k8s/shop.yaml", "k8s", ".")


def test_no_directory_and_no_repository_are_source_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=f"^{tmp_path / 'missing'}: no such directory$"):
        GitRepository(tmp_path / "missing")
    with pytest.raises(SourceError, match=f"^{tmp_path} is not inside a git repository$"):
        GitRepository(tmp_path)


def test_a_file_is_not_where_a_command_runs(demo: GitRepo) -> None:
    with pytest.raises(SourceError, match=r"k8s/shop\.yaml: not a directory$"):
        GitRepository(demo.root / "k8s" / "shop.yaml")


def test_inside_the_git_directory_the_working_tree_is_its_parent(demo: GitRepo) -> None:
    for start in (demo.root / ".git", demo.root / ".git" / "refs"):
        repository = GitRepository(start)
        assert (repository.root, repository.bare) == (demo.root, False)
        assert repository.git_dir == (demo.root / ".git").resolve()


def test_a_linked_working_tree_reads_its_own_index_and_head(demo: GitRepo, tmp_path: Path) -> None:
    demo.git("worktree", "add", "--quiet", "--detach", str(tmp_path / "linked"), "HEAD~1")
    repository = GitRepository(tmp_path / "linked" / "k8s")

    assert (repository.root, repository.bare) == (tmp_path / "linked", False)
    assert repository.git_dir == (demo.root / ".git" / "worktrees" / "linked").resolve()
    assert repository.resolve("HEAD").tree_ish == demo.sha("HEAD~1")


def test_git_dir_in_the_environment_is_the_repository_git_reads(
    demo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in a hook git runs with GIT_DIR set: every command reads that repository.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("GIT_DIR", str(demo.root / ".git"))
    repository = GitRepository(elsewhere)

    assert repository.git_dir == (demo.root / ".git").resolve()
    assert repository.resolve("HEAD").tree_ish == demo.sha("HEAD")


def test_without_git_the_error_says_git_cannot_run(
    demo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    with pytest.raises(SourceError, match=r"^cannot run git: No such file or directory$"):
        GitRepository(demo.root)


def test_a_bare_repository_has_no_index_and_no_working_tree(tmp_path: Path) -> None:
    demo_repository(tmp_path / "repo").git("clone", "--quiet", "--bare", ".", str(tmp_path / "b"))
    repository = GitRepository(tmp_path / "b")

    assert repository.bare
    assert repository.resolve("HEAD").label.startswith("HEAD (")
    for what in ("index", "working tree"):
        with pytest.raises(SourceError, match=f"is a bare repository: it has no {what}$"):
            repository.require_working_tree(what)


def test_a_repository_owned_by_another_user_says_how_to_trust_it(tmp_path: Path) -> None:
    if os.geteuid() != 0:  # pragma: no cover - only root can give a repository away
        pytest.skip("needs root to make another user own the repository")
    repo = demo_repository(tmp_path / "repo")
    for path in (repo.root, *repo.root.rglob("*")):
        os.lchown(path, 65534, 65534)
    # Found, from any directory in it (directory sources read its configuration at its top);
    # refused by the first command that reads it.
    repository = GitRepository(repo.root / "k8s")
    assert repository.root == repo.root

    with pytest.raises(SourceError) as raised:
        repository.resolve("HEAD")
    assert str(raised.value) == (
        f"git refuses to read {repo.root}: it is owned by another user; trust it with "
        f"`git config --global --add safe.directory {repo.root}`"
    )


# ---- revisions -----------------------------------------------------------------------------------


def test_revisions_resolve_once_to_commits_with_the_label_reports_show(demo: GitRepo) -> None:
    repository = GitRepository(demo.root)
    first, tip = demo.sha("HEAD~1"), demo.sha("HEAD")
    demo.git("tag", "--annotate", "-m", "release", "v1", first)

    assert repository.resolve("HEAD~1") == Resolved(first, f"HEAD~1 ({first[:7]})", first[:7])
    assert repository.resolve("v1") == Resolved(first, f"v1 ({first[:7]})", first[:7])  # peeled
    demo.git("branch", "topic", tip)
    assert repository.resolve("topic").tree_ish == tip
    demo.git("branch", "--force", "topic", first)  # moved during the run: read as it was first
    assert repository.resolve("topic").tree_ish == tip
    assert repository.is_revision("HEAD~1...HEAD")
    assert repository.is_revision("...")
    assert repository.is_revision("v1...")
    assert not repository.is_revision("HEAD...nope")
    assert not repository.is_revision("HEAD:k8s/shop.yaml")  # a blob, not a commit
    assert not repository.is_revision("-h")
    assert repository.exists(tip)
    assert not repository.exists("1234abcd" * 5)


def test_a_revision_that_starts_with_a_dash_is_a_usage_error(demo: GitRepo) -> None:
    repository = GitRepository(demo.root)

    for call in (repository.resolve, repository.exists):
        with pytest.raises(UsageError, match="revision '--all' must not start with '-'"):
            call("--all")


def test_a_revision_is_resolved_and_peeled_by_one_git_process(
    demo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = GitRepository(demo.root)
    asked: list[list[str]] = []

    def counted(args: list[str], cwd: Path, settings: tuple[Setting, ...] = SAFE_SETTINGS) -> bytes:
        asked.append(args)
        return run_git(args, cwd, settings)

    monkeypatch.setattr(git_repo, "run_git", counted)

    assert repository.resolve("HEAD~1").tree_ish == demo.sha("HEAD~1")
    assert asked == [["rev-parse", "--verify", "--quiet", "--end-of-options", "HEAD~1^{commit}"]]


def test_after_a_colon_the_peeling_is_not_read_as_part_of_the_path(demo: GitRepo) -> None:
    # ``HEAD:k8s^{commit}`` names the file "k8s^{commit}", not the commit of HEAD:k8s: a path
    # resolved with the peeling appended would pass a blob off as a commit.
    demo.write("k8s^{commit}", "kind: Namespace\n")
    demo.commit("a file whose name ends like a peeling")
    repository = GitRepository(demo.root)

    assert demo.sha("HEAD:k8s^{commit}") != ""
    assert not repository.is_revision("HEAD:k8s")
    assert repository.is_revision(":/peeling")
    assert repository.resolve(":/peeling").tree_ish == demo.sha("HEAD")


def test_an_unknown_revision_names_the_repository(demo: GitRepo) -> None:
    repository = GitRepository(demo.root)

    with pytest.raises(SourceError, match=r"^unknown revision 'nope' \(not a commit of .*repo\)$"):
        repository.resolve("nope")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("HEAD:k8s/shop.yaml", "'HEAD:k8s/shop.yaml' names a blob, not a commit"),
        ("HEAD:k8s", "'HEAD:k8s' names a tree, not a commit"),
        ("nothing", "^'nothing': no such revision, file or directory$"),
    ],
)
def test_unknown_says_what_a_source_names_instead(demo: GitRepo, spec: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        GitRepository(demo.root).unknown(spec)


def test_merge_base_is_resolved_once_with_its_label(demo: GitRepo) -> None:
    base = demo.sha("HEAD~1")
    demo.git("switch", "--quiet", "--create", "feature", base)
    demo.write("k8s/extra.yaml", "kind: List\n")
    demo.commit("feature")
    repository = GitRepository(demo.root)

    assert repository.merge_base("main", "feature") == Resolved(
        base, f"main...feature (merge base {base[:7]})", base[:7]
    )
    assert repository.merge_base("main", "").label == f"main... (merge base {base[:7]})"


def test_unrelated_histories_have_no_merge_base(demo: GitRepo) -> None:
    demo.git("switch", "--quiet", "--orphan", "other")
    demo.commit("unrelated")

    with pytest.raises(SourceError, match=r"^main\.\.\.other: main and other have no merge base$"):
        GitRepository(demo.root).merge_base("main", "other")


def test_a_shallow_clone_says_how_to_fetch_what_it_lacks(demo: GitRepo, tmp_path: Path) -> None:
    demo.git("clone", "--quiet", "--depth", "1", demo.root.as_uri(), str(tmp_path / "shallow"))
    repository = GitRepository(tmp_path / "shallow")

    assert repository.is_shallow()
    assert not GitRepository(demo.root).is_shallow()
    with pytest.raises(SourceError, match=SHALLOW_HINT):
        repository.resolve("HEAD~1")
    with pytest.raises(SourceError, match=SHALLOW_HINT):
        repository.unknown("HEAD~1")


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_an_unborn_branch_compares_with_the_empty_tree_of_its_hash(
    tmp_path: Path, object_format: str
) -> None:
    repo = repository_of_format(tmp_path / "repo", object_format)
    repository = GitRepository(repo.root)
    empty = repo.git("hash-object", "-t", "tree", os.devnull).strip()

    assert repository.object_format == object_format
    assert repository.empty_tree() == empty
    assert not repository.has_commits()
    assert repository.resolve("HEAD") == Resolved(empty, "HEAD (no commits yet)", "no commits yet")
    assert repository.resolve(empty) == Resolved(empty, f"empty tree ({empty[:7]})", "empty tree")
    assert repository.is_empty_tree(empty)


@pytest.mark.parametrize(("object_format", "length"), [("sha1", 40), ("sha256", 64)])
def test_an_object_id_is_a_full_lowercase_id_of_the_repository_hash(
    tmp_path: Path, object_format: str, length: int
) -> None:
    repo = repository_of_format(tmp_path / "repo", object_format)
    tip = repo.commit("one")
    repository = GitRepository(repo.root)

    assert repository.object_id_length == length == len(tip)
    assert repository.is_object_id(tip)
    assert not repository.is_object_id(tip.upper())
    assert not repository.is_object_id(tip[:-1])
    assert not repository.is_object_id(tip + "0")
    assert not repository.is_object_id("g" * length)


def test_a_tree_is_listed_once_per_run(demo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    # The files a diff reads and the tree a renderer looks through are the same listing.
    repository = GitRepository(demo.root)
    asked: list[tuple[str, ...]] = []
    run = repository.output

    def counted(*args: str) -> bytes:
        asked.append(args)
        return run(*args)

    monkeypatch.setattr(repository, "output", counted)
    tree = repository.resolve("HEAD").tree_ish
    listing = repository.tree_listing(tree)

    assert repository.tree_listing(tree) is listing
    assert asked == [("ls-tree", "-r", "-z", "-l", "--full-tree", tree)]
    assert b"\tk8s/shop.yaml\0" in listing
    assert repository.tree_listing(demo.sha("HEAD~1")) != listing


def test_a_diff_asks_git_each_question_once(
    demo: GitRepo, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Per run: the repository found once (with its hash), each revision resolved once, each
    # tree listed once however many readers look through it.
    asked: list[tuple[str, ...]] = []

    def counted(args: list[str], cwd: Path, settings: tuple[Setting, ...] = SAFE_SETTINGS) -> bytes:
        asked.append(tuple(args))
        return run_git(args, cwd, settings)

    monkeypatch.setattr(git_repo, "run_git", counted)
    result = run_cli("-C", str(demo.root), "HEAD~1", "HEAD", "--no-cache")

    assert result.status == 0, result.err
    assert sorted(asked) == sorted(set(asked))
    listings = [args for args in asked if args[0] == "ls-tree" and "--" not in args]
    assert len(listings) == 2  # OLD's tree and NEW's
    assert not [args for args in asked if "--show-object-format" in args and len(args) == 2]


# ---- paths, hooks and pushes ---------------------------------------------------------------------


def test_paths_are_read_lexically_from_where_the_command_runs(demo: GitRepo) -> None:
    (demo.root / "linked").symlink_to(demo.root / "k8s")
    repository = GitRepository(demo.root / "k8s")

    assert repository.repo_paths(("../linked/shop.yaml", "./a/../b")) == (
        "linked/shop.yaml",
        "k8s/b",
    )
    assert repository.repo_paths((str(demo.root / "k8s" / "shop.yaml"),)) == ("k8s/shop.yaml",)
    with pytest.raises(SourceError, match=f"^../../x: outside the repository {demo.root}$"):
        repository.repo_paths(("../../x",))


@pytest.mark.parametrize(
    ("setting", "expected"),
    [(None, ".git/hooks"), ("ci/hooks", "ci/hooks"), ("/srv/hooks", "/srv/hooks")],
    ids=["default", "relative", "absolute"],
)
def test_hooks_live_where_git_runs_them(demo: GitRepo, setting: str | None, expected: str) -> None:
    if setting is not None:
        demo.git("config", "core.hooksPath", setting)

    for start in (demo.root, demo.root / "k8s"):
        assert GitRepository(start).hooks_directory() == demo.root / expected


def test_a_linked_worktree_runs_the_hooks_of_its_main_repository(
    demo: GitRepo, tmp_path: Path
) -> None:
    demo.git("worktree", "add", "--quiet", "-b", "topic", str(tmp_path / "linked"))

    assert GitRepository(tmp_path / "linked").hooks_directory() == demo.root / ".git" / "hooks"


def test_pushed_base_is_the_newest_commit_the_remote_has(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    repo = GitRepo.init(tmp_path / "repo")
    repo.git("init", "--quiet", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    first = repo.commit("first")
    repository = GitRepository(repo.root)
    assert repository.pushed_base(first, "origin") == repository.empty_tree()

    repo.git("push", "--quiet", "origin", "main")
    second = repo.commit("second")
    repo.commit("third")
    tip = repo.sha("HEAD")

    assert repository.pushed_base(tip, "origin") == first
    assert repository.pushed_base(first, "origin") is None
    assert repository.pushed_base(second, "origin") == first


def test_a_failing_git_command_is_one_source_error_with_git_s_reason(demo: GitRepo) -> None:
    repository = GitRepository(demo.root)

    with pytest.raises(SourceError, match=r"^git: Not a valid object name nope$"):
        repository.output("ls-tree", "nope")


def test_a_partial_clone_is_never_fetched_from(demo: GitRepo, tmp_path: Path) -> None:
    demo.git("config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "clone"
    demo.git(
        "clone", "--quiet", "--filter=blob:none", "--no-checkout", demo.root.as_uri(), str(clone)
    )
    repository = GitRepository(clone)

    with pytest.raises(SourceError, match=r"promisor remote: .*netpoldiff never fetches"):
        repository.output("cat-file", "-p", "HEAD:k8s/shop.yaml")
    offline = {"GIT_NO_LAZY_FETCH": "1", "GIT_ALLOW_PROTOCOL": ""}
    lacks = subprocess.run(
        ["git", "cat-file", "-e", "HEAD:k8s/shop.yaml"],
        cwd=clone,
        env={**os.environ, **offline},
        check=False,
        capture_output=True,
    )
    assert lacks.returncode != 0, "the blob was fetched"
