"""Git sources end to end, on real repositories built in tmp_path with the git command.

Every test builds its own repository (no mocks of git) and asserts what a user sees: the exit
status, the one line on stderr, the JSON summary, or the files a source selects.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from netpoldiff.errors import SourceError, UsageError
from netpoldiff.manifests import conversion_cache as cache
from netpoldiff.sources import INDEX, WORKING_TREE, Source, SourceFiles, Workspace
from tests.conftest import REPO_ROOT, CliResult, CliRunner, assert_one_line_error
from tests.testing.gitrepo import DEMO, GitRepo, demo_repository


def read(workspace: Workspace, source: str | Source, paths: tuple[str, ...] = ()) -> SourceFiles:
    """The files of a source given as typed on the command line, or as a typed value."""
    return workspace.read(workspace.source(source) if isinstance(source, str) else source, paths)


# A policy that opens every flow into the shop namespace if anyone reads it.
OPEN_EVERYTHING = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-everything, namespace: shop}
spec:
  podSelector: {}
  ingress: [{}]
"""

WEB = {"type": "workload", "namespace": "frontend", "kind": "Deployment", "name": "web"}

# The demo change: frontend.yaml opens (two external blocks), shop.yaml closes one flow.
DEMO_SUMMARY = {"opened": 2, "closed": 1}
FRONTEND_ONLY = {"opened": 2, "closed": 0}
SHOP_ONLY = {"opened": 0, "closed": 1}
NO_CHANGE = {"opened": 0, "closed": 0}


def _json(result: CliResult, status: int = 0) -> dict[str, Any]:
    assert result.status == status, result.err
    document: dict[str, Any] = json.loads(result.out)
    return document


def _summary(result: CliResult, status: int = 0) -> dict[str, int]:
    summary: dict[str, int] = _json(result, status)["summary"]
    return summary


def _no_stray_file(repo: GitRepo, *names: str) -> None:
    assert not [p for p in repo.files() if Path(p).name in names]
    assert repo.git("status", "--porcelain", "--ignored") == ""


def _warning_files(document: dict[str, Any], code: str = "NPD004") -> list[str]:
    return [w["file"] for w in document["warnings"] if w["code"] == code]


