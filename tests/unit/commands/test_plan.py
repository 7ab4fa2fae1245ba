"""``plan_command``: a plan from two sources, its exit status, every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netpoldiff.commands import Settings, plan_command
from netpoldiff.sources import OnDisk
from tests.conftest import REPO_ROOT

CASE = "fixtures/plans/default-deny"


def run(old: str, new: str, output_format: str = "text") -> tuple[str, int]:
    report = plan_command(
        OnDisk(old),
        OnDisk(new),
        output_format=output_format,
        settings=Settings(REPO_ROOT, use_cache=False),
    )
    return "".join(report.chunks), report.exit_status


def test_the_allow_is_applied_before_the_default_deny_it_would_otherwise_cut() -> None:
    text, status = run(f"{CASE}/old", f"{CASE}/new")
    assert status == 0
    first = text.index("1. NetworkPolicy shop/web-to-api: apply")
    second = text.index("2. NetworkPolicy shop/default-deny: apply")
    assert first < second
    assert 'sync wave: argocd.argoproj.io/sync-wave: "2"' in text
    assert "kubectl apply -f fixtures/plans/default-deny/new/policies.yaml" in text


def test_the_json_plan_follows_the_contract() -> None:
    text, _ = run(f"{CASE}/old", f"{CASE}/new", "json")
    document = json.loads(text)
    assert document["steps"] == [
        {"action": "apply", "kind": "NetworkPolicy", "namespace": "shop", "name": "web-to-api"},
        {"action": "apply", "kind": "NetworkPolicy", "namespace": "shop", "name": "default-deny"},
    ]
    assert document["transient"] == {"opened": [], "closed": []}
    assert (document["schema_version"], document["safe"], document["incomplete"]) == (
        1,
        True,
        False,
    )


def test_the_reverse_deletes_the_deny_first_and_markdown_fences_the_runbook() -> None:
    text, status = run(f"{CASE}/new", f"{CASE}/old", "markdown")
    assert status == 0
    assert text.startswith("### netpoldiff plan: 2 steps\n\n```text\n")
    assert text.index("delete networkpolicy default-deny") < text.index(
        "delete networkpolicy web-to-api"
    )


@pytest.mark.parametrize("output_format", ["text", "markdown", "json"])
def test_an_unsafe_plan_exits_one(output_format: str, tmp_path: Path) -> None:
    root = tmp_path
    policy = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {{name: {name}, namespace: shop}}\n"
        "spec:\n  podSelector: {{matchLabels: {{{selects}: api}}}}\n  policyTypes: [Ingress]\n"
        "  ingress:\n    - from:\n        - podSelector: {{matchLabels: {{app: {peer}}}}}\n"
    )
    pods = "".join(
        f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {n}, namespace: shop, "
        f"labels: {{app: {n}, role: {n}}}}}\nspec: {{containers: [{{name: c}}]}}\n"
        for n in ("api", "web", "monitor")
    )
    # p and q swap whom they select and whom they let in: no order, and no split, is safe.
    sides = {
        "old": (("app", "web"), ("role", "monitor")),
        "new": (("role", "monitor"), ("app", "web")),
    }
    for side, ((p_selects, p_peer), (q_selects, q_peer)) in sides.items():
        (root / side).mkdir()
        text = policy.format(name="p", selects=p_selects, peer=p_peer) + "---\n"
        text += policy.format(name="q", selects=q_selects, peer=q_peer) + pods
        (root / side / "all.yaml").write_text(text, encoding="utf-8")
    text, status = run(str(root / "old"), str(root / "new"), output_format)
    assert status == 1
    if output_format == "json":
        assert json.loads(text)["safe"] is False
    else:
        assert "No order avoids every window" in text


def test_a_swap_of_rules_is_applied_widened_first_with_its_manifest(tmp_path: Path) -> None:
    policy = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {{name: {name}, namespace: shop}}\n"
        "spec:\n  podSelector: {{matchLabels: {{app: api}}}}\n  policyTypes: [Ingress]\n"
        "  ingress:\n    - from: [{{podSelector: {{matchLabels: {{app: {peer}}}}}}}]\n"
    )
    pods = "".join(
        f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {n}, namespace: shop, "
        f"labels: {{app: {n}}}}}\nspec: {{containers: [{{name: c}}]}}\n"
        for n in ("api", "web", "monitor")
    )
    for side, (p, q) in (("old", ("web", "monitor")), ("new", ("monitor", "web"))):
        (tmp_path / side).mkdir()
        (tmp_path / side / "p.yaml").write_text(policy.format(name="p", peer=p), encoding="utf-8")
        text = policy.format(name="q", peer=q) + pods
        (tmp_path / side / "q.yaml").write_text(text, encoding="utf-8")
    text, status = run(str(tmp_path / "old"), str(tmp_path / "new"))
    assert status == 0
    assert (
        "1. NetworkPolicy shop/p: apply widened (OLD's and NEW's rules together, until step 3)"
        in text
    )
    assert "kubectl apply -f - <<'EOF'" in text
    document, _ = run(str(tmp_path / "old"), str(tmp_path / "new"), "json")
    first = json.loads(document)["steps"][0]
    assert first["name"] == "p"
    rules = first["intermediate"]["spec"]["ingress"]
    assert [r["from"][0]["podSelector"]["matchLabels"]["app"] for r in rules] == ["web", "monitor"]


ADMIN_CASE = "fixtures/plans/admin-deny-replaces-default-deny"


def test_an_admin_deny_lands_before_the_namespace_s_own_deny_is_deleted() -> None:
    text, status = run(f"{ADMIN_CASE}/old", f"{ADMIN_CASE}/new")
    assert status == 0
    steps = text.split("\n\n", 1)[1]
    assert steps == (
        "1. AdminNetworkPolicy shop-egress-deny: apply\n"
        f"     kubectl apply -f {ADMIN_CASE}/new/admin.yaml\n"
        '     sync wave: argocd.argoproj.io/sync-wave: "1"\n'
        "\n"
        "2. NetworkPolicy shop/deny-egress: delete\n"
        "     kubectl delete networkpolicy deny-egress -n shop\n"
        '     sync wave: argocd.argoproj.io/sync-wave: "2"\n'
    )
    markdown, _ = run(f"{ADMIN_CASE}/old", f"{ADMIN_CASE}/new", "markdown")
    assert markdown.startswith("### netpoldiff plan: 2 steps\n\n```text\n")
    assert steps.rstrip("\n") in markdown
    document = json.loads(run(f"{ADMIN_CASE}/old", f"{ADMIN_CASE}/new", "json")[0])
    assert document["steps"] == [
        {
            "action": "apply",
            "kind": "AdminNetworkPolicy",
            "namespace": None,
            "name": "shop-egress-deny",
        },
        {"action": "delete", "kind": "NetworkPolicy", "namespace": "shop", "name": "deny-egress"},
    ]
    assert (document["safe"], document["transient"]) == (True, {"opened": [], "closed": []})


def test_taking_the_namespace_s_deny_back_deletes_the_admin_policy_by_kind_and_name() -> None:
    text, status = run(f"{ADMIN_CASE}/new", f"{ADMIN_CASE}/old")
    assert status == 0
    first = text.index("1. NetworkPolicy shop/deny-egress: apply")
    second = text.index(
        "2. AdminNetworkPolicy shop-egress-deny: delete\n"
        "     kubectl delete adminnetworkpolicy shop-egress-deny\n"
    )
    assert first < second
