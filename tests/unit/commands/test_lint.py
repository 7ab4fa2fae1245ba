"""``lint_command``: one source's warnings, read as ``matrix`` reads it, and the gate on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netpoldiff.commands import MatrixFailOn, Report, Settings, lint_command
from netpoldiff.errors import InputError
from netpoldiff.sources import OnDisk, Workspace
from tests.conftest import REPO_ROOT

SETTINGS = Settings(REPO_ROOT, use_cache=False)
LINTED = OnDisk("fixtures/lint-report")
HOST_BITS = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  podSelector: {}
  ingress:
    - from:
        - ipBlock: {cidr: 10.0.0.1/8}
"""


def _json(report: Report) -> dict[str, Any]:
    document: dict[str, Any] = json.loads("".join(report.chunks))
    return document


def test_lint_gives_every_warning_matrix_gives_and_no_matrix() -> None:
    report = lint_command(LINTED, output_format="json", settings=SETTINGS)
    document = _json(report)
    codes = [w["code"] for w in document["warnings"]]
    assert codes == ["NPD007", "NPD002", "NPD008", "NPD003", "NPD006", "NPD001"]
    assert "flows" not in document
    assert report.exit_status == 0
    assert not report.workflow_commands


@pytest.mark.parametrize(
    ("fail_on", "configured", "status"),
    [((), "", 0), (("warnings",), "", 1), ((), "fail_on: [warnings]\n", 1)],
    ids=["no-gate", "fail-on-warnings", "configuration-fail-on"],
)
def test_warnings_fail_the_run_when_asked_or_configured(
    tmp_path: Path, fail_on: tuple[MatrixFailOn, ...], configured: str, status: int
) -> None:
    (tmp_path / "p.yaml").write_text(HOST_BITS, encoding="utf-8")
    if configured:
        (tmp_path / ".netpoldiff.yaml").write_text(configured, encoding="utf-8")
    settings = Settings(tmp_path, use_cache=False)
    report = lint_command(OnDisk("."), settings=settings, fail_on=fail_on)
    assert report.exit_status == status
    assert "\np.yaml:8: NPD002 " in "".join(report.chunks)


def test_the_namespace_option_reads_objects_that_name_none(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(HOST_BITS, encoding="utf-8")
    settings = Settings(tmp_path, use_cache=False, default_namespace="shop")
    report = lint_command(OnDisk("."), output_format="json", settings=settings)
    first = _json(report)["warnings"][0]
    assert (first["code"], first["file"], first["line"]) == ("NPD006", "p.yaml", 5)
    assert first["message"].startswith("shop/p: spec.podSelector selects no workload")


def test_invalid_input_stops_lint_unless_keep_going(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.yaml \(document 1, line 2\)"):
        lint_command(OnDisk(str(tmp_path)), settings=SETTINGS)
    lenient = Settings(REPO_ROOT, keep_going=True, use_cache=False)
    report = lint_command(OnDisk(str(tmp_path)), output_format="json", settings=lenient)
    assert (_json(report)["incomplete"], report.exit_status) == (True, 0)
    gated = lint_command(OnDisk(str(tmp_path)), settings=lenient, fail_on=["warnings"])
    assert gated.exit_status == 1  # an incomplete analysis vouches for nothing


def test_annotations_name_files_from_the_top_of_the_repository(tmp_path: Path) -> None:
    fixtures = Settings(REPO_ROOT / "fixtures", use_cache=False)
    workspace = Workspace.at(REPO_ROOT / "fixtures")
    report = lint_command(
        OnDisk("lint-report"), workspace=workspace, output_format="github", settings=fixtures
    )
    assert report.workflow_commands
    first = "".join(report.chunks).splitlines()[0]
    assert first.startswith("::warning file=fixtures/lint-report/policies.yaml,line=12,")
    del tmp_path
