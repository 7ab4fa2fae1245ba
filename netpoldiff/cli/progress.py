"""The progress line: how far a long run has got, on a terminal's stderr, rewritten in place.

Shown only on a terminal, and only once a run has taken ``DELAY`` seconds: a quick run, a pipe,
a CI log or ``--quiet`` never see it. One line, rewritten after a carriage return, cleared before
anything else is written (the report on the same terminal, an error, the end of the run).

``NETPOLDIFF_PROGRESS_DELAY`` (seconds) replaces ``DELAY``: a hook for tests, which show the
line on runs that are quick.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Mapping
from typing import Final, TextIO

from netpoldiff.printable import printable

DELAY: Final = 2.0  # seconds before a run shows progress: a quicker answer needs none
DELAY_VARIABLE: Final = "NETPOLDIFF_PROGRESS_DELAY"
_REDRAW_AFTER: Final = 0.1  # seconds between two counts drawn: a terminal need not see more
_WIDTH: Final = 80  # columns when the terminal does not say


def delay_from(environ: Mapping[str, str]) -> float:
    """``DELAY``, or the seconds ``NETPOLDIFF_PROGRESS_DELAY`` gives (a test hook)."""
    try:
        return max(float(environ.get(DELAY_VARIABLE, DELAY)), 0.0)
    except ValueError:
        return DELAY


class StatusLine:
    """Progress shown as one line on ``stream``, a terminal; a ``Progress`` for the commands.

    ``report_on_terminal``: the report goes to the same terminal, so the line is cleared when
    the report begins; otherwise it says the report is being written until it is.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        report_on_terminal: bool,
        delay: float = DELAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._report_on_terminal = report_on_terminal
        self._delay = delay
        self._clock = clock
        self._started = clock()
        self._drawn_at = -_REDRAW_AFTER
        self._shown = ""  # the text on the terminal now
        self._finished = False

    def reading(self, what: str, done: int, total: int) -> None:
        """Files of ``what`` read so far (a count, redrawn at most ten times a second)."""
        self._show(f"reading {what}: {done:,} of {total:,} files", count=done < total)

    def evaluating(self, what: str, objects: int) -> None:
        """The evaluation of ``what`` begins."""
        self._show(f"evaluating {what}: {objects:,} objects", count=False)

    def reporting(self) -> None:
        """The report is built and written now."""
        if self._report_on_terminal:
            self.done()
        else:
            self._show("writing the report", count=False)

    def done(self) -> None:
        """Clear the line for good: the run has nothing more to show."""
        if self._shown:
            self._write(f"\r{' ' * len(self._shown)}\r")
            self._shown = ""
        self._finished = True

    def _show(self, text: str, *, count: bool) -> None:
        if self._finished:
            return
        now = self._clock()
        if now - self._started < self._delay:
            return
        if count and now - self._drawn_at < _REDRAW_AFTER:
            return
        self._drawn_at = now
        # Names in the text come from the input and the command line: escaped, and cut to the
        # terminal's width, since a line that wraps cannot be rewritten in place.
        line = printable(f"netpoldiff: {text}")[: self._columns() - 1]
        self._write(f"\r{line}{' ' * (len(self._shown) - len(line))}")
        self._shown = line

    def _columns(self) -> int:
        try:
            return os.get_terminal_size(self._stream.fileno()).columns or _WIDTH
        except (OSError, ValueError):
            return _WIDTH

    def _write(self, text: str) -> None:
        # Nobody may be reading stderr any more: progress is never worth failing for.
        with contextlib.suppress(OSError, ValueError):
            self._stream.write(text)
            self._stream.flush()


def status_line(stderr: TextIO, stdout: TextIO) -> StatusLine | None:
    """The progress line for this process's streams: None when stderr is no terminal."""
    if not _is_terminal(stderr):
        return None
    return StatusLine(stderr, report_on_terminal=_is_terminal(stdout), delay=delay_from(os.environ))


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False
