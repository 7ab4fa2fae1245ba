"""Progress on long runs: a line on a terminal's stderr, never elsewhere, never in the report.

Each run is a real process whose stderr is a pseudo-terminal (or a pipe), with the delay
before progress shows set to 0 through its test hook, so a quick run counts as a long one.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.testing.gitrepo import HERMETIC

DEMO = ("fixtures/demo/old", "fixtures/demo/new")


@dataclass(frozen=True)
class Run:
    status: int
    out: bytes
    err: str


def _run(*args: str, terminal: bool, delay: str = "0") -> Run:
    """``netpoldiff ARGS`` with stderr on a pseudo-terminal (or a pipe), stdout on a pipe."""
    env = {**os.environ, **HERMETIC, "NETPOLDIFF_PROGRESS_DELAY": delay}
    command = [sys.executable, "-m", "netpoldiff", *args]
    if not terminal:
        done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, env=env, check=False)
        return Run(done.returncode, done.stdout, done.stderr.decode())
    controller, stderr = pty.openpty()
    with subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=stderr, env=env
    ) as process:
        os.close(stderr)
        written = []
        while True:
            try:
                data = os.read(controller, 65536)
            except OSError:  # EIO: the process closed its end
                break
            if not data:
                break
            written.append(data)
        out = process.stdout.read() if process.stdout else b""
    os.close(controller)
    return Run(process.returncode, out, b"".join(written).decode())


COMMANDS = {
    "matrix": ("matrix", DEMO[1], "--no-cache"),
    "diff": (*DEMO, "--format", "json", "--no-cache"),
    "plan": ("plan", *DEMO, "--no-cache"),
}


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_long_run_on_a_terminal_shows_progress_and_clears_it(args: tuple[str, ...]) -> None:
    on_terminal, piped = _run(*args, terminal=True), _run(*args, terminal=False)
    assert on_terminal.status == piped.status
    assert on_terminal.out == piped.out  # the report is byte for byte the same
    err = on_terminal.err
    assert err.startswith("\rnetpoldiff: reading "), err
    assert " of 6 files" in err
    assert "\rnetpoldiff: evaluating " in err
    assert " 28 objects" in err
    assert "\rnetpoldiff: writing the report" in err
    assert "\n" not in err
    _assert_cleared(err)


def _assert_cleared(err: str) -> None:
    """The last line drawn is overwritten with spaces, the cursor back at its start."""
    *_, last, spaces, end = err.split("\r")
    assert last.startswith("netpoldiff: ")
    assert (spaces.strip(), end) == ("", "")
    assert len(spaces) >= len(last.rstrip())


def test_no_progress_without_a_terminal_with_quiet_or_before_the_delay() -> None:
    piped = _run(*COMMANDS["matrix"], terminal=False)
    quiet = _run(*COMMANDS["matrix"], "--quiet", terminal=True)
    # The real delay is 2 seconds; an hour stands for it, so a slow machine cannot fail this.
    quick = _run(*COMMANDS["matrix"], terminal=True, delay="3600")
    for run in (piped, quiet, quick):
        assert (run.status, run.err, run.out) == (0, "", piped.out)


def test_an_error_clears_the_progress_line_before_its_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("kind: Pod\napiVersion: v1\nmetadata: {name: [x]}\n")
    run = _run("matrix", str(tmp_path), "--no-cache", terminal=True)
    assert run.status == 2
    assert run.out == b""
    # The terminal writes the line's newline as "\r\n".
    progress, error = run.err.removesuffix("\r\n").rsplit("\r", 1)
    assert progress.startswith("\rnetpoldiff: reading ")
    _assert_cleared(progress + "\r")
    assert error.startswith("netpoldiff: ")
    assert "bad.yaml" in error
