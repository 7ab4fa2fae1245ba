"""Running a renderer on untrusted input: a bare environment, a deadline, bounded output.

The renderer sees a copy of the files it needs and nothing of the user's: ``HOME``,
``KUBECONFIG`` and ``XDG_CONFIG_HOME`` name empty temporary directories (no kustomize plugin
home, no Helm repositories, no credentials), ``PATH`` names an empty one (a renderer that
tried to start git or helm finds neither), and proxies point nowhere (a fetch fails fast).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

_CHUNK: Final = 1 << 16
_POLL: Final = 0.05  # seconds between looks at a running renderer
_NOWHERE: Final = "http://127.0.0.1:9"  # the discard port: a proxy that answers nothing


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a renderer left: exit status, output, its last words, and what stopped it."""

    status: int
    output: bytes
    errors: str
    stopped: str | None = None  # "timeout" or "output" when netpoldiff ended it


def bare_environment(home: Path) -> dict[str, str]:
    """The environment a renderer runs with: only what it needs, all of it empty."""
    empty = home / "empty"
    empty.mkdir(exist_ok=True)
    return {
        "HOME": str(home),
        "KUBECONFIG": str(empty / "kubeconfig"),  # absent: no cluster, no credentials
        "XDG_CONFIG_HOME": str(empty),
        "XDG_CACHE_HOME": str(empty),
        "XDG_DATA_HOME": str(empty),
        "KUSTOMIZE_PLUGIN_HOME": str(empty),
        "PATH": str(empty),
        "LC_ALL": "C",
        "GIT_ALLOW_PROTOCOL": "",
        "HTTP_PROXY": _NOWHERE,
        "HTTPS_PROXY": _NOWHERE,
        "http_proxy": _NOWHERE,
        "https_proxy": _NOWHERE,
        "NO_PROXY": "",
    }


def _drain(stream: IO[bytes], limit: int, sink: bytearray, over: threading.Event) -> None:
    while chunk := stream.read(_CHUNK):
        sink += chunk
        if len(sink) > limit:
            over.set()
            return


def run_bounded(
    argv: Sequence[str], *, cwd: Path, home: Path, timeout: float, max_output: int
) -> Outcome:
    """Run ``argv`` in ``cwd``, bare; stopped past ``timeout`` seconds or ``max_output`` bytes."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=bare_environment(home),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            start_new_session=True,
        )
        if process.stdout is None:
            raise AssertionError  # a pipe: asked for above
        output = bytearray()
        over = threading.Event()
        reader = threading.Thread(
            target=_drain, args=(process.stdout, max_output, output, over), daemon=True
        )
        reader.start()
        stopped: str | None = None
        deadline = time.monotonic() + timeout
        try:
            while process.poll() is None and not over.is_set():
                if time.monotonic() >= deadline:
                    stopped = "timeout"
                    break
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=_POLL)
        finally:
            # The whole session, not the program alone: a child it started (a shell's sleep,
            # a plugin) would keep the output pipe open, and the reader waiting, past the
            # deadline. Killed even when the program has ended, for the children it left.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            reader.join()
            process.stdout.close()
        stopped = "output" if over.is_set() else stopped
        errors.seek(0)
        said = errors.read(_CHUNK).decode("utf-8", "replace")
    return Outcome(process.returncode, bytes(output), said, stopped)
