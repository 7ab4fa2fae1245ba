"""The progress line: shown on a terminal after the delay, rewritten in place, then cleared."""

from __future__ import annotations

import io

import pytest

from netpoldiff.cli.progress import DELAY, StatusLine, delay_from, status_line


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    """What was written to stderr; says it is a terminal 40 columns wide."""

    def isatty(self) -> bool:
        return True


def _line(*, report_on_terminal: bool = False) -> tuple[StatusLine, Terminal, Clock]:
    stream, clock = Terminal(), Clock()
    return StatusLine(stream, report_on_terminal=report_on_terminal, clock=clock), stream, clock


def test_nothing_is_shown_before_the_delay_and_each_phase_after_it() -> None:
    line, stream, clock = _line()
    line.reading("HEAD", 10, 100)
    clock.now += DELAY - 0.01
    line.evaluating("HEAD", 5)
    assert stream.getvalue() == ""

    clock.now += 0.01
    line.reading("HEAD (abc1234)", 1200, 3000)
    line.evaluating("HEAD (abc1234)", 42)  # a new phase is drawn at once
    reading = "netpoldiff: reading HEAD (abc1234): 1,200 of 3,000 files"
    evaluating = "netpoldiff: evaluating HEAD (abc1234): 42 objects"
    # The shorter line covers what is left of the longer one.
    padding = " " * (len(reading) - len(evaluating))
    assert stream.getvalue() == f"\r{reading}\r{evaluating}{padding}"


def test_counts_are_redrawn_at_most_ten_times_a_second_but_the_last_always() -> None:
    line, stream, clock = _line()
    clock.now += DELAY
    line.reading("k8s", 1, 3)
    line.reading("k8s", 2, 3)  # too soon
    line.reading("k8s", 3, 3)  # the last count
    clock.now += 0.1
    assert stream.getvalue().split("\r")[1:] == [
        "netpoldiff: reading k8s: 1 of 3 files",
        "netpoldiff: reading k8s: 3 of 3 files",
    ]


def test_done_clears_the_line_and_nothing_is_drawn_after_it() -> None:
    line, stream, clock = _line()
    clock.now += DELAY
    line.evaluating("k8s", 3)
    shown = stream.getvalue()
    line.done()
    assert stream.getvalue() == shown + "\r" + " " * (len(shown) - 1) + "\r"
    line.reading("k8s", 1, 1)
    line.done()
    assert stream.getvalue() == shown + "\r" + " " * (len(shown) - 1) + "\r"


def test_done_writes_nothing_when_nothing_was_shown() -> None:
    line, stream, _ = _line()
    line.evaluating("k8s", 3)
    line.done()
    assert stream.getvalue() == ""


EVALUATING = "netpoldiff: evaluating k8s: 100 objects"
WRITING = "netpoldiff: writing the report"


@pytest.mark.parametrize(
    ("report_on_terminal", "last"),
    [
        (True, "\r" + " " * len(EVALUATING) + "\r"),
        (False, f"\r{WRITING}" + " " * (len(EVALUATING) - len(WRITING))),
    ],
    ids=["report-on-the-same-terminal", "report-elsewhere"],
)
def test_the_report_clears_the_line_when_it_goes_to_the_same_terminal(
    *, report_on_terminal: bool, last: str
) -> None:
    line, stream, clock = _line(report_on_terminal=report_on_terminal)
    clock.now += DELAY
    line.evaluating("k8s", 100)
    line.reporting()
    assert stream.getvalue() == f"\r{EVALUATING}{last}"


def test_names_from_the_input_are_escaped_and_the_line_never_wraps() -> None:
    line, stream, clock = _line()
    clock.now += DELAY
    line.evaluating("evil\x1b]0;title\x07" + "x" * 200, 1)
    (drawn,) = stream.getvalue().split("\r")[1:]
    assert "\x1b" not in drawn
    assert "\x07" not in drawn
    assert len(drawn) == 79  # the width a stream that is no real terminal is given, less one


def test_a_stream_that_is_no_terminal_gets_no_line() -> None:
    assert status_line(io.StringIO(), io.StringIO()) is None
    assert status_line(Terminal(), io.StringIO()) is not None


@pytest.mark.parametrize(
    ("environ", "delay"),
    [
        ({}, DELAY),
        ({"NETPOLDIFF_PROGRESS_DELAY": "0"}, 0.0),
        ({"NETPOLDIFF_PROGRESS_DELAY": "x"}, DELAY),
    ],
    ids=["unset", "zero", "not-a-number"],
)
def test_the_delay_can_be_set_for_tests(environ: dict[str, str], delay: float) -> None:
    assert delay_from(environ) == delay


def test_a_closed_stream_is_no_terminal() -> None:
    closed = io.StringIO()
    closed.close()  # isatty() raises
    assert status_line(closed, io.StringIO()) is None
