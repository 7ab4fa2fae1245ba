"""The command line: click options, output streams, and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import click

from netpoldiff import __version__
from netpoldiff.commands import FailOn, MatrixFormat, Report, matrix_command
from netpoldiff.errors import NetpoldiffError

EXIT_INPUT_ERROR: Final = 2
EXIT_INTERNAL_ERROR: Final = 3

F = TypeVar("F", bound=Callable[..., Any])


def _common_options(function: F) -> F:
    """Options every analysing command takes, defined once."""
    decorators = [
        click.option(
            "--output",
            "-o",
            "output",
            type=click.Path(dir_okay=False, writable=True),
            help="Write the report to this file instead of standard output.",
        ),
        click.option(
            "--namespace",
            "default_namespace",
            default="default",
            show_default=True,
            help="Namespace of objects that do not name one.",
        ),
        click.option(
            "--keep-going",
            is_flag=True,
            help="Skip unreadable or invalid input and mark the report incomplete.",
        ),
        click.option(
            "--fail-on",
            "fail_on",
            type=click.Choice(["warnings"]),
            multiple=True,
            help="Exit 1 when the input has warnings (or the analysis is incomplete).",
        ),
        click.option("--debug", is_flag=True, help="Show the full traceback of an internal error."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def _write(report: Report, output: str | None) -> None:
    """Send the report to a file (replaced atomically) or to standard output."""
    if output is None:
        for chunk in report.chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    target = Path(output)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as stream:
            for chunk in report.chunks:
                stream.write(chunk)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netpoldiff")
def cli() -> None:
    """What a change does to who-can-talk-to-whom: Kubernetes NetworkPolicy reachability."""


@cli.command("matrix")
@click.argument("source")
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@_common_options
def matrix(
    *,
    source: str,
    paths: Sequence[str],
    output_format: MatrixFormat,
    output: str | None,
    default_namespace: str,
    keep_going: bool,
    fail_on: Sequence[FailOn],
    debug: bool,  # noqa: ARG001 - read from argv by main() before click runs
) -> None:
    """Print the reachability matrix of SOURCE (a directory or file of manifests).

    PATHS (after --) restrict the analysis to those files or folders of SOURCE.
    """
    report = matrix_command(
        source,
        paths,
        output_format=output_format,
        default_namespace=default_namespace,
        keep_going=keep_going,
        fail_on=fail_on,
    )
    _write(report, output)
    sys.exit(report.exit_status)


def main(argv: Iterable[str] | None = None) -> None:
    """Run the command line; map every failure to one line on stderr and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    # Names from manifests may not be encodable on this terminal: never fail on printing them.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        cli.main(args=args, prog_name="netpoldiff", standalone_mode=False)
    except (click.exceptions.Exit, click.ClickException, click.Abort) as error:
        sys.exit(_click_status(error))
    except BrokenPipeError:
        # The reader went away (``| head``): not an error of ours. Point stdout at devnull
        # so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except Exception as error:
        if debug:
            raise
        if isinstance(error, NetpoldiffError):
            click.echo(f"netpoldiff: {error}", err=True)
            sys.exit(EXIT_INPUT_ERROR)
        click.echo(
            f"netpoldiff: internal error: {type(error).__name__}: {error} "
            "(run again with --debug for the traceback)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL_ERROR)


def _click_status(error: click.exceptions.Exit | click.ClickException | click.Abort) -> int:
    """Exit status for click's own outcomes: --help/--version, usage errors, Ctrl-C."""
    if isinstance(error, click.exceptions.Exit):
        return error.exit_code
    if isinstance(error, click.ClickException):
        error.show()
    else:
        click.echo("netpoldiff: aborted", err=True)
    return EXIT_INPUT_ERROR
