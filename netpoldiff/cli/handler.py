"""The one place a failure becomes a line on stderr and an exit status."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Final

import click

from netpoldiff.cli.invocation import Invocation
from netpoldiff.cli.output import discard_stdout, say
from netpoldiff.errors import NetpoldiffError, UsageError

# The contract gives a misused command line and unusable input the same status, and a run
# stopped before its end (Ctrl-C) that status too: it gave no answer.
EXIT_USAGE_ERROR: Final = 2
EXIT_INPUT_ERROR: Final = 2
EXIT_INTERRUPTED: Final = 2
EXIT_INTERNAL_ERROR: Final = 3
# The reader of the report went away (``| head``): what a shell shows for a process that
# SIGPIPE ended. Not 0, since a report nobody read vouches for nothing; never 1, which
# means --fail-on matched.
EXIT_READER_GONE: Final = 128 + 13


class _ReaderGone(Exception):  # noqa: N818 - a signal, turned into EXIT_READER_GONE below
    """The reader of the output closed it; not an OSError, so click does not exit 1 on it."""


class _Interrupted(Exception):  # noqa: N818 - a signal, like _ReaderGone
    """Ctrl-C during a command: one line from the handler, not click's blank line and "Aborted!"."""


@contextlib.contextmanager
def past_click() -> Iterator[None]:
    """Inside click: a closed output and Ctrl-C pass click by, for ``exit_status`` to answer."""
    # click answers EPIPE itself with exit status 1, which means --fail-on matched, and
    # Ctrl-C with a blank line and "Aborted!".
    try:
        yield
    except BrokenPipeError:
        raise _ReaderGone from None
    except KeyboardInterrupt:
        raise _Interrupted from None


@contextlib.contextmanager
def exit_status(invocation: Invocation) -> Iterator[None]:
    """Map every failure of the run to one line on stderr and an exit status.

    ``--debug`` (recorded in ``invocation`` by click) re-raises instead, with the traceback.
    The progress line is cleared first, however the run ends.
    """
    try:
        try:
            yield
        finally:
            if invocation.status is not None:
                invocation.status.done()
    except (click.exceptions.Exit, click.ClickException, click.Abort) as error:
        sys.exit(_click_status(error))
    except (_ReaderGone, BrokenPipeError):
        # Not an error of ours, and nothing more to say to anyone.
        discard_stdout()
        sys.exit(EXIT_READER_GONE)
    except _Interrupted:
        if sys.stderr.isatty():
            sys.stderr.write("\n")  # past the ^C the terminal echoed
        say("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:
        if invocation.debug:
            raise
        sys.exit(_error_status(error))


def _error_status(error: Exception) -> int:
    """Say what went wrong in one line; the exit status it gives."""
    match error:
        case UsageError():
            # The command line asks for something impossible or leaves out what it needs.
            say(str(error))
            return EXIT_USAGE_ERROR
        case NetpoldiffError():
            # SourceError, InputError, WriteError: what is read or written.
            say(str(error))
            return EXIT_INPUT_ERROR
        case OSError():
            # The environment failed (a file, a disk, a permission, a name too long), not us.
            where = f"{error.filename}: " if error.filename is not None else ""
            say(f"{where}{error.strerror or error}")
            return EXIT_INPUT_ERROR
        case _:
            say(
                f"internal error: {type(error).__name__}: {error} "
                "(run again with --debug for the traceback)"
            )
            return EXIT_INTERNAL_ERROR


def _click_status(error: click.exceptions.Exit | click.ClickException | click.Abort) -> int:
    """Exit status for click's own outcomes: --help/--version, usage errors, Ctrl-C."""
    if isinstance(error, click.exceptions.Exit):
        return error.exit_code
    if isinstance(error, click.UsageError):
        # One line, like every other error: the problem and where to read more.
        command = error.ctx.command_path if error.ctx is not None else "netpoldiff"
        say(f"{error.format_message()} (see `{command} --help`)")
        return EXIT_USAGE_ERROR
    if isinstance(error, click.ClickException):
        say(error.format_message())  # click's others, such as a file it could not open
        return EXIT_INPUT_ERROR
    say("aborted")
    return EXIT_INTERRUPTED
