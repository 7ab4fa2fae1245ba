"""The options about the run itself: ``--quiet`` here (``-C`` and ``--debug`` have their own tests).

``-C``: tests/unit/cli/test_invocation.py; ``--debug``: tests/unit/cli/test_debug.py.
"""

from __future__ import annotations

import io
from pathlib import Path

import click
import pytest

from netpoldiff.cli import options
from netpoldiff.cli.invocation import Invocation, settings_from
from netpoldiff.cli.progress import StatusLine
from netpoldiff.commands import Settings
from netpoldiff.commands.progress import SILENT


@click.command()
@options.common
@click.pass_context
def _settings(context: click.Context, /, **_options: object) -> Settings:
    return settings_from(context)


@pytest.mark.parametrize(
    ("args", "shown"),
    [((), True), (("--quiet",), False), (("-q",), False)],
    ids=["default", "quiet", "q"],
)
def test_quiet_keeps_the_progress_line_from_the_command(
    args: tuple[str, ...], *, shown: bool, tmp_path: Path
) -> None:
    status = StatusLine(io.StringIO(), report_on_terminal=False)
    invocation = Invocation(status=status)
    settings = _settings.main(
        args=["-C", str(tmp_path), *args], standalone_mode=False, obj=invocation
    )
    assert settings.progress is (status if shown else SILENT)


def test_without_a_terminal_there_is_no_progress_line_to_keep(tmp_path: Path) -> None:
    settings = _settings.main(args=["-C", str(tmp_path)], standalone_mode=False, obj=Invocation())
    assert settings.progress is SILENT