@pytest.fixture(autouse=True)
def scratch_directory(run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty directory: nothing a test writes may land in the project."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.chdir(scratch)
    del run_cli  # requested only so that its chdir to the project comes first
    return scratch


@pytest.fixture
def demo(tmp_path: Path) -> GitRepo:
    return demo_repository(tmp_path / "repo")


@pytest.fixture
def old_only(tmp_path: Path) -> GitRepo:
    """One commit with the demo's old manifests under k8s/, clean working tree."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.commit("old policies")
    return repo


# --- every source form -------------------------------------------------------------------


def test_parent_against_head(run_cli: CliRunner, demo: GitRepo) -> None:
    document = _json(run_cli("-C", str(demo.root), "HEAD~1", "HEAD", "--format", "json"))
    assert (document["old"], document["new"]) == ("HEAD~1", "HEAD")
    assert document["summary"] == DEMO_SUMMARY
    assert (document["errors"], document["warnings"]) == ([], [])
    text = run_cli("-C", str(demo.root), "HEAD~1", "HEAD")
    old, new = demo.sha("HEAD~1")[:7], demo.sha("HEAD")[:7]
    assert text.status == 0
    assert text.out.splitlines()[0] == f"netpoldiff HEAD~1 ({old}) -> HEAD ({new})"
    assert text.out.endswith("Reachability: 1 row opened (2 flows), 1 closed.\n")


def test_other_revision_forms(run_cli: CliRunner, demo: GitRepo) -> None:
    first = demo.sha("HEAD~1")
    demo.git("branch", "before", first)
    demo.git("tag", "v1", first)
    demo.git("tag", "--annotate", "-m", "release", "v1a", first)
    old_files = sorted((DEMO / "old").iterdir())
    workspace = Workspace.at(demo.root)
    for spec in (first, first[:7], "before", "v1", "v1a", "main~1", "HEAD^"):
        result = run_cli("-C", str(demo.root), spec, "main", "--format", "json")
        assert _summary(result) == DEMO_SUMMARY, spec
        files = read(workspace, spec)
        assert files.label == f"{spec} ({first[:7]})"
        assert [(f.path, f.data) for f in files.files] == [
            (f"k8s/{p.name}", p.read_bytes()) for p in old_files
        ]
    reverse = run_cli("-C", str(demo.root), "main", "v1a", "--format", "json")
    assert _summary(reverse) == {"opened": 1, "closed": 2}


def test_merge_base_ignores_what_main_did_after_branching(
    run_cli: CliRunner, old_only: GitRepo
) -> None:
    repo = old_only
    base = repo.sha("HEAD")
    repo.git("switch", "--quiet", "-c", "feature")
    repo.put_demo("new", "frontend.yaml")  # the feature opens flows
    repo.commit("feature: open the web tier")
    repo.git("switch", "--quiet", "main")
    repo.put_demo("new", "shop.yaml")  # main closes a flow after the branch point
    repo.commit("main: close catalog -> cache")
    root = str(repo.root)

    merge_base = run_cli("-C", root, "main...feature", "feature", "--format", "json")
    assert _summary(merge_base) == FRONTEND_ONLY
    text = run_cli("-C", root, "main...feature", "feature")
    assert text.out.splitlines()[0].startswith(f"netpoldiff main...feature (merge base {base[:7]})")
    assert "shop" not in text.out

    # With feature checked out, NEW defaults to its working tree: the same answer.
    repo.git("switch", "--quiet", "feature")
    assert _summary(run_cli("-C", root, "main...feature", "--format", "json")) == FRONTEND_ONLY
    assert _summary(run_cli("-C", root, "main...", "--format", "json")) == FRONTEND_ONLY
    # Tip to tip, main's later change shows up too (reversed: the closed flow opens again).
    tips = run_cli("-C", root, "main", "feature", "--format", "json")
    assert _summary(tips) == {"opened": 3, "closed": 0}


def test_directories_on_disk_outside_any_repository(run_cli: CliRunner, tmp_path: Path) -> None:
    shutil.copytree(DEMO / "old", tmp_path / "old")
    shutil.copytree(DEMO / "new", tmp_path / "new")
    document = _json(run_cli("-C", str(tmp_path), "old", "new", "--format", "json"))
    assert (document["old"], document["new"]) == ("old", "new")
    assert document["summary"] == DEMO_SUMMARY
    text = run_cli("-C", str(tmp_path), "old", "new")
    assert text.out.splitlines()[0] == "netpoldiff old -> new"
    files = read(Workspace.at(tmp_path), "old", ("old/frontend.yaml", "shop.yaml"))
    assert [f.path for f in files.files] == ["old/frontend.yaml", "old/shop.yaml"]


def test_directories_inside_a_repository_are_read_from_disk(
    run_cli: CliRunner, old_only: GitRepo
) -> None:
    shutil.copytree(DEMO / "old", old_only.root / "snapshots" / "old")
    shutil.copytree(DEMO / "new", old_only.root / "snapshots" / "new")
    result = run_cli("-C", str(old_only.root), "snapshots/old", "snapshots/new", "--format", "json")
    assert _summary(result) == DEMO_SUMMARY
    # A directory against a revision: the untracked snapshot against the commit.
    mixed = run_cli("-C", str(old_only.root), "HEAD", "snapshots/new", "--format", "json")
    assert _summary(mixed) == DEMO_SUMMARY


def test_single_files(run_cli: CliRunner, tmp_path: Path) -> None:
    shutil.copytree(DEMO / "old", tmp_path / "old")
    shutil.copytree(DEMO / "new", tmp_path / "new")
    result = run_cli(
        "-C", str(tmp_path), "old/frontend.yaml", "new/frontend.yaml", "--format", "json"
    )
    document = _json(result)
    assert (document["old"], document["new"]) == ("old/frontend.yaml", "new/frontend.yaml")
    assert document["summary"] == {"opened": 1, "closed": 0}
    assert [flow["dst"] for flow in document["opened"]] == [WEB]
    same = run_cli("-C", str(tmp_path), "old/shop.yaml", "old/shop.yaml", "--format", "json")
    assert _summary(same) == NO_CHANGE


def test_no_arguments_is_head_against_the_working_tree(
    run_cli: CliRunner, old_only: GitRepo
) -> None:
    repo, root = old_only, str(old_only.root)
    assert _summary(run_cli("-C", root, "--format", "json")) == NO_CHANGE

    repo.put_demo("new", "frontend.yaml")  # uncommitted edit of a tracked file: shows
    document = _json(run_cli("-C", root, "--format", "json"))
    assert (document["old"], document["new"]) == ("HEAD", "working tree")
    assert document["summary"] == FRONTEND_ONLY
    text = run_cli("-C", root)
    assert text.out.splitlines()[0] == f"netpoldiff HEAD ({repo.sha('HEAD')[:7]}) -> working tree"

    repo.git("checkout", "--", "k8s/frontend.yaml")
    repo.write("k8s/extra.yaml", OPEN_EVERYTHING)  # untracked: not part of the working tree
    assert _summary(run_cli("-C", root, "--format", "json")) == NO_CHANGE
    assert "k8s/extra.yaml" not in [
        f.path for f in read(Workspace.at(repo.root), WORKING_TREE).files
    ]

    (repo.root / "k8s" / "frontend.yaml").unlink()  # deleted, not staged: removed
    deleted = _json(run_cli("-C", root, "--format", "json"))
    assert deleted["removed_endpoints"] == [WEB]
    assert deleted["added_endpoints"] == []
    assert deleted["summary"]["opened"] == 0


def test_staged_compares_head_with_the_index(run_cli: CliRunner, old_only: GitRepo) -> None:
    repo, root = old_only, str(old_only.root)
    repo.put_demo("new", "frontend.yaml")
    repo.git("add", "k8s/frontend.yaml")  # staged: opens
    repo.put_demo("new", "shop.yaml")  # not staged: closes
    staged = _json(run_cli("-C", root, "--staged", "--format", "json"))
    assert (staged["old"], staged["new"]) == ("HEAD", "index")
    assert staged["summary"] == FRONTEND_ONLY
    assert _summary(run_cli("-C", root, "--format", "json")) == DEMO_SUMMARY

    assert read(Workspace.at(repo.root), INDEX).label == "index"
    assert _summary(run_cli("-C", root, "HEAD", "--staged", "--format", "json")) == FRONTEND_ONLY
    both = run_cli("-C", root, "HEAD", "HEAD", "--staged")
    assert_one_line_error(both, "--staged compares OLD with the index: give OLD only")


def test_linked_worktree(run_cli: CliRunner, old_only: GitRepo, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    old_only.git("worktree", "add", "--quiet", "-b", "topic", str(linked))
    assert (linked / ".git").is_file()
    shutil.copyfile(DEMO / "new" / "frontend.yaml", linked / "k8s" / "frontend.yaml")
    root = str(linked)
    assert _summary(run_cli("-C", root, "--format", "json")) == FRONTEND_ONLY
    assert _summary(run_cli("-C", root, "--staged", "--format", "json")) == NO_CHANGE
    GitRepo(linked).git("add", "k8s/frontend.yaml")
    assert _summary(run_cli("-C", root, "--staged", "--format", "json")) == FRONTEND_ONLY
    GitRepo(linked).commit("open the web tier", stage_all=False)
    assert _summary(run_cli("-C", root, "main", "topic", "--format", "json")) == FRONTEND_ONLY
    # The main worktree's index is its own: nothing staged there.
    assert _summary(run_cli("-C", str(old_only.root), "--staged", "--format", "json")) == (
        NO_CHANGE
    )


def test_clean_checkout_read_as_a_directory_equals_head(
    run_cli: CliRunner, old_only: GitRepo
) -> None:
    old_only.write("k8s/.archive/extra.yaml", OPEN_EVERYTHING)
    old_only.commit("a tracked manifest in a hidden folder")
    root = str(old_only.root)
    # Git sources read every tracked manifest, hidden folders included ...
    head = [f.path for f in read(Workspace.at(old_only.root), "HEAD", ("k8s",)).files]
    assert "k8s/.archive/extra.yaml" in head
    # ... so the same files read from disk must agree (a directory source skips dot-folders).
    result = run_cli("-C", root, "HEAD", "k8s", "--format", "json")
    assert _summary(result) == NO_CHANGE


# --- --staged inside a real `git commit` ---------------------------------------------------


def _install_pre_commit_hook(repo: GitRepo) -> None:
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        'echo "hook index: $GIT_INDEX_FILE" >&2\n'
        f'exec "{sys.executable}" -m netpoldiff --staged --fail-on opened\n',
        encoding="utf-8",
    )
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _git_commit(repo: GitRepo, *args: str) -> tuple[bool, str]:
    """Run ``git commit ARGS`` with the hook; whether HEAD moved, and everything printed."""
    before = repo.sha("HEAD")
    completed = repo.run("commit", "-m", "change", *args, env={"PYTHONPATH": str(REPO_ROOT)})
    moved = repo.sha("HEAD") != before
    assert moved == (completed.returncode == 0), completed.stderr
    return moved, completed.stdout + completed.stderr


def test_pre_commit_hook_with_staged_changes(old_only: GitRepo) -> None:
    repo = old_only
    _install_pre_commit_hook(repo)

    repo.put_demo("new", "frontend.yaml")
    repo.git("add", "k8s/frontend.yaml")
    moved, output = _git_commit(repo)
    assert not moved, output
    assert "Reachability: 1 row opened (2 flows), 0 closed." in output
    assert re.search(r"^hook index: \S*\.git/index$", output, re.MULTILINE), output

    # Unstage the opening edit (it stays in the working tree) and stage one that only closes.
    repo.git("restore", "--staged", "k8s/frontend.yaml")
    repo.put_demo("new", "shop.yaml")
    repo.git("add", "k8s/shop.yaml")
    moved, output = _git_commit(repo)
    assert moved, output
    assert "Reachability: 0 rows opened, 1 closed." in output
    assert repo.git("show", "--name-only", "--format=", "HEAD").split() == ["k8s/shop.yaml"]


def test_pre_commit_hook_with_commit_all(old_only: GitRepo) -> None:
    repo = old_only
    _install_pre_commit_hook(repo)

    repo.put_demo("new", "frontend.yaml", "shop.yaml")  # nothing staged: -a stages both
    moved, output = _git_commit(repo, "-a")
    assert not moved, output
    assert "index.lock" in output  # the hook really read the temporary index
    assert "Reachability: 1 row opened (2 flows), 1 closed." in output

    repo.git("checkout", "--", "k8s/frontend.yaml")
    moved, output = _git_commit(repo, "-a")
    assert moved, output
    assert "index.lock" in output
    assert "Reachability: 0 rows opened, 1 closed." in output


def test_pre_commit_hook_with_a_partial_commit(old_only: GitRepo) -> None:
    repo = old_only
    _install_pre_commit_hook(repo)
    repo.put_demo("new", "frontend.yaml", "shop.yaml")
    repo.git("add", "k8s/frontend.yaml")  # staged, but not part of `git commit -- shop.yaml`
    moved, output = _git_commit(repo, "--", "k8s/shop.yaml")
    assert moved, output
    assert "Reachability: 0 rows opened, 1 closed." in output
    assert repo.git("status", "--porcelain").splitlines() == ["M  k8s/frontend.yaml"]


# --- unborn HEAD, shallow clones, bad revisions --------------------------------------------


def test_unborn_head(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "fresh")
    root = str(repo.root)
    repo.put_demo("old", "frontend.yaml")
    # Untracked and unstaged: nothing to compare yet.
    assert _summary(run_cli("-C", root, "--format", "json")) == NO_CHANGE
    assert _summary(run_cli("-C", root, "--staged", "--format", "json")) == NO_CHANGE

    repo.git("add", "--all")
    staged = _json(run_cli("-C", root, "--staged", "--format", "json"))
    assert staged["summary"] == {"opened": 3, "closed": 0}
    assert staged["added_endpoints"] == [WEB]
    assert staged["closed"] == []
    text = run_cli("-C", root, "--staged")
    assert text.out.splitlines()[0] == "netpoldiff HEAD (no commits yet) -> index"
    assert _summary(run_cli("-C", root, "--format", "json")) == {"opened": 3, "closed": 0}
    assert _summary(run_cli("-C", root, "HEAD", "--format", "json")) == {"opened": 3, "closed": 0}


def _shallow_clone(demo: GitRepo, target: Path) -> GitRepo:
    demo.git("clone", "--quiet", "--depth", "1", demo.root.as_uri(), str(target))
    clone = GitRepo(target)
    assert clone.git("rev-parse", "--is-shallow-repository").strip() == "true"
    return clone


def test_shallow_clone_explains_how_to_fetch_history(
    run_cli: CliRunner, demo: GitRepo, tmp_path: Path
) -> None:
    clone = _shallow_clone(demo, tmp_path / "shallow")
    for specs in (("HEAD~1", "HEAD"), ("HEAD~1",), ("HEAD~1...HEAD", "HEAD")):
        result = run_cli("-C", str(clone.root), *specs)
        assert_one_line_error(result, "HEAD~1", "shallow", "git fetch --deepen", "fetch-depth")
    # What the clone has still works.
    assert _summary(run_cli("-C", str(clone.root), "HEAD", "--format", "json")) == NO_CHANGE


def test_unknown_revision(run_cli: CliRunner, demo: GitRepo) -> None:
    result = run_cli("-C", str(demo.root), "no-such-branch", "HEAD")
    assert result.err == "netpoldiff: 'no-such-branch': no such revision, file or directory\n"
    assert_one_line_error(result)
    assert_one_line_error(run_cli("-C", str(demo.root), "HEAD", "HEAD~5"), "HEAD~5")
    assert_one_line_error(run_cli("-C", str(demo.root), "main...nope"), "unknown revision 'nope'")
    with pytest.raises(SourceError, match="no such revision"):
        read(Workspace.at(demo.root), "no-such-branch")


@pytest.mark.parametrize(("spec", "kind"), [("HEAD:k8s/shop.yaml", "blob"), ("HEAD:k8s", "tree")])
def test_an_object_that_is_not_a_commit_is_named_for_what_it_is(
    run_cli: CliRunner, demo: GitRepo, spec: str, kind: str
) -> None:
    for given in (spec, demo.sha(spec)):
        result = run_cli("-C", str(demo.root), given, "HEAD")
        assert_one_line_error(result)
        assert result.err == (
            f"netpoldiff: {given!r} names a {kind}, not a commit: give a commit, branch or tag\n"
        )


def test_revision_starting_with_a_dash_never_reaches_git_as_an_option(
    run_cli: CliRunner, demo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace.at(demo.root)
    for spec in ("--output=x", "-", "--output=x...HEAD", "HEAD...--output=x"):
        with pytest.raises(UsageError, match="must not start with '-'"):
            read(workspace, spec)
    root = str(demo.root)
    assert_one_line_error(run_cli("-C", root, "HEAD...--output=x"), "must not start with '-'")
    assert_one_line_error(run_cli("-C", root, "diff", "HEAD~1...--output=x", "HEAD"), "'-'")
    # After "--" it is a PATH (that matches nothing), never an option of git. (The working
    # tree's reading of such a path is tested with the other pathspecs below.)
    assert_one_line_error(run_cli("-C", root, "HEAD~1", "HEAD", "--", "--output=x"), "no manifest")
    # Unknown dash words are click usage errors.
    assert run_cli("-C", root, "diff", "-x").status == 2
    assert run_cli("-C", root, "diff", "--output-x").status == 2
    _no_stray_file(demo, "x", "--output=x", "-x")
    # `--output=x` before any "--" is netpoldiff's own --output option (documented): the report
    # is written to x, from netpoldiff, and git never sees the word.
    monkeypatch.chdir(demo.root)
    result = run_cli("diff", "--output=x")
    assert (result.status, result.out) == (0, "")
    assert (demo.root / "x").read_text(encoding="utf-8").startswith("netpoldiff HEAD (")


@pytest.mark.parametrize("kind", ["blob", "tree", "tree path"])
def test_objects_that_are_not_commits_are_refused(
    run_cli: CliRunner, demo: GitRepo, kind: str
) -> None:
    spec = {
        "blob": demo.sha("HEAD:k8s/shop.yaml"),
        "tree": demo.sha("HEAD:k8s"),
        "tree path": "HEAD:k8s",
    }[kind]
    result = run_cli("-C", str(demo.root), spec, "HEAD")
    assert_one_line_error(result, spec)


def test_merge_conflict_with_staged_is_one_line(run_cli: CliRunner, old_only: GitRepo) -> None:
    repo = old_only
    repo.git("switch", "--quiet", "-c", "other")
    repo.put_demo("new", "frontend.yaml")
    repo.commit("other")
    repo.git("switch", "--quiet", "main")
    repo.write("k8s/frontend.yaml", "# conflicting\n")
    repo.commit("main")
    assert repo.run("merge", "--quiet", "other").returncode != 0
    result = run_cli("-C", str(repo.root), "--staged")
    assert_one_line_error(result, "k8s/frontend.yaml: unmerged in the git index")


# --- paths -------------------------------------------------------------------------------


def test_paths_restrict_both_sides(run_cli: CliRunner, demo: GitRepo) -> None:
    root = str(demo.root)
    front = ("k8s/frontend.yaml", "k8s/namespaces.yaml")
    restricted = _json(run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json", "--", *front))
    assert restricted["summary"] == {"opened": 1, "closed": 0}  # shop.yaml's change is outside
    shop = run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json", "--", "k8s/shop.yaml")
    assert _summary(shop) == SHOP_ONLY
    assert _summary(run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json", "--", "k8s")) == (
        DEMO_SUMMARY
    )
    files = read(Workspace.at(demo.root), "HEAD~1", front)
    assert [f.path for f in files.files] == list(front)
    absolute = str(demo.root / "k8s" / "shop.yaml")
    assert run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json", "--", absolute).out == (
        shop.out
    )

    # The working tree and the index are restricted the same way.
    demo.git("reset", "--quiet", "--mixed", "HEAD~1")  # HEAD = old, working tree = new
    worktree = run_cli("-C", root, "--format", "json", "--", "k8s/shop.yaml")
    assert _summary(worktree) == SHOP_ONLY
    demo.git("add", "k8s/shop.yaml", "k8s/frontend.yaml")
    staged = run_cli("-C", root, "--staged", "--format", "json", "--", "k8s/shop.yaml")
    assert _summary(staged) == SHOP_ONLY

    nothing = run_cli("-C", root, "HEAD", "--", "docs")
    assert nothing.err == "netpoldiff: no manifest (*.yaml, *.yml, *.json) matches the paths docs\n"
    assert_one_line_error(nothing)


def test_paths_are_relative_to_the_directory_given_with_dash_c(
    run_cli: CliRunner, demo: GitRepo
) -> None:
    from_root = run_cli(
        "-C", str(demo.root), "HEAD~1", "HEAD", "--format", "json", "--", "k8s/shop.yaml"
    )
    sub = str(demo.root / "k8s")
    from_sub = run_cli("-C", sub, "HEAD~1", "HEAD", "--format", "json", "--", "shop.yaml")
    assert from_sub.out == from_root.out
    assert _summary(from_sub) == SHOP_ONLY
    # -C after the command name means the same.
    after = run_cli("diff", "-C", sub, "HEAD~1", "HEAD", "--format", "json", "--", "shop.yaml")
    assert after.out == from_root.out
    # A path that only makes sense from the root is not silently taken from the root.
    assert_one_line_error(
        run_cli("-C", sub, "HEAD~1", "HEAD", "--", "k8s/shop.yaml"), "no manifest"
    )
    # Without paths, -C into a subdirectory still compares the whole repository (like git diff).
    assert _summary(run_cli("-C", sub, "HEAD~1", "HEAD", "--format", "json")) == DEMO_SUMMARY
    # Outside the repository is an error, not an empty selection.
    assert_one_line_error(
        run_cli("-C", sub, "HEAD~1", "HEAD", "--", "../../elsewhere"), "outside the repository"
    )
    # In the working tree too.
    demo.git("reset", "--quiet", "--mixed", "HEAD~1")
    worktree = run_cli("-C", sub, "--format", "json", "--", "shop.yaml")
    assert _summary(worktree) == SHOP_ONLY
    assert [
        f.path for f in read(Workspace.at(demo.root / "k8s"), WORKING_TREE, ("shop.yaml",)).files
    ] == ["k8s/shop.yaml"]


TEAM = "k8s/café team"


def _unicode_repository(root: Path, outside: Path) -> GitRepo:
    outside.mkdir()
    (outside / "evil.yaml").write_text(OPEN_EVERYTHING, encoding="utf-8")
    repo = GitRepo.init(root)
    repo.put_demo("old", "namespaces.yaml", "shop.yaml")
    repo.put_demo("old", "frontend.yaml", under=TEAM)
    repo.commit("web in a team folder")
    repo.put_demo("new", "frontend.yaml", under=TEAM)
    (repo.root / TEAM / "link.yaml").symlink_to(outside / "evil.yaml")
    repo.write(f"{TEAM}/bad.yaml", "a: [1, 2\n")
    repo.commit("open the web tier, add a link and a broken file")
    return repo


def test_paths_with_spaces_and_non_ascii(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = _unicode_repository(tmp_path / "repo", tmp_path / "outside")
    root = str(repo.root)
    files = read(Workspace.at(repo.root), "HEAD", (TEAM,))
    assert [f.path for f in files.files] == [f"{TEAM}/bad.yaml", f"{TEAM}/frontend.yaml"]

    failing = run_cli("-C", root, "HEAD~1", "HEAD")
    # The broken file is NEW's: the message says so, with NEW's commit.
    assert re.fullmatch(
        rf"netpoldiff: in NEW \([0-9a-f]{{7}}\): {re.escape(TEAM)}/bad.yaml \(document 1, "
        r"line 2\): invalid YAML: did not find expected ',' or '\]'; found under the paths; "
        r"[^\n]*\n",
        failing.err,
    ), failing.err
    for extra in ((), ("--", "k8s"), ("--", TEAM, "k8s/namespaces.yaml")):
        document = _json(
            run_cli("-C", root, "HEAD~1", "HEAD", "--keep-going", "--format", "json", *extra)
        )
        assert document["summary"] == {"opened": 1, "closed": 0}
        skipped = [w for w in document["warnings"] if w["code"] == "NPD004"]
        assert skipped == [
            {
                "code": "NPD004",
                "message": "symbolic link skipped, not followed",
                "file": f"{TEAM}/link.yaml",
                "side": "new",
                "introduced": True,
            }
        ]
        assert document["incomplete"] is True
        [error] = document["errors"]
        assert error.startswith("in NEW (")
        assert error.endswith(
            f"): {TEAM}/bad.yaml (document 1, line 2): invalid YAML: did not find expected ',' "
            "or ']'"
        )
    text = run_cli("-C", root, "HEAD~1", "HEAD", "--keep-going")
    assert f"  {TEAM}/link.yaml: symbolic link skipped, not followed [NPD004]\n" in text.out
    assert f"): {TEAM}/bad.yaml (document 1, line 2): invalid YAML" in text.out
    # From inside the folder, with a relative path; and against the working tree.
    inside = run_cli(
        "-C", str(repo.root / TEAM), "HEAD~1", "--keep-going", "--format", "json", "--", "."
    )
    assert _warning_files(_json(inside)) == [f"{TEAM}/link.yaml"]


# --- symbolic links, submodules, export-ignore --------------------------------------------


@pytest.fixture
def linked(tmp_path: Path, old_only: GitRepo) -> GitRepo:
    """A second commit adding k8s/extra.yaml, a symlink to a manifest outside the repository."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.yaml").write_text(OPEN_EVERYTHING, encoding="utf-8")
    (old_only.root / "k8s" / "extra.yaml").symlink_to(outside / "evil.yaml")
    old_only.commit("link to a manifest outside")
    assert old_only.git("ls-files", "-s", "k8s/extra.yaml").startswith("120000 ")
    return old_only


