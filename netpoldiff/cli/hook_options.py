"""The options of ``netpoldiff hook install`` and ``hook run``: stages, refusal, the server's.

Declared once, like every option (options.py); the pre-receive ones (``--protect``,
``--timeout``, ``--on-timeout``, ``--cache-dir``) take their choices and defaults from the
modules that own them.
"""

from __future__ import annotations

from typing import get_args

import click

from netpoldiff.cli.options import compose
from netpoldiff.commands import HOOK_FAIL_ON, FailOn, OnTimeout

install_stage = compose(
    click.option("--pre-commit", "stage", flag_value="pre-commit", default=True, help="(default)"),
    click.option(
        "--pre-push", "stage", flag_value="pre-push", help="Check pushed commits instead."
    ),
    click.option(
        "--pre-merge-commit",
        "stage",
        flag_value="pre-merge-commit",
        help="Check what a merge commit brings in (git merge).",
    ),
    click.option(
        "--pre-receive",
        "stage",
        flag_value="pre-receive",
        help="Check pushes on the server (a bare repository's hooks/pre-receive).",
    ),
)
run_stage = compose(
    click.option("--pre-commit", "stage", flag_value="pre-commit", default=True, help="(default)"),
    click.option("--pre-push", "stage", flag_value="pre-push", help="Read git's pre-push input."),
    click.option(
        "--pre-merge-commit", "stage", flag_value="pre-merge-commit", help="HEAD against the merge."
    ),
    click.option(
        "--pre-receive", "stage", flag_value="pre-receive", help="Read git's pre-receive input."
    ),
)
hook_fail_on = click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(get_args(FailOn)),
    multiple=True,
    default=HOOK_FAIL_ON,
    show_default=True,
    help="What makes the hook refuse (repeatable); without it, the configuration's fail_on.",
)
force = click.option("--force", is_flag=True, help="Replace a hook that netpoldiff did not write.")
print_script = click.option(
    "--print",
    "print_script",
    is_flag=True,
    help="Print the hook's script instead of writing it (for a server's hook directory).",
)
protect = click.option(
    "--protect",
    "protect",
    multiple=True,
    metavar="PATTERN",
    help=(
        "pre-receive: also check this branch pattern, such as refs/heads/release/* "
        "(repeatable; the default branch always is)."
    ),
)
timeout = click.option(
    "--timeout",
    type=click.FloatRange(min=0, max=86400),
    metavar="SECONDS",
    help="pre-receive: the time limit (default: the configuration's, else 60; 0: none).",
)
on_timeout = click.option(
    "--on-timeout",
    type=click.Choice(get_args(OnTimeout)),
    help="pre-receive: refuse (the default) or accept a push whose check ran out of time.",
)
cache_dir = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    help="pre-receive: keep the conversion cache here (without it, no cache at all).",
)
