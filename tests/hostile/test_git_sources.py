"""Hostile repositories: what a repository's configuration, hash, layout or names can do.

Each test builds a real repository with the git command and runs netpoldiff on it in-process:
no configuration of the repository runs a program, SHA-256 repositories read like SHA-1
ones, a sparse checkout hides nothing, file names are read as ``kubectl apply -f`` reads
them, and revisions are read as git reads them.
"""

from __future__ import annotations

import io
import json
import stat
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, CliRunner, assert_one_line_error
from tests.testing.gitrepo import DEMO, GitRepo, demo_repository

pytestmark = pytest.mark.usefixtures("scratch")

DEMO_SUMMARY = {"opened": 2, "closed": 1}  # frontend.yaml opens two, shop.yaml closes one
NO_CHANGE = {"opened": 0, "closed": 0}
# Read, this file adds a workload and opens every flow into the shop namespace.
INTRUDER = """\
apiVersion: v1
kind: Pod
metadata: {name: intruder, namespace: shop, labels: {app: intruder}}
spec: {containers: [{name: x, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-everything, namespace: shop}
spec:
  podSelector: {}
  ingress: [{}]
"""
INTRUDER_POD = {"type": "workload", "namespace": "shop", "kind": "Pod", "name": "intruder"}
NOT_READ = "not read: kubectl apply -f DIR reads only .yaml, .yml and .json"


def document_of(result: CliResult, status: int = 0) -> dict[str, Any]:
    assert result.status == status, (result.status, result.err)
    document: dict[str, Any] = json.loads(result.out)
    return document


def summary_of(result: CliResult) -> dict[str, int]:
    summary: dict[str, int] = document_of(result)["summary"]
    return summary


def sha256_repository(root: Path) -> GitRepo:
    root.mkdir(parents=True)
    repo = GitRepo(root)
    repo.git("init", "--quiet", "--object-format=sha256", "--initial-branch=main")
    return repo


# --- 1: no program named by the repository's configuration runs ---------------------------

HOOK_NAMES = (
    *("applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit"),
    *("prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout"),
    *("post-merge", "pre-push", "pre-receive", "update", "proc-receive", "post-receive"),
    *("post-update", "reference-transaction", "push-to-checkout", "pre-auto-gc"),
    *("post-rewrite", "fsmonitor-watchman", "post-index-change"),
)


def trap(directory: Path, marker: Path, *, passthrough: bool = True) -> Path:
    """A program that leaves a line in ``marker`` whenever anything runs it."""
    script = directory / "trap.sh"
    # It passes its input through, so a filter or pager it replaces still "works".
    rest = "cat\n" if passthrough else "exit 1\n"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\n{rest}', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def arm(repo: GitRepo, program: Path) -> None:
    """Name ``program`` in every setting of the repository that makes git run a program."""
    hooks = repo.root / ".git" / "trap-hooks"
    hooks.mkdir()
    for name in HOOK_NAMES:
        (hooks / name).symlink_to(program)
    settings = {
        "core.fsmonitor": str(program),
        "core.hooksPath": str(hooks),
        "filter.trap.clean": str(program),
        "filter.trap.smudge": str(program),
        "diff.trap.textconv": str(program),
        "diff.external": str(program),
        "core.pager": str(program),
        "core.askPass": str(program),
        "credential.helper": f"!{program}",
        "core.sshCommand": str(program),
        "core.editor": str(program),
        "gpg.program": str(program),
        "core.alternateRefsCommand": str(program),
    }
    for key, value in settings.items():
        repo.git("config", key, value)
    (repo.root / ".git" / "info").mkdir(exist_ok=True)
    (repo.root / ".git" / "info" / "attributes").write_text("* filter=trap diff=trap\n")


TRAPPED_RUNS = {
    "working tree": ("--format", "json"),
    "staged": ("--staged", "--format", "json"),
    "hook run": ("hook", "run", "--fail-on", "any"),
    "pre-push": ("hook", "run", "--pre-push", "--fail-on", "any", "origin", "file:///remote"),
    "revision diff": ("HEAD~1", "HEAD", "--format", "json"),
    "merge base": ("HEAD~1...HEAD", "--format", "json"),
    "matrix": ("matrix", "HEAD", "--format", "json"),
}


@pytest.mark.parametrize("args", TRAPPED_RUNS.values(), ids=TRAPPED_RUNS.keys())
def test_no_program_the_repository_configures_ever_runs(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    repo = demo_repository(tmp_path / "repo")
    repo.write("k8s/shop.yaml", (DEMO / "old" / "shop.yaml").read_text(encoding="utf-8"))
    repo.git("add", "k8s/shop.yaml")  # staged just now: racily clean for what reads the index
    marker = tmp_path / "ran"
    arm(repo, trap(tmp_path, marker))
    # Settings already in the environment stay, and cannot bring the fsmonitor back either.
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.fsmonitor")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", str(marker.parent / "trap.sh"))
    tip = repo.sha("HEAD")
    monkeypatch.setattr(
        sys, "stdin", io.StringIO(f"refs/heads/main {tip} refs/heads/x {'0' * 40}\n")
    )

    result = run_cli("-C", str(repo.root), *args)

    assert result.status in {0, 1}, result.err
    assert not marker.exists(), marker.read_text(encoding="utf-8")
    repo.run("status")  # the trap is armed: git itself runs it
    assert marker.exists()


