"""``netpoldiff lint``, SARIF and GitHub annotations: where warnings and opened flows show.

One test (or table) per item of the issue's "Where they show": lint on any source, SARIF
placed on the rules that open flows, SARIF that validates and workflow commands that hostile
names cannot forge, and the action writing SARIF for code scanning.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES, REPO_ROOT, CliRunner
from tests.testing.gitrepo import GitRepo
from tests.testing.sarif import schema_errors, valid_sarif

LINTED = FIXTURES / "lint-report"
EXPECTED_CODES = ["NPD007", "NPD002", "NPD008", "NPD003", "NPD006", "NPD001"]

DENY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
"""
WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api, ports: [{name: http, containerPort: 8080}]}]}
"""
# Rule 0 (line 9) lets web in on the named port; rule 1 (line 13) names a peer that no
# workload matches (a new warning); rule 2 (line 17) lets the outside in on TCP/443.
ALLOW = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-in, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: api}
  ingress:
    # from the web tier
    - from:
        - podSelector: {matchLabels: {app: web}}
      ports: [{port: http}]
    # from a tier that does not exist
    - from:
        - podSelector: {matchLabels: {app: webb}}
      ports: [{port: 9999}]
    # from outside
    - from:
        - ipBlock: {cidr: 0.0.0.0/0}
      ports: [{port: 443}]
"""


def _lint_repository(root: Path) -> GitRepo:
    """A repository whose k8s/ holds the lint fixture, with its configuration at the top."""
    repo = GitRepo.init(root)
    shutil.copytree(LINTED, root / "k8s", ignore=shutil.ignore_patterns("expected"))
    repo.write(".netpoldiff.yaml", "paths: [k8s]\nnamespace: shop\n")
    repo.commit("manifests with mistakes")
    (root / "docs").mkdir()
    return repo


@pytest.mark.parametrize(
    ("source", "options", "status"),
    [
        ("HEAD", (), 0),
        ("HEAD", ("--fail-on", "warnings"), 1),
        ("../k8s", (), 0),
        ("HEAD", ("--namespace", "other", "--keep-going"), 0),
    ],
    ids=["revision", "revision-fail-on", "directory", "options-as-matrix"],
)
def test_lint_lists_a_source_s_warnings_by_file_and_line_and_fails_only_when_asked(
    run_cli: CliRunner, tmp_path: Path, source: str, options: tuple[str, ...], status: int
) -> None:
    repo = _lint_repository(tmp_path / "repo")
    # Run from a subdirectory: a revision reads the repository's configuration and paths.
    result = run_cli("lint", "-C", str(repo.root / "docs"), source, *options)
    assert result.status == status, result.err
    lines = result.out.splitlines()
    prefix = "k8s/" if source == "HEAD" else "../k8s/"
    assert [line.split(" ")[1] for line in lines[:-1]] == EXPECTED_CODES
    assert lines[0].startswith(f"{prefix}policies.yaml:12: NPD007 ")
    assert lines[-1] == "6 warnings in 2 files"
    same_as_matrix = run_cli(
        "matrix", "-C", str(repo.root / "docs"), source, *options, "--format", "json"
    )
    warned = json.loads(same_as_matrix.out)["warnings"]
    linted = json.loads(
        run_cli("lint", "-C", str(repo.root / "docs"), source, *options, "--format", "json").out
    )["warnings"]
    assert sorted((w["code"], w["line"]) for w in warned) == sorted(
        (w["code"], w["line"]) for w in linted
    )
    assert {w["severity"] for w in linted} == {"warning"}


def _pull_request(root: Path) -> GitRepo:
    repo = GitRepo.init(root)
    repo.write("k8s/workloads.yaml", WORKLOADS)
    repo.write("k8s/deny.yaml", DENY)
    repo.commit("deny all")
    repo.write("k8s/allow.yaml", ALLOW)
    repo.commit("let web and the outside into api")
    (root / "docs").mkdir()
    return repo


