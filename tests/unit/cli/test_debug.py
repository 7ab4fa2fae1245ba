"""``--debug``: an option of every command, which re-raises an internal error wherever it occurs."""

from __future__ import annotations

import re

import pytest

from netpoldiff.cli import invocation, options, output
from tests.conftest import CliRunner

DEMO = ("fixtures/demo/old", "fixtures/demo/new")
EVERY_COMMAND = [
    DEMO,
    ("diff", *DEMO),
    ("matrix", DEMO[1]),
    ("hook", "install"),
    ("hook", "run"),
    ("pr-comment", "--repo", "o/r", "--pr", "7", *DEMO),
]
EVERY_COMMAND_IDS = ["default", "diff", "matrix", "hook-install", "hook-run", "pr-comment"]


def _boom(*_args: object, **_kwargs: object) -> None:
    message = "boom"
    raise RuntimeError(message)


@pytest.fixture
def broken_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail as a bug would where every command turns its options into settings."""
    monkeypatch.setattr(invocation, "_start_directory", _boom)


@pytest.mark.usefixtures("broken_settings")
@pytest.mark.parametrize("command", EVERY_COMMAND, ids=EVERY_COMMAND_IDS)
def test_every_command_takes_debug_and_reraises(run_cli: CliRunner, command: tuple[str]) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        run_cli(*command, "--debug")


@pytest.mark.usefixtures("broken_settings")
@pytest.mark.parametrize("command", EVERY_COMMAND, ids=EVERY_COMMAND_IDS)
def test_without_debug_an_internal_error_is_one_line_and_status_3(
    run_cli: CliRunner, command: tuple[str]
) -> None:
    result = run_cli(*command)
    assert (result.status, result.out) == (3, "")
    assert result.err == (
        "netpoldiff: internal error: RuntimeError: boom "
        "(run again with --debug for the traceback)\n"
    )


class _BrokenPattern:
    def fullmatch(self, _text: str) -> re.Match[str] | None:
        _boom()
        return None


def test_debug_after_an_option_that_fails_to_check_still_reraises(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before the command runs: --namespace is checked while click parses, and --debug comes later.
    monkeypatch.setattr(options, "_NAMESPACE_NAME", _BrokenPattern())
    with pytest.raises(RuntimeError, match="boom"):
        run_cli("matrix", DEMO[1], "--namespace", "web", "--debug")


def test_debug_reraises_an_error_in_writing_the_report(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After the command ran: only its report is left to write.
    monkeypatch.setattr(output, "inert_document", _boom)
    with pytest.raises(RuntimeError, match="boom"):
        run_cli(*DEMO, "--debug")
    assert run_cli(*DEMO).status == 3


def test_debug_after_double_dash_is_a_path_not_the_option(run_cli: CliRunner) -> None:
    result = run_cli("matrix", DEMO[1], "--", "--debug")
    assert result.status == 2
    assert result.err == (
        "netpoldiff: no manifest (*.yaml, *.yml, *.json) matches the paths --debug\n"
    )


@pytest.mark.usefixtures("broken_evaluator")
def test_debug_reraises_an_error_in_the_plain_command(run_cli: CliRunner) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        run_cli("matrix", "fixtures/demo/new", "--debug")
