"""Time NEW's evaluation after a one-workload change, given the engine that evaluated OLD.

    .venv/bin/python bench/relabel.py [--sizes 10000,100000] [--repeat 3] [--keep]
                                      [--no-cli] [--profile] [--profile-top 25]

For each size: generate a cluster with ``bench/generate.py`` (OLD), and two copies that differ
from it in one file each: one workload's pod labels changed (its ``tier`` from backend to
frontend), and one workload's named port renamed (``http`` to ``http-alt``). For each edit:

- ``netpoldiff HEAD~1 HEAD`` through the CLI, in a repository whose last two commits hold OLD
  and NEW (one file apart): once to fill the conversion cache, then warm (best of
  ``--repeat``);
- in a child process that loads both trees from that cache: OLD evaluated by an engine, then
  NEW's evaluation by the same engine (what the diff does), and by a fresh engine (everything
  again), and the two matrices compared.

The target (issue 18): NEW's evaluation after such a change at 100,000 workloads takes at most
1 s. To measure another checkout, put it first on the path: ``PYTHONPATH=/path/to/checkout``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import run
import yaml
from tabulate import tabulate

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

HERE: Final = Path(__file__).resolve().parent
KEEP_DIR: Final = HERE / "out"  # git-ignored
CLI: Final = Path(sys.executable).with_name("netpoldiff")
TARGET_SIZE: Final = 100_000
TARGET_SECONDS: Final = 1.0
WORKLOAD_KINDS: Final = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
)
EDITS: Final = ("relabel", "rename-port")

Doc = dict[str, Any]


# --- the edited copies ---------------------------------------------------------------------


def _pod_spec(doc: Doc) -> tuple[Doc, Doc]:
    """A workload document's pod metadata and pod spec."""
    if doc["kind"] == "Pod":
        return doc["metadata"], doc["spec"]
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    template = spec["template"]
    return template["metadata"], template["spec"]


def _relabel(doc: Doc) -> bool:
    metadata, _ = _pod_spec(doc)
    labels = metadata.get("labels", {})
    if labels.get("tier") != "backend":
        return False
    labels["tier"] = "frontend"
    return True


def _rename_port(doc: Doc) -> bool:
    _, spec = _pod_spec(doc)
    renamed = False
    for container in spec.get("containers", []):
        for port in container.get("ports", []):
            if port.get("name") == "http":
                port["name"] = "http-alt"
                renamed = True
        for probe in ("readinessProbe", "livenessProbe"):
            check = container.get(probe, {}).get("httpGet", {})
            if check.get("port") == "http":
                check["port"] = "http-alt"
    return renamed


EDITORS: Final[dict[str, Callable[[Doc], bool]]] = {
    "relabel": _relabel,
    "rename-port": _rename_port,
}


def edited_copy(old: Path, new: Path, edit: str) -> str:
    """``new``: ``old`` with one workload of a middle file edited; what was edited."""
    import generate  # noqa: PLC0415 - its YAML dumper, in the parent only

    shutil.rmtree(new, ignore_errors=True)
    shutil.copytree(old, new)
    files = sorted(new.glob("*.yaml"))
    for path in files[len(files) // 2 :] + files[: len(files) // 2]:
        text = path.read_text(encoding="utf-8")
        docs = list(yaml.load_all(text, Loader=yaml.CSafeLoader))
        for doc in docs:
            if doc and doc.get("kind") in WORKLOAD_KINDS and EDITORS[edit](doc):
                header = text.splitlines()[0]
                body = yaml.dump_all(
                    docs,
                    Dumper=generate._PlainDumper,  # noqa: SLF001
                    sort_keys=False,
                    default_flow_style=False,
                    width=100,
                )
                path.write_text(f"{header}\n{body}", encoding="utf-8")
                meta = doc["metadata"]
                return f"{edit} {meta['namespace']}/{meta['name']} ({doc['kind']})"
    sys.exit(f"no workload to {edit} in {old}")


# --- child side: NEW's evaluation given OLD's engine -----------------------------------------


def run_child(old: str, new: str, *, profile_top: int) -> int:
    """Load both trees (from the conversion cache), evaluate OLD, then time NEW's evaluation."""
    from netpoldiff.evaluate import Engine, Universe  # noqa: PLC0415 - the child's imports
    from netpoldiff.manifests import ConversionCache, Loader  # noqa: PLC0415
    from netpoldiff.manifests.conversion_cache import default_directory  # noqa: PLC0415
    from netpoldiff.sources import read_path  # noqa: PLC0415

    # As the command line runs (cli.main): without the cyclic collector, which would rescan
    # every object the evaluation keeps, many times over.
    gc.disable()
    loader = Loader(ConversionCache(default_directory()))
    start = time.perf_counter()
    old_files, new_files = read_path(old).files, read_path(new).files
    loader.prepare([*old_files, *new_files])
    before, after = loader.load(old_files).cluster, loader.load(new_files).cluster
    loaded = time.perf_counter() - start
    engine = Engine(Universe.of([before, after]))
    start = time.perf_counter()
    engine.evaluate(before)
    old_seconds = time.perf_counter() - start
    profiler = cProfile.Profile() if profile_top else None
    start = time.perf_counter()
    matrix = (
        profiler.runcall(engine.evaluate, after) if profiler is not None else engine.evaluate(after)
    )
    incremental = time.perf_counter() - start
    start = time.perf_counter()
    fresh = Engine(engine.universe).evaluate(after)
    full = time.perf_counter() - start
    result: dict[str, object] = {
        "load": loaded,
        "old": old_seconds,
        "incremental": incremental,
        "full": full,
        "equal": matrix == fresh,
        "workloads": len(after.workloads),
        "policies": len(after.policies),
    }
    if profiler is not None:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(profile_top)
        result["profile"] = text.getvalue()
    print(json.dumps(result))
    return 0


# --- parent side ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One size and edit: what was edited, NEW's evaluation both ways, the warm CLI run."""

    size: int
    edit: str
    report: dict[str, Any]
    warm: run.Measured | None
    summary: dict[str, Any]  # the diff's opened and closed counts


def _committed(old: Path, new: Path, repo: Path) -> Path:
    """A repository whose last two commits hold ``old`` and ``new``: one file apart."""
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    for tree in (old, new):
        work = [*git, f"--git-dir={repo / '.git'}", f"--work-tree={tree}"]
        subprocess.run([*work, "add", "-A"], check=True)
        subprocess.run([*work, "commit", "-q", "-m", tree.name], check=True)
    return repo


def _diff(repo: Path, env: dict[str, str], output: Path) -> run.Measured:
    command = [str(CLI), "HEAD~1", "HEAD", "--format", "json", "--output", str(output)]
    measured = run.measure(command, env, cwd=repo)
    if measured.returncode not in {0, 1}:
        tail = (measured.stderr.strip().splitlines() or ["(no message)"])[-1]
        sys.exit(f"netpoldiff failed ({measured.returncode}): {tail}")
    return measured


def _summary(output: Path) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))["summary"]
    return summary


