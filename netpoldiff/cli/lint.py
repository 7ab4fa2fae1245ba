"""``netpoldiff lint SOURCE`` on the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from netpoldiff.cli import options
from netpoldiff.cli.invocation import paths_from, settings_from
from netpoldiff.cli.output import write
from netpoldiff.commands import MatrixFailOn, lint_command


@click.command("lint")
@click.argument("source")
@options.lint_format
@options.matrix_fail_on
@options.common
@click.pass_context
def lint(
    context: click.Context,
    /,
    *,
    source: str,
    output_format: str,
    fail_on: Sequence[MatrixFailOn],
    output: str | None,
    **_common: object,  # read by settings_from(context)
) -> None:
    """List the likely mistakes in SOURCE (a directory, a file or a git revision).

    One line per warning, by file and line (--format sarif for code scanning, github for
    annotations in GitHub Actions). PATHS after -- restrict the analysis to those files or
    folders.
    """
    settings = settings_from(context)
    workspace = settings.workspace()
    report = lint_command(
        workspace.source(source),
        paths_from(context),
        workspace=workspace,
        output_format=output_format,
        settings=settings,
        fail_on=fail_on,
    )
    write(report, output, settings)
    sys.exit(report.exit_status)
