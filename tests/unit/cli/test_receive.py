"""cli/receive: git's input read whole for the time-limited run, and the run's child."""

from __future__ import annotations

import io
import pickle
import sys

import pytest

from netpoldiff.cli import receive
from netpoldiff.cli.receive import read_input
from netpoldiff.errors import SourceError


def test_input_is_read_as_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a b c\nd e f\n"))

    assert read_input() == ("a b c", "d e f")


def test_input_that_is_not_text_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfe\n"), "utf-8"))

    with pytest.raises(SourceError, match="the input from git is not text"):
        read_input()


def test_a_terminal_gives_no_input(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal("ignored\n"))

    assert read_input() == ()


def test_the_pre_receive_child_runs_set_up_and_ends_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps: list[str] = []
    monkeypatch.setattr(receive, "prepare", lambda: steps.append("prepare"))
    monkeypatch.setattr(receive, "leave_frozen", lambda: steps.append("frozen"))
    monkeypatch.setattr(pickle, "loads", lambda _: ("job", None, "protected"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))

    def command(job: object, *, protected: object) -> object:
        steps.append(f"check {job} {protected}")
        raise SystemExit(0)

    monkeypatch.setattr(receive, "pre_receive_command", command)
    with pytest.raises(SystemExit):
        receive._child()
    assert steps == ["prepare", "check job protected", "frozen"]
