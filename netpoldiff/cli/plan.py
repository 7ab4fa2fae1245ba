"""``netpoldiff plan OLD NEW`` on the command line."""

from __future__ import annotations

import sys

import click

from netpoldiff.cli import options
from netpoldiff.cli.invocation import paths_from, settings_from
from netpoldiff.cli.output import write
from netpoldiff.commands import plan_command


@click.command("plan")
@click.argument("old")
@click.argument("new")
@options.plan_format
@options.common
@click.pass_context
def plan(
    context: click.Context,
    /,
    *,
    old: str,
    new: str,
    output_format: str,
    output: str | None,
    **_common: object,  # read by settings_from(context)
) -> None:
    """Order the steps from OLD to NEW so that no step cuts or exposes a flow.

    Each step applies or deletes one object; every intermediate state keeps the flows both
    OLD and NEW allow and opens none that neither allows, where such an order exists. Exit
    status 1 when none does (the plan names the windows) or the input was not all read.
    """
    settings = settings_from(context)
    workspace = settings.workspace()
    report = plan_command(
        workspace.source(old),
        workspace.source(new),
        paths_from(context),
        workspace=workspace,
        output_format=output_format,
        settings=settings,
    )
    write(report, output, settings)
    sys.exit(report.exit_status)