def test_a_partial_clone_is_never_fetched_from(run_cli: CliRunner, tmp_path: Path) -> None:
    """Fetching a missing object runs what the configuration names (here uploadpack)."""
    source = demo_repository(tmp_path / "source")
    source.git("config", "uploadpack.allowFilter", "true")
    clone = GitRepo(tmp_path / "clone")
    source.git(
        "clone", "--quiet", "--filter=blob:none", "--no-checkout",
        source.root.as_uri(), str(clone.root),
    )  # fmt: skip
    marker = tmp_path / "ran"
    uploadpack = trap(tmp_path, marker, passthrough=False)  # a git fetch would wait for it
    clone.git("config", "remote.origin.uploadpack", str(uploadpack))

    result = run_cli("-C", str(clone.root), "HEAD~1", "HEAD")

    assert_one_line_error(result, "promisor remote", "partial clone", "never fetches")
    assert not marker.exists()


# --- 2: SHA-256 repositories ----------------------------------------------------------------


@pytest.fixture
def sha256_demo(tmp_path: Path) -> GitRepo:
    """The demo's two commits in a SHA-256 repository."""
    repo = sha256_repository(tmp_path / "repo")
    repo.put_demo("old")
    repo.commit("old policies")
    repo.put_demo("new")
    repo.commit("new policies")
    assert len(repo.sha("HEAD")) == 64
    return repo


def test_sha256_repositories_read_like_sha1_ones(run_cli: CliRunner, sha256_demo: GitRepo) -> None:
    repo, root = sha256_demo, str(sha256_demo.root)
    assert summary_of(run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json")) == DEMO_SUMMARY
    assert summary_of(run_cli("-C", root, "HEAD~1", "--format", "json")) == DEMO_SUMMARY
    repo.git("reset", "--quiet", "--mixed", "HEAD~1")  # HEAD and index old, working tree new
    assert summary_of(run_cli("-C", root, "--format", "json")) == DEMO_SUMMARY
    assert summary_of(run_cli("-C", root, "--staged", "--format", "json")) == NO_CHANGE
    repo.git("add", "--all")
    assert summary_of(run_cli("-C", root, "--staged", "--format", "json")) == DEMO_SUMMARY
    # The matrix of a revision is the matrix of the same files on disk.
    on_disk = document_of(run_cli("matrix", str(DEMO / "old"), "--format", "json"))
    of_revision = document_of(run_cli("-C", root, "matrix", "HEAD", "--format", "json"))
    assert of_revision["flows"] == on_disk["flows"]
    assert of_revision["endpoints"] == on_disk["endpoints"]


def test_a_corrupt_object_is_one_line_naming_the_file(
    run_cli: CliRunner, sha256_demo: GitRepo
) -> None:
    blob = sha256_demo.sha("HEAD:k8s/shop.yaml")
    loose = sha256_demo.root / ".git" / "objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    loose.write_bytes(zlib.compress(b"blob 5\0abc"))  # says 5 bytes, holds 3

    result = run_cli("-C", str(sha256_demo.root), "HEAD~1", "HEAD")

    assert_one_line_error(result, "k8s/shop.yaml", blob[:12], "git fsck")


# --- 3: sparse checkouts --------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern", [("other",), ("--no-cone", "/other/")], ids=["cone", "non-cone"]
)
def test_files_outside_a_sparse_checkout_are_read_from_the_index(
    run_cli: CliRunner, tmp_path: Path, pattern: tuple[str, ...]
) -> None:
    repo = demo_repository(tmp_path / "repo")
    repo.write("other/notes.txt", "inside the sparse checkout\n")
    repo.commit("notes")
    repo.git("sparse-checkout", "set", *pattern)
    assert not (repo.root / "k8s").exists()
    root = str(repo.root)

    for args in ((), ("--staged",)):
        document = document_of(run_cli("-C", root, *args, "--format", "json"))
        assert document["summary"] == NO_CHANGE, args
        assert document["removed_endpoints"] == [], args
    assert run_cli("-C", root, "hook", "run", "--fail-on", "any").status == 0
    # What is staged outside the checkout is what git diff and git commit see: it counts.
    old_shop = repo.git("rev-parse", "HEAD~2:k8s/shop.yaml").strip()
    repo.git("update-index", "--cacheinfo", f"100644,{old_shop},k8s/shop.yaml")
    repo.git("update-index", "--skip-worktree", "k8s/shop.yaml")
    assert repo.git("diff", "HEAD", "--name-only") == "k8s/shop.yaml\n"
    assert summary_of(run_cli("-C", root, "--format", "json")) == {"opened": 1, "closed": 0}
    assert summary_of(run_cli("-C", root, "--staged", "--format", "json")) == {
        "opened": 1,
        "closed": 0,
    }


