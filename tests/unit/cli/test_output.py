"""Where the report goes: standard output or -o FILE, and when it is coloured."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from tests.conftest import CliRunner


def test_output_writes_the_report_to_a_file(run_cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "matrix.json"
    result = run_cli("matrix", "fixtures/demo/new", "--format", "json", "--output", str(target))
    assert result.status == 0
    assert result.out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["matrix.json"]  # no temporary left behind


def test_writing_to_a_special_file_writes_through_and_never_replaces_it(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    # Like /dev/null or /dev/stdout: replacing the file atomically would destroy it.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = run_cli("fixtures/demo/old", "fixtures/demo/new", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.status == 0
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received
    assert received[0].endswith("Reachability: 1 row opened (2 flows), 1 closed.\n")


@pytest.mark.parametrize(
    ("arguments", "environment", "coloured"),
    [
        ((), {}, False),  # not a terminal
        (("--color", "always"), {}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),
    ],
    ids=[
        "auto-pipe",
        "always",
        "never-beats-force",
        "force",
        "no-color-beats-force",
        "always-beats-no-color",
    ],
)
def test_colour_follows_the_flag_then_no_color_then_force_color(
    run_cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    arguments: tuple[str, ...],
    environment: dict[str, str],
    coloured: bool,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = run_cli("fixtures/demo/old", "fixtures/demo/new", *arguments)
    assert result.status == 0
    assert ("\033[" in result.out) is coloured
    assert "Reachability: 1 row opened (2 flows), 1 closed." in result.out


def test_colour_is_off_when_writing_to_a_file(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    target = tmp_path / "report.txt"
    assert run_cli("fixtures/demo/old", "fixtures/demo/new", "-o", str(target)).status == 0
    assert "\033[" not in target.read_text(encoding="utf-8")