def test_a_diff_in_sarif_places_opened_flows_on_the_rules_that_open_them(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = _pull_request(tmp_path / "repo")
    result = run_cli("-C", str(repo.root / "docs"), "HEAD~1", "HEAD", "--format", "sarif")
    assert result.status == 0, result.err
    results = valid_sarif(result.out)["runs"][0]["results"]
    warnings = [r for r in results if r["ruleId"] != "opened-flow"]
    assert [(r["ruleId"], r["properties"]["introduced"]) for r in warnings] == [("NPD007", True)]
    assert _place(warnings[0]) == ("k8s/allow.yaml", 14)
    opened = {r["message"]["text"].split(" on ")[0]: r for r in results if r not in warnings}
    inside = opened["opened: shop/web[Deployment] -> shop/api[Deployment]"]
    assert (_place(inside), inside["level"]) == (("k8s/allow.yaml", 9), "note")
    outside = [r for text, r in opened.items() if text.endswith("-> shop/api[Deployment]")]
    assert {_place(r) for r in outside if r is not inside} == {("k8s/allow.yaml", 17)}
    assert {r["level"] for r in outside if r is not inside} == {"warning"}


def _place(result: dict[str, Any]) -> tuple[str, int]:
    physical = result["locations"][0]["physicalLocation"]
    return physical["artifactLocation"]["uri"], physical["region"]["startLine"]


def test_every_sarif_log_validates_and_hostile_names_cannot_forge_a_command(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    goldens = sorted(FIXTURES.glob("*/expected/*.sarif"))
    assert any(p.name == "lint.sarif" for p in goldens)
    assert any(p.name == "diff.sarif" for p in goldens)
    for golden in goldens:
        assert schema_errors(json.loads(golden.read_text(encoding="utf-8"))) == [], golden
    # A file name with a comma, colons and a percent sign; a link whose name holds a line
    # break and a command; a file that cannot be read (skipped with --keep-going).
    hostile = tmp_path / "k8s"
    hostile.mkdir()
    (hostile / "a,b:c%d.yaml").write_text(
        DENY.replace(
            "podSelector: {}",
            "podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.1/8}}]}]",
        ),
        encoding="utf-8",
    )
    (hostile / "x\n::error::forged,%0A.yaml").symlink_to("a,b:c%d.yaml")
    (hostile / "broken.yaml").write_text("a: [1, 2\n", encoding="utf-8")
    github = run_cli("lint", str(hostile), "--format", "github", "--keep-going")
    assert github.status == 0, github.err
    lines = github.out.splitlines()
    assert all(line.startswith(("::warning file=", "::error file=")) for line in lines), lines
    assert sum(line.startswith("::error ") for line in lines) == 1  # the skipped file only
    assert any(",line=6,title=NPD002::" in line and "a%2Cb%3Ac%25d.yaml" in line for line in lines)
    # The link's name is in its warning, escaped: still one command, of our making.
    link = next(line for line in lines if "title=NPD004" in line)
    assert "forged" in link
    assert not any(line.startswith("::error::") for line in lines)
    sarif = run_cli("lint", str(hostile), "--format", "sarif", "--keep-going")
    valid_sarif(sarif.out)


def test_the_action_writes_sarif_for_code_scanning(tmp_path: Path) -> None:
    repo = _pull_request(tmp_path / "repo")
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["inputs"]["sarif"]["default"] == ""
    (step,) = [s for s in action["runs"]["steps"] if s.get("name") == "Run netpoldiff"]
    assert step["env"]["SARIF"] == "${{ inputs.sarif }}"
    summary = tmp_path / "summary.md"
    environment = {
        **os.environ,
        # This netpoldiff, as the action's pip install puts it first on PATH.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "BASE": repo.sha("HEAD~1"),
        "HEAD": repo.sha("HEAD"),
        "PATHS": "k8s",
        "FAIL_ON": "opened",
        "SARIF": "netpoldiff.sarif",
        "COMMENT": "false",
        "PR_NUMBER": "",
        "REPOSITORY": "o/n",
        "GITHUB_TOKEN": "",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    ran = subprocess.run(
        ["bash", "-c", step["run"]],
        cwd=repo.root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 1, ran.stderr  # --fail-on opened: the pull request opens flows
    document = valid_sarif((repo.root / "netpoldiff.sarif").read_text(encoding="utf-8"))
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in document["runs"][0]["results"]
        for loc in result["locations"]
    }
    assert uris == {"k8s/allow.yaml"}
    assert "### netpoldiff: 2 rows opened" in summary.read_text(encoding="utf-8")
