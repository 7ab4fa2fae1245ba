"""``netpoldiff matrix``: the report of one source, its gate, --keep-going."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRunner

POLICY_WITH_WARNING = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: a}
spec:
  podSelector: {}
  ingress:
    - from:
        - ipBlock: {cidr: 10.0.0.1/8}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a}
spec:
  containers: [{name: c}]
"""


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_matrix_of_a_directory_exits_zero_with_a_report(run_cli: CliRunner) -> None:
    result = run_cli("matrix", "fixtures/demo/new")
    assert result.status == 0
    assert result.out.startswith("Reachability matrix of fixtures/demo/new\n")
    assert result.err == ""


def test_matrix_json_is_the_contract_document(run_cli: CliRunner) -> None:
    result = run_cli("matrix", "fixtures/demo/new", "--format", "json")
    document = json.loads(result.out)
    assert document["schema_version"] == 1
    assert document["source"] == "fixtures/demo/new"
    assert {"endpoints", "flows"} <= document.keys()
    assert document["incomplete"] is False


def test_fail_on_warnings_exits_1_and_still_reports(run_cli: CliRunner, tmp_path: Path) -> None:
    _write(tmp_path, "p.yaml", POLICY_WITH_WARNING)
    plain = run_cli("matrix", str(tmp_path))
    failing = run_cli("matrix", str(tmp_path), "--fail-on", "warnings")
    assert plain.status == 0
    assert failing.status == 1
    assert "[NPD002]" in failing.out


def test_keep_going_skips_bad_files_and_marks_the_report_incomplete(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    _write(tmp_path, "good.yaml", POLICY_WITH_WARNING)
    _write(tmp_path, "bad.yaml", "a: [1, 2\n")
    result = run_cli("matrix", str(tmp_path), "--keep-going", "--format", "json")
    document = json.loads(result.out)
    assert result.status == 0
    assert document["incomplete"] is True
    assert len(document["errors"]) == 1
    assert "bad.yaml (document 1, line 2)" in document["errors"][0]
    assert any(e.get("name") == "web" for e in document["endpoints"])
    failing = run_cli("matrix", str(tmp_path), "--keep-going", "--fail-on", "warnings")
    assert failing.status == 1
    assert "INCOMPLETE" in failing.out
