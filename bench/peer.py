"""Run the peer tool, network-config-analyzer (``nca``), on the trees the diff benchmark uses.

    .venv/bin/python bench/peer.py --install               # set up bench/out/peer-venv only
    .venv/bin/python bench/peer.py OLD_DIR NEW_DIR [--timeout 900]

The peer gets a virtualenv of its own, ``bench/out/peer-venv`` (git-ignored), created on first
use and reused afterwards: it is never a dependency of netpoldiff and never enters the
project's virtualenv. Its semantic diff runs in a child process, timed like netpoldiff's runs
(wall time, peak RSS from ``wait4``) and killed after ``--timeout`` seconds. ``nca`` reads our
per-namespace files as they are, so there is no adapter: see bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import yaml

BENCH_DIR: Final = Path(__file__).resolve().parent
PACKAGE: Final = "network-config-analyzer"
VENV: Final = BENCH_DIR / "out" / "peer-venv"  # git-ignored, like every benchmark output
NCA: Final = VENV / "bin" / "nca"
DEFAULT_TIMEOUT: Final = 900.0
INSTALL_TIMEOUT: Final = 900.0  # pip retries for minutes when offline; do not hang the bench

Status = Literal["ok", "timeout", "failed"]


@dataclass(frozen=True, slots=True)
class Peer:
    """An installed ``nca`` and its version."""

    nca: Path
    version: str


def _last_line(text: str) -> str:
    """The line that says why a tool failed: its last ``ERROR:`` line, else its last line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("ERROR", "Error", "error"))]
    return (errors or lines or ["(no message)"])[-1]


def _install() -> str:
    """Create the peer's virtualenv and install the peer into it; "" or why it failed."""
    python = VENV / "bin" / "python"
    try:
        if not python.exists():
            # sys.executable is the project's venv; `-m venv` bases the new one on the
            # interpreter underneath, without the project's packages.
            made = subprocess.run(
                [sys.executable, "-m", "venv", str(VENV)],
                capture_output=True,
                text=True,
                check=False,
                timeout=INSTALL_TIMEOUT,
            )
            if made.returncode != 0:
                return f"python -m venv {VENV} failed: {_last_line(made.stderr)}"
        installed = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                PACKAGE,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=INSTALL_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return f"installing {PACKAGE} took more than {INSTALL_TIMEOUT:.0f} s"
    if installed.returncode != 0:
        return f"pip install {PACKAGE} failed: {_last_line(installed.stderr)}"
    if not NCA.exists():
        return f"pip installed {PACKAGE} but there is no {NCA}"
    return ""


def ensure_peer() -> tuple[Peer | None, str]:
    """The peer, installed on first use; or None and why it cannot run (once, for the footer)."""
    if not NCA.exists():
        print(
            f"installing {PACKAGE} into {VENV.relative_to(BENCH_DIR.parent)} "
            "(once; later runs reuse it) ...",
            file=sys.stderr,
        )
        error = _install()
        if error:
            return None, error
    probe = subprocess.run(
        [str(NCA), "--version"], capture_output=True, text=True, check=False, timeout=120
    )
    # `nca --version` prints "NCA version 2.1.0" and exits 0.
    if probe.returncode != 0 or "version" not in probe.stdout.lower():
        return None, f"`nca --version` failed: {_last_line(probe.stderr or probe.stdout)}"
    return Peer(NCA, probe.stdout.strip().split()[-1]), ""


def command(nca: Path | str, old: Path | str, new: Path | str, report: Path | str) -> list[str]:
    """The peer's semantic diff of OLD -> NEW, its report written as YAML to ``report``.

    ``--resource_list`` takes the Namespaces, the workloads and the NetworkPolicies from the
    same files, as ours hold them. (Separate ``--ns_list``/``--pod_list``/``--base_np_list``
    pointing at the same trees give the same answer, but make nca scan each tree three times.)
    A directory is read recursively. The YAML report is parsed below to check what the peer
    saw; the text report would be the same findings.
    """
    return [
        str(nca),
        "--semantic_diff",
        "--base_resource_list",
        str(old),
        "--resource_list",
        str(new),
        "--output_format",
        "yaml",
        "--file_out",
        str(report),
    ]


def display_command() -> str:
    """The command line with placeholders, for the footer and the README."""
    return shlex.join(command("nca", "OLD_DIR", "NEW_DIR", "REPORT.yaml"))


