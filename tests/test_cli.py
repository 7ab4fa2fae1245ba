"""The command line as a user meets it: exit statuses, one-line errors, files and paths."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, CliRunner

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


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: [1, 2\n", "bad.yaml (document 1, line 2): invalid YAML"),
        (
            (
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
                "spec:\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/33}\n"
            ),
            "bad.yaml (document 1, line 7): spec.ingress[0].from[0].ipBlock.cidr: invalid CIDR",
        ),
    ],
    ids=["yaml-syntax", "invalid-cidr"],
)
def test_bad_input_is_one_line_on_stderr_with_status_2(
    run_cli: CliRunner, tmp_path: Path, text: str, fragment: str
) -> None:
    _write(tmp_path, "bad.yaml", text)
    result = run_cli("matrix", str(tmp_path))
    assert result.status == 2
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith("netpoldiff: ")
    assert fragment in result.err
    assert "Traceback" not in result.err


def test_missing_source_is_an_input_error(run_cli: CliRunner) -> None:
    result = run_cli("matrix", "no/such/dir")
    assert result.status == 2
    assert result.err == "netpoldiff: 'no/such/dir': no such revision, file or directory\n"


def test_unknown_option_is_a_usage_error(run_cli: CliRunner) -> None:
    result = run_cli("matrix", "fixtures/demo/new", "--no-such-option")
    assert result.status == 2
    assert "No such option" in result.err


@pytest.fixture
def broken_evaluator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the evaluator fail as a bug would."""

    def broken(*_args: object, **_kwargs: object) -> None:
        message = "boom"
        raise RuntimeError(message)

    monkeypatch.setattr("netpoldiff.commands.matrix.evaluate", broken)


@pytest.mark.usefixtures("broken_evaluator")
def test_internal_error_exits_3_with_a_hint_and_no_traceback(run_cli: CliRunner) -> None:
    result = run_cli("matrix", "fixtures/demo/new")
    assert result.status == 3
    assert result.err == (
        "netpoldiff: internal error: RuntimeError: boom "
        "(run again with --debug for the traceback)\n"
    )


@pytest.mark.usefixtures("broken_evaluator")
def test_debug_reraises_internal_errors(run_cli: CliRunner) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        run_cli("matrix", "fixtures/demo/new", "--debug")


def test_output_writes_the_report_to_a_file(run_cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "matrix.json"
    result = run_cli("matrix", "fixtures/demo/new", "--format", "json", "--output", str(target))
    assert result.status == 0
    assert result.out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["matrix.json"]  # no temporary left behind


def test_paths_after_double_dash_restrict_the_source(run_cli: CliRunner) -> None:
    result = run_cli("matrix", "fixtures/demo/new", "--format", "json", "--", "payments.yaml")
    namespaces = {e.get("namespace") for e in json.loads(result.out)["endpoints"]}
    assert namespaces == {"payments", None}


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


def test_version_and_help(run_cli: CliRunner) -> None:
    assert run_cli("--version").out.startswith("netpoldiff, version ")
    assert "matrix" in run_cli("--help").out


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


@pytest.mark.parametrize(
    ("arguments", "environment", "coloured"),
    [
        ((), {}, False),  # not a terminal
        (("--color", "always"), {}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),
    ],
    ids=[
        "auto-pipe",
        "always",
        "never-beats-force",
        "force",
        "no-color-beats-force",
        "always-beats-no-color",
    ],
)
def test_colour_follows_the_flag_then_no_color_then_force_color(
    run_cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    arguments: tuple[str, ...],
    environment: dict[str, str],
    coloured: bool,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = run_cli("fixtures/demo/old", "fixtures/demo/new", *arguments)
    assert result.status == 0
    assert ("\033[" in result.out) is coloured
    assert "Reachability: 2 opened, 1 closed." in result.out


def test_colour_is_off_when_writing_to_a_file(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    target = tmp_path / "report.txt"
    assert run_cli("fixtures/demo/old", "fixtures/demo/new", "-o", str(target)).status == 0
    assert "\033[" not in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "status"),
    [
        (("--exit-code",), 1),
        (("--fail-on", "opened"), 1),
        (("--fail-on", "closed"), 1),
        (("--fail-on", "any"), 1),
        (("--fail-on", "warnings"), 0),
        ((), 0),
    ],
    ids=[
        "exit-code",
        "fail-on-opened",
        "fail-on-closed",
        "fail-on-any",
        "fail-on-warnings",
        "plain",
    ],
)
def test_diff_exit_status_follows_the_gate(
    run_cli: CliRunner, arguments: tuple[str, ...], status: int
) -> None:
    result = run_cli("fixtures/demo/old", "fixtures/demo/new", *arguments)
    assert result.status == status
    assert result.out.endswith("Reachability: 2 opened, 1 closed.\n")


def test_a_change_that_moves_no_flow_passes_every_gate(run_cli: CliRunner) -> None:
    result = run_cli(
        "fixtures/policy-renamed/old",
        "fixtures/policy-renamed/new",
        "--exit-code",
        "--fail-on",
        "any",
    )
    assert result.status == 0
    assert result.out.endswith("No reachability changes.\n")


def test_writing_to_a_special_file_writes_through_and_never_replaces_it(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    # Like /dev/null or /dev/stdout: replacing the file atomically would destroy it.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = run_cli("fixtures/demo/old", "fixtures/demo/new", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.status == 0
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received
    assert received[0].endswith("Reachability: 2 opened, 1 closed.\n")
