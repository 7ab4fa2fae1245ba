"""Time start-up: ``netpoldiff --version`` and the first byte of a warm diff's report.

    .venv/bin/python bench/startup.py [--repeat 15] [--imports 12]

A git hook pays start-up on every commit. Measured here, each the best of ``--repeat`` runs:

- ``python -c 'print()'`` with the same interpreter: the floor no run goes below;
- ``netpoldiff --version``;
- ``netpoldiff HEAD~1 HEAD`` in a repository whose two commits hold
  ``fixtures/review-example`` (old, then new), the conversion cache warm: the time from
  starting the process to the first byte of its report on stdout, and to its end.

The package is compiled to bytecode first (a checkout run from source would otherwise
compile on every run where ``PYTHONDONTWRITEBYTECODE`` is set). It also says how long the
diff spends creating data classes (timed in a child that wraps the dataclasses module's
per-class step). ``--imports N`` then lists the N modules that take longest to import in that
diff, from ``python -X importtime``.
The target (issue 18): ``--version`` and the first byte each at most 0.12 s.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final

from tabulate import tabulate

if TYPE_CHECKING:
    from collections.abc import Sequence

HERE: Final = Path(__file__).resolve().parent
EXAMPLE: Final = HERE.parent / "fixtures" / "review-example"
CLI: Final = Path(sys.executable).with_name("netpoldiff")
TARGET_SECONDS: Final = 0.12


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def two_commits(repo: Path) -> None:
    """A repository whose HEAD~1 holds the example's old tree and HEAD its new one."""
    repo.mkdir(parents=True)
    _git(repo, "init", "--quiet", "--initial-branch=main")
    for side in ("old", "new"):
        shutil.rmtree(repo / "k8s", ignore_errors=True)
        shutil.copytree(EXAMPLE / side, repo / "k8s")
        _git(repo, "add", "--all")
        _git(
            repo,
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.invalid",
            "commit",
            "--quiet",
            "-m",
            side,
        )


def first_byte(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from starting ``command`` to the first byte on its stdout, and to its end."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    if process.stdout is None:
        raise AssertionError  # a pipe: asked for above
    if not process.stdout.read(1):
        msg = f"{' '.join(command)} printed nothing"
        raise RuntimeError(msg)
    first = time.perf_counter() - start
    process.stdout.read()
    status = process.wait()
    end = time.perf_counter() - start
    if status != 0:
        msg = f"{' '.join(command)} exited with {status}"
        raise RuntimeError(msg)
    return first, end


# Run in a child: the time Python spends making data classes (dataclasses' own per-class
# step, a private function, wrapped here only to be timed) during one warm diff.
_CLASS_TIMER: Final = """
import dataclasses, sys, time
spent = [0.0, 0]
make = dataclasses._process_class
def timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return make(*args, **kwargs)
    finally:
        spent[0] += time.perf_counter() - start
        spent[1] += 1
dataclasses._process_class = timed
from netpoldiff.cli import main
try:
    main(["HEAD~1", "HEAD"])
except SystemExit:
    pass
print(spent[0], spent[1], file=sys.stderr)
"""


def class_creation(cwd: Path, env: dict[str, str], repeat: int) -> tuple[float, int]:
    """Seconds a warm diff spends creating data classes (best of ``repeat``), and how many."""
    found = []
    for _ in range(repeat):
        run = subprocess.run(
            [sys.executable, "-c", _CLASS_TIMER],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, count = run.stderr.split()[-2:]
        found.append((float(seconds), int(count)))
    return min(found)


def slowest_imports(cwd: Path, env: dict[str, str], count: int) -> list[tuple[str, float]]:
    """The ``count`` top-level imports of a warm diff that take longest, in milliseconds."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "netpoldiff", "HEAD~1", "HEAD"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = []
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        if not name.startswith("  "):  # imported by the run itself, not by another module
            found.append((name.strip(), int(cumulative) / 1000))
    return sorted(found, key=lambda item: -item[1])[:count]


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print the table, and say whether each target is met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per measurement")
    parser.add_argument("--imports", type=int, default=0, help="list the slowest N imports")
    args = parser.parse_args(argv)

    import netpoldiff  # noqa: PLC0415 - the package measured, found like the CLI finds it

    compileall.compile_dir(Path(netpoldiff.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="netpoldiff-startup-") as scratch:
        repo = Path(scratch) / "repo"
        two_commits(repo)
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(scratch) / "cache")}
        diff = [str(CLI), "HEAD~1", "HEAD"]
        first_byte(diff, repo, env)  # fills the conversion cache

        def best(command: Sequence[str]) -> tuple[float, float]:
            runs = [first_byte(command, repo, env) for _ in range(args.repeat)]
            return min(first for first, _ in runs), min(end for _, end in runs)

        floor = best([sys.executable, "-c", "print()"])
        version = best([str(CLI), "--version"])
        report = best(diff)
        rows = [
            [name, f"{first:.3f}", verdict, f"{end:.3f}"]
            for name, (first, end), verdict in (
                ("python -c 'print()'", floor, ""),
                ("netpoldiff --version", version, _verdict(version[0])),
                ("netpoldiff HEAD~1 HEAD", report, _verdict(report[0])),
            )
        ]
        print(
            tabulate(
                rows,
                headers=["run (warm cache)", "first byte s", f"<= {TARGET_SECONDS} s", "end s"],
            )
        )
        print(f"best of {args.repeat} runs each; load average {os.getloadavg()[0]:.2f}")
        seconds, count = class_creation(repo, env, args.repeat)
        print(f"of the diff, creating {count} data classes: {seconds * 1000:.0f} ms")
        if args.imports:
            print()
            imports = slowest_imports(repo, env, args.imports)
            print(tabulate([[name, f"{ms:.1f}"] for name, ms in imports], ["import", "ms"]))
    return 0


def _verdict(seconds: float) -> str:
    return "met" if seconds <= TARGET_SECONDS else "not met"


if __name__ == "__main__":
    sys.exit(main())
