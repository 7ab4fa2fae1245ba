"""Where a report goes: standard output or --output FILE, in colour or not; the stderr line."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from netpoldiff.cli.invocation import paths_from, settings_from
from netpoldiff.errors import UsageError, WriteError
from netpoldiff.printable import inert_document, printable

if TYPE_CHECKING:
    # Types only: the handler imports this module on every run, ``--version`` included.
    import click

    from netpoldiff.commands import MatrixFailOn
    from netpoldiff.commands.shared import Report, Settings
    from netpoldiff.sources import Source, Workspace

ColorMode = Literal["auto", "always", "never"]


def use_color(mode: ColorMode, output: str | None) -> bool:
    """Colour only on a terminal: --color, then NO_COLOR / FORCE_COLOR, then isatty."""
    if mode != "auto":
        return mode == "always"
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


class SourceCommand(Protocol):
    """A command on one source (``matrix``, ``lint``): the report, and its exit status."""

    def __call__(
        self,
        source: Source,
        paths: Sequence[str],
        /,
        *,
        workspace: Workspace,
        output_format: str,
        settings: Settings,
        fail_on: Sequence[MatrixFailOn],
    ) -> Report:
        """The report of ``source``."""
        ...


def run_on_source(
    context: click.Context,
    command: SourceCommand,
    *,
    source: str,
    output_format: str,
    fail_on: Sequence[MatrixFailOn],
    output: str | None,
) -> None:
    """Run a source command as the command line asked, write its report, exit with its status."""
    settings = settings_from(context)
    workspace = settings.workspace()
    report = command(
        workspace.source(source),
        paths_from(context),
        workspace=workspace,
        output_format=output_format,
        settings=settings,
        fail_on=fail_on,
    )
    write(report, output, settings)
    sys.exit(report.exit_status)


def write(report: Report, output: str | None, settings: Settings) -> None:
    """Send the report to a file (replaced atomically) or to standard output.

    A relative FILE is relative to where the command runs (``-C DIR`` included). Every
    piece passes ``inert_document``: nothing from the input acts on a terminal or a CI log.
    """
    chunks = inert_document(report.chunks, workflow_commands=report.workflow_commands)
    if output is None:
        _to_stdout(chunks)
    else:
        _to_output(chunks, output, settings)
    settings.progress.done()  # the progress line goes before the command says more on stderr


def _to_output(chunks: Iterable[str], output: str, settings: Settings) -> None:
    """The report in ``--output FILE``, relative to where the command runs."""
    if not output:
        msg = "--output: the file name is empty"
        raise UsageError(msg)
    target = settings.start / output
    try:
        if not target.parent.is_dir():
            msg = f"{output}: cannot write the report: no such directory {target.parent}"
            raise WriteError(msg)
        _to_file(chunks, target)
    except BrokenPipeError:
        raise  # the reader of a pipe went away: the handler's to answer, not an error
    except OSError as error:
        # A full disk, a read-only file system, a directory we may not write in: the
        # environment's doing, one line like every other error.
        msg = f"{output}: cannot write the report: {error.strerror or error}"
        raise WriteError(msg) from None


def _to_stdout(chunks: Iterable[str]) -> None:
    try:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader went away (``| head``): the handler's to answer, not an error
    except OSError as error:
        discard_stdout()  # else the interpreter's last flush fails again, with a traceback
        msg = f"cannot write the report to standard output: {error.strerror or error}"
        raise WriteError(msg) from None


def _to_file(chunks: Iterable[str], target: Path) -> None:
    if target.exists() and not target.is_file():
        # /dev/null, a pipe, /dev/stdout: write through, never replace the special file.
        with target.open("w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.writelines(chunks)
        return
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as error:
        # The report replaces FILE atomically, through a new file beside it.
        msg = f"cannot create a file in {target.parent}: {error.strerror or error}"
        raise OSError(error.errno, msg) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.writelines(chunks)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def discard_stdout() -> None:
    """Point standard output at the null device: what is still buffered for it goes nowhere."""
    with contextlib.suppress(OSError, ValueError):  # no file descriptor (captured in tests)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def say(message: str) -> None:
    """The one line netpoldiff writes on stderr: ``netpoldiff: <message>``, input escaped."""
    # Nobody may be reading stderr any more: the exit status still tells.
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"netpoldiff: {printable(message)}\n")
        sys.stderr.flush()
