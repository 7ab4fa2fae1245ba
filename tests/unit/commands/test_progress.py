"""Progress: each command tells its phases in order (files read, objects evaluated, the report)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from netpoldiff.commands import (
    Report,
    Settings,
    diff_command,
    explain_command,
    matrix_command,
    plan_command,
)
from netpoldiff.commands.progress import SILENT
from netpoldiff.sources import OnDisk
from tests.conftest import REPO_ROOT

OLD, NEW = OnDisk("fixtures/demo/old"), OnDisk("fixtures/demo/new")


class Recorder:
    """Progress that keeps what it is told."""

    def __init__(self) -> None:
        self.told: list[tuple[object, ...]] = []

    def reading(self, what: str, done: int, total: int) -> None:
        self.told.append(("reading", what, done, total))

    def evaluating(self, what: str, objects: int) -> None:
        self.told.append(("evaluating", what, objects))

    def reporting(self) -> None:
        self.told.append(("reporting",))

    def done(self) -> None:
        self.told.append(("done",))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def settings(recorder: Recorder) -> Settings:
    return Settings(REPO_ROOT, use_cache=False, progress=recorder)


def test_a_matrix_tells_the_files_read_the_objects_evaluated_and_the_report(
    settings: Settings, recorder: Recorder
) -> None:
    matrix_command(NEW, settings=settings)
    assert recorder.told == [
        ("reading", "fixtures/demo/new", 0, 6),
        ("reading", "fixtures/demo/new", 6, 6),
        ("evaluating", "fixtures/demo/new", 28),
        ("reporting",),
    ]


def test_an_explanation_tells_the_same_phases(settings: Settings, recorder: Recorder) -> None:
    explain_command(NEW, "frontend/web", "10.0.0.1", settings=settings)
    assert [told[0] for told in recorder.told] == ["reading", "reading", "evaluating", "reporting"]


@pytest.mark.parametrize("command", [diff_command, plan_command], ids=["diff", "plan"])
def test_a_diff_and_a_plan_tell_each_side_then_the_report(
    settings: Settings, recorder: Recorder, command: Callable[..., Report]
) -> None:
    command(OLD, NEW, settings=settings)
    old, new = "OLD (fixtures/demo/old)", "NEW (fixtures/demo/new)"
    assert recorder.told == [
        ("reading", old, 0, 6),
        ("reading", old, 6, 6),
        ("reading", new, 0, 6),
        ("reading", new, 6, 6),
        ("evaluating", old, 28),
        ("evaluating", new, 28),
        ("reporting",),
    ]


def test_without_progress_a_command_tells_nobody_and_reports_the_same(
    settings: Settings,
) -> None:
    told = "".join(matrix_command(NEW, settings=settings).chunks)
    silent = replace(settings, progress=SILENT)
    assert silent == settings  # progress is not part of what settings read
    assert "".join(matrix_command(NEW, settings=silent).chunks) == told
    SILENT.reading("x", 1, 2)
    SILENT.evaluating("x", 1)
    SILENT.reporting()
    SILENT.done()
