"""Findings end to end: one computation, shown in text, Markdown and JSON, and ``--fail-on``.

The repository is real (tests/testing/gitrepo.py); the command line runs in-process.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunner
from tests.testing.gitrepo import GitRepo

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
"""
DENY_EGRESS = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress]}
"""
TO_THE_INTERNET = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-to-internet, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{protocol: TCP, port: 443}]
"""
MESSAGE = (
    "Opens flows to outside the cluster from shop/web[Deployment] "
    "(1 flow; cause: shop/web-to-internet)."
)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """main: a web workload that may reach nothing; branch pr: it may reach 0.0.0.0/0 on 443."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("k8s/web.yaml", WEB)
    repo.write("k8s/deny.yaml", DENY_EGRESS)
    repo.commit("web, egress denied")
    repo.git("switch", "--quiet", "-c", "pr")
    repo.write("k8s/out.yaml", TO_THE_INTERNET)
    repo.commit("web reaches the internet on 443")
    return repo


def test_egress_to_the_internet_is_a_finding_in_every_format(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    at = ("-C", str(repo.root), "main", "pr")
    document = json.loads(run_cli(*at, "--format", "json").out)
    assert document["findings"] == [
        {
            "kind": "egress-to-outside",
            "message": MESSAGE,
            "flows": 1,
            "objects": [{"kind": "NetworkPolicy", "namespace": "shop", "name": "web-to-internet"}],
        }
    ]
    text = run_cli(*at).out
    assert "\nFindings\n  ! Opens flows to outside the cluster from shop/web[Deployment]" in text
    markdown = run_cli(*at, "--format", "markdown").out
    assert (
        "> [!WARNING]\n> Opens flows **to outside the cluster** from `shop/web[Deployment]` "
        "(1 flow; cause: `shop/web-to-internet`).\n"
    ) in markdown


def test_fail_on_findings_fails_on_a_finding_and_only_then(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    assert run_cli("-C", str(repo.root), "main", "pr", "--fail-on", "findings").status == 1
    # Closing the flow again is a change, but no risk.
    closing = run_cli("-C", str(repo.root), "pr", "main", "--fail-on", "findings")
    assert closing.status == 0, closing.err
    assert run_cli("-C", str(repo.root), "pr", "main", "--fail-on", "closed").status == 1


ADMIN_TO_THE_INTERNET = """\
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: shop-to-internet}
spec:
  priority: 20
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}}
  egress:
  - {name: internet, action: Allow, to: [{networks: [0.0.0.0/0, "::/0"]}]}
"""


def test_an_admin_allow_that_opens_a_namespace_to_the_internet_is_a_finding_it_names(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    # Above the namespace's NetworkPolicy egress deny, which it cannot override.
    repo.git("switch", "--quiet", "-c", "admin", "main")
    repo.write("k8s/admin.yaml", ADMIN_TO_THE_INTERNET)
    repo.commit("shop reaches every address")
    at = ("-C", str(repo.root), "main", "admin")
    document = json.loads(run_cli(*at, "--format", "json").out)
    admin = {"kind": "AdminNetworkPolicy", "namespace": None, "name": "shop-to-internet"}
    outside = document["findings"][0]
    assert outside == {
        "kind": "egress-to-outside",
        "message": (
            "Opens flows to outside the cluster from shop/web[Deployment] "
            "(1 flow; cause: shop-to-internet (AdminNetworkPolicy))."
        ),
        "flows": 1,
        "objects": [admin],
    }
    assert all(finding["objects"] == [admin] for finding in document["findings"])
    text = run_cli(*at).out
    assert "\nFindings\n  ! Opens flows to outside the cluster from shop/web[Deployment]" in text
    assert f"! {outside['message']}" in " ".join(text.split())  # the finding, unwrapped
    markdown = run_cli(*at, "--format", "markdown").out
    assert (
        "> Opens flows **to outside the cluster** from `shop/web[Deployment]` "
        "(1 flow; cause: `shop-to-internet (AdminNetworkPolicy)`).\n"
    ) in markdown
    assert run_cli(*at, "--fail-on", "findings").status == 1


def test_handing_a_namespace_s_egress_deny_over_to_an_admin_deny_is_no_finding(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    case = Path("fixtures/plans/admin-deny-replaces-default-deny")
    handed = run_cli(str(case / "old"), str(case / "new"), "--fail-on", "findings")
    assert (handed.status, handed.err) == (0, "")
    assert "Removes a default deny" not in handed.out
    # Without the admin policy, the namespace's egress opens: a finding, and the flows.
    shop = (case / "new" / "shop.yaml").read_text(encoding="utf-8")
    (tmp_path / "shop.yaml").write_text(shop, encoding="utf-8")
    dropped = run_cli(str(case / "old"), str(tmp_path), "--fail-on", "findings")
    assert dropped.status == 1
    assert "Removes a default deny: namespace shop no longer denies all egress" in dropped.out