def test_symlinks_are_skipped_with_a_warning_never_followed(
    run_cli: CliRunner, linked: GitRepo
) -> None:
    root = str(linked.root)
    for args in (("HEAD~1", "HEAD"), ("HEAD~1",), ("HEAD~1", "--staged")):
        document = _json(run_cli("-C", root, *args, "--format", "json"))
        assert document["summary"] == NO_CHANGE, args
        assert _warning_files(document) == ["k8s/extra.yaml"], args
    failing = run_cli("-C", root, "HEAD~1", "HEAD", "--fail-on", "warnings")
    assert failing.status == 1
    assert "k8s/extra.yaml: symbolic link skipped, not followed [NPD004]" in failing.out
    for source in ("HEAD", INDEX, WORKING_TREE):
        paths = [f.path for f in read(Workspace.at(linked.root), source).files]
        assert "k8s/extra.yaml" not in paths
        assert len(paths) == 6


def test_symlink_warnings_of_a_directory_source_name_the_path_as_given(
    run_cli: CliRunner, linked: GitRepo
) -> None:
    document = _json(run_cli("-C", str(linked.root), "HEAD~1", "k8s", "--format", "json"))
    assert document["summary"] == NO_CHANGE
    assert document["new"] == "k8s"
    # Files of a directory source are shown relative to where the command runs; so must the
    # links it skipped (not /tmp/.../repo/k8s/extra.yaml).
    assert _warning_files(document) == ["k8s/extra.yaml"]


