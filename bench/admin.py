"""Time a diff of a generated cluster with and without admin policies (the cost of the tiers).

    .venv/bin/python bench/admin.py [--workloads 10000] [--admin 50] [--repeat 3]

Generates OLD and NEW as ``bench/generate.py --change`` does, then the same two trees with
``--admin`` cluster-scoped policies added to both: AdminNetworkPolicies in the shapes platform
teams write (DNS and monitoring allowed for everyone, team isolation with Pass to the team's
own NetworkPolicies, denied egress to ranges, partner ranges allowed), ClusterNetworkPolicies
of both tiers, and a BaselineAdminNetworkPolicy. Times ``netpoldiff OLD NEW --no-cache
--format json`` on each pair (best of ``--repeat``, in a fresh process) and prints the ratio;
the target is at most 1.5.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import yaml

sys.path.insert(0, str(Path(__file__).parent))

import generate

TARGET: Final = 1.5
V1: Final = "policy.networking.k8s.io/v1alpha1"
V2: Final = "policy.networking.k8s.io/v1alpha2"
Doc = dict[str, Any]


def _namespaces(**labels: str) -> Doc:
    return {"namespaces": {"matchLabels": labels}}


def _pods(namespace: str, **labels: str) -> Doc:
    return {
        "pods": {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": namespace}},
            "podSelector": {"matchLabels": labels},
        }
    }


def _anp(name: str, priority: int, spec: Doc) -> Doc:
    return {
        "apiVersion": V1,
        "kind": "AdminNetworkPolicy",
        "metadata": {"name": name},
        "spec": {"priority": priority, **spec},
    }


def _cnp(name: str, tier: str, priority: int, spec: Doc) -> Doc:
    return {
        "apiVersion": V2,
        "kind": "ClusterNetworkPolicy",
        "metadata": {"name": name},
        "spec": {"tier": tier, "priority": priority, **spec},
    }


def admin_documents(cluster: generate.GeneratedCluster, count: int) -> list[Doc]:
    """``count`` admin policies for ``cluster`` (at least 4: the platform's own)."""
    rng = random.Random(cluster.seed * 7919 + count)
    dns = [{"portNumber": {"protocol": p, "port": 53}} for p in ("UDP", "TCP")]
    docs: list[Doc] = [
        _anp(
            "allow-dns",
            1,
            {
                "subject": {"namespaces": {}},
                "egress": [
                    {
                        "name": "dns",
                        "action": "Allow",
                        "to": [_pods("kube-system", **{"k8s-app": "kube-dns"})],
                        "ports": dns,
                    }
                ],
            },
        ),
        _anp(
            "allow-monitoring",
            2,
            {
                "subject": {"namespaces": {}},
                "ingress": [
                    {
                        "name": "scrape",
                        "action": "Allow",
                        "from": [_pods("monitoring", **{"app.kubernetes.io/name": "prometheus"})],
                        "ports": [{"namedPort": "metrics"}],
                    }
                ],
            },
        ),
        _cnp(
            "deny-metadata-endpoint",
            "Admin",
            3,
            {
                "subject": {"namespaces": {}},
                "egress": [
                    {"action": "Deny", "to": [{"networks": ["169.254.169.254/32"]}]},
                ],
            },
        ),
        {
            "apiVersion": V1,
            "kind": "BaselineAdminNetworkPolicy",
            "metadata": {"name": "default"},
            "spec": {
                "subject": {"namespaces": {}},
                "ingress": [
                    {"name": "deny-other-teams", "action": "Deny", "from": [{"namespaces": {}}]}
                ],
            },
        },
    ]
    teams = sorted({ns.team for ns in cluster.namespaces if ns.team})
    for index in range(max(0, count - len(docs))):
        team = teams[index % len(teams)]
        priority = 10 + index
        if index % 5 == 4:
            docs.append(
                _cnp(
                    f"baseline-{team}-{index}",
                    "Baseline",
                    priority,
                    {
                        "subject": _namespaces(team=team),
                        "egress": [
                            {
                                "action": "Accept",
                                "to": [{"networks": [rng.choice(generate.PARTNER_HOSTS)]}],
                                "protocols": [{"tcp": {"destinationPort": {"number": 443}}}],
                            }
                        ],
                    },
                )
            )
            continue
        other = teams[(index * 7 + 3) % len(teams)]
        docs.append(
            _anp(
                f"isolate-{team}-{index}",
                priority,
                {
                    "subject": _namespaces(team=team),
                    "ingress": [
                        {"name": "own-team", "action": "Pass", "from": [_namespaces(team=team)]},
                        {
                            "name": "partner-team",
                            "action": "Pass",
                            "from": [_namespaces(team=other)],
                            "ports": [
                                {"portRange": {"protocol": "TCP", "start": 8000, "end": 8999}}
                            ],
                        },
                        {"name": "dev-never", "action": "Deny", "from": [_namespaces(env="dev")]},
                    ],
                    "egress": [
                        {"action": "Pass", "to": [_namespaces(team=team)]},
                        {"action": "Deny", "to": [{"networks": list(generate.PRIVATE_V4)}]},
                    ],
                },
            )
        )
    return docs


def _write(cluster: generate.GeneratedCluster, root: Path, admin: list[Doc] | None) -> None:
    generate.write(cluster, root)
    if admin is not None:
        text = yaml.dump_all(admin, Dumper=generate._PlainDumper, sort_keys=False)  # noqa: SLF001
        (root / "zz-admin.yaml").write_text(f"# {generate.MARKER}\n{text}", encoding="utf-8")


def _time(old: Path, new: Path, repeat: int) -> float:
    command = [sys.executable, "-m", "netpoldiff", "diff", str(old), str(new)]
    command += ["--no-cache", "--format", "json"]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
        if done.returncode not in {0, 1}:
            sys.exit(f"netpoldiff failed: {done.stderr.decode(errors='replace').strip()}")
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", type=int, default=10_000)
    parser.add_argument("--admin", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    cluster = generate.generate(args.workloads)
    changed, _ = generate.apply_change(cluster)
    admin = admin_documents(cluster, args.admin)
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, extra in (("plain", None), ("admin", admin)):
            _write(cluster, root / name / "old", extra)
            _write(changed, root / name / "new", extra)
        plain = _time(root / "plain" / "old", root / "plain" / "new", args.repeat)
        tiered = _time(root / "admin" / "old", root / "admin" / "new", args.repeat)
    ratio = tiered / plain
    verdict = "ok" if ratio <= TARGET else f"over the target of {TARGET}x"
    print(f"{args.workloads:,} workloads, diff --no-cache (best of {args.repeat}):")
    print(f"  without admin policies        {plain:6.2f} s")
    print(f"  with {len(admin):>3} admin policies      {tiered:6.2f} s")
    print(f"  ratio                         {ratio:6.2f}x  ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
