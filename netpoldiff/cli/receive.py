"""``hook run --pre-receive`` on the command line: git's input read whole, the check time-limited.

The check runs in a child process (``python -m netpoldiff.cli.receive``) that gets the job on
its input; this process waits at most the time limit, relays what the child wrote, and answers
git with its exit status. When the time is up, the child's whole session is killed and one
line says what was decided (``on_timeout``).
"""

from __future__ import annotations

import pickle
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, NoReturn

from netpoldiff.cli.handler import exit_status
from netpoldiff.cli.invocation import Invocation
from netpoldiff.cli.output import say, write
from netpoldiff.cli.process import leave_frozen, prepare
from netpoldiff.commands import pre_receive_command, protection, run_within
from netpoldiff.commands.progress import SILENT
from netpoldiff.errors import SourceError

if TYPE_CHECKING:
    from netpoldiff.commands import ReceiveJob, Report, Settings

EXIT_TIMED_OUT = 2  # no answer about the change: refused as an error is


def read_input() -> tuple[str, ...]:
    """Git's input, whole: the job carries it to the child (a terminal there means none)."""
    if sys.stdin is None or sys.stdin.isatty():
        return ()
    try:
        return tuple(sys.stdin.read().splitlines())
    except UnicodeDecodeError:
        msg = "pre-receive: the input from git is not text"
        raise SourceError(msg) from None


def run_pre_receive(job: ReceiveJob, output: str | None) -> NoReturn:
    """Run the check within the time limit (in this process when there is none); exit."""
    protected = protection(job)
    if protected.timeout == 0:
        _finish(pre_receive_command(job, protected=protected), output, job.settings)
    # No progress line: nobody watches a hook's stderr as a terminal.
    sent = replace(job, timeout=0, settings=replace(job.settings, progress=SILENT))
    finished = run_within(
        [sys.executable, "-m", "netpoldiff.cli.receive"],
        pickle.dumps((sent, output, protected)),  # read once, here: the child is given it
        protected.timeout,
        job.settings.start,
    )
    if finished is None:
        limit = f"{protected.timeout:g} s"
        if protected.on_timeout == "accept":
            say(f"time limit of {limit} reached: push accepted unchecked (on_timeout: accept)")
            sys.exit(0)
        say(f"time limit of {limit} reached: push refused unchecked (on_timeout: refuse)")
        sys.exit(EXIT_TIMED_OUT)
    sys.stdout.write(finished.stdout.decode("utf-8", "replace"))
    sys.stdout.flush()
    sys.stderr.write(finished.stderr.decode("utf-8", "replace"))
    sys.stderr.flush()
    sys.exit(finished.status)


def _finish(report: Report, output: str | None, settings: Settings) -> NoReturn:
    # The report ends with the refusal and how to proceed: git relays it to the pusher.
    write(report, output, settings)
    sys.exit(report.exit_status)


def _child() -> None:
    """The time-limited run: the job from the parent on standard input."""
    # Sent by the parent netpoldiff through a pipe only it holds, never read from elsewhere.
    job, output, protected = pickle.loads(sys.stdin.buffer.read())  # noqa: S301
    prepare()  # as the command line is
    try:
        with exit_status(Invocation()):
            _finish(pre_receive_command(job, protected=protected), output, job.settings)
    finally:
        leave_frozen()


if __name__ == "__main__":
    _child()
