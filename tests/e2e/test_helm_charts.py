"""A Helm chart rendered at each revision, with the release the configuration names.

The renderer is Helm's own library (the test extras install it); the chart and the repository
are built here.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRunner, assert_one_line_error
from tests.testing.gitrepo import GitRepo

CHART = "apiVersion: v2\nname: shop\nversion: 0.1.0\n"
POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .Release.Name }}-db
spec:
  podSelector:
    matchLabels: {app: db}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: {{ .Values.client }}}
      ports:
        - port: {{ .Values.port }}
"""
WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api}]}
"""
CONFIGURATION = """\
render:
  helm:
    - chart: charts/shop
      values: [charts/shop/values.yaml, charts/shop/values-prod.yaml]
      release: shop
      namespace: shop
"""


def _repository(root: Path, prod_values: str) -> GitRepo:
    repo = GitRepo.init(root)
    repo.write("charts/shop/Chart.yaml", CHART)
    repo.write("charts/shop/values.yaml", "client: web\nport: 5432\n")
    repo.write("charts/shop/values-prod.yaml", prod_values)
    repo.write("charts/shop/templates/db.yaml", POLICY)
    repo.write("k8s/workloads.yaml", WORKLOADS)
    repo.write(".netpoldiff.yaml", CONFIGURATION)
    repo.commit("a chart and its prod values")
    return repo


def test_the_second_values_file_wins_and_its_change_is_diffed(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = _repository(tmp_path / "repo", "client: api\n")
    repo.write("charts/shop/values-prod.yaml", "client: api\nport: 6432\n")
    repo.commit("prod moves the port")
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--format", "json")
    assert result.status == 0, result.err
    document = json.loads(result.out)
    # The prod values name api as the client (over values.yaml's web): api -> db moves.
    [opened] = document["opened"]
    [closed] = document["closed"]
    api = {"type": "workload", "namespace": "shop", "kind": "Deployment", "name": "api"}
    db = {"type": "workload", "namespace": "shop", "kind": "Deployment", "name": "db"}
    assert (opened["src"], opened["dst"], closed["src"], closed["dst"]) == (api, db, api, db)
    assert opened["connections"] == [{"protocol": "TCP", "ports": [[6432, 6432]]}]
    assert closed["connections"] == [{"protocol": "TCP", "ports": [[5432, 5432]]}]
    assert opened["causes"][0]["name"] == "shop-db"


def test_a_template_that_fails_is_one_line_naming_the_chart(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = _repository(tmp_path / "repo", "client: api\n")
    repo.write("charts/shop/templates/fail.yaml", '{{ fail "no prod values" }}\n')
    repo.commit("a template that fails")
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD")
    assert_one_line_error(result, "charts/shop", "no prod values")
    # A diff's errors say which side they were found on: OLD renders, NEW does not.
    new = repo.sha("HEAD")[:7]
    assert result.err.startswith(f"netpoldiff: in NEW ({new}): charts/shop: "), result.err
