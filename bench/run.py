"""Time netpoldiff on generated clusters: phase by phase, and end to end through the CLI.

    .venv/bin/python bench/run.py [--sizes 1000,10000] [--keep] [--repeat N] [--profile]

Every measurement runs in its own child process, so each peak RSS (``ru_maxrss`` of that
child, from ``wait4``) belongs to one run. See bench/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import compileall
import cProfile
import hashlib
import io
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, ParamSpec, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from netpoldiff.matrix import Matrix

P = ParamSpec("P")
T = TypeVar("T")

BENCH_DIR: Final = Path(__file__).resolve().parent
GENERATOR: Final = BENCH_DIR / "generate.py"
KEEP_DIR: Final = BENCH_DIR / "out"  # git-ignored

TARGET_WORKLOADS: Final = 10_000
TARGET_POLICIES: Final = 6_000
TARGET_SECONDS: Final = 10.0
TARGET_MB: Final = 1500.0  # 1.5 GB, in MB of 10^6 bytes like every MB column

# Pipeline stages, in order; a child asked for one runs every stage up to it.
STAGES: Final = ("read", "load", "evaluate", "flows")

JsonObject = dict[str, Any]


# --- child side: one measurement per process ----------------------------------------------


def _manifest_paths(directory: str) -> list[Path]:
    suffixes = (".yaml", ".yml", ".json")
    return sorted(p for p in Path(directory).rglob("*") if p.name.lower().endswith(suffixes))


def _floor(*directories: str) -> JsonObject:
    """Read every file and parse it with libyaml, building plain Python objects: the floor.

    Several directories are parsed in the same process (bench/diff.py's floor is both trees).
    """
    import yaml  # noqa: PLC0415 - imported in the child only

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        msg = "PyYAML was built without libyaml: no CSafeLoader, no meaningful floor"
        raise RuntimeError(msg)
    start = time.perf_counter()
    contents = [path.read_bytes() for d in directories for path in _manifest_paths(d)]
    read = time.perf_counter()
    documents = 0
    for data in contents:
        for _ in yaml.load_all(data, Loader=loader):
            documents += 1
    parsed = time.perf_counter()
    return {
        "phases": {"read": read - start, "parse": parsed - read},
        "files": len(contents),
        "documents": documents,
    }


def _count_flows(matrix: Matrix) -> int:
    """Enumerate every allowed (src, dst, connections): what any report must walk."""
    count = 0
    for _ in matrix.flow_indices():
        count += 1
    return count


def _pipeline(directory: str, last: str, profiler: cProfile.Profile | None = None) -> JsonObject:
    """read_path -> load_cluster -> evaluate -> every flow, stopping after ``last``."""
    start = time.perf_counter()
    from netpoldiff.evaluate import evaluate  # noqa: PLC0415 - timed as the import phase
    from netpoldiff.manifests import load_cluster  # noqa: PLC0415
    from netpoldiff.sources import read_path  # noqa: PLC0415

    phases: JsonObject = {"import": time.perf_counter() - start}
    result: JsonObject = {"phases": phases}

    def timed(name: str, action: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        begin = time.perf_counter()
        try:
            if profiler is not None:
                return profiler.runcall(action, *args, **kwargs)
            return action(*args, **kwargs)
        finally:
            phases[name] = time.perf_counter() - begin

    source = timed("read", read_path, directory)
    result["files"] = len(source.files)
    if last == "read":
        return result
    loaded = timed("load", load_cluster, source.files)
    cluster = loaded.cluster
    result.update(
        namespaces=len(cluster.namespaces),
        workloads=len(cluster.workloads),
        policies=len(cluster.policies),
        warnings=len(loaded.warnings),
    )
    if last == "load":
        return result
    matrix = timed("evaluate", evaluate, cluster)
    result["endpoints"] = len(matrix.endpoints)
    result["distinct_columns"] = len({id(column) for column in matrix.columns})
    if last == "evaluate":
        return result
    result["flows"] = timed("flows", _count_flows, matrix)
    return result


def _own_peak_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux


def run_child(stage: str, directories: Sequence[str], profile_top: int) -> int:
    """The body of ``run.py --child``: one measurement, its result as JSON on stdout."""
    if stage != "floor" and len(directories) != 1:
        msg = f"stage {stage} takes one directory, not {len(directories)}"
        raise SystemExit(msg)
    if stage == "floor":
        result = _floor(*directories)
    elif stage == "profile":
        profiler = cProfile.Profile()
        result = _pipeline(directories[0], STAGES[-1], profiler)
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(profile_top)
        result["profile"] = text.getvalue()
    else:
        result = _pipeline(directories[0], stage)
    result["own_peak_bytes"] = _own_peak_bytes()
    print(json.dumps(result))
    return 0


# --- parent side --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measured:
    """One child process: its wall and CPU time, its peak RSS, and what it reported."""

    wall: float
    cpu: float
    peak_bytes: int
    returncode: int
    report: JsonObject
    stderr: str

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / 1e6

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def measure(
    command: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Measured:
    """Run ``command``; wall time around it and its own peak RSS (``wait4``, not the parent's)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    report: JsonObject = {}
    lines = stdout.strip().splitlines()
    if lines and lines[-1].startswith("{"):
        report = json.loads(lines[-1])
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(wall, cpu, peak, process.returncode, report, stderr)


def best(runs: Sequence[Measured]) -> Measured:
    """The fastest of repeated runs, carrying the highest peak RSS seen (conservative)."""
    fastest = min(runs, key=lambda r: r.wall)
    peak = max(r.peak_bytes for r in runs)
    return Measured(
        fastest.wall, fastest.cpu, peak, fastest.returncode, fastest.report, fastest.stderr
    )


def _child_command(stage: str, directory: Path, profile_top: int = 15) -> list[str]:
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        stage,
        str(directory),
        "--profile-top",
        str(profile_top),
    ]


def compile_bytecode() -> None:
    """Compile netpoldiff's modules once, as an install from a wheel does.

    An editable install under PYTHONDONTWRITEBYTECODE would otherwise compile every module
    from source in every run: a tenth of a second that users do not pay.
    """
    import netpoldiff  # noqa: PLC0415 - only to find the package

    compileall.compile_dir(Path(netpoldiff.__file__).parent, quiet=1)


def _cli_path() -> Path | None:
    beside = Path(sys.executable).parent / "netpoldiff"
    if beside.exists():
        return beside
    found = shutil.which("netpoldiff")
    return Path(found) if found else None


def cli_status() -> tuple[Path | None, str]:
    """The console script and "" when ``netpoldiff matrix`` runs, else None and why not."""
    path = _cli_path()
    if path is None:
        return None, "no netpoldiff console script in the virtualenv"
    probe = subprocess.run(
        [str(path), "matrix", "--help"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        return None, f"`netpoldiff matrix --help` failed: {last}"
    return path, ""


def _generator_digest() -> str:
    return hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:16]


def generate(size: int, policies: int | None, seed: int, root: Path, *, reuse: bool) -> Path:
    """The generated tree of one size (in a child: the parent stays small, see README)."""
    policy_arg = [] if policies is None else ["--policies", str(policies)]
    name = f"w{size}" + (f"-p{policies}" if policies is not None else "") + f"-s{seed}"
    directory = root / name
    stamp = root / f"{name}.stamp"
    wanted = f"{_generator_digest()} {size} {policies} {seed}\n"
    if reuse and directory.is_dir() and stamp.exists() and stamp.read_text() == wanted:
        print(f"  reusing {directory}", file=sys.stderr)
        return directory
    start = time.perf_counter()
    command = [sys.executable, str(GENERATOR), "--workloads", str(size), "--seed", str(seed)]
    subprocess.run([*command, *policy_arg, str(directory)], check=True, capture_output=True)
    stamp.write_text(wanted)
    print(f"  generated {directory} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return directory


@dataclass(slots=True)
class SizeResult:
    """Every measurement of one size."""

    size: int
    floor: Measured
    stages: dict[str, Measured]
    cli: Measured | None
    cli_note: str
    json_bytes: int | None = None
    profile: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def full(self) -> Measured:
        return self.stages[STAGES[-1]]

    def phase(self, name: str) -> float:
        value = self.full.report.get("phases", {}).get(name)
        return float(value) if value is not None else float("nan")

    @property
    def floor_seconds(self) -> float:
        return float(self.floor.report["phases"]["parse"])

    @property
    def pipeline_seconds(self) -> float:
        return sum(self.phase(name) for name in STAGES)

    def end_to_end(self) -> tuple[float, float, str]:
        """Seconds, peak MB and what they measure: the CLI when it ran, else the pipeline."""
        if self.cli is not None and self.cli.ok:
            return self.cli.wall, self.cli.peak_mb, "CLI"
        return self.full.wall, self.full.peak_mb, "pipeline process"


def run_size(
    size: int,
    directory: Path,
    *,
    cli: Path | None,
    cli_note: str,
    repeat: int,
    profile_top: int,
    profile: bool,
) -> SizeResult:
    """Measure one generated tree: floor, each cumulative pipeline stage, the CLI, a profile."""
    print(f"  measuring {size} workloads ...", file=sys.stderr)
    floor = best([measure(_child_command("floor", directory)) for _ in range(repeat)])
    _check(floor, "floor parse")
    stages: dict[str, Measured] = {}
    for stage in STAGES:
        stages[stage] = best([measure(_child_command(stage, directory)) for _ in range(repeat)])
        _check(stages[stage], f"pipeline up to {stage}")
    cli_run: Measured | None = None
    json_bytes: int | None = None
    if cli is not None:
        # A real file, not /dev/null: the CLI replaces --output atomically (temporary file +
        # rename), which would turn /dev/null into a regular file when run as root.
        with tempfile.TemporaryDirectory(prefix="netpoldiff-bench-cli-") as scratch:
            output = Path(scratch) / "matrix.json"
            command = [
                str(cli),
                "matrix",
                str(directory),
                "--format",
                "json",
                "--output",
                str(output),
            ]
            runs = []
            for attempt in range(repeat):
                # A fresh, empty conversion cache each time: every run is a cold run, and the
                # user's ~/.cache/netpoldiff is left alone.
                env = dict(os.environ, XDG_CACHE_HOME=str(Path(scratch) / f"cache-{attempt}"))
                runs.append(measure(command, env))
                if output.exists():
                    json_bytes = output.stat().st_size
                    output.unlink()
            cli_run = best(runs)
        if not cli_run.ok:
            tail = (cli_run.stderr.strip().splitlines() or ["(no message)"])[-1]
            cli_note = f"CLI exited with status {cli_run.returncode}: {tail}"
    result = SizeResult(size, floor, stages, cli_run, cli_note, json_bytes)
    if profile:
        profiled = measure(_child_command("profile", directory, profile_top))
        _check(profiled, "profile")
        result.profile = str(profiled.report.get("profile", ""))
    return result


def _check(run: Measured, what: str) -> None:
    if not run.ok:
        sys.stderr.write(run.stderr)
        msg = f"{what} failed with status {run.returncode}"
        raise SystemExit(msg)


def _seconds(value: float) -> str:
    return "-" if value != value else f"{value:.2f}"  # noqa: PLR0124 - NaN check


def summary_rows(results: Sequence[SizeResult]) -> list[list[object]]:
    """One row per size: counts, seconds per phase, end to end, peak MB, ratio to the floor."""
    rows: list[list[object]] = []
    for r in results:
        report = r.full.report
        e2e_seconds, e2e_mb, _ = r.end_to_end()
        cli_ok = r.cli is not None and r.cli.ok
        rows.append(
            [
                r.size,
                report.get("workloads"),
                report.get("policies"),
                report.get("flows"),
                _seconds(r.floor_seconds),
                _seconds(r.phase("read")),
                _seconds(r.phase("load")),
                _seconds(r.phase("evaluate")),
                _seconds(r.phase("flows")),
                _seconds(r.pipeline_seconds),
                f"{r.full.peak_mb:.0f}",
                _seconds(r.cli.wall) if cli_ok and r.cli is not None else "n/a",
                f"{r.cli.peak_mb:.0f}" if cli_ok and r.cli is not None else "n/a",
                f"{e2e_seconds / r.floor_seconds:.1f}x" + ("" if cli_ok else "*"),
                _target(report, e2e_seconds, e2e_mb),
            ]
        )
    return rows


SUMMARY_HEADERS: Final = [
    "size",
    "workloads",
    "policies",
    "flows",
    "parse s\n(floor)",
    "read s",
    "load s",
    "evaluate s",
    "flows s",
    "pipeline s",
    "pipeline\npeak MB",
    "CLI s",
    "CLI\npeak MB",
    "e2e /\nparse",
    "target",
]


def _target(report: JsonObject, seconds: float, peak_mb: float) -> str:
    workloads = int(report.get("workloads") or 0)
    policies = int(report.get("policies") or 0)
    if workloads < TARGET_WORKLOADS or policies < TARGET_POLICIES:
        return "-"
    return "met" if seconds <= TARGET_SECONDS and peak_mb <= TARGET_MB else "MISSED"


def memory_rows(results: Sequence[SizeResult]) -> list[list[object]]:
    """Peak RSS of each cumulative run: the floor, the pipeline up to each stage, the CLI."""
    rows: list[list[object]] = []
    for r in results:
        row: list[object] = [r.size, f"{r.floor.peak_mb:.0f}"]
        row.extend(f"{r.stages[stage].peak_mb:.0f}" for stage in STAGES)
        row.append(f"{r.cli.peak_mb:.0f}" if r.cli is not None and r.cli.ok else "n/a")
        row.append(f"{r.full.wall:.2f}")
        row.append(f"{r.full.cpu:.2f}")
        row.append(f"{r.cli.cpu:.2f}" if r.cli is not None and r.cli.ok else "n/a")
        row.append(f"{r.full.report['phases'].get('import', float('nan')):.2f}")
        row.append(r.full.report.get("endpoints"))
        row.append(r.full.report.get("distinct_columns"))
        row.append(f"{r.json_bytes / 1e6:.1f}" if r.json_bytes is not None else "n/a")
        rows.append(row)
    return rows


MEMORY_HEADERS: Final = [
    "size",
    "parse\npeak MB",
    "..read\npeak MB",
    "..load\npeak MB",
    "..evaluate\npeak MB",
    "..flows\npeak MB",
    "CLI\npeak MB",
    "pipeline\nprocess s",
    "pipeline\nCPU s",
    "CLI\nCPU s",
    "import s",
    "endpoints",
    "distinct\ncolumns",
    "JSON\nMB",
]


def parse_sizes(text: str) -> list[int]:
    """``30,100,1k,10k`` -> [30, 100, 1000, 10000]."""
    sizes = []
    for part in text.split(","):
        item = part.strip().lower()
        multiplier = 1000 if item.endswith("k") else 1
        sizes.append(int(item.removesuffix("k")) * multiplier)
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark netpoldiff on generated clusters.")
    parser.add_argument("--sizes", default="1000,10000", help="workload counts, e.g. 1000,10k")
    parser.add_argument(
        "--policy-ratio", type=float, default=0.6, help="policies per workload (default 0.6)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; best kept")
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"generate into {KEEP_DIR.relative_to(BENCH_DIR.parent)}/ and keep (and reuse) it",
    )
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end CLI run")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile the pipeline at every size"
    )
    parser.add_argument("--profile-top", type=int, default=15, help="functions shown (15)")
    parser.add_argument("--child", metavar="STAGE", help=argparse.SUPPRESS)
    parser.add_argument("directories", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_child(args.child, args.directories, args.profile_top)

    from tabulate import tabulate  # noqa: PLC0415 - the children do not need it

    sizes = parse_sizes(args.sizes)
    load_before = os.getloadavg()[0]
    cli, cli_note = (None, "skipped (--no-cli)") if args.no_cli else cli_status()
    if args.keep:
        KEEP_DIR.mkdir(exist_ok=True)
        root = KEEP_DIR
    else:
        root = Path(tempfile.mkdtemp(prefix="netpoldiff-bench-"))
    results: list[SizeResult] = []
    try:
        for size in sizes:
            policies = round(size * args.policy_ratio)
            directory = generate(size, policies, args.seed, root, reuse=args.keep)
            results.append(
                run_size(
                    size,
                    directory,
                    cli=cli,
                    cli_note=cli_note,
                    repeat=max(1, args.repeat),
                    profile_top=args.profile_top,
                    profile=args.profile,
                )
            )
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    load_after = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    print(
        f"netpoldiff benchmark: Python {sys.version.split()[0]}, seed {args.seed}, "
        f"best of {max(1, args.repeat)}, {cpus} CPUs, "
        f"load average {load_before:.1f} before / {load_after:.1f} after"
    )
    if max(load_before, load_after) > cpus / 2:
        print("warning: the machine was busy; wall times are inflated (compare the CPU s columns)")
    for rows, headers in (
        (summary_rows(results), SUMMARY_HEADERS),
        (memory_rows(results), MEMORY_HEADERS),
    ):
        # Cells are preformatted: no number parsing, which would drop trailing zeros.
        print(tabulate(rows, headers=headers, disable_numparse=True, stralign="right"))
        print()
    print(
        f"Target: {TARGET_WORKLOADS:,} workloads / {TARGET_POLICIES:,} policies end to end in "
        f"under {TARGET_SECONDS:.0f} s and {TARGET_MB / 1000:.1f} GB peak RSS."
    )
    for r in results:
        verdict = _target(r.full.report, *r.end_to_end()[:2])
        if verdict != "-":
            seconds, peak_mb, what = r.end_to_end()
            print(
                f"  {r.size:,} workloads ({what}): {seconds:.1f} s "
                f"({seconds / TARGET_SECONDS:.0%} of the time budget), {peak_mb:.0f} MB "
                f"({peak_mb / TARGET_MB:.0%} of the memory budget): {verdict}"
            )
    notes = {r.cli_note for r in results if r.cli_note}
    if notes:
        for note in sorted(notes):
            print(f"CLI: {note}")
        print(
            "* no CLI run: end to end is the in-process pipeline's child process "
            "(no JSON output written)"
        )
    for r in results:
        if r.profile:
            print()
            print(
                f"Profile at {r.size} workloads (pipeline, top {args.profile_top} by "
                "cumulative time):"
            )
            print(r.profile.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
