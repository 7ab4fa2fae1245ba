"""--keep-going on a file that breaks mid-stream: what came before the break still counts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRunner, assert_one_line_error

PODS = """\
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, labels: {app: db}}
spec: {containers: [{name: c}]}
"""
# The same two pods, then a third document whose YAML breaks.
BREAKS_IN_DOCUMENT_3 = PODS + "---\nkind: [\n"
BREAK = "pods.yaml (document 3, line 12): invalid YAML"


def test_keep_going_keeps_the_documents_before_a_break_and_marks_the_report_incomplete(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "pods.yaml").write_text(PODS, encoding="utf-8")
    (tmp_path / "new" / "pods.yaml").write_text(BREAKS_IN_DOCUMENT_3, encoding="utf-8")
    new = str(tmp_path / "new")
    assert_one_line_error(run_cli("matrix", new), BREAK)

    matrix = run_cli("matrix", new, "--keep-going", "--format", "json")
    assert matrix.status == 0, matrix.err
    report = json.loads(matrix.out)
    assert report["incomplete"] is True
    assert len(report["errors"]) == 1
    assert BREAK in report["errors"][0]
    assert [e["name"] for e in report["endpoints"] if e["type"] == "workload"] == ["db", "web"]

    # The pods before the break are still there: nothing reads as removed.
    diff = run_cli("diff", str(tmp_path / "old"), new, "--keep-going", "--format", "json")
    assert diff.status == 0, diff.err
    report = json.loads(diff.out)
    assert report["incomplete"] is True
    assert len(report["errors"]) == 1
    assert BREAK in report["errors"][0]
    assert report["removed_endpoints"] == []
    assert report["closed"] == []
