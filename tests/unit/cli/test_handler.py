"""The handler: each kind of failure is one line on stderr and the status the contract gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliRunner, assert_one_line_error

DEMO = ("fixtures/demo/old", "fixtures/demo/new")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--staged", "HEAD", DEMO[1]), "--staged compares OLD with the index: give OLD only"),
        (
            ("matrix", DEMO[1], "--", "nothing.yaml"),
            "no manifest (*.yaml, *.yml, *.json) matches the paths nothing.yaml",
        ),
        ((*DEMO, "-o", ""), "--output: the file name is empty"),
        (
            ("matrix", DEMO[1], "--namespace", "Web"),
            (
                "Invalid value for '--namespace': 'Web' is not a namespace name: it must be a "
                "DNS label (at most 63 lowercase letters, digits and '-', starting and ending "
                "with a letter or digit) (see `netpoldiff matrix --help`)"
            ),
        ),
    ],
    ids=["staged-with-new", "paths-match-nothing", "empty-output", "click-usage"],
)
def test_usage_errors_are_one_line_with_status_2_and_the_same_words(
    run_cli: CliRunner, arguments: tuple[str, ...], message: str
) -> None:
    result = run_cli(*arguments)
    assert_one_line_error(result)
    assert result.err == f"netpoldiff: {message}\n"


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


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


@pytest.mark.usefixtures("broken_evaluator")
def test_internal_error_exits_3_with_a_hint_and_no_traceback(run_cli: CliRunner) -> None:
    result = run_cli("matrix", "fixtures/demo/new")
    assert result.status == 3
    assert result.err == (
        "netpoldiff: internal error: RuntimeError: boom "
        "(run again with --debug for the traceback)\n"
    )