@dataclass(frozen=True, slots=True)
class PeerRun:
    """One run of the peer: time, peak RSS, and what its report says."""

    seconds: float
    peak_bytes: int
    status: Status
    equivalent: bool | None = None  # None when there is no report
    added: int = 0  # rule groups under "Added ..."/"New ..." connections
    removed: int = 0  # under "Removed ..."/"Lost ..."
    changed: int = 0  # under any other heading
    message: str = ""  # why it failed
    report: str = ""

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / 1e6

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def findings(self) -> str:
        """What the peer reported, e.g. ``+2 -1`` rule groups, or ``same``."""
        if not self.ok or self.equivalent is None:
            return ""
        if self.equivalent:
            return "same"
        text = f"+{self.added} -{self.removed}"
        return text + (f" ~{self.changed}" if self.changed else "")


def _kill_group(pid: int, fired: threading.Event) -> None:
    fired.set()
    # The child leads its own session: the whole group goes, should it have started any.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _timed(args: list[str], cwd: Path, timeout: float) -> tuple[float, int, int, bool, str]:
    """Wall seconds, peak RSS bytes (``wait4``), exit code, timed out, and stdout + stderr."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            args,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            start_new_session=True,
        )
        fired = threading.Event()
        # A timer rather than polling: wait4 blocks, so the wall time is not rounded up to a
        # polling interval.
        timer = threading.Timer(timeout, _kill_group, args=(process.pid, fired))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            _kill_group(process.pid, threading.Event())
            process.wait()
            raise
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        output.seek(0)
        text = output.read().decode(errors="replace")
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return seconds, peak, process.returncode, fired.is_set(), text


def _count_rules(queries: object) -> tuple[bool | None, int, int, int]:
    """Equivalent or not, and the rule groups added, removed and otherwise changed."""
    if not isinstance(queries, list) or not queries or not isinstance(queries[0], dict):
        return None, 0, 0, 0
    query = queries[0]
    added = removed = changed = 0
    for section in query.get("explanation") or []:
        description = str(section.get("description", ""))
        rules = len(section.get("rules") or [])
        if description.startswith(("Added", "New")):
            added += rules
        elif description.startswith(("Removed", "Lost")):
            removed += rules
        else:
            changed += rules
    # numerical_result is 0 when the two configurations are equivalent.
    return query.get("numerical_result") == 0, added, removed, changed


def run_peer(peer: Peer, old: Path, new: Path, *, timeout: float = DEFAULT_TIMEOUT) -> PeerRun:
    """The peer's semantic diff of OLD -> NEW in a child process, timed and checked."""
    with tempfile.TemporaryDirectory(prefix="netpoldiff-bench-peer-") as scratch:
        report = Path(scratch) / "report.yaml"
        # nca puts "." first on its PATH (to find kubectl): run it in an empty directory.
        seconds, peak, code, timed_out, output = _timed(
            command(peer.nca, old, new, report), Path(scratch), timeout
        )
        if timed_out:
            return PeerRun(seconds, peak, "timeout", message=f"killed after {timeout:.0f} s")
        # Exit status: bit 0 = "not equivalent" (the answer, not an error); 2 and up = errors.
        text = report.read_text(encoding="utf-8") if report.exists() else ""
        if code not in {0, 1} or not text:
            return PeerRun(seconds, peak, "failed", message=f"exit {code}: {_last_line(output)}")
    equivalent, added, removed, changed = _count_rules(yaml.safe_load(text))
    if equivalent is None:
        return PeerRun(seconds, peak, "failed", message="no query result in the report")
    return PeerRun(seconds, peak, "ok", equivalent, added, removed, changed, report=text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--install", action="store_true", help="only set up the peer's venv")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds before the peer is killed"
    )
    parser.add_argument("old", nargs="?", type=Path, metavar="OLD_DIR")
    parser.add_argument("new", nargs="?", type=Path, metavar="NEW_DIR")
    args = parser.parse_args(argv)
    if not args.install and (args.old is None or args.new is None):
        parser.error("give OLD_DIR and NEW_DIR, or --install")
    peer, why = ensure_peer()
    if peer is None:
        print(f"peer unavailable: {why}", file=sys.stderr)
        return 1
    print(f"{PACKAGE} {peer.version} in {peer.nca.parent.parent}")
    if args.install:
        return 0
    print(f"running: {shlex.join(command('nca', args.old, args.new, 'REPORT.yaml'))}")
    result = run_peer(peer, args.old, args.new, timeout=args.timeout)
    print(f"{result.status}: {result.seconds:.2f} s, {result.peak_mb:.0f} MB peak")
    if not result.ok:
        print(result.message)
        return 1
    print("equivalent" if result.equivalent else f"not equivalent: {result.findings()}")
    print(result.report, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