def measure(
    size: int, old: Path, scratch: Path, *, repeat: int, cli: bool, profile_top: int
) -> list[Row]:
    """Each edit of one size: the CLI cold then warm, and the evaluation child."""
    rows = []
    env = {**os.environ, "XDG_CACHE_HOME": str(scratch / "cache")}
    for edit in EDITS:
        new = scratch / edit
        what = edited_copy(old, new, edit)
        print(f"  {size:,}: {what}", file=sys.stderr)
        output = scratch / "diff.json"
        repo = _committed(old, new, scratch / f"repo-{edit}")
        _diff(repo, env, output)  # fills the conversion cache
        summary = _summary(output)
        warm = None
        if cli:
            warm = run.best([_diff(repo, env, output) for _ in range(repeat)])
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(old), str(new)]
        command += ["--profile-top", str(profile_top)]
        runs = [run.measure(command, env) for _ in range(repeat)]
        for measured in runs:
            if not measured.ok:
                sys.exit(f"evaluation child failed: {measured.stderr.strip()}")
        best = min(runs, key=lambda r: float(r.report["incremental"]))
        rows.append(Row(size, what, best.report, warm, summary))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000", help="workload counts (10k,100k)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; best kept")
    parser.add_argument("--keep", action="store_true", help="generate into bench/out/ and reuse")
    parser.add_argument("--no-cli", action="store_true", help="skip the warm CLI runs")
    parser.add_argument("--profile", action="store_true", help="profile NEW's evaluation")
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument("--child", nargs=2, metavar=("OLD", "NEW"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        return run_child(*options.child, profile_top=options.profile_top)
    if not CLI.exists():
        sys.exit(f"no netpoldiff next to {sys.executable}: run `make venv` first")
    run.compile_bytecode()
    load_before = os.getloadavg()[0]
    rows: list[Row] = []
    for size in run.parse_sizes(options.sizes):
        with tempfile.TemporaryDirectory(prefix="netpoldiff-relabel-") as temporary:
            scratch = Path(temporary)
            root = KEEP_DIR if options.keep else scratch
            root.mkdir(exist_ok=True)
            old = run.generate(size, None, options.seed, root, reuse=options.keep)
            rows.extend(
                measure(
                    size,
                    old,
                    scratch,
                    repeat=max(1, options.repeat),
                    cli=not options.no_cli,
                    profile_top=options.profile_top if options.profile else 0,
                )
            )
    load_after = os.getloadavg()[0]
    _print(rows, load_before, load_after, options.repeat)
    return 0


def _print(rows: Sequence[Row], load_before: float, load_after: float, repeat: int) -> None:
    print(
        f"netpoldiff relabel benchmark: Python {sys.version.split()[0]}, best of {repeat}, "
        f"{os.cpu_count()} CPUs, load average {load_before:.1f} before / {load_after:.1f} after"
    )
    table = []
    for row in rows:
        report = row.report
        incremental, full = float(report["incremental"]), float(report["full"])
        met = "-"
        if row.size >= TARGET_SIZE:
            met = "met" if incremental <= TARGET_SECONDS else "MISSED"
        table.append(
            [
                f"{row.size:,}",
                row.edit,
                f"{float(report['old']):.2f}",
                f"{incremental:.3f}",
                f"{full:.2f}",
                f"{full / incremental:.0f}x",
                "yes" if report["equal"] else "NO (!)",
                f"{row.summary['opened']}/{row.summary['closed']}",
                "" if row.warm is None else f"{row.warm.wall:.2f} ({row.warm.cpu:.2f})",
                met,
            ]
        )
    headers = [
        "workloads",
        "edit",
        "OLD s",
        "NEW s\n(same engine)",
        "NEW s\n(fresh engine)",
        "speed-up",
        "equal",
        "opened/\nclosed",
        "warm HEAD~1 HEAD s\n(CPU s)",
        "target",
    ]
    print(tabulate(table, headers=headers, disable_numparse=True, stralign="right"))
    for row in rows:
        if "profile" in row.report:
            print(f"\n{row.size:,} {row.edit}, NEW's evaluation:\n{row.report['profile']}")


if __name__ == "__main__":
    sys.exit(main())
