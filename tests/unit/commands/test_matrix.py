"""``matrix_command``: the reachability matrix of one source, and the status its gate implies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netpoldiff.commands import MatrixFailOn, Report, Settings, matrix_command
from netpoldiff.errors import InputError
from netpoldiff.sources import HEAD, OnDisk, Revision
from tests.conftest import REPO_ROOT
from tests.testing.gitrepo import demo_repository

SETTINGS = Settings(REPO_ROOT, use_cache=False)
NEW = OnDisk("fixtures/demo/new")
POLICY_WITH_WARNING = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: a}
spec:
  podSelector: {}
  ingress:
    - from:
        - ipBlock: {cidr: 10.0.0.1/8}
"""


def _json(report: Report) -> dict[str, Any]:
    document: dict[str, Any] = json.loads("".join(report.chunks))
    return document


def test_the_matrix_of_a_directory_is_a_text_report_by_default() -> None:
    report = matrix_command(NEW, settings=SETTINGS)
    assert "".join(report.chunks).startswith("Reachability matrix of fixtures/demo/new\n")
    assert (report.exit_status, report.changed) == (0, False)


def test_the_json_matrix_names_the_source_as_written(tmp_path: Path) -> None:
    repo = demo_repository(tmp_path / "repo")
    settings = Settings(repo.root, use_cache=False)
    head = _json(matrix_command(HEAD, output_format="json", settings=settings))
    parent = _json(matrix_command(Revision("HEAD~1"), output_format="json", settings=settings))
    assert (head["source"], parent["source"]) == ("HEAD", "HEAD~1")
    assert head["flows"] != parent["flows"]
    assert (
        head["flows"]
        == _json(matrix_command(NEW, output_format="json", settings=SETTINGS))["flows"]
    )


def test_paths_restrict_the_source() -> None:
    report = matrix_command(NEW, ["payments.yaml"], output_format="json", settings=SETTINGS)
    namespaces = {e.get("namespace") for e in _json(report)["endpoints"]}
    assert namespaces == {"payments", None}  # None: the outside world


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    (tmp_path / "p.yaml").write_text(POLICY_WITH_WARNING, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("fail_on", "status"), [((), 0), (("warnings",), 1)], ids=["no-gate", "fail-on-warnings"]
)
def test_warnings_fail_the_run_only_when_asked(
    warned: Path, fail_on: tuple[MatrixFailOn, ...], status: int
) -> None:
    report = matrix_command(OnDisk(str(warned)), settings=SETTINGS, fail_on=fail_on)
    assert report.exit_status == status
    assert "[NPD002]" in "".join(report.chunks)


def test_invalid_input_stops_the_run_unless_keep_going(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.yaml \(document 1, line 2\): invalid YAML"):
        matrix_command(OnDisk(str(tmp_path)), settings=SETTINGS)
    lenient = Settings(REPO_ROOT, keep_going=True, use_cache=False)
    report = matrix_command(OnDisk(str(tmp_path)), output_format="json", settings=lenient)
    assert report.exit_status == 0
    assert _json(report)["incomplete"] is True
    gated = matrix_command(OnDisk(str(tmp_path)), settings=lenient, fail_on=["warnings"])
    assert gated.exit_status == 1  # no warning, but an incomplete analysis vouches for nothing
