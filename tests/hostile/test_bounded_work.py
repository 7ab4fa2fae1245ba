"""Work bounded by the input's size, not by its square: what a large policy costs to report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netpoldiff import changes, policy_documents
from netpoldiff.policies import NetworkPolicy
from tests.conftest import CliRunner, assert_one_line_error
from tests.hostile.measured import run_measured
from tests.testing.gitrepo import GitRepo


def _egress_policy(blocks: int, port: int) -> str:
    peers = "".join(
        f"    - ipBlock: {{cidr: 10.{i // 256}.{i % 256}.0/24}}\n" for i in range(blocks)
    )
    return (
        "apiVersion: v1\nkind: Pod\n"
        "metadata: {name: a, namespace: x, labels: {app: a}}\n"
        "spec: {containers: [{name: c, image: i}]}\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: egress, namespace: x}\n"
        f"spec:\n  podSelector: {{}}\n  policyTypes: [Egress]\n  egress:\n  - to:\n{peers}"
        f"    ports: [{{port: {port}}}]\n"
    )


def test_a_json_diff_judges_each_policy_once_however_many_flows_it_changes(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An egress policy of 300 address blocks: every block is a flow of its own, and judging
    # whether the policy changed compares whole policies. Judged once per flow, the report
    # took minutes at 2,000 blocks.
    for side, port in (("old", 443), ("new", 8443)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "egress.yaml").write_text(_egress_policy(300, port), encoding="utf-8")
    judged: list[object] = []
    canonical = policy_documents.canonical_document

    def counting(policy: NetworkPolicy) -> dict[str, object]:
        judged.append(policy)
        return canonical(policy)

    monkeypatch.setattr(changes, "canonical_document", counting)
    result = run_cli(str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    assert result.status == 0, result.err
    assert json.loads(result.out)["summary"] == {"opened": 300, "closed": 300}
    assert len(judged) <= 2, len(judged)  # the old and the new policy, once each


def test_a_policy_document_is_made_canonical_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each list item is made canonical once (not once for its sort key and again for itself):
    # twice per item doubles the work at every level of nesting.
    document = {"egress": [{"to": [{"ipBlock": {"cidr": f"10.0.{i}.0/24"}} for i in range(50)]}]}
    calls = 0
    made_canonical = policy_documents._canonical

    def counting(value: object) -> object:
        nonlocal calls
        calls += 1
        return made_canonical(value)

    monkeypatch.setattr(policy_documents, "_canonical", counting)
    policy_documents._canonical(document)
    nodes = 1 + 1 + 1 + 1 + 50 * 3  # document, egress list, rule, to list, 50 peers x 3 levels
    assert calls == nodes, calls


BIG_COMMENT_MB = 12
BIG_FILES = 10


@pytest.fixture(scope="module")
def comment_padded(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """A commit of ten manifests, each behind a 12 MB comment line (a pack of a few KB)."""
    repo = GitRepo.init(tmp_path_factory.mktemp("padded") / "repo")
    padding = b"# " + b"x" * (BIG_COMMENT_MB << 20) + b"\n"
    for index in range(BIG_FILES):
        manifest = (
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{index}, namespace: shop}}\n"
            "spec: {containers: [{name: c, image: i}]}\n"
        )
        path = repo.root / "k8s" / f"pod-{index}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(padding + manifest.encode())
    repo.commit("padded")
    return repo


@pytest.mark.parametrize("source", ["HEAD", "k8s"], ids=["revision", "directory"])
def test_memory_holds_one_file_at_a_time_not_the_whole_source(
    comment_padded: GitRepo, source: str
) -> None:
    # Holding every file until the end, 24 files of a 30 MB comment line took 1.4 GB. The
    # process that lists the files (and reads its share of them) peaks at a few files' worth.
    measured = run_measured(comment_padded.root, "matrix", source, "--format", "json", "--no-cache")
    assert measured.status == 0, measured.err
    endpoints = json.loads(measured.out)["endpoints"]
    assert sum(e["type"] == "workload" for e in endpoints) == BIG_FILES
    total_mb = BIG_COMMENT_MB * BIG_FILES
    assert measured.peak_mb < total_mb * 0.75, (measured.peak_mb, total_mb)


def test_a_source_over_the_total_size_limit_is_refused_before_reading(
    run_cli: CliRunner, comment_padded: GitRepo, blobs_read: list[str]
) -> None:
    read = blobs_read
    root = str(comment_padded.root)
    limit = str(3 * BIG_COMMENT_MB << 20)
    refused = run_cli("-C", root, "matrix", "HEAD", "--max-total-size", limit, "--no-cache")
    assert_one_line_error(refused, "its manifests total", "--max-total-size")
    assert read == []
    raised = str((BIG_COMMENT_MB + 1) * BIG_FILES << 20)
    allowed = run_cli("-C", root, "matrix", "HEAD", "--max-total-size", raised, "--no-cache")
    assert allowed.status == 0, allowed.err
