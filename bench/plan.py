"""Time ``netpoldiff plan`` on a generated cluster and a 20-object change.

    .venv/bin/python bench/plan.py --sizes 1000,10000

NEW differs from OLD in 20 policies: 10 gain an ingress rule from the monitoring namespace
(they open), 5 lose their last ingress rule (they close), and 5 namespaces gain a default
deny of ingress (they close). Both trees are written as directories; the plan is run twice
and the second (warm: the parse cache filled) is timed, with its peak memory.
"""

from __future__ import annotations

import argparse
import copy
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import generate

EDITS_OPENING = 10
EDITS_NARROWING = 5
DEFAULT_DENIES = 5


def changed(cluster: generate.GeneratedCluster) -> generate.GeneratedCluster:
    """A copy of ``cluster`` with the 20 policy edits of this benchmark."""
    new = copy.deepcopy(cluster)
    rng = random.Random(cluster.seed * 104729 + 3)
    with_rules = [
        policy
        for ns in new.namespaces
        for policy in ns.policies
        if policy.doc["spec"].get("ingress") and ns.name not in {"kube-system", "monitoring"}
    ]
    chosen = rng.sample(with_rules, EDITS_OPENING + EDITS_NARROWING)
    for policy in chosen[:EDITS_OPENING]:
        policy.doc["spec"]["ingress"].append(
            {
                "from": [
                    {
                        "namespaceSelector": {
                            "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}
                        }
                    }
                ],
                "ports": [{"protocol": "TCP", "port": 9100}],
            }
        )
    for policy in chosen[EDITS_OPENING:]:
        rules = policy.doc["spec"]["ingress"]
        if len(rules) > 1:
            rules.pop()
        else:
            rules[0]["ports"] = [{"protocol": "TCP", "port": 1}]
    spaces = [ns for ns in new.namespaces if ns.name not in {"kube-system", "monitoring"}]
    for ns in rng.sample(spaces, DEFAULT_DENIES):
        ns.policies.append(
            generate.Policy(
                "bench-default-deny",
                None,
                {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "NetworkPolicy",
                    "metadata": {"name": "bench-default-deny", "namespace": ns.name},
                    "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
                },
            )
        )
    return new


def measure(size: int, root: Path) -> tuple[float, float, int]:
    """(seconds, peak MB, steps) of a warm ``netpoldiff plan`` at ``size`` workloads."""
    cluster = generate.generate(size)
    generate.write(cluster, root / "old")
    generate.write(changed(cluster), root / "new")
    command = [sys.executable, "-m", "netpoldiff", "plan", str(root / "old"), str(root / "new")]
    command += ["--format", "json"]
    env_cache = {"XDG_CACHE_HOME": str(root / "cache")}
    subprocess.run(command, capture_output=True, check=False, env={**_env(), **env_cache})
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False, env={**_env(), **env_cache})
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    steps = done.stdout.count(b'"action"')
    return seconds, peak, steps


def _env() -> dict[str, str]:
    import os  # noqa: PLC0415 - only the child processes' environment

    return dict(os.environ)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args(argv)
    print(f"{'workloads':>10}  {'steps':>5}  {'warm plan s':>11}  {'peak MB':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as directory:
            seconds, peak, steps = measure(size, Path(directory))
        print(f"{size:>10,}  {steps:>5}  {seconds:>11.2f}  {peak:>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
