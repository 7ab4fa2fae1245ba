"""``netpoldiff lint SOURCE`` on the command line."""

from __future__ import annotations

from collections.abc import Sequence

import click

from netpoldiff.cli import options
from netpoldiff.cli.output import run_on_source
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
    run_on_source(
        context,
        lint_command,
        source=source,
        output_format=output_format,
        fail_on=fail_on,
        output=output,
    )