def test_symlink_to_a_directory_outside_is_reported_like_for_directory_sources(
    run_cli: CliRunner, tmp_path: Path, old_only: GitRepo
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.yaml").write_text(OPEN_EVERYTHING, encoding="utf-8")
    (old_only.root / "k8s" / "shared").symlink_to(outside, target_is_directory=True)
    old_only.commit("link a shared policy folder")
    root = str(old_only.root)
    # The checkout read as a directory says what it skipped ...
    on_disk = _json(run_cli("-C", root, "HEAD~1", "k8s", "--format", "json"))
    assert on_disk["summary"] == NO_CHANGE
    assert [Path(f).as_posix()[-10:] for f in _warning_files(on_disk)] == ["k8s/shared"]
    # ... and so must the same commit read as a revision (README: skipped with a warning).
    as_revision = _json(run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json"))
    assert as_revision["summary"] == NO_CHANGE
    assert _warning_files(as_revision) == ["k8s/shared"]


def test_working_tree_does_not_read_through_a_symlinked_directory(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old", "namespaces.yaml")
    repo.put_demo("old", "frontend.yaml", under="k8s/web")
    repo.commit("web")
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copyfile(DEMO / "new" / "frontend.yaml", outside / "frontend.yaml")
    shutil.rmtree(repo.root / "k8s" / "web")
    (repo.root / "k8s" / "web").symlink_to(outside, target_is_directory=True)
    # git sees the tracked file as deleted; it does not look beyond the symbolic link.
    assert repo.git("diff", "--name-status").split() == ["D", "k8s/web/frontend.yaml"]
    document = _json(run_cli("-C", str(repo.root), "--format", "json"))
    assert document["summary"]["opened"] == 0, "read a manifest outside the repository"


def test_path_filter_does_not_follow_symlinks(run_cli: CliRunner, linked: GitRepo) -> None:
    root = str(linked.root)
    # Naming the link itself: skipped with the warning, as without the filter.
    named = _json(
        run_cli(
            "-C",
            root,
            "HEAD~1",
            "HEAD",
            "--format",
            "json",
            "--",
            "k8s/extra.yaml",
            "k8s/frontend.yaml",
        )
    )
    assert _warning_files(named) == ["k8s/extra.yaml"]


def test_path_filter_through_a_symlinked_directory_selects_nothing(
    run_cli: CliRunner, old_only: GitRepo
) -> None:
    (old_only.root / "deploy").symlink_to("k8s", target_is_directory=True)
    old_only.commit("deploy is an alias of k8s")
    old_only.put_demo("new")
    old_only.commit("new policies")
    assert old_only.git("diff", "HEAD~1", "HEAD", "--name-only", "--", "deploy") == ""
    result = run_cli("-C", str(old_only.root), "HEAD~1", "HEAD", "--", "deploy")
    # Like git diff: "deploy" is a link, not the k8s folder; no manifest lies under it.
    assert_one_line_error(result, "no manifest")


def _add_submodule(repo: GitRepo, tmp_path: Path, path: str) -> None:
    library = GitRepo.init(tmp_path / f"library-{Path(path).name}")
    library.write("evil.yaml", OPEN_EVERYTHING)
    library.commit("policies that would open everything")
    repo.git("submodule", "--quiet", "add", library.root.as_uri(), path)
    repo.commit(f"add submodule {path}")
    assert repo.git("ls-files", "-s", path).startswith("160000 ")


def test_submodules_in_revisions_and_index_are_skipped_with_a_warning(
    run_cli: CliRunner, tmp_path: Path, old_only: GitRepo
) -> None:
    _add_submodule(old_only, tmp_path, "k8s/policies.yaml")
    root = str(old_only.root)
    for args in (("HEAD~1", "HEAD"), ("HEAD~1", "--staged")):
        document = _json(run_cli("-C", root, *args, "--format", "json"))
        assert document["summary"] == NO_CHANGE
        assert document["warnings"] == [
            {
                "code": "NPD004",
                "message": "submodule skipped",
                "file": "k8s/policies.yaml",
                "side": "new",
                "introduced": True,
            }
        ]


def test_submodule_in_the_working_tree_is_skipped_with_a_warning(
    run_cli: CliRunner, tmp_path: Path, old_only: GitRepo
) -> None:
    _add_submodule(old_only, tmp_path, "k8s/policies.yaml")
    document = _json(run_cli("-C", str(old_only.root), "HEAD~1", "--format", "json"))
    assert document["summary"] == NO_CHANGE
    # The same commit as a revision warns (previous test); the working tree must too.
    assert _warning_files(document) == ["k8s/policies.yaml"]


def test_submodule_of_any_name_is_skipped_with_a_warning(
    run_cli: CliRunner, tmp_path: Path, old_only: GitRepo
) -> None:
    _add_submodule(old_only, tmp_path, "k8s/shared")
    document = _json(run_cli("-C", str(old_only.root), "HEAD~1", "HEAD", "--format", "json"))
    assert document["summary"] == NO_CHANGE
    # The README promises that symbolic links and submodules are skipped with a warning.
    assert _warning_files(document) == ["k8s/shared"]


def test_export_ignore_files_are_still_read(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write(".gitattributes", "k8s/frontend.yaml export-ignore\nk8s/shop.yaml export-ignore\n")
    repo.put_demo("old")
    repo.commit("old")
    repo.put_demo("new")
    repo.commit("new")
    attribute = repo.git("check-attr", "export-ignore", "--", "k8s/frontend.yaml")
    assert attribute == "k8s/frontend.yaml: export-ignore: set\n"
    document = _json(run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--format", "json"))
    assert document["summary"] == DEMO_SUMMARY
    assert "k8s/frontend.yaml" in [f.path for f in read(Workspace.at(repo.root), "HEAD").files]


# --- -C and running outside a repository ---------------------------------------------------


def test_dash_c_runs_as_if_started_there(
    run_cli: CliRunner, demo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run_cli("-C", str(demo.root), "HEAD~1", "HEAD", "--format", "json").out
    monkeypatch.chdir(demo.root / "k8s")
    assert run_cli("HEAD~1", "HEAD", "--format", "json").out == expected
    monkeypatch.chdir(tmp_path)
    assert run_cli("-C", "repo/k8s", "HEAD~1", "HEAD", "--format", "json").out == expected
    # A name that is both a revision and a directory in DIR is ambiguous, and says so.
    shutil.copytree(DEMO / "new", demo.root / "main")
    ambiguous = run_cli("-C", str(demo.root), "HEAD~1", "main")
    assert_one_line_error(
        ambiguous, "'main' is both a revision and a path", "./main", "main^{commit}"
    )
    as_path = run_cli("-C", str(demo.root), "HEAD~1", "./main", "--format", "json")
    assert _summary(as_path) == DEMO_SUMMARY
    as_revision = run_cli("-C", str(demo.root), "HEAD~1", "main^{commit}", "--format", "json")
    assert _summary(as_revision) == DEMO_SUMMARY


def test_dash_c_output_file_is_relative_to_the_directory(
    run_cli: CliRunner, demo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_cli("-C", str(demo.root), "HEAD~1", "HEAD", "--output", "report.txt")
    assert result.status == 0
    assert list(elsewhere.iterdir()) == [], "-C DIR: the report landed in the old directory"
    assert (demo.root / "report.txt").read_text(encoding="utf-8").startswith("netpoldiff HEAD~1")


def test_outside_any_repository(run_cli: CliRunner, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run_cli("-C", str(plain), "HEAD~1", "HEAD")
    assert result.err == (
        "netpoldiff: 'HEAD~1' is neither an existing file or directory nor a revision "
        "(not in a git repository)\n"
    )
    assert_one_line_error(result)
    assert_one_line_error(run_cli("-C", str(plain)), "'HEAD'", "not in a git repository")
    assert_one_line_error(run_cli("-C", str(plain), "--staged"), "not in a git repository")
    assert_one_line_error(run_cli("-C", str(tmp_path / "missing"), "HEAD"), "no such directory")


def test_bare_repository_is_not_called_no_repository(
    run_cli: CliRunner, demo: GitRepo, tmp_path: Path
) -> None:
    bare = tmp_path / "bare.git"
    demo.git("clone", "--quiet", "--bare", str(demo.root), str(bare))
    result = run_cli("-C", str(bare), "HEAD~1", "HEAD", "--format", "json")
    if result.status == 0:
        assert _summary(result) == DEMO_SUMMARY
    else:
        assert_one_line_error(result)
        assert "not in a git repository" not in result.err, result.err
        assert "bare" in result.err


# --- the conversion cache ------------------------------------------------------------------


def _cache_entries() -> list[Path]:
    base = Path(os.environ["XDG_CACHE_HOME"]) / "netpoldiff"
    return sorted(p for p in base.rglob("*.pickle") if p.is_file())


def _entry_key(entry: Path) -> str:
    return entry.parent.name + entry.stem  # the shard directory holds the key's first two digits


def test_cache_second_run_is_byte_identical(run_cli: CliRunner, demo: GitRepo) -> None:
    root = str(demo.root)
    for output_format in ("json", "text"):
        first = run_cli("-C", root, "HEAD~1", "HEAD", "--format", output_format)
        second = run_cli("-C", root, "HEAD~1", "HEAD", "--format", output_format)
        assert first.status == second.status == 0
        assert second.out == first.out
    # One entry per distinct blob: six old files and the three that changed.
    assert len(_cache_entries()) == 9
    working = run_cli("-C", root, "HEAD~1", "--format", "json")
    assert _summary(working) == DEMO_SUMMARY
    assert len(_cache_entries()) == 9  # the working tree's files share the blobs' entries


def test_no_cache_writes_nothing(
    run_cli: CliRunner, demo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    result = run_cli("-C", str(demo.root), "HEAD~1", "HEAD", "--no-cache", "--format", "json")
    assert _summary(result) == DEMO_SUMMARY
    assert not (cache_home / "netpoldiff").exists()
    again = run_cli("-C", str(demo.root), "--no-cache", "--staged", "--format", "json")
    assert _summary(again) == NO_CHANGE
    assert not (cache_home / "netpoldiff").exists()
    assert run_cli("-C", str(demo.root), "HEAD~1", "HEAD", "--format", "json").out == result.out
    assert (cache_home / "netpoldiff").is_dir()


def test_corrupted_cache_gives_the_same_answer(run_cli: CliRunner, demo: GitRepo) -> None:
    root = str(demo.root)
    expected = run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json").out
    entries = _cache_entries()
    assert len(entries) == 9
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        cuts = (
            data[: len(data) // 2],
            data[:-1],
            data[:1],
            b"",
            b"\xff\xfe not a pickle",
            pickle.dumps(("k8s/shop.yaml", "not a conversion")),
            pickle.dumps(object()),
        )
        entry.write_bytes(cuts[number % len(cuts)])
    assert run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json").out == expected
    # An unreadable entry is rewritten: every one holds a conversion again.
    for entry in entries:
        payload = cache._unseal(_entry_key(entry), entry.read_bytes())
        assert payload is not None
        path, _ = pickle.loads(payload)  # noqa: S301 - the test's own cache
        assert path.startswith("k8s/")
    assert run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json").out == expected


def test_cache_is_used_only_in_a_directory_nobody_else_can_write(
    run_cli: CliRunner, demo: GitRepo
) -> None:
    # Entries are pickles: one planted by another user could run code. The cache that holds
    # them is trusted only when this user owns it and no group or other may write into it.
    root = str(demo.root)
    expected = run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json").out
    entries = _cache_entries()
    planted = {
        e: cache._seal(_entry_key(e), pickle.dumps(("k8s/planted.yaml", []))) for e in entries
    }
    for entry, wrong in planted.items():
        entry.write_bytes(wrong)  # a valid, wrong answer
    assert entries[0].stat().st_mode & 0o777 == 0o600
    cache_root = entries[0].parents[1]  # netpoldiff/v<version>-<digest>
    assert cache_root.stat().st_mode & 0o777 == 0o700
    # Trusted, the planted entries are used (so the test can tell when they are not).
    assert run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json").out != expected
    for directory in (cache_root, cache_root.parent):
        for writable in (0o020, 0o002):
            directory.chmod(0o700 | writable)
            result = run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json")
            assert result.out == expected, f"{directory} mode {oct(0o700 | writable)}"
            directory.chmod(0o700)
            assert all(e.read_bytes() == wrong for e, wrong in planted.items())


# --- pathspecs: the three git views agree -------------------------------------------------


@pytest.fixture(scope="module")
def odd_names(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """A clean checkout with folders whose names start with characters git treats specially."""
    repo = GitRepo.init(tmp_path_factory.mktemp("odd") / "repo")
    repo.put_demo("old", "namespaces.yaml", "shop.yaml", "payments.yaml")
    repo.put_demo("old", "frontend.yaml", under="_base")
    repo.put_demo("old", "kube-system.yaml", under="!keep")
    repo.put_demo("old", "monitoring.json", under="--output=x")
    repo.commit("odd folder names")
    return repo


@pytest.mark.parametrize(
    "paths",
    [
        (),
        ("k8s",),
        ("k8s/",),
        ("k8s/shop.yaml",),
        (".",),
        ("_base",),
        ("!keep",),
        ("--output=x",),
        ("k8s/*.yaml",),
    ],
    ids=repr,
)
def test_head_index_and_a_clean_working_tree_select_the_same_files(
    run_cli: CliRunner, odd_names: GitRepo, paths: tuple[str, ...]
) -> None:
    """PATHs mean the same on every side: the same literal paths, as ls-tree takes them."""
    workspace = Workspace.at(odd_names.root)
    views = {
        source: [(f.path, f.data, f.object_id) for f in read(workspace, source, paths).files]
        for source in ("HEAD", INDEX, WORKING_TREE)
    }
    assert views["HEAD"] == views[INDEX]
    assert views[WORKING_TREE] == views["HEAD"], f"HEAD: {[p for p, _, _ in views['HEAD']]}"
    # HEAD against an unchanged working tree can only ever say "no change".
    result = run_cli("-C", str(odd_names.root), "HEAD", "--format", "json", "--", *paths)
    if views["HEAD"]:
        document = _json(result)
        assert document["summary"] == NO_CHANGE
        assert (document["added_endpoints"], document["removed_endpoints"]) == ([], [])
    else:
        assert_one_line_error(result, "no manifest")
