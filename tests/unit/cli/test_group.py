"""The group: ``--version``, ``--help``, and ``diff`` when no command is named."""

from __future__ import annotations

import json

import click

from netpoldiff.cli.group import COMMANDS, cli
from tests.conftest import CliRunner


def test_version_and_help(run_cli: CliRunner) -> None:
    assert run_cli("--version").out.startswith("netpoldiff, version ")
    assert "matrix" in run_cli("--help").out


def test_without_a_command_the_group_runs_diff(run_cli: CliRunner) -> None:
    default = run_cli("fixtures/demo/old", "fixtures/demo/new", "--format", "json")
    named = run_cli("diff", "fixtures/demo/old", "fixtures/demo/new", "--format", "json")
    assert (default.status, default.err) == (0, "")
    assert default.out == named.out
    assert json.loads(default.out)["summary"] == {"opened": 2, "closed": 1}


def test_each_command_is_found_by_its_name_and_no_other() -> None:
    context = click.Context(cli)
    assert cli.list_commands(context) == sorted(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None
        assert command.name == name
    assert cli.get_command(context, "nope") is None
