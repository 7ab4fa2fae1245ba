"""``main`` and ``run``: PATHs after ``--``, ``python -m netpoldiff``, the program's exit."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from netpoldiff.cli import run
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


def test_a_run_leaves_nothing_young_for_the_collector_to_rescan(run_cli: CliRunner) -> None:
    young: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 0:
            young.append(len(gc.get_objects(generation=0)))

    gc.callbacks.append(count)
    try:
        result = run_cli("matrix", "fixtures/demo/old", "--format", "json")
        garbage = [[index] for index in range(10_000)]  # enough to start a young collection
    finally:
        gc.callbacks.remove(count)
    assert result.status == 0, result.err
    assert garbage
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    # The run's own objects are old: a young collection sees only what was made since.
    assert young
    assert max(young) < 2 * gc.get_threshold()[0]


def test_the_program_exits_with_the_run_s_objects_frozen(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The collection the interpreter makes as it exits then skips them (see run).
    monkeypatch.setattr(sys, "argv", ["netpoldiff", "--version"])
    try:
        run()  # a run that succeeds returns: status 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert capsys.readouterr().out.startswith("netpoldiff, version ")


def test_the_installed_program_is_run() -> None:
    (script,) = entry_points(group="console_scripts", name="netpoldiff")
    assert script.value == "netpoldiff.cli:run"
