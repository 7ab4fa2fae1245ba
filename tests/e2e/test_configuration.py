"""``.netpoldiff.yaml`` end to end: every command honours it, and OLD's reads both sides.

Repositories are real (tests/testing/gitrepo.py); the command line runs in-process; the pull
request comment goes to the fake GitHub of tests/testing/fakegithub.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunner, assert_one_line_error
from tests.testing.fakegithub import serving_the_cli
from tests.testing.gitrepo import GitRepo

BROKEN = "apiVersion: v1\nkind: Pod\nmetadata: {name: [not, a, name]}\n"
POD = """\
apiVersion: v1
kind: Pod
metadata: {name: lone, labels: {app: lone}}
spec: {containers: [{name: c, image: x}]}
"""
EXCLUDES_EXAMPLES = "exclude: [k8s/examples/]\n"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """main: the demo's old policies under k8s/, an invalid example its configuration leaves out.

    Branch pr: the demo's new policies (two flows opened, one closed).
    """
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.write("k8s/examples/broken.yaml", BROKEN)
    repo.write(".netpoldiff.yaml", EXCLUDES_EXAMPLES)
    repo.commit("old policies")
    repo.git("switch", "--quiet", "-c", "pr")
    repo.put_demo("new")
    repo.commit("new policies")
    return repo


def _diff(run_cli: CliRunner, repo: GitRepo, *args: str) -> dict[str, object]:
    result = run_cli("-C", str(repo.root), "main", "pr", "--format", "json", *args)
    assert result.status == 0, result.err
    document: dict[str, object] = json.loads(result.out)
    return document


def _configuration_findings(document: dict[str, object]) -> list[dict[str, object]]:
    """The findings about the configuration (the demo's flows bring findings of their own)."""
    findings = document["findings"]
    assert isinstance(findings, list)
    return [f for f in findings if f["kind"] == "configuration-changed"]


def test_the_configuration_of_old_leaves_out_what_it_excludes(
    run_cli: CliRunner, repo: GitRepo, tmp_path: Path
) -> None:
    document = _diff(run_cli, repo)
    assert document["summary"] == {"opened": 2, "closed": 1}
    assert _configuration_findings(document) == []
    # With -c naming an empty configuration instead, the example stops the run.
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert_one_line_error(
        run_cli("-C", str(repo.root), "main", "pr", "--config", str(empty)),
        "k8s/examples/broken.yaml",
    )
    assert_one_line_error(
        run_cli("-C", str(repo.root), "main", "pr", "-c", "/dev/null"),
        "--config /dev/null: not a regular file",
    )


def test_a_pull_request_that_excludes_its_own_manifests_still_shows_its_change(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    repo.write(".netpoldiff.yaml", "exclude: [k8s/]\n")
    repo.commit("hide the change")
    document = _diff(run_cli, repo)
    assert document["summary"] == {"opened": 2, "closed": 1}
    message = (
        "NEW changes .netpoldiff.yaml (exclude differ); OLD's was used to read both sides. "
        "The new configuration takes effect once the change is in OLD."
    )
    assert _configuration_findings(document) == [
        {"kind": "configuration-changed", "message": message, "flows": 0, "objects": []}
    ]
    text = run_cli("-C", str(repo.root), "main", "pr")
    assert "Repository configuration changed" in text.out
    assert "NEW changes .netpoldiff.yaml (exclude differ)" in text.out
    markdown = run_cli("-C", str(repo.root), "main", "pr", "--format", "markdown")
    assert f"> **Repository configuration changed**: {message}" in markdown.out
    failed = run_cli("-C", str(repo.root), "main", "pr", "--fail-on", "findings")
    assert failed.status == 1, failed.err


def test_olds_configuration_reads_new_even_when_new_drops_it(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    (repo.root / ".netpoldiff.yaml").unlink()
    repo.commit("no configuration")
    document = _diff(run_cli, repo)  # the example stays excluded on both sides
    assert document["summary"] == {"opened": 2, "closed": 1}
    findings = _configuration_findings(document)
    assert len(findings) == 1
    assert str(findings[0]["message"]).startswith(
        "NEW removes .netpoldiff.yaml (exclude); OLD's was used"
    )


def test_a_mistake_in_olds_configuration_is_one_line_naming_side_file_and_line(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    repo.git("switch", "--quiet", "main")
    repo.write(".netpoldiff.yaml", "exclude: [k8s/examples/]\nnamespace: Shop\n")
    repo.commit("a typo")
    assert_one_line_error(
        run_cli("-C", str(repo.root), "main", "pr"),
        "in OLD (main): .netpoldiff.yaml (line 2): namespace: 'Shop' is not a namespace name",
    )


def test_from_a_subdirectory_the_repositorys_configuration_counts(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    (repo.root / "docs").mkdir()
    result = run_cli("-C", str(repo.root / "docs"), "main", "pr", "--format", "json")
    assert result.status == 0, result.err
    assert json.loads(result.out)["summary"] == {"opened": 2, "closed": 1}


def test_matrix_reads_with_the_sources_configuration_and_options_win(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "pod.yaml").write_text(POD, encoding="utf-8")
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / ".netpoldiff.yaml").write_text(
        "paths: [k8s]\nnamespace: shop\nfail_on: [warnings]\n", encoding="utf-8"
    )

    def namespaces(*args: str) -> set[str]:
        result = run_cli("matrix", "-C", str(tmp_path), ".", "--format", "json", *args)
        assert result.status == 0, result.err
        endpoints = json.loads(result.out)["endpoints"]
        return {e["namespace"] for e in endpoints if e["type"] == "workload"}

    assert namespaces() == {"shop"}  # outside git: the start directory's file
    assert namespaces("--namespace", "cli") == {"cli"}
    # PATHs on the command line replace the configuration's.
    assert_one_line_error(
        run_cli("matrix", "-C", str(tmp_path), ".", "--", "examples"), "examples/broken.yaml"
    )


def test_fail_on_comes_from_the_configuration_unless_given(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    repo.write(".netpoldiff.yaml", EXCLUDES_EXAMPLES + "fail_on: [opened]\n")
    repo.git("switch", "--quiet", "main")
    repo.write(".netpoldiff.yaml", EXCLUDES_EXAMPLES + "fail_on: [opened]\n")
    repo.commit("fail on opened")
    repo.git("switch", "--quiet", "pr")
    repo.git("merge", "--quiet", "--no-edit", "main")
    base = repo.sha("main")
    refused = run_cli("-C", str(repo.root), base, "pr")
    assert refused.status == 1, refused.err
    assert run_cli("-C", str(repo.root), base, "pr", "--fail-on", "warnings").status == 0


def test_hook_run_refuses_what_the_configuration_says(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "hooked")
    repo.put_demo("old")
    repo.write(".netpoldiff.yaml", "fail_on: [closed]\n")
    repo.commit("old policies")
    installed = run_cli("hook", "install", "-C", str(repo.root))
    assert installed.status == 0, installed.err
    hook = (repo.root / ".git" / "hooks" / "pre-commit").read_text(encoding="utf-8")
    assert hook.endswith(" hook run --pre-commit\n")  # the configuration decides each run
    repo.put_demo("new")
    repo.git("add", "--all")
    refused = run_cli("hook", "run", "-C", str(repo.root))
    assert refused.status == 1
    assert "commit refused (--fail-on closed)" in refused.err


def test_pr_comment_posts_the_configuration_change(
    run_cli: CliRunner, repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write(".netpoldiff.yaml", "exclude: [k8s/]\n")
    repo.commit("hide the change")
    with serving_the_cli(monkeypatch) as github:
        result = run_cli("pr-comment", "--repo", "o/r", "--pr", "7", "-C", str(repo.root), "main")
        assert result.status == 0, result.err
        (comment,) = github.thread()
    body = str(comment["body"])
    assert "### netpoldiff: 1 row opened (2 flows), 1 closed" in body
    assert "**Repository configuration changed**: NEW changes .netpoldiff.yaml" in body
