"""Time ``netpoldiff HEAD~1 HEAD`` on two generated revisions that differ by a PR-sized change.

    .venv/bin/python bench/diff.py [--sizes 1000,10000] [--repeat 1]

For each size: generate OLD and NEW with ``bench/generate.py --change``, commit them as two
revisions of a throw-away repository, then run the diff three ways, each in its own process:
cold (empty parse cache), warm (the cache the cold run filled) and directories (the two trees
on disk, no git). Prints wall time, peak memory and the reachability summary of each run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

HERE = Path(__file__).resolve().parent
CLI = Path(sys.executable).with_name("netpoldiff")


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


def _repository(trees: Path, root: Path) -> Path:
    repo = root / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for side in ("old", "new"):
        target = repo / "k8s"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(trees / side, target)
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", side)
    return repo


def _run(args: list[str], cwd: Path, cache: Path) -> tuple[float, float, dict[str, int]]:
    """Wall seconds, peak MB of the child, and the JSON summary."""
    output = cwd.parent / "diff.json"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    start = time.perf_counter()
    # wait4 gives this child's own peak memory, not the largest of every child so far.
    with subprocess.Popen(
        [str(CLI), *args, "--format", "json", "--output", str(output)],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as child:
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        if child.returncode != 0:
            stderr = child.stderr.read().decode() if child.stderr else ""
            sys.exit(f"netpoldiff failed ({child.returncode}): {stderr.strip()}")
    peak = usage.ru_maxrss
    summary = json.loads(output.read_text(encoding="utf-8"))["summary"]
    return seconds, peak / 1024, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000", help="workload counts (1000,10000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; best kept")
    options = parser.parse_args()
    if not CLI.exists():
        sys.exit(f"no netpoldiff next to {sys.executable}: run `make venv` first")
    rows = []
    for size in (int(s) for s in options.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="netpoldiff-bench-") as temporary:
            root = Path(temporary)
            trees = root / "trees"
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "generate.py"),
                    "--workloads",
                    str(size),
                    "--change",
                    str(trees),
                ],
                check=True,
                capture_output=True,
            )
            repo = _repository(trees, root)
            cache = root / "cache"
            runs = {
                "cold (git)": (["HEAD~1", "HEAD"], True),
                "warm (git)": (["HEAD~1", "HEAD"], False),
                "directories": ([str(trees / "old"), str(trees / "new"), "--no-cache"], False),
            }
            for label, (args, clear) in runs.items():
                best: tuple[float, float, dict[str, int]] | None = None
                for _ in range(options.repeat):
                    if clear:
                        shutil.rmtree(cache, ignore_errors=True)
                    result = _run(args, repo, cache)
                    if best is None or result[0] < best[0]:
                        best = result
                assert best is not None  # noqa: S101 - repeat is at least one
                seconds, peak_mb, summary = best
                rows.append(
                    [
                        size,
                        label,
                        f"{seconds:.2f}",
                        f"{peak_mb:.0f}",
                        summary["opened"],
                        summary["closed"],
                    ]
                )
    print(f"netpoldiff diff benchmark: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    headers = ["workloads", "run", "seconds", "peak MB", "opened", "closed"]
    print(tabulate(rows, headers=headers, tablefmt="simple"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
