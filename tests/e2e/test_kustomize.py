"""Kustomize overlays end to end: rendered at each revision with the real kustomize of kubectl.

Each test builds a git repository from fixtures/kustomize-overlays (a base with a staging and
a prod overlay; NEW adds a policy to staging only) and runs netpoldiff on it in-process.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, CliRunner, assert_one_line_error
from tests.testing.overlays import overlay_repository

STAGING_WEB = {"type": "workload", "namespace": "staging", "kind": "Deployment", "name": "web"}


def _document(result: CliResult, status: int = 0) -> dict[str, Any]:
    assert result.status == status, result.err
    document: dict[str, Any] = json.loads(result.out)
    return document


def test_the_diff_names_only_the_flows_of_the_overlay_that_changed(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = overlay_repository(tmp_path / "repo")
    document = _document(run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--format", "json"))
    assert [flow["dst"] for flow in document["opened"]] == [STAGING_WEB]
    assert document["opened"][0]["src"]["cidrs"] == ["192.0.2.0/24"]
    assert document["closed"] == []
    causes = {(c["namespace"], c["name"], c["change"]) for c in document["opened"][0]["causes"]}
    assert ("staging", "web-from-office", "added") in causes


def test_a_revision_is_rendered_from_its_own_tree_not_the_working_tree(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = overlay_repository(tmp_path / "repo")
    # Uncommitted: prod's overlay now names a base that only the working tree has.
    repo.write("deploy/overlays/prod/kustomization.yaml", "resources: [../../elsewhere]\n")
    document = _document(run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--format", "json"))
    assert document["summary"] == {"opened": 1, "closed": 0}
    # The working tree is rendered too, and its broken overlay is named.
    result = run_cli("-C", str(repo.root), "HEAD")
    assert_one_line_error(result, "NEW (working tree)", "deploy/overlays/prod/kustomization.yaml")


def test_a_base_used_only_by_overlays_is_not_read_as_plain_files(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = overlay_repository(tmp_path / "repo")
    document = _document(run_cli("-C", str(repo.root), "matrix", "HEAD", "--format", "json"))
    namespaces = {e["namespace"] for e in document["endpoints"] if e["type"] == "workload"}
    assert namespaces == {"staging", "prod"}


def test_render_none_reads_the_plain_files_and_a_named_overlay_still_renders(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = overlay_repository(tmp_path / "repo")
    plain = _document(
        run_cli("-C", str(repo.root), "matrix", "HEAD", "--render", "none", "--format", "json")
    )
    assert {e["namespace"] for e in plain["endpoints"] if e["type"] == "workload"} == {"default"}
    named = _document(
        run_cli(
            "-C",
            str(repo.root),
            "matrix",
            "HEAD",
            "--render",
            "none",
            "--format",
            "json",
            "--",
            "deploy/overlays/prod",
        )
    )
    assert {e["namespace"] for e in named["endpoints"] if e["type"] == "workload"} == {"prod"}


def test_an_object_keeps_the_overlay_and_the_file_and_line_it_was_written_at(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = overlay_repository(tmp_path / "repo")
    policies = repo.root / "deploy/base/policies.yaml"
    policies.write_text(policies.read_text().replace("port: grpc", "port: 70000"), encoding="utf-8")
    repo.commit("a port out of range")
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--", "deploy/overlays/prod")
    assert_one_line_error(
        result,
        "in NEW (",
        "deploy/base/policies.yaml via deploy/overlays/prod (document 2, line 10)",
    )


def test_without_a_renderer_the_error_says_how_to_install_one(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = overlay_repository(tmp_path / "repo")
    only_git = tmp_path / "only-git"
    only_git.mkdir()
    (only_git / "git").symlink_to(shutil.which("git") or "git")
    monkeypatch.setenv("PATH", str(only_git))
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD")
    assert_one_line_error(result, "needs kustomize or kubectl on PATH", "install kustomize")


def test_kustomize_option_chooses_the_program(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = overlay_repository(tmp_path / "repo")
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--kustomize", "no-such-kustomize")
    assert_one_line_error(result, "--kustomize no-such-kustomize: no such program")


def test_a_renderer_error_is_one_line_naming_the_overlay(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = overlay_repository(tmp_path / "repo")
    repo.write(
        "deploy/overlays/prod/kustomization.yaml",
        "resources: [../../base]\npatches: [{path: missing-patch.yaml}]\n",
    )
    repo.commit("a patch that is not there")
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD")
    assert_one_line_error(
        result, "deploy/overlays/prod/kustomization.yaml: kustomize failed", "missing-patch.yaml"
    )


CHART_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .Release.Name }}-web
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
    - ports:
        - port: {{ .Values.port }}
"""


WEB_IN_DEFAULT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web}]}
"""


def test_a_chart_renders_with_its_values_and_its_templates_are_not_read(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = overlay_repository(tmp_path / "repo")
    repo.write("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    repo.write("charts/web/values.yaml", "port: 8080\n")
    repo.write("charts/web/templates/np.yaml", CHART_POLICY)
    repo.write("apps/web.yaml", WEB_IN_DEFAULT)
    repo.commit("a chart")
    repo.write("charts/web/values.yaml", "port: 9090\n")
    repo.commit("the chart's port")
    document = _document(run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--format", "json"))
    # The rendered policy (release "release", namespace "default") moved its port.
    causes = {c["name"] for flow in document["opened"] for c in flow["causes"]}
    assert causes == {"release-web"}
    assert document["summary"]["opened"] > 0
    assert document["summary"]["closed"] > 0
    assert [w for w in document["warnings"] if w["code"] == "NPD011"] == []
    # Left out by its PATH, the chart's templates are not read as manifests either.
    document = _document(
        run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--format", "json", "--", "deploy")
    )
    assert document["summary"] == {"opened": 0, "closed": 0}
