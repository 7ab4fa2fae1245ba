"""receive/time_limit: a child that finishes is relayed; one that does not is killed, whole."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from netpoldiff.receive import Finished, run_within


def test_a_finished_run_gives_its_output_and_status(tmp_path: Path) -> None:
    script = (
        "import sys; d = sys.stdin.read(); print(d.upper()); print('e', file=sys.stderr); "
        "sys.exit(3)"
    )

    finished = run_within([sys.executable, "-c", script], b"in", 60, tmp_path)

    assert finished == Finished(3, b"IN\n", b"e\n")


def test_a_run_past_the_limit_is_killed_with_its_children(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild"
    # The child starts a grandchild in its session, says where, and both wait far too long.
    script = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(600)\n"
    )

    finished = run_within([sys.executable, "-c", script], b"", 5, tmp_path)

    assert finished is None
    grandchild = int(pid_file.read_text())
    for _ in range(100):  # killed already; reaped by init in its own time
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        if _is_zombie(grandchild):
            break
        time.sleep(0.05)
    else:
        raise AssertionError(grandchild)


def _is_zombie(pid: int) -> bool:
    status = Path(f"/proc/{pid}/stat")
    return status.is_file() and status.read_text().split()[2] == "Z"
