"""Time ``netpoldiff`` on two generated revisions that differ by a PR-sized change, beside the peer.

    .venv/bin/python bench/diff.py [--sizes 30,100,300,1000,10000] [--peer-max 1000]
                                   [--repeat 1] [--keep] [--no-peer]

For each size: generate OLD and NEW with ``bench/generate.py --change``, commit them as two
revisions of a throw-away repository, then, each in its own process: the floor (a bare
libyaml parse of both trees), ``netpoldiff HEAD~1 HEAD`` cold (empty conversion cache) and warm
(the cache the cold run filled), ``netpoldiff OLD_DIR NEW_DIR --no-cache`` (directories), and
the peer tool, network-config-analyzer, on the same two directories (bench/peer.py). Prints
one table: wall time, peak memory, the ratio to the floor and to the peer, against the
targets. See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

import peer
import run
from tabulate import tabulate

if TYPE_CHECKING:
    from collections.abc import Sequence

HERE: Final = Path(__file__).resolve().parent
GENERATOR: Final = HERE / "generate.py"
KEEP_DIR: Final = HERE / "out"  # git-ignored
CLI: Final = Path(sys.executable).with_name("netpoldiff")
DEFAULT_SIZES: Final = "30,100,300,1000,10000"

# The targets, in MB of 10^6 bytes like every MB column.
TIER_10K: Final = 10_000
TIER_100K: Final = 100_000
COLD_SECONDS: Final = {TIER_10K: 10.0, TIER_100K: 120.0}
COLD_MB: Final = {TIER_10K: 1500.0, TIER_100K: 8000.0}
WARM_OVER_COLD: Final = 0.5  # at 10,000: a warm run parses only the changed blobs
DIRS_OVER_FLOOR: Final = 2.5  # from 10,000 on; below, start-up outweighs a parse of < 1 s
PEER_SIZE: Final = 1000
PEER_SPEEDUP: Final = 100.0


# --- generated trees ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trees:
    """OLD and NEW of one size, and the totals the generator reported."""

    root: Path
    workloads: int
    policies: int

    @property
    def old(self) -> Path:
        return self.root / "old"

    @property
    def new(self) -> Path:
        return self.root / "new"


_TOTALS = re.compile(r"(\d+) workloads, (\d+) policies")


def generate(size: int, seed: int, root: Path, *, reuse: bool) -> Trees:
    """OLD and NEW of ``size`` workloads under ``root``, reused when ``reuse`` and unchanged.

    Generation runs in a child: on Linux a child's peak RSS starts from its parent's size, so
    the parent must stay small (see bench/README.md). A stamp beside the tree records the
    generator's digest, size and seed, and the totals, so that a reused tree is the one this
    generator would write.
    """
    directory = root / f"diff-w{size}-s{seed}"
    stamp = root / f"diff-w{size}-s{seed}.stamp"
    digest = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:16]
    if reuse and directory.is_dir() and stamp.exists():
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        if recorded.get("generator") == digest and recorded.get("size") == size:
            print(f"  reusing {directory}", file=sys.stderr)
            return Trees(directory, int(recorded["workloads"]), int(recorded["policies"]))
    print(f"  generating {size:,} workloads ...", file=sys.stderr)
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--workloads",
            str(size),
            "--seed",
            str(seed),
            "--change",
            str(directory),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    totals = _TOTALS.search(done.stderr)
    if totals is None:
        sys.exit(f"no totals in the generator's output: {done.stderr.strip()}")
    workloads, policies = int(totals[1]), int(totals[2])
    stamp.write_text(
        json.dumps(
            {
                "generator": digest,
                "size": size,
                "seed": seed,
                "workloads": workloads,
                "policies": policies,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"  generated in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return Trees(directory, workloads, policies)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.com",
            *args,
        ],
        check=True,
        capture_output=True,
    )


def _repository(trees: Trees, root: Path) -> Path:
    """A throw-away repository whose HEAD~1 holds OLD and HEAD holds NEW, under ``k8s/``."""
    repo = root / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for side in (trees.old, trees.new):
        target = repo / "k8s"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(side, target)
        # An edited file of the same size, copied with its old modification time within the
        # second of the previous copy, looks unchanged to git's stat check: hash every file.
        _git(repo, "read-tree", "--empty")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", side.name)
    return repo


# --- measurements -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Diffed:
    """One netpoldiff run: wall seconds, peak RSS and the flows it reported."""

    seconds: float
    peak_mb: float
    opened: int
    closed: int


def _netpoldiff(args: list[str], repo: Path, cache: Path, output: Path) -> Diffed:
    # A real output file, not /dev/null: --output is replaced atomically (temporary file and
    # rename), which would turn /dev/null into a regular file when run as root.
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    command = [str(CLI), *args, "--format", "json", "--output", str(output)]
    measured = run.measure(command, env, cwd=repo)
    if not measured.ok:
        tail = (measured.stderr.strip().splitlines() or ["(no message)"])[-1]
        sys.exit(f"netpoldiff {' '.join(args)} failed ({measured.returncode}): {tail}")
    summary = json.loads(output.read_text(encoding="utf-8"))["summary"]
    output.unlink()
    return Diffed(measured.wall, measured.peak_mb, summary["opened"], summary["closed"])


def _best_diff(runs: Sequence[Diffed]) -> Diffed:
    """The fastest run, with the highest peak seen (conservative), like bench/run.py."""
    fastest = min(runs, key=lambda r: r.seconds)
    peak = max(r.peak_mb for r in runs)
    return Diffed(fastest.seconds, peak, fastest.opened, fastest.closed)


def _floor(trees: Trees, repeat: int) -> float:
    """Seconds for a bare CSafeLoader parse of both trees in one child (bench/run.py's floor)."""
    command = [sys.executable, str(HERE / "run.py"), "--child", "floor"]
    runs = [run.measure([*command, str(trees.old), str(trees.new)]) for _ in range(repeat)]
    best = run.best(runs)
    if not best.ok:
        sys.exit(f"floor parse failed: {best.stderr.strip()}")
    return float(best.report["phases"]["parse"])


def _best_peer(runs: Sequence[peer.PeerRun]) -> peer.PeerRun:
    """The fastest successful run (else the first), with the highest peak seen."""
    finished = [r for r in runs if r.ok] or list(runs[:1])
    fastest = min(finished, key=lambda r: r.seconds)
    peak = max(r.peak_bytes for r in runs)
    return replace(fastest, peak_bytes=peak)


@dataclass(frozen=True, slots=True)
class Row:
    """Every measurement of one size."""

    workloads: int
    policies: int
    floor: float
    cold: Diffed
    warm: Diffed
    dirs: Diffed
    peer_run: peer.PeerRun | None  # None: not run at this size


def measure_size(
    trees: Trees,
    scratch: Path,
    *,
    repeat: int,
    nca: peer.Peer | None,
    peer_timeout: float,
) -> Row:
    """Floor, netpoldiff cold / warm / directories, and the peer, each in its own process."""
    repo = _repository(trees, scratch)
    cache = scratch / "cache"
    output = scratch / "diff.json"
    print(f"  measuring netpoldiff at {trees.workloads:,} workloads ...", file=sys.stderr)
    floor = _floor(trees, repeat)
    colds, warms = [], []
    for _ in range(repeat):
        shutil.rmtree(cache, ignore_errors=True)  # cold: an empty conversion cache
        colds.append(_netpoldiff(["HEAD~1", "HEAD"], repo, cache, output))
        warms.append(_netpoldiff(["HEAD~1", "HEAD"], repo, cache, output))  # what cold filled
    directories = [str(trees.old), str(trees.new), "--no-cache"]
    dirs = [_netpoldiff(directories, repo, cache, output) for _ in range(repeat)]
    peer_run = None
    if nca is not None:
        print(f"  running the peer at {trees.workloads:,} workloads ...", file=sys.stderr)
        peer_run = _best_peer(
            [peer.run_peer(nca, trees.old, trees.new, timeout=peer_timeout) for _ in range(repeat)]
        )
    return Row(
        trees.workloads,
        trees.policies,
        floor,
        _best_diff(colds),
        _best_diff(warms),
        _best_diff(dirs),
        peer_run,
    )


# --- the table ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """One target at one size: what was measured, the bound, met or not."""

    workloads: int
    what: str
    value: str
    bound: str
    met: bool

    def line(self) -> str:
        verdict = "met" if self.met else "MISSED"
        return f"  {self.workloads:,}: {self.what} {self.value} (target {self.bound}): {verdict}"


def _speedup(row: Row) -> float | None:
    """Peer seconds over netpoldiff's directories seconds; a timeout counts as its limit."""
    if row.peer_run is None or row.peer_run.status == "failed":
        return None
    return row.peer_run.seconds / row.dirs.seconds


def checks(row: Row) -> list[Check]:
    """The targets that apply at this size (see the module's constants)."""
    found: list[Check] = []
    tier = TIER_100K if row.workloads >= TIER_100K else TIER_10K
    if row.workloads >= TIER_10K:
        found.append(
            Check(
                row.workloads,
                "cold",
                f"{row.cold.seconds:.2f} s",
                f"< {COLD_SECONDS[tier]:.0f} s",
                row.cold.seconds < COLD_SECONDS[tier],
            )
        )
        found.append(
            Check(
                row.workloads,
                "cold peak",
                f"{row.cold.peak_mb:.0f} MB",
                f"< {COLD_MB[tier]:.0f} MB",
                row.cold.peak_mb < COLD_MB[tier],
            )
        )
        if tier == TIER_10K:
            ratio = row.warm.seconds / row.cold.seconds
            found.append(
                Check(
                    row.workloads,
                    "warm / cold",
                    f"{ratio:.2f}",
                    f"< {WARM_OVER_COLD}",
                    ratio < WARM_OVER_COLD,
                )
            )
        over_floor = row.dirs.seconds / row.floor
        found.append(
            Check(
                row.workloads,
                "directories / floor",
                f"{over_floor:.1f}x",
                f"<= {DIRS_OVER_FLOOR}x",
                over_floor <= DIRS_OVER_FLOOR,
            )
        )
    speedup = _speedup(row)
    if row.workloads >= PEER_SIZE and row.peer_run is not None and speedup is not None:
        found.append(
            Check(
                row.workloads,
                "peer / netpoldiff",
                f"{'>' if row.peer_run.status == 'timeout' else ''}{speedup:.0f}x",
                f">= {PEER_SPEEDUP:.0f}x",
                speedup >= PEER_SPEEDUP,
            )
        )
    return found


HEADERS: Final = [
    "workloads",
    "policies",
    "floor s",
    "cold s",
    "cold\nMB",
    "warm s\n(/ cold)",
    "dirs s",
    "dirs\nMB",
    "dirs /\nfloor",
    "peer s",
    "peer\nMB",
    "peer /\ndirs",
    "peer saw\n(rules)",
    "opened",
    "closed",
    "target",
]


def _peer_cells(row: Row, unavailable: bool, timeout: float) -> list[str]:
    """Peer seconds, MB, speedup and findings; blank above --peer-max, n/a when missing."""
    if row.peer_run is None:
        return ["n/a"] * 4 if unavailable else [""] * 4
    result = row.peer_run
    if result.status == "failed":
        return ["failed", "", "", ""]
    speedup = _speedup(row)
    ratio = f"{speedup:.0f}x" if speedup is not None else ""
    if result.status == "timeout":
        return [f">{timeout:.0f} s", f"{result.peak_mb:.0f}", f">{ratio}", ""]
    findings = result.findings()
    if result.equivalent and (row.dirs.opened or row.dirs.closed):
        findings += " (!)"  # the peer saw no change where netpoldiff did: see the footer
    return [f"{result.seconds:.2f}", f"{result.peak_mb:.0f}", ratio, findings]


def table_rows(rows: Sequence[Row], *, peer_unavailable: bool, timeout: float) -> list[list[str]]:
    table = []
    for row in rows:
        results = checks(row)
        target = "-" if not results else ("met" if all(c.met for c in results) else "MISSED")
        agree = {(r.opened, r.closed) for r in (row.cold, row.warm, row.dirs)}
        mark = "" if len(agree) == 1 else " (!)"  # cold, warm and directories must agree
        table.append(
            [
                f"{row.workloads:,}",
                f"{row.policies:,}",
                f"{row.floor:.2f}",
                f"{row.cold.seconds:.2f}",
                f"{row.cold.peak_mb:.0f}",
                f"{row.warm.seconds:.2f} ({row.warm.seconds / row.cold.seconds:.2f})",
                f"{row.dirs.seconds:.2f}",
                f"{row.dirs.peak_mb:.0f}",
                f"{row.dirs.seconds / row.floor:.1f}x",
                *_peer_cells(row, peer_unavailable, timeout),
                f"{row.dirs.opened}{mark}",
                f"{row.dirs.closed}{mark}",
                target,
            ]
        )
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes", default=DEFAULT_SIZES, help=f"workload counts, e.g. 1000,10k ({DEFAULT_SIZES})"
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; best kept")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="generate into bench/out/diff-w<N>-s<seed>/ and keep (and reuse) it",
    )
    parser.add_argument("--no-peer", action="store_true", help="do not run the peer tool")
    parser.add_argument(
        "--peer-max",
        type=int,
        default=PEER_SIZE,
        help=f"largest size the peer runs at ({PEER_SIZE}); it takes minutes at 1,000",
    )
    parser.add_argument(
        "--peer-timeout",
        type=float,
        default=peer.DEFAULT_TIMEOUT,
        help=f"seconds before a peer run is killed ({peer.DEFAULT_TIMEOUT:.0f})",
    )
    options = parser.parse_args(argv)
    if not CLI.exists():
        sys.exit(f"no netpoldiff next to {sys.executable}: run `make venv` first")
    sizes = run.parse_sizes(options.sizes)
    repeat = max(1, options.repeat)
    run.compile_bytecode()

    nca: peer.Peer | None = None
    peer_note = ""
    if options.no_peer:
        peer_note = "skipped (--no-peer)"
    elif any(size <= options.peer_max for size in sizes):
        nca, why = peer.ensure_peer()
        if nca is None:
            peer_note = f"n/a: {why}"
            print(f"peer unavailable, going on without it: {why}", file=sys.stderr)

    load_before = os.getloadavg()[0]
    rows: list[Row] = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="netpoldiff-bench-") as temporary:
            scratch = Path(temporary)
            if options.keep:
                KEEP_DIR.mkdir(exist_ok=True)
                trees = generate(size, options.seed, KEEP_DIR, reuse=True)
            else:
                trees = generate(size, options.seed, scratch, reuse=False)
            rows.append(
                measure_size(
                    trees,
                    scratch,
                    repeat=repeat,
                    nca=nca if size <= options.peer_max else None,
                    peer_timeout=options.peer_timeout,
                )
            )
    load_after = os.getloadavg()[0]

    cpus = os.cpu_count() or 1
    print(
        f"netpoldiff diff benchmark: Python {sys.version.split()[0]}, seed {options.seed}, "
        f"best of {repeat}, {cpus} CPUs, "
        f"load average {load_before:.1f} before / {load_after:.1f} after"
    )
    if max(load_before, load_after) > cpus / 2:
        print("warning: the machine was busy; wall times are inflated")
    unavailable = nca is None and not options.no_peer and bool(peer_note)
    table = table_rows(rows, peer_unavailable=unavailable, timeout=options.peer_timeout)
    # Cells are preformatted: no number parsing, which would drop trailing zeros.
    print(tabulate(table, headers=HEADERS, disable_numparse=True, stralign="right"))
    print()
    _footer(rows, nca, peer_note)
    return 0


def _footer(rows: Sequence[Row], nca: peer.Peer | None, peer_note: str) -> None:
    results = [check for row in rows for check in checks(row)]
    if results:
        print("Targets:")
        for check in results:
            print(check.line())
    if nca is not None:
        print(f"peer: {peer.PACKAGE} {nca.version}, `{peer.display_command()}`")
    elif peer_note:
        print(f"peer: {peer_note}")
    for row in rows:
        result = row.peer_run
        if result is not None and result.status == "failed":
            print(f"  peer at {row.workloads:,} workloads failed: {result.message}")
        elif result is not None and result.equivalent and (row.dirs.opened or row.dirs.closed):
            print(f"  (!) at {row.workloads:,} workloads the peer reported no difference")
    if any(len({(r.opened, r.closed) for r in (x.cold, x.warm, x.dirs)}) > 1 for x in rows):
        print("(!) cold, warm and directories runs reported different opened/closed counts")


if __name__ == "__main__":
    sys.exit(main())