@pytest.mark.parametrize("sparse", [False, True], ids=["staged", "outside-sparse-checkout"])
def test_files_read_from_the_index_are_refused_from_their_size(
    run_cli: CliRunner, tmp_path: Path, sparse: bool
) -> None:
    repo = demo_repository(tmp_path / "repo")
    repo.write("k8s/big.yaml", "# padding\n" * 20_000)
    repo.write("other/notes.txt", "inside the sparse checkout\n")
    repo.git("add", "--all")
    args: tuple[str, ...] = ("--staged",)
    if sparse:
        repo.commit("big")
        repo.git("sparse-checkout", "set", "other")
        args = ()
    result = run_cli("-C", str(repo.root), *args, "--max-file-size", "100000")
    assert_one_line_error(result, "k8s/big.yaml: 200,000 bytes is over the limit of 100,000")


# --- 4: file names, as kubectl apply -f reads them -------------------------------------------

SUFFIX_VARIANTS = ("k8s/intruder.YAML", "k8s/intruder-2.Yml", "k8s/intruder-3.JSON")
SUFFIX_SOURCES = {
    "revision": ("HEAD~1", "HEAD"),
    "working tree": ("HEAD~1",),
    "index": ("HEAD~1", "--staged"),
    "directory": ("HEAD~1", "k8s"),
}


@pytest.fixture
def intruders(tmp_path: Path) -> GitRepo:
    """HEAD~1: the demo's old manifests; HEAD adds INTRUDER under names kubectl skips."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.commit("old policies")
    repo.write(SUFFIX_VARIANTS[0], INTRUDER)
    repo.write(SUFFIX_VARIANTS[1], INTRUDER.replace("intruder", "intruder-2"))
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "i3", "namespace": "shop"}}
    repo.write(SUFFIX_VARIANTS[2], json.dumps(pod))
    repo.commit("intruders")
    return repo


@pytest.mark.parametrize("args", SUFFIX_SOURCES.values(), ids=SUFFIX_SOURCES.keys())
def test_names_kubectl_skips_are_warned_and_read_only_when_named_by_themselves(
    run_cli: CliRunner, intruders: GitRepo, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(intruders.root)
    document = document_of(run_cli(*args, "--format", "json"))
    assert document["summary"] == NO_CHANGE
    assert document["added_endpoints"] == []
    warnings = [(w["code"], w["file"], w["message"]) for w in document["warnings"]]
    assert warnings == [("NPD005", name, NOT_READ) for name in sorted(SUFFIX_VARIANTS)]
    text = run_cli(*args)
    assert f"k8s/intruder.YAML: {NOT_READ} [NPD005]" in text.out
    assert "NPD005" in run_cli(*args, "--format", "markdown").out
    assert run_cli(*args, "--fail-on", "warnings").status == 1
    # Named by itself, as a PATH or as the SOURCE, a file is read whatever its name.
    as_path = document_of(run_cli(*args, "--format", "json", "--", "k8s/intruder.YAML"))
    assert as_path["added_endpoints"] == [INTRUDER_POD]
    assert as_path["warnings"] == []
    as_source = document_of(run_cli("matrix", "k8s/intruder.YAML", "--format", "json"))
    assert INTRUDER_POD in as_source["endpoints"]


# --- 5: revisions as git reads them ---------------------------------------------------------


def test_message_search_revisions_are_accepted(run_cli: CliRunner, tmp_path: Path) -> None:
    root = str(demo_repository(tmp_path / "repo").root)
    both = run_cli("-C", root, ":/old policies", ":/new policies", "--format", "json")
    assert summary_of(both) == DEMO_SUMMARY
    assert summary_of(run_cli("-C", root, ":/old", "--format", "json")) == DEMO_SUMMARY
    assert summary_of(run_cli("-C", root, ":/old...:/new", "--format", "json")) == DEMO_SUMMARY
    assert run_cli("-C", root, "matrix", ":/new policies").status == 0
    assert_one_line_error(run_cli("-C", root, ":/no such message"), "no such revision")


def test_a_directory_named_head_does_not_block_the_default_run(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = demo_repository(tmp_path / "repo")
    repo.write("HEAD/intruder.yaml", INTRUDER)  # untracked: not part of any comparison
    root = str(repo.root)
    assert summary_of(run_cli("-C", root, "--format", "json")) == NO_CHANGE
    assert summary_of(run_cli("-C", root, "--staged", "--format", "json")) == NO_CHANGE
    assert run_cli("-C", root, "hook", "run", "--fail-on", "any").status == 0
    # Typed, HEAD is both a revision and a directory, and netpoldiff asks which.
    assert_one_line_error(run_cli("-C", root, "HEAD"), "both a revision and a path")
    assert summary_of(run_cli("-C", root, "./HEAD", "--format", "json"))["opened"] > 0
