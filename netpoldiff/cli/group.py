"""The ``netpoldiff`` command group, which runs ``diff`` when no command is named.

Each command's module is imported when that command runs (or ``--help`` lists them): a run
pays only for its own command, and ``--version`` for none. A git hook starts netpoldiff on
every commit, so start-up time is paid where it shows most.
"""

from __future__ import annotations

import importlib
from typing import Any, Final

import click

from netpoldiff import __version__
from netpoldiff.cli.handler import past_click
from netpoldiff.cli.invocation import Invocation
from netpoldiff.cli.run_options import directory

DEFAULT_COMMAND: Final = "diff"
# Each command's name, and the module and name of its click command.
COMMANDS: Final = {
    "diff": ("netpoldiff.cli.diff", "diff"),
    "matrix": ("netpoldiff.cli.matrix", "matrix"),
    "lint": ("netpoldiff.cli.lint", "lint"),
    "plan": ("netpoldiff.cli.plan", "plan"),
    "explain": ("netpoldiff.cli.explain", "explain"),
    "hook": ("netpoldiff.cli.hooks", "hook"),
    "pr-comment": ("netpoldiff.cli.pr_comment", "pr_comment"),
}


class _LazyDefaultGroup(click.Group):
    """Runs ``diff`` when the first word is not a command: ``netpoldiff A B``.

    Commands are imported when they are looked up, not when the group is made.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:  # noqa: ARG002 - click's signature
        """Every command's name, without importing any."""
        return sorted(COMMANDS)

    def get_command(
        self,
        ctx: click.Context,  # noqa: ARG002 - click's signature
        cmd_name: str,
    ) -> click.Command | None:
        """The command named ``cmd_name``, its module imported now."""
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), name)
        return command

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
            rest[0] not in self.list_commands(ctx) and rest[0] not in {"--help", "-h", "--version"}
        ):
            args = [*args[:position], DEFAULT_COMMAND, *rest]
        with past_click():  # --help and --version print here
            return super().parse_args(ctx, args)


@click.group(cls=_LazyDefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netpoldiff")
@directory
@click.pass_context
def cli(context: click.Context, directory: str | None) -> None:
    """What a change does to who-can-talk-to-whom: Kubernetes NetworkPolicy reachability.

    Without a command, runs diff: "netpoldiff HEAD~1 HEAD", "netpoldiff main...HEAD", or
    "netpoldiff" alone for HEAD against the working tree.
    """
    context.ensure_object(Invocation).directory = directory
