"""The registry of report formats: what the command line offers, and what a format may import."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping

import click
import pytest

from netpoldiff.cli.group import cli
from netpoldiff.report.formats import DIFF_FORMATS, MATRIX_FORMATS
from tests.conftest import REPO_ROOT


def _format_choices(*command_path: str) -> list[str]:
    """The ``--format`` choices of a command of the command line, as click offers them."""
    command: click.Command | None = cli
    for name in command_path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    assert command is not None
    (option,) = [p for p in command.params if "--format" in p.opts]
    assert isinstance(option.type, click.Choice)
    return [str(choice) for choice in option.type.choices]


@pytest.mark.parametrize(
    ("command_path", "registry"),
    [(("diff",), DIFF_FORMATS), (("matrix",), MATRIX_FORMATS), (("hook", "run"), DIFF_FORMATS)],
    ids=["diff", "matrix", "hook-run"],
)
def test_format_choices_are_the_registry_keys_in_order(
    command_path: tuple[str, ...], registry: Mapping[str, object]
) -> None:
    assert _format_choices(*command_path) == list(registry)


def test_formats_keep_their_order_text_markdown_json_dot() -> None:
    assert list(DIFF_FORMATS) == ["text", "markdown", "json", "dot"]
    assert list(MATRIX_FORMATS) == ["text", "json"]


def _imports_tabulate(*args: str) -> bool:
    """Whether a run of netpoldiff imports tabulate (``-X importtime`` lists every import)."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "netpoldiff", *args, "--no-cache"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()}
    return "tabulate" in imported


@pytest.mark.parametrize(
    "args",
    [
        ("fixtures/demo/old", "fixtures/demo/new", "--format", "json"),
        ("fixtures/demo/old", "fixtures/demo/new", "--format", "markdown"),
        ("fixtures/demo/old", "fixtures/demo/new", "--format", "dot"),
        ("matrix", "fixtures/demo/new", "--format", "json"),
    ],
    ids=["diff-json", "diff-markdown", "diff-dot", "matrix-json"],
)
def test_tabulate_is_imported_only_when_a_table_is_drawn(args: tuple[str, ...]) -> None:
    # Start-up time is paid on every run (a hook runs on every commit), and the registry
    # imports every format: the text format imports tabulate where it draws a table.
    assert not _imports_tabulate(*args)


def test_the_text_format_imports_tabulate_when_it_draws_a_table() -> None:
    # The other side of the test above: the scan of imports sees tabulate when it is used.
    assert _imports_tabulate("matrix", "fixtures/demo/new", "--format", "text")
