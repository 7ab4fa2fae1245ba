"""The options about the run itself, not what it reads or reports: ``-C``, ``--debug``, ``--quiet``.

Apart from ``options.py`` because the group declares ``-C`` too, and the group is imported by
every run, ``--version`` included: this module imports click and nothing heavier.
"""

from __future__ import annotations

import click

from netpoldiff.cli.invocation import Invocation


def _remember_debug(context: click.Context, _parameter: click.Parameter, value: bool) -> None:
    invocation = context.find_object(Invocation)
    if value and invocation is not None:
        invocation.debug = True


directory = click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False),
    help="Run as if started in this directory.",
)
# Eager: recorded before any other option of the command is checked, so an error in
# checking them, in the command or in writing its report all see it.
debug = click.option(
    "--debug",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_remember_debug,
    help="Show the full traceback of an internal error.",
)
quiet = click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Show no progress line (shown on a terminal once a run takes more than 2 seconds).",
)
