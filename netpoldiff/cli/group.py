"""The ``netpoldiff`` command group, which runs ``diff`` when no command is named."""

from __future__ import annotations

from typing import Any, Final

import click

from netpoldiff import __version__
from netpoldiff.cli import options
from netpoldiff.cli.diff import diff
from netpoldiff.cli.explain import explain
from netpoldiff.cli.handler import past_click
from netpoldiff.cli.hooks import hook
from netpoldiff.cli.invocation import Invocation
from netpoldiff.cli.lint import lint
from netpoldiff.cli.matrix import matrix
from netpoldiff.cli.plan import plan
from netpoldiff.cli.pr_comment import pr_comment

DEFAULT_COMMAND: Final = "diff"


class _DefaultGroup(click.Group):
    """A group that runs ``diff`` when the first word is not a command: ``netpoldiff A B``."""

    def invoke(self, ctx: click.Context) -> Any:  # noqa: ANN401 - click's own signature
        """Run the command; a closed output ends it with EXIT_READER_GONE, never click's 1."""
        with past_click():
            return super().invoke(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        position = 0
        while position < len(args) and args[position] == "-C":
            position += 2  # the group's own -C DIR
        rest = args[position:]
        if not rest or (
            rest[0] not in self.commands and rest[0] not in {"--help", "-h", "--version"}
        ):
            args = [*args[:position], DEFAULT_COMMAND, *rest]
        with past_click():  # --help and --version print here
            return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netpoldiff")
@options.directory
@click.pass_context
def cli(context: click.Context, directory: str | None) -> None:
    """What a change does to who-can-talk-to-whom: Kubernetes NetworkPolicy reachability.

    Without a command, runs diff: "netpoldiff HEAD~1 HEAD", "netpoldiff main...HEAD", or
    "netpoldiff" alone for HEAD against the working tree.
    """
    context.ensure_object(Invocation).directory = directory


for _command in (diff, matrix, lint, plan, explain, hook, pr_comment):
    cli.add_command(_command)
