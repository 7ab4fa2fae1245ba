"""``netpoldiff lint``: the warnings of one source on the command line, in every format."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRunner, assert_one_line_error


def test_lint_prints_file_line_code_message_and_exits_zero(run_cli: CliRunner) -> None:
    result = run_cli("lint", "fixtures/lint-report")
    assert result.status == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("fixtures/lint-report/policies.yaml:12: NPD007 ")
    assert lines[-1] == "6 warnings in 2 files"
    assert result.err == ""


def test_fail_on_warnings_exits_1(run_cli: CliRunner) -> None:
    assert run_cli("lint", "fixtures/lint-report", "--fail-on", "warnings").status == 1
    assert run_cli("lint", "fixtures/demo/new", "--fail-on", "warnings").status == 0


def test_paths_after_the_separator_restrict_lint(run_cli: CliRunner) -> None:
    result = run_cli(
        "lint", "fixtures/lint-report", "--format", "json", "--", "fixtures/lint-report/shop.yaml"
    )
    codes = [w["code"] for w in json.loads(result.out)["warnings"]]
    assert codes == ["NPD001"]


def test_github_commands_reach_the_output_as_commands(run_cli: CliRunner, tmp_path: Path) -> None:
    # Every other report has its "::" lines made inert; this format writes them on purpose.
    result = run_cli("lint", "fixtures/lint-report", "--format", "github")
    assert result.out.startswith("::warning file=fixtures/lint-report/policies.yaml,line=12,")
    written = tmp_path / "annotations.txt"
    run_cli("lint", "fixtures/lint-report", "--format", "github", "--output", str(written))
    assert written.read_text(encoding="utf-8") == result.out


def test_an_unknown_source_is_one_line_error(run_cli: CliRunner) -> None:
    assert_one_line_error(run_cli("lint", "no-such-thing-here"), "no-such-thing-here")
