"""``main``: PATHs after ``--``, and ``python -m netpoldiff``."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO_ROOT, CliRunner


def test_paths_after_double_dash_restrict_the_source(run_cli: CliRunner) -> None:
    result = run_cli("matrix", "fixtures/demo/new", "--format", "json", "--", "payments.yaml")
    namespaces = {e.get("namespace") for e in json.loads(result.out)["endpoints"]}
    assert namespaces == {"payments", None}


def test_module_entry_point_runs_in_a_subprocess() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "netpoldiff", "matrix", "fixtures/demo/old", "--format", "json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["source"] == "fixtures/demo/old"
