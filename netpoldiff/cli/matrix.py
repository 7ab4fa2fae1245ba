"""``netpoldiff matrix SOURCE`` on the command line."""

from __future__ import annotations

from collections.abc import Sequence

import click

from netpoldiff.cli import options
from netpoldiff.cli.output import run_on_source
from netpoldiff.commands import MatrixFailOn, matrix_command


@click.command("matrix")
@click.argument("source")
@options.matrix_format
@options.matrix_fail_on
@options.common
@click.pass_context
def matrix(
    context: click.Context,
    /,
    *,
    source: str,
    output_format: str,
    fail_on: Sequence[MatrixFailOn],
    output: str | None,
    **_common: object,  # read by settings_from(context)
) -> None:
    """Print the reachability matrix of SOURCE (a directory, a file or a git revision).

    PATHS after -- restrict the analysis to those files or folders.
    """
    run_on_source(
        context,
        matrix_command,
        source=source,
        output_format=output_format,
        fail_on=fail_on,
        output=output,
    )
