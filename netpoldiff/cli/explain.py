"""``netpoldiff explain SOURCE FROM TO`` on the command line."""

from __future__ import annotations

import sys

import click

from netpoldiff.cli import options
from netpoldiff.cli.invocation import paths_from, settings_from
from netpoldiff.cli.output import write
from netpoldiff.commands import Port, explain_command


@click.command("explain")
@click.argument("source")
@click.argument("from_text", metavar="FROM")
@click.argument("to_text", metavar="TO")
@options.port
@options.explain_format
@options.common
@click.pass_context
def explain(
    context: click.Context,
    /,
    *,
    source: str,
    from_text: str,
    to_text: str,
    port: Port | None,
    output_format: str,
    output: str | None,
    **_common: object,  # read by settings_from(context)
) -> None:
    """Why FROM may or may not open connections to TO in SOURCE, rule by rule.

    FROM and TO are ns/name, ns/name[Kind] or an IP address (outside the cluster). PATHS
    after -- restrict the analysis to those files or folders.
    """
    settings = settings_from(context)
    workspace = settings.workspace()
    report = explain_command(
        workspace.source(source),
        from_text,
        to_text,
        paths_from(context),
        port=port,
        workspace=workspace,
        output_format=output_format,
        settings=settings,
    )
    write(report, output, settings)
    sys.exit(report.exit_status)
