"""Generate a synthetic but realistic cluster of Kubernetes manifests for benchmarks.

    python bench/generate.py --workloads 10000 [--policies 6000] [--seed 1] OUT_DIR
    python bench/generate.py --workloads 10000 --change OUT_DIR   # OUT_DIR/old, OUT_DIR/new

One YAML file per namespace: the Namespace (labels team=, env=, tier=), its workloads
(mostly Deployments; StatefulSets for databases and caches; DaemonSets, Jobs, CronJobs and a
few bare Pods) and its NetworkPolicies. Platform namespaces (kube-system with kube-dns,
monitoring with Prometheus, ingress-nginx) are always present and count toward the totals.

Every application namespace gets a default-deny ingress policy and a Prometheus scrape
allowance; about half also deny egress, with DNS and same-namespace egress allowed back. The
rest of the namespace's policy budget goes to per-application policies: frontends open to
the internet (ipBlock 0.0.0.0/0 and ::/0 minus private ranges), backends to frontends and to
other namespaces of chosen teams, databases and caches to the tiers that use them (In /
NotIn / Exists expressions, named ports), workers to external CIDRs (IPv4 and IPv6, endPort
ranges). Totals are exact: ``--workloads`` workloads and ``--policies`` policies (default
0.6 per workload). Output depends only on the arguments.

``--change`` writes two trees differing by a PR-sized change (four policy edits: one opens
flows, one closes flows, one widens a port range, one refactors without changing meaning)
and describes the edits in OUT_DIR/change.json.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    _Dumper = yaml.SafeDumper
else:  # libyaml's emitter when present: the pure-Python one is several times slower
    _Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

Doc = dict[str, Any]


class _PlainDumper(_Dumper):
    """No anchors and aliases: manifests spell out shared pieces (labels, DNS peers) in full."""

    def ignore_aliases(self, data: object) -> bool:  # noqa: ARG002 - the hook's signature
        return True


DEFAULT_POLICY_RATIO: Final = 0.6
MIN_WORKLOADS: Final = 20

NAME_LABEL: Final = "kubernetes.io/metadata.name"
PRIVATE_V4: Final = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
PRIVATE_V6: Final = ("fc00::/7",)

TEAMS: Final = (
    "payments",
    "checkout",
    "search",
    "catalog",
    "identity",
    "ledger",
    "shipping",
    "pricing",
    "reviews",
    "inventory",
    "billing",
    "notify",
    "growth",
    "media",
    "fraud",
    "support",
    "analytics",
    "recs",
    "partners",
    "mobile",
    "loyalty",
    "ads",
    "maps",
    "orders",
)
GROUPS: Final = (
    "core",
    "api",
    "edge",
    "data",
    "jobs",
    "svc",
    "platform",
    "stream",
    "sync",
    "portal",
    "batch",
    "events",
    "web",
    "int",
    "admin",
    "ops",
)
DOMAINS: Final = (
    "orders",
    "carts",
    "users",
    "accounts",
    "invoices",
    "quotes",
    "items",
    "stock",
    "routes",
    "sessions",
    "tokens",
    "prices",
    "offers",
    "ratings",
    "images",
    "feeds",
    "alerts",
    "rules",
    "events",
    "reports",
    "ledger",
    "refunds",
    "labels",
    "audits",
    "profiles",
    "search",
)
ROLE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "frontend": ("web", "ui", "portal", "gateway", "bff"),
    "backend": ("api", "svc", "service", "grpc", "rest", "core"),
    "db": ("postgres", "mysql", "db"),
    "cache": ("redis", "memcached", "cache"),
    "worker": ("worker", "consumer", "indexer", "sync", "exporter", "scheduler", "agent"),
}
# (env, weight), (namespace tier, weight): namespaces of a team are spread over both.
ENVS: Final = (("prod", 5), ("staging", 3), ("dev", 2))
NAMESPACE_TIERS: Final = (("edge", 2), ("services", 5), ("data", 2))
# Share of each pod tier by namespace tier.
TIER_MIX: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    "edge": (("frontend", 40), ("backend", 35), ("cache", 10), ("worker", 15)),
    "services": (("frontend", 10), ("backend", 45), ("db", 10), ("cache", 10), ("worker", 25)),
    "data": (("backend", 25), ("db", 35), ("cache", 15), ("worker", 25)),
}
KINDS_BY_TIER: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    "frontend": (("Deployment", 95), ("Pod", 5)),
    "backend": (("Deployment", 92), ("StatefulSet", 4), ("Pod", 4)),
    "db": (("StatefulSet", 85), ("Deployment", 15)),
    "cache": (("StatefulSet", 50), ("Deployment", 50)),
    "worker": (("Deployment", 45), ("CronJob", 22), ("Job", 15), ("DaemonSet", 13), ("Pod", 5)),
}
API_VERSIONS: Final = {
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    "Pod": "v1",
}
# Destinations outside the cluster: SaaS and cloud ranges (IPv4 and IPv6), partner hosts.
EXTERNAL_V4: Final = (
    "52.94.0.0/16",
    "54.239.0.0/16",
    "3.5.0.0/16",
    "13.107.0.0/16",
    "35.190.0.0/17",
    "34.64.0.0/10",
    "104.16.0.0/13",
    "151.101.0.0/16",
    "140.82.112.0/20",
    "185.199.108.0/22",
    "199.232.0.0/16",
    "20.33.0.0/16",
    "18.156.0.0/14",
    "162.159.0.0/16",
)
EXTERNAL_V6: Final = (
    "2600:1f18::/32",
    "2a05:d014::/32",
    "2606:4700::/32",
    "2001:4860::/32",
    "2620:1ec::/36",
)
PARTNER_HOSTS: Final = tuple(f"198.51.100.{i}/32" for i in range(1, 61)) + tuple(
    f"203.0.113.{i}/32" for i in range(1, 41)
)


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


@dataclass(slots=True)
class App:
    """One workload of an application namespace."""

    name: str
    kind: str
    tier: str
    team: str
    ports: tuple[tuple[str | None, int, str], ...]  # (name, number, protocol)

    def port_names(self) -> set[str]:
        return {name for name, _, _ in self.ports if name is not None}


@dataclass(slots=True)
class Policy:
    """A generated NetworkPolicy and what it was generated for (used by ``--change``)."""

    role: str
    app: str | None
    doc: Doc


@dataclass(slots=True)
class NamespaceSpec:
    """One namespace file: the Namespace, its workloads and its policies."""

    name: str
    labels: dict[str, str]
    apps: list[App] = field(default_factory=list)
    workload_docs: list[Doc] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    egress_deny: bool = False

    @property
    def team(self) -> str:
        return self.labels.get("team", "")

    def docs(self) -> Iterator[Doc]:
        yield {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": self.name, "labels": dict(self.labels)},
        }
        yield from self.workload_docs
        for policy in self.policies:
            yield policy.doc


@dataclass(slots=True)
class GeneratedCluster:
    """The namespaces of one generated cluster, in file order."""

    seed: int
    namespaces: list[NamespaceSpec]

    @property
    def workload_count(self) -> int:
        return sum(len(ns.workload_docs) for ns in self.namespaces)

    @property
    def policy_count(self) -> int:
        return sum(len(ns.policies) for ns in self.namespaces)


# --- workload manifests -------------------------------------------------------------------


def _container(
    name: str, image: str, ports: Sequence[tuple[str | None, int, str]], rng: random.Random
) -> Doc:
    container: Doc = {
        "name": name,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "env": [
            {"name": "LOG_LEVEL", "value": rng.choice(("info", "debug", "warn"))},
            {"name": "SERVICE_NAME", "value": name},
            {
                "name": "POD_NAMESPACE",
                "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}},
            },
        ],
        "resources": {
            "requests": {"cpu": f"{rng.choice((50, 100, 250, 500))}m", "memory": "128Mi"},
            "limits": {"memory": f"{rng.choice((256, 512, 1024))}Mi"},
        },
    }
    if ports:
        entries: list[Doc] = []
        for port_name, number, protocol in ports:
            entry: Doc = {}
            if port_name is not None:
                entry["name"] = port_name
            entry["containerPort"] = number
            if protocol != "TCP" or rng.random() < 0.3:
                entry["protocol"] = protocol
            entries.append(entry)
        container["ports"] = entries
        probe_port = next((n for n, _, _ in ports if n in {"http", "grpc"}), None)
        if probe_port == "http":
            container["readinessProbe"] = {
                "httpGet": {"path": "/healthz", "port": "http"},
                "periodSeconds": 10,
            }
        elif probe_port == "grpc":
            container["readinessProbe"] = {"grpc": {"port": 9000}, "periodSeconds": 10}
    container["securityContext"] = {
        "runAsNonRoot": True,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
    }
    return container


def _pod_template(app: App, rng: random.Random, version: str) -> Doc:
    labels = {"app": app.name, "tier": app.tier, "version": version, "team": app.team}
    if rng.random() < 0.5:
        labels["app.kubernetes.io/part-of"] = app.name.split("-")[0]
    image = f"registry.example.com/{app.team}/{app.name}:{version}.{rng.randrange(30)}"
    containers = [_container(app.name, image, app.ports, rng)]
    init_containers: list[Doc] = []
    if app.kind not in {"Job", "CronJob"} and rng.random() < 0.15:
        sidecar = _container(
            "envoy", "envoyproxy/envoy:v1.30.1", (("envoy-admin", 15000, "TCP"),), rng
        )
        if rng.random() < 0.3:  # a native sidecar: an init container that keeps running
            sidecar["restartPolicy"] = "Always"
            init_containers.append(sidecar)
        else:
            containers.append(sidecar)
    spec: Doc = {
        "serviceAccountName": app.name,
        "containers": containers,
    }
    if init_containers:
        spec["initContainers"] = init_containers
    if app.kind in {"Job", "CronJob"}:
        spec["restartPolicy"] = "OnFailure"
    return {
        "metadata": {
            "labels": labels,
            "annotations": {"prometheus.io/scrape": str("metrics" in app.port_names()).lower()},
        },
        "spec": spec,
    }


def _workload_doc(app: App, namespace: str, rng: random.Random) -> Doc:
    version = f"v{rng.randint(1, 3)}"
    template = _pod_template(app, rng, version)
    metadata: Doc = {
        "name": app.name,
        "namespace": namespace,
        "labels": {"app": app.name, "team": app.team},
    }
    selector = {"matchLabels": {"app": app.name}}
    doc: Doc = {"apiVersion": API_VERSIONS[app.kind], "kind": app.kind, "metadata": metadata}
    match app.kind:
        case "Pod":
            metadata["labels"] = template["metadata"]["labels"]
            doc["spec"] = template["spec"]
        case "Deployment":
            doc["spec"] = {
                "replicas": rng.choice((1, 2, 3, 3, 5)),
                "selector": selector,
                "strategy": {"type": "RollingUpdate"},
                "template": template,
            }
        case "StatefulSet":
            doc["spec"] = {
                "serviceName": app.name,
                "replicas": rng.choice((1, 3)),
                "selector": selector,
                "template": template,
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data"},
                        "spec": {
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": "10Gi"}},
                        },
                    }
                ],
            }
        case "DaemonSet":
            doc["spec"] = {"selector": selector, "template": template}
        case "Job":
            doc["spec"] = {"backoffLimit": 3, "template": template}
        case "CronJob":
            doc["spec"] = {
                "schedule": f"{rng.randrange(60)} {rng.randrange(24)} * * *",
                "concurrencyPolicy": "Forbid",
                "jobTemplate": {"spec": {"backoffLimit": 2, "template": template}},
            }
        case _:
            msg = f"unexpected kind {app.kind}"
            raise ValueError(msg)
    return doc


def _ports_for(tier: str, name: str, rng: random.Random) -> tuple[tuple[str | None, int, str], ...]:
    metrics = ("metrics", 9090, "TCP")
    match tier:
        case "frontend":
            return (("http", 8080, "TCP"), metrics)
        case "backend":
            ports: list[tuple[str | None, int, str]] = [("http", 8080, "TCP")]
            if rng.random() < 0.6:
                ports.append(("grpc", 9000, "TCP"))
            if rng.random() < 0.2:
                ports.append((None, 8443, "TCP"))
            ports.append(metrics)
            return tuple(ports)
        case "db":
            number = 3306 if "mysql" in name else 5432
            return (("db", number, "TCP"), ("metrics", 9187, "TCP"))
        case "cache":
            number = 11211 if "memcached" in name else 6379
            return (("cache", number, "TCP"), ("metrics", 9121, "TCP"))
        case _:  # worker
            return (metrics,) if rng.random() < 0.7 else ()


def _make_app(tier: str, team: str, used: set[str], rng: random.Random) -> App:
    while True:
        name = f"{rng.choice(DOMAINS)}-{rng.choice(ROLE_WORDS[tier])}"
        if name in used:
            name = f"{name}-{rng.randrange(2, 100)}"
        if name not in used:
            break
    used.add(name)
    kind = _weighted(rng, KINDS_BY_TIER[tier])
    ports = () if kind in {"Job", "CronJob"} and rng.random() < 0.7 else _ports_for(tier, name, rng)
    return App(name, kind, tier, team, ports)


# --- policy manifests ---------------------------------------------------------------------


def _policy(
    namespace: str,
    name: str,
    pod_selector: Doc,
    types: Sequence[str],
    *,
    ingress: list[Doc] | None = None,
    egress: list[Doc] | None = None,
) -> Doc:
    spec: Doc = {"podSelector": pod_selector, "policyTypes": list(types)}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def _ns_peer(name: str, pod_labels: dict[str, str] | None = None) -> Doc:
    peer: Doc = {"namespaceSelector": {"matchLabels": {NAME_LABEL: name}}}
    if pod_labels is not None:
        peer["podSelector"] = {"matchLabels": pod_labels}
    return peer


DNS_PEER: Final = _ns_peer("kube-system", {"k8s-app": "kube-dns"})
DNS_PORTS: Final = [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]


def _internet_block(v6: bool) -> Doc:
    if v6:
        return {"ipBlock": {"cidr": "::/0", "except": list(PRIVATE_V6)}}
    return {"ipBlock": {"cidr": "0.0.0.0/0", "except": list(PRIVATE_V4)}}


def _baseline(ns: NamespaceSpec) -> list[Policy]:
    """Namespace-wide policies, most important first (a small budget keeps a prefix)."""
    name = ns.name
    policies = [
        Policy(
            "default-deny-ingress", None, _policy(name, "default-deny-ingress", {}, ["Ingress"])
        ),
        Policy(
            "allow-prometheus",
            None,
            _policy(
                name,
                "allow-prometheus-scrape",
                {},
                ["Ingress"],
                ingress=[
                    {
                        "from": [_ns_peer("monitoring", {"app.kubernetes.io/name": "prometheus"})],
                        "ports": [{"protocol": "TCP", "port": "metrics"}],
                    }
                ],
            ),
        ),
    ]
    if ns.egress_deny:
        policies += [
            Policy(
                "default-deny-egress", None, _policy(name, "default-deny-egress", {}, ["Egress"])
            ),
            Policy(
                "allow-dns",
                None,
                _policy(
                    name,
                    "allow-dns-egress",
                    {},
                    ["Egress"],
                    egress=[{"to": [DNS_PEER], "ports": DNS_PORTS}],
                ),
            ),
            Policy(
                "allow-same-namespace-egress",
                None,
                _policy(
                    name,
                    "allow-same-namespace-egress",
                    {},
                    ["Egress"],
                    egress=[{"to": [{"podSelector": {}}]}],
                ),
            ),
        ]
    return policies


class _PolicyMaker:
    """Per-application policies; variant k of an app is its (k+1)-th policy."""

    def __init__(self, rng: random.Random, teams: Sequence[str]) -> None:
        self.rng = rng
        self.teams = teams

    def make(self, ns: NamespaceSpec, app: App, variant: int) -> Policy:
        makers = {
            "frontend": (self._frontend_internet, self._frontend_from_edge, self._range),
            "backend": (self._backend_from_frontend, self._backend_cross_team, self._range),
            "db": (self._db_from_backend, self._db_cross_team),
            "cache": (self._cache_from_apps, self._db_cross_team),
            "worker": (self._worker_egress, self._range),
        }[app.tier]
        role, doc = makers[variant % len(makers)](ns, app)
        if variant >= len(makers):
            doc["metadata"]["name"] += f"-{variant // len(makers) + 1}"
        return Policy(role, app.name, doc)

    def _app_selector(self, app: App) -> Doc:
        return {"matchLabels": {"app": app.name}}

    def _port_list(self, app: App, preferred: Sequence[str]) -> list[Doc]:
        names = app.port_names()
        ports: list[Doc] = [{"protocol": "TCP", "port": p} for p in preferred if p in names]
        if not ports:
            # No such named port: a numeric one, as teams write when the port is unnamed.
            ports = [{"protocol": "TCP", "port": app.ports[0][1] if app.ports else 8080}]
        return ports

    def _frontend_internet(self, ns: NamespaceSpec, app: App) -> tuple[str, Doc]:
        peers = [_internet_block(v6=False)]
        if self.rng.random() < 0.5:
            peers.append(_internet_block(v6=True))
        peers.append(_ns_peer("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}))
        return "frontend-internet", _policy(
            ns.name,
            f"allow-{app.name}-from-internet",
            self._app_selector(app),
            ["Ingress"],
            ingress=[{"from": peers, "ports": self._port_list(app, ("http",))}],
        )

    def _frontend_from_edge(self, ns: NamespaceSpec, app: App) -> tuple[str, Doc]:
        peer = {
            "namespaceSelector": {
                "matchExpressions": [
                    {"key": "tier", "operator": "In", "values": ["edge"]},
                    {"key": "env", "operator": "In", "values": [ns.labels["env"]]},
                ]
            },
            "podSelector": {"matchLabels": {"tier": "frontend"}},
        }
        return "frontend-from-edge", _policy(
            ns.name,
            f"allow-{app.name}-from-edge",
            self._app_selector(app),
            ["Ingress"],
            ingress=[{"from": [peer], "ports": self._port_list(app, ("http",))}],
        )

    def _backend_from_frontend(self, ns: NamespaceSpec, app: App) -> tuple[str, Doc]:
        if self.rng.random() < 0.5:
            pod_selector: Doc = {"matchLabels": {"tier": "frontend"}}
        else:
            pod_selector = {
                "matchExpressions": [
                    {"key": "tier", "operator": "In", "values": ["frontend", "backend"]}
                ]
            }
        return "backend-from-frontend", _policy(
            ns.name,
            f"allow-{app.name}-from-frontend",
            self._app_selector(app),
            ["Ingress"],
            ingress=[
                {
                    "from": [{"podSelector": pod_selector}],
                    "ports": self._port_list(app, ("http", "grpc")),
                }
            ],
        )

    def _other_teams(self, ns: NamespaceSpec, count: int) -> list[str]:
        others = [t for t in self.teams if t != ns.team]
        return sorted(self.rng.sample(others, min(count, len(others))))

    def _backend_cross_team(self, ns: NamespaceSpec, app: App) -> tuple[str, Doc]:
        teams = self._other_teams(ns, self.rng.choice((1, 1, 2, 3)))
        namespace_selector: Doc
        if len(teams) == 1:
            namespace_selector = {"matchLabels": {"team": teams[0], "env": ns.labels["env"]}}
        else:
            namespace_selector = {
                "matchExpressions": [
                    {"key": "team", "operator": "In", "values": teams},
                    {"key": "env", "operator": "NotIn", "values": ["dev"]},
                ]
            }
        peer = {
            "namespaceSelector": namespace_selector,
            "podSelector": {"matchLabels": {"tier": "backend"}},
        }
        return "backend-cross-team", _policy(
            ns.name,
            f"allow-{app.name}-from-{'-'.join(teams)}",
            self._app_selector(app),
            ["Ingress"],
            ingress=[{"from": [peer], "ports": self._port_list(app, ("grpc", "http"))}],
        )

    def _range(self, ns: NamespaceSpec, app: App) -> tuple[str, Doc]:
        start = self.rng.choice((8000, 8080, 9000, 30000))
        return "port-range", _policy(
            ns.name,
            f"allow-{app.name}-port-range",
            self._app_selector(app),
            ["Ingress"],
            ingress=[
                {
                    "from": [
                        {
                            "podSelector": {
                                "matchExpressions": [{"key": "app", "operator": "Exists"}]
                            }
                        }
                    ],
                    "ports": [{"protocol": "TCP", "port": start, "endPort": start + 99}],
                }
            ],
        )

    def _db_from_backend(self, ns: NamespaceSpec, app: App) -> tuple[str, Doc]:
        peer = {
            "podSelector": {
                "matchExpressions": [
                    {"key": "tier", "operator": "In", "values": ["backend", "worker"]}
                ]
            }
        }
        return "db-from-backend", _policy(
            ns.name,
            f"allow-{app.name}-from-backend",
            self._app_selector(app),
            ["Ingress"],
            ingress=[{"from": [peer], "ports": self._port_list(app, ("db",))}],
        )

    def _db_cross_team(self, ns: NamespaceSpec, app: App) -> tuple[str, Doc]:
        peer = {
            "namespaceSelector": {
                "matchLabels": {"team": ns.team},
                "matchExpressions": [
                    {"key": "tier", "operator": "In", "values": ["services", "edge"]}
                ],
            },
            "podSelector": {"matchLabels": {"tier": "backend"}},
        }
        return "data-from-team", _policy(
            ns.name,
            f"allow-{app.name}-from-team",
            self._app_selector(app),
            ["Ingress"],
            ingress=[{"from": [peer], "ports": self._port_list(app, ("db", "cache"))}],
        )

    def _cache_from_apps(self, ns: NamespaceSpec, app: App) -> tuple[str, Doc]:
        peer = {
            "podSelector": {
                "matchExpressions": [
                    {"key": "tier", "operator": "NotIn", "values": ["db", "cache"]},
                    {"key": "app", "operator": "Exists"},
                ]
            }
        }
        return "cache-from-apps", _policy(
            ns.name,
            f"allow-{app.name}-from-apps",
            self._app_selector(app),
            ["Ingress"],
            ingress=[{"from": [peer], "ports": self._port_list(app, ("cache",))}],
        )

    def _worker_egress(self, ns: NamespaceSpec, app: App) -> tuple[str, Doc]:
        blocks: list[Doc] = [
            {"ipBlock": {"cidr": c}} for c in self.rng.sample(EXTERNAL_V4, self.rng.randint(1, 3))
        ]
        if self.rng.random() < 0.3:
            blocks.append({"ipBlock": {"cidr": self.rng.choice(EXTERNAL_V6)}})
        if self.rng.random() < 0.1:
            blocks.append({"ipBlock": {"cidr": self.rng.choice(PARTNER_HOSTS)}})
        start = self.rng.choice((5000, 6000, 7000))
        egress = [
            {
                "to": blocks,
                "ports": [
                    {"protocol": "TCP", "port": 443},
                    {"protocol": "TCP", "port": start, "endPort": start + 100},
                ],
            },
            {"to": [DNS_PEER], "ports": DNS_PORTS},
            {
                "to": [
                    {
                        "podSelector": {
                            "matchExpressions": [
                                {
                                    "key": "tier",
                                    "operator": "In",
                                    "values": ["backend", "cache", "db"],
                                }
                            ]
                        }
                    }
                ]
            },
        ]
        return "worker-egress", _policy(
            ns.name, f"allow-{app.name}-egress", self._app_selector(app), ["Egress"], egress=egress
        )


# --- platform namespaces ------------------------------------------------------------------


def _platform_app(name: str, kind: str, labels: dict[str, str], ports: list[Doc] | None) -> Doc:
    labels = dict(labels)  # each document spells its labels out (no YAML aliases)
    container: Doc = {"name": name, "image": f"registry.k8s.io/{name}:latest"}
    if ports is not None:
        container["ports"] = ports
    template = {"metadata": {"labels": dict(labels)}, "spec": {"containers": [container]}}
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "labels": dict(labels)},
        "spec": {"selector": {"matchLabels": dict(labels)}, "template": template},
    }


def _platform_namespaces() -> list[NamespaceSpec]:
    kube_system = NamespaceSpec("kube-system", {"tier": "platform"})
    kube_system.workload_docs = [
        _platform_app(
            "coredns",
            "Deployment",
            {"k8s-app": "kube-dns"},
            [
                {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                {"name": "metrics", "containerPort": 9153, "protocol": "TCP"},
            ],
        ),
        _platform_app(
            "metrics-server",
            "Deployment",
            {"k8s-app": "metrics-server"},
            [{"name": "https", "containerPort": 10250, "protocol": "TCP"}],
        ),
    ]
    kube_system.policies = [
        Policy(
            "platform",
            None,
            _policy(
                "kube-system",
                "allow-dns-from-cluster",
                {"matchLabels": {"k8s-app": "kube-dns"}},
                ["Ingress"],
                ingress=[
                    {"from": [{"namespaceSelector": {}}], "ports": DNS_PORTS},
                    {
                        "from": [_ns_peer("monitoring", {"app.kubernetes.io/name": "prometheus"})],
                        "ports": [{"port": "metrics"}],
                    },
                ],
            ),
        )
    ]
    monitoring = NamespaceSpec("monitoring", {"tier": "platform", "team": "observability"})
    prometheus_labels = {"app.kubernetes.io/name": "prometheus"}
    monitoring.workload_docs = [
        _platform_app(
            "prometheus", "StatefulSet", prometheus_labels, [{"name": "web", "containerPort": 9090}]
        ),
        _platform_app(
            "alertmanager",
            "StatefulSet",
            {"app.kubernetes.io/name": "alertmanager"},
            [{"name": "web", "containerPort": 9093}],
        ),
        _platform_app(
            "grafana",
            "Deployment",
            {"app.kubernetes.io/name": "grafana"},
            [{"name": "http", "containerPort": 3000}],
        ),
        _platform_app(
            "kube-state-metrics",
            "Deployment",
            {"app.kubernetes.io/name": "kube-state-metrics"},
            [{"name": "metrics", "containerPort": 8080}],
        ),
        _platform_app(
            "node-exporter",
            "DaemonSet",
            {"app.kubernetes.io/name": "node-exporter"},
            [{"name": "metrics", "containerPort": 9100}],
        ),
    ]
    monitoring.policies = [
        Policy("platform", None, _policy("monitoring", "default-deny-ingress", {}, ["Ingress"])),
        Policy(
            "platform",
            None,
            _policy(
                "monitoring",
                "allow-prometheus-scrape",
                {},
                ["Ingress"],
                ingress=[{"from": [{"podSelector": {"matchLabels": prometheus_labels}}]}],
            ),
        ),
        Policy(
            "platform",
            None,
            _policy(
                "monitoring",
                "allow-grafana-from-ingress",
                {"matchLabels": {"app.kubernetes.io/name": "grafana"}},
                ["Ingress"],
                ingress=[
                    {
                        "from": [_ns_peer("ingress-nginx")],
                        "ports": [{"port": "http"}],
                    }
                ],
            ),
        ),
    ]
    ingress = NamespaceSpec("ingress-nginx", {"tier": "edge", "team": "platform"})
    ingress_labels = {"app.kubernetes.io/name": "ingress-nginx"}
    ingress.workload_docs = [
        _platform_app(
            "ingress-nginx-controller",
            "Deployment",
            ingress_labels,
            [
                {"name": "http", "containerPort": 80},
                {"name": "https", "containerPort": 443},
                {"name": "metrics", "containerPort": 10254},
            ],
        ),
    ]
    ingress.policies = [
        Policy(
            "platform",
            None,
            _policy(
                "ingress-nginx",
                "allow-web-from-internet",
                {"matchLabels": ingress_labels},
                ["Ingress"],
                ingress=[
                    {
                        "from": [_internet_block(v6=False), _internet_block(v6=True)],
                        "ports": [{"port": 80}, {"port": 443}],
                    },
                    {"from": [_ns_peer("monitoring")], "ports": [{"port": "metrics"}]},
                ],
            ),
        ),
    ]
    for ns in (kube_system, monitoring, ingress):
        for doc in ns.workload_docs:
            doc["metadata"]["namespace"] = ns.name
    return [kube_system, monitoring, ingress]


# --- the cluster --------------------------------------------------------------------------


def _namespace_sizes(total: int, rng: random.Random) -> list[int]:
    sizes: list[int] = []
    left = total
    while left > 0:
        size = min(left, max(3, int(rng.lognormvariate(3.0, 0.5))))
        sizes.append(size)
        left -= size
    return sizes


def _apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders): exact sum."""
    weight_sum = sum(weights) or 1
    exact = [total * w / weight_sum for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _interleaved(apps: Sequence[App], rng: random.Random) -> list[App]:
    """Apps taking turns by tier (frontend, db, backend, cache, worker), shuffled within a tier.

    A namespace whose budget covers only some apps still gets policies of every kind.
    """
    by_tier: dict[str, list[App]] = {tier: [] for tier in ROLE_WORDS}
    for app in apps:
        by_tier[app.tier].append(app)
    for members in by_tier.values():
        rng.shuffle(members)
    queues = [by_tier[tier] for tier in ("frontend", "db", "backend", "cache", "worker")]
    order: list[App] = []
    while any(queues):
        order.extend(queue.pop(0) for queue in queues if queue)
    return order


def generate(workloads: int, policies: int | None = None, seed: int = 1) -> GeneratedCluster:
    """A cluster of exactly ``workloads`` workloads and ``policies`` policies."""
    if workloads < MIN_WORKLOADS:
        msg = f"--workloads must be at least {MIN_WORKLOADS}"
        raise ValueError(msg)
    if policies is None:
        policies = round(workloads * DEFAULT_POLICY_RATIO)
    rng = random.Random(seed)
    platform = _platform_namespaces()
    platform_workloads = sum(len(ns.workload_docs) for ns in platform)
    platform_policies = sum(len(ns.policies) for ns in platform)
    app_policies = max(0, policies - platform_policies)
    if policies < platform_policies:  # a tiny budget: trim the platform's policies too
        left = policies
        for ns in platform:
            ns.policies = ns.policies[: max(0, left)]
            left -= len(ns.policies)

    sizes = _namespace_sizes(workloads - platform_workloads, rng)
    namespaces: list[NamespaceSpec] = []
    names: set[str] = {ns.name for ns in platform}
    for size in sizes:
        team = rng.choice(TEAMS)
        env = _weighted(rng, ENVS)
        ns_tier = _weighted(rng, NAMESPACE_TIERS)
        name = f"{team}-{rng.choice(GROUPS)}-{env}"
        suffix = 2
        while name in names:
            name = f"{team}-{rng.choice(GROUPS)}{suffix}-{env}"
            suffix += 1
        names.add(name)
        labels = {"team": team, "env": env, "tier": ns_tier}
        if rng.random() < 0.4:
            labels["istio-injection"] = "enabled"
        ns = NamespaceSpec(name, labels, egress_deny=rng.random() < 0.5)
        used: set[str] = set()
        for _ in range(size):
            app = _make_app(_weighted(rng, TIER_MIX[ns_tier]), team, used, rng)
            ns.apps.append(app)
            ns.workload_docs.append(_workload_doc(app, name, rng))
        namespaces.append(ns)

    maker = _PolicyMaker(rng, TEAMS)
    budgets = _apportion(app_policies, [len(ns.apps) for ns in namespaces])
    for ns, budget in zip(namespaces, budgets, strict=True):
        baseline = _baseline(ns)[:budget]
        ns.policies = baseline
        order = _interleaved(ns.apps, rng)
        for i in range(budget - len(baseline)):
            ns.policies.append(maker.make(ns, order[i % len(order)], i // len(order)))

    all_namespaces = platform + sorted(namespaces, key=lambda ns: ns.name)
    return GeneratedCluster(seed, all_namespaces)


# --- a PR-sized change --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edit:
    """One edit of ``--change`` and its expected effect on the matrix."""

    effect: str  # "opens", "closes" or "none"
    policy: str
    description: str


def _find(
    cluster: GeneratedCluster, role: str, rng: random.Random, avoid: set[str]
) -> tuple[NamespaceSpec, Policy] | None:
    """A policy of ``role`` that is the only policy of its app, in a namespace not in ``avoid``."""
    candidates: list[tuple[NamespaceSpec, Policy]] = []
    for ns in cluster.namespaces:
        if ns.name in avoid:
            continue
        per_app: dict[str, int] = {}
        for policy in ns.policies:
            if policy.app is not None:
                per_app[policy.app] = per_app.get(policy.app, 0) + 1
        candidates.extend(
            (ns, p)
            for p in ns.policies
            if p.role == role and p.app is not None and per_app[p.app] == 1
        )
    return rng.choice(candidates) if candidates else None


def _policy_name(ns: NamespaceSpec, policy: Policy) -> str:
    return f"{ns.name}/{policy.doc['metadata']['name']}"


def apply_change(cluster: GeneratedCluster) -> tuple[GeneratedCluster, list[Edit]]:
    """A copy of ``cluster`` with four policy edits applied, and what each should do."""
    new = copy.deepcopy(cluster)
    rng = random.Random(cluster.seed * 7919 + 1)
    edits: list[Edit] = []
    touched: set[str] = set()

    # Close: a database stops accepting workers (In [backend, worker] -> In [backend]).
    found = _find(new, "db-from-backend", rng, touched)
    while found is not None and not any(a.tier == "worker" for a in found[0].apps):
        touched.add(found[0].name)
        found = _find(new, "db-from-backend", rng, touched)
    if found is not None:
        ns, policy = found
        peer = policy.doc["spec"]["ingress"][0]["from"][0]
        peer["podSelector"]["matchExpressions"][0]["values"] = ["backend"]
        touched.add(ns.name)
        edits.append(
            Edit(
                "closes",
                _policy_name(ns, policy),
                "tier In [backend, worker] -> In [backend]: workers lose the database",
            )
        )

    # Open: a database accepts one backend of another namespace whose egress is unrestricted.
    found = _find(new, "db-from-backend", rng, touched)
    sources = [
        (ns, app)
        for ns in new.namespaces
        if ns.apps and not ns.egress_deny and (found is None or ns.name != found[0].name)
        for app in ns.apps
        if app.tier == "backend"
    ]
    if found is not None and sources:
        ns, policy = found
        source_ns, source_app = rng.choice(sources)
        policy.doc["spec"]["ingress"][0]["from"].append(
            _ns_peer(source_ns.name, {"app": source_app.name})
        )
        touched.add(ns.name)
        edits.append(
            Edit(
                "opens",
                _policy_name(ns, policy),
                f"new peer: {source_ns.name}/{source_app.name} may reach the database",
            )
        )

    # Widen: a worker's egress port range to external CIDRs grows by 100 ports.
    found = _find(new, "worker-egress", rng, touched)
    if found is not None:
        ns, policy = found
        port = policy.doc["spec"]["egress"][0]["ports"][1]
        old_end = port["endPort"]
        port["endPort"] = old_end + 100
        touched.add(ns.name)
        edits.append(
            Edit(
                "opens",
                _policy_name(ns, policy),
                f"egress endPort {old_end} -> {old_end + 100} toward external CIDRs",
            )
        )

    # Refactor: the same selection written with matchExpressions, rules and ports reordered.
    found = _find(new, "backend-from-frontend", rng, touched)
    if found is not None:
        ns, policy = found
        spec = policy.doc["spec"]
        app = spec["podSelector"]["matchLabels"]["app"]
        spec["podSelector"] = {
            "matchExpressions": [{"key": "app", "operator": "In", "values": [app]}]
        }
        rule = spec["ingress"][0]
        peer_selector = rule["from"][0]["podSelector"]
        if "matchLabels" in peer_selector:
            tier = peer_selector["matchLabels"]["tier"]
            rule["from"][0]["podSelector"] = {
                "matchExpressions": [{"key": "tier", "operator": "In", "values": [tier]}]
            }
        rule["ports"] = list(reversed(rule["ports"]))
        spec["policyTypes"] = ["Ingress"]
        touched.add(ns.name)
        edits.append(
            Edit(
                "none",
                _policy_name(ns, policy),
                "refactor: matchLabels rewritten as In expressions, ports reordered",
            )
        )
    return new, edits


# --- output -------------------------------------------------------------------------------


MARKER: Final = "generated by bench/generate.py"


class OutputDirError(Exception):
    """OUT_DIR holds files this script did not write: it is not overwritten."""


def _clear(out_dir: Path) -> None:
    """Remove an earlier run's files; refuse when anything else is there."""
    if not out_dir.exists():
        return
    ours = []
    for entry in out_dir.iterdir():
        if entry.is_file() and entry.suffix == ".yaml":
            with entry.open(encoding="utf-8", errors="replace") as stream:
                if MARKER in stream.readline():
                    ours.append(entry)
                    continue
        msg = f"{out_dir} holds {entry.name}, which generate.py did not write: not overwriting"
        raise OutputDirError(msg)
    for entry in ours:
        entry.unlink()


def write(cluster: GeneratedCluster, out_dir: Path) -> None:
    """One YAML file per namespace under ``out_dir`` (an earlier run's files are replaced)."""
    _clear(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for ns in cluster.namespaces:
        text = yaml.dump_all(
            ns.docs(), Dumper=_PlainDumper, sort_keys=False, default_flow_style=False, width=100
        )
        header = f"# Namespace {ns.name}: {MARKER} (seed {cluster.seed})\n"
        (out_dir / f"{ns.name}.yaml").write_text(header + text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workloads", type=int, required=True, help="total workloads")
    parser.add_argument(
        "--policies",
        type=int,
        default=None,
        help=f"total NetworkPolicies (default: {DEFAULT_POLICY_RATIO} x workloads)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--change",
        action="store_true",
        help="write OUT_DIR/old and OUT_DIR/new differing by a PR-sized policy change",
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    args = parser.parse_args(argv)
    try:
        cluster = generate(args.workloads, args.policies, args.seed)
    except ValueError as error:
        parser.error(str(error))
    try:
        _write_all(cluster, args.out_dir, change=args.change)
    except OutputDirError as error:
        parser.error(str(error))
    print(
        f"{cluster.workload_count} workloads, {cluster.policy_count} policies, "
        f"{len(cluster.namespaces)} namespaces -> {args.out_dir}",
        file=sys.stderr,
    )
    return 0


def _write_all(cluster: GeneratedCluster, out_dir: Path, *, change: bool) -> None:
    if not change:
        write(cluster, out_dir)
        return
    changed, edits = apply_change(cluster)
    write(cluster, out_dir / "old")
    write(changed, out_dir / "new")
    description = {
        "seed": cluster.seed,
        "edits": [
            {"effect": e.effect, "policy": e.policy, "description": e.description} for e in edits
        ],
    }
    (out_dir / "change.json").write_text(json.dumps(description, indent=2) + "\n")
    for edit in edits:
        print(f"{edit.effect:7} {edit.policy}: {edit.description}")


if __name__ == "__main__":
    sys.exit(main())
