"""Pods that come from other kinds, end to end: operators' resources, custom pod templates."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRunner, assert_one_line_error
from tests.testing.gitrepo import GitRepo

MONITORING = """\
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec: {replicas: 3, podMetadata: {labels: {app.kubernetes.io/component: alert-router}}}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec: {replicas: 2}
"""
# kube-prometheus's policy, before and after a commit that opens the cluster mesh.
POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: alertmanager-main, namespace: monitoring}
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: alertmanager, alertmanager: main}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]
    ports: [{port: web, protocol: TCP}]
"""
MESH = """\
  - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: alertmanager}}}]
    ports: [{port: 9094, protocol: TCP}, {port: 9094, protocol: UDP}]
"""


def monitoring_repository(root: Path) -> GitRepo:
    repo = GitRepo.init(root)
    repo.write("k8s/monitoring.yaml", MONITORING)
    repo.write("k8s/policy.yaml", POLICY)
    repo.commit("alertmanager and prometheus")
    repo.write("k8s/policy.yaml", POLICY + MESH)
    repo.commit("open the alertmanager mesh")
    return repo


def test_a_policy_edit_opening_the_alertmanager_mesh_is_reported(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = monitoring_repository(tmp_path)
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--format", "json", "--no-cache")
    assert result.status == 0, result.err
    report = json.loads(result.out)
    alertmanager = {
        "type": "workload",
        "namespace": "monitoring",
        "kind": "Alertmanager",
        "name": "main",
    }
    (opened,) = report["opened"]
    assert opened["src"] == alertmanager
    assert opened["dst"] == alertmanager
    assert opened["connections"] == [
        {"protocol": "TCP", "ports": [[9094, 9094]]},
        {"protocol": "UDP", "ports": [[9094, 9094]]},
    ]
    text = run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--no-cache")
    assert "No reachability changes" not in text.out
    assert "monitoring/main[Alertmanager]" in text.out


def test_matrix_endpoints_carry_the_objects_own_kind(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = monitoring_repository(tmp_path)
    result = run_cli("-C", str(repo.root), "matrix", "HEAD", "--format", "json", "--no-cache")
    assert result.status == 0, result.err
    kinds = {(e["kind"], e["name"]) for e in json.loads(result.out)["endpoints"] if "kind" in e}
    assert kinds == {("Alertmanager", "main"), ("Prometheus", "k8s")}
    # Prometheus reaches Alertmanager's named port "web" (9093), which the operator declares.
    flows = json.loads(result.out)["flows"]
    web = [f for f in flows if f["src"].get("name") == "k8s" and f["dst"].get("name") == "main"]
    assert [f["connections"] for f in web] == [[{"protocol": "TCP", "ports": [[9093, 9093]]}]]


CLONESET = """\
apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata: {name: shop}
spec:
  pods:
    metadata: {labels: {app: shop}}
    spec: {containers: [{name: c}]}
"""
DENY_SHOP = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-shop}
spec: {podSelector: {matchLabels: {app: shop}}, policyTypes: [Ingress]}
"""


def test_a_declared_workload_kind_is_read_by_the_diff(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path)
    repo.write("k8s/shop.yaml", CLONESET)
    repo.commit("shop")
    repo.write("k8s/deny.yaml", DENY_SHOP)
    repo.commit("deny")
    declared = ("--workload-kind", "CloneSet.apps.kruise.io=spec.pods")
    base = ("-C", str(repo.root), "HEAD~1", "HEAD", "--format", "json")
    without = json.loads(run_cli(*base).out)
    assert without["opened"] == without["closed"] == []
    # The same cache directory: the conversion made without the option must not be reused.
    with_kind = json.loads(run_cli(*base, *declared).out)
    closed = with_kind["closed"]
    assert closed
    assert {(c["dst"]["kind"], c["dst"]["name"]) for c in closed} == {("CloneSet", "shop")}


def test_an_invalid_workload_kind_is_a_one_line_usage_error(run_cli: CliRunner) -> None:
    result = run_cli("matrix", ".", "--workload-kind", "CloneSet=spec.template")
    assert_one_line_error(result, "--workload-kind", "is not Kind.group")
