"""Changed objects end to end: one list, matched by meaning, in text, Markdown and JSON.

The repository is real (tests/testing/gitrepo.py); the command line runs in-process.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import CliRunner
from tests.testing.gitrepo import GitRepo


def deployment(name: str, namespace: str, port: str) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: c, image: x, ports: [{port}]}}]}}
---
"""


def rule(*apps: str) -> str:
    peers = "".join(f"        - podSelector: {{matchLabels: {{app: {app}}}}}\n" for app in apps)
    return f"    - from:\n{peers}      ports: [{{port: grpc, protocol: TCP}}]\n"


def catalog_policy(*rules: str) -> str:
    return (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: productcatalogservice, namespace: boutique}\n"
        "spec:\n  podSelector: {matchLabels: {app: productcatalogservice}}\n"
        "  policyTypes: [Ingress]\n  ingress:\n" + "".join(rules)
    )


WORKLOADS = "".join(
    deployment(name, "boutique", "{containerPort: 8080}")
    for name in ("frontend", "checkoutservice", "recommendationservice", "adservice")
) + deployment("productcatalogservice", "boutique", "{name: grpc, containerPort: 3550}")
FRONTEND, OTHERS = rule("frontend"), rule("checkoutservice", "recommendationservice")
ADSERVICE = rule("adservice")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """main: the catalog serves the frontend, checkout and recommendations; cart lives in shop.

    pr: one rule inserted at the top (adservice), cart moved to the namespace store.
    """
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("k8s/boutique.yaml", WORKLOADS + catalog_policy(FRONTEND, OTHERS))
    repo.write("k8s/cart.yaml", deployment("cart", "shop", "{name: redis, containerPort: 6379}"))
    repo.commit("the boutique")
    repo.git("switch", "--quiet", "-c", "pr")
    repo.write("k8s/boutique.yaml", WORKLOADS + catalog_policy(ADSERVICE, FRONTEND, OTHERS))
    repo.write("k8s/cart.yaml", deployment("cart", "store", "{name: redis, containerPort: 6379}"))
    repo.commit("ads read the catalog; cart moves to store")
    return repo


INSERTED = "ingress rule added: from app=adservice on TCP/grpc"


def test_an_inserted_rule_is_one_edit_and_a_moved_workload_one_object_in_every_format(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    at = ("-C", str(repo.root), "main", "pr")
    document = json.loads(run_cli(*at, "--format", "json").out)
    assert document["objects"] == [
        {
            "kind": "Deployment",
            "namespace": "store",
            "name": "cart",
            "change": "renamed",
            "renamed_from": {"namespace": "shop", "name": "cart"},
            "edits": [],
        },
        {
            "kind": "NetworkPolicy",
            "namespace": "boutique",
            "name": "productcatalogservice",
            "change": "modified",
            "edits": [INSERTED],
        },
    ]
    text = run_cli(*at).out
    section = text.split("\nObjects changed\n", 1)[1].split("\n\n", 1)[0]
    assert [re.split(r" {2,}", line.strip()) for line in section.splitlines()] == [
        ["~", "boutique/productcatalogservice", INSERTED],
        [">", "store/cart[Deployment]", "moved from shop/cart[Deployment] (same labels and ports)"],
    ]
    markdown = run_cli(*at, "--format", "markdown").out
    assert f"| ~ | `boutique/productcatalogservice` | `{INSERTED}` |" in markdown
    assert (
        "| > | `store/cart[Deployment]` | "
        "`moved from shop/cart[Deployment] (same labels and ports)` |"
    ) in markdown


def test_reordered_rules_are_a_modified_manifest_with_no_edit_of_meaning(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    repo.write("k8s/boutique.yaml", WORKLOADS + catalog_policy(OTHERS, ADSERVICE, FRONTEND))
    repo.commit("the same rules, in another order")
    at = ("-C", str(repo.root), "pr~1", "pr", "--format", "json")
    document = json.loads(run_cli(*at).out)
    assert (document["opened"], document["closed"]) == ([], [])
    assert document["objects"] == [
        {
            "kind": "NetworkPolicy",
            "namespace": "boutique",
            "name": "productcatalogservice",
            "change": "modified",
            "edits": ["same rules, reordered"],
        }
    ]
