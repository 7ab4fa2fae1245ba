"""Running netpoldiff in a subprocess under an address-space cap, timed, with its peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.testing.gitrepo import HERMETIC

TIME_BUDGET = 1.0  # seconds of work a hostile file may cost, over the interpreter's start-up
RSS_BUDGET_MB = 300.0
ADDRESS_SPACE_CAP = 1 << 30  # a measured run that runs away hits this, not the machine
KILL_AFTER = 10.0  # seconds: a measured run still going then is killed (status -9)

# Run netpoldiff as ``python -m netpoldiff`` would, under an address-space limit, and leave
# its peak RSS in a file at exit. (The child's own VmHWM: rusage would also count the memory of
# the pytest process it was forked from.)
_CHILD = """\
import atexit, resource, runpy, sys
cap, report = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def peak():
    with open("/proc/self/status") as status:
        kilobytes = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(report, "w") as out:
        out.write(kilobytes)


atexit.register(peak)
sys.argv = ["netpoldiff", *sys.argv[3:]]
runpy.run_module("netpoldiff", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Measured:
    """A netpoldiff run in a subprocess: outcome, wall-clock seconds and peak RSS."""

    status: int  # negative: killed by that signal (-11 a segfault, -9 killed at KILL_AFTER)
    out: str
    err: str
    seconds: float
    peak_mb: float


def run_measured(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Measured:
    """``netpoldiff ARGS`` in a subprocess started in ``cwd`` (a temporary directory)."""
    with (
        tempfile.TemporaryDirectory() as scratch,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        report = Path(scratch) / "peak"
        start = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(ADDRESS_SPACE_CAP), str(report), *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env={**os.environ, **HERMETIC, **(env or {})},
        )
        try:
            process.wait(KILL_AFTER)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        peak_kb = report.read_text(encoding="ascii") if report.exists() else "nan"
        return Measured(
            process.returncode,
            out.read().decode("utf-8", "backslashreplace"),
            err.read().decode("utf-8", "backslashreplace"),
            seconds,
            float(peak_kb) / 1024,
        )
