"""A run bounded in time: a hook that hangs blocks every push to the repository.

The check runs in a child process of its own session, so that when the time is up the whole
of it (the git processes it reads with, parse workers, renderers) is killed at once; the
parent only waits, and is the one that answers git.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Finished:
    """What the child wrote and its exit status."""

    status: int
    stdout: bytes
    stderr: bytes


def run_within(command: Sequence[str], stdin: bytes, seconds: float, cwd: Path) -> Finished | None:
    """Run ``command`` with ``stdin``; None when it has not finished within ``seconds``.

    The environment is passed on whole: during pre-receive it names the quarantine
    directory that holds the pushed objects.
    """
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(stdin, timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the child's session: all of the check
        # Not read to their end: a process that left the session could hold them open.
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):  # stdin: the child is gone mid-write
                    stream.close()
        process.wait()
        return None
    return Finished(process.returncode, stdout, stderr)
