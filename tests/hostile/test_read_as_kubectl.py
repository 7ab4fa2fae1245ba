"""A pull request cannot make netpoldiff read a manifest otherwise than kubectl applies it.

Each case is a change a hostile pull request could make, read end to end: the diff must report
what kubectl would apply (or refuse what kubectl refuses), in YAML and in JSON files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, assert_one_line_error

POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: shop, labels: {labels}}}
spec: {{containers: [{{name: main, image: busybox}}]}}
"""
POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: db, namespace: shop}}
spec:
  podSelector: {{matchLabels: {{app: db}}}}
  ingress:
  - from: [{{podSelector: {{matchLabels: {selector}}}}}]
    ports: [{{port: {port}}}]
"""
PODS = (
    POD.format(name="db", labels="{app: db}")
    + "---\n"
    + POD.format(name="web", labels='{app: web, "true": "1"}')
)


def _diff(run_cli: CliRunner, tmp_path: Path, old: str, new: str, suffix: str = "yaml") -> Any:
    for side, text in (("old", old), ("new", new)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "pods.yaml").write_text(PODS, encoding="utf-8")
        (tmp_path / side / f"policy.{suffix}").write_text(text, encoding="utf-8")
    result = run_cli(str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json", "--no-cache")
    assert result.status == 0, result.err
    return json.loads(result.out)


def _ports(flows: list[dict[str, Any]]) -> set[tuple[str, str, int]]:
    return {
        (flow["src"]["name"], flow["dst"]["name"], flow["connections"][0]["ports"][0][0])
        for flow in flows
    }


@pytest.mark.parametrize(
    ("written", "opened"),
    [
        ("443e0", {("web", "db", 443)}),  # a float without a fraction: 443
        ("0o120", set()),  # octal 80: the same port
        ("0x50", set()),
        ("80.0", set()),
        ("8_0", set()),
    ],
    ids=["exponent", "octal", "hex", "float", "underscore"],
)
def test_a_port_in_another_number_syntax_is_the_port_kubectl_sends(
    run_cli: CliRunner, tmp_path: Path, written: str, opened: set[tuple[str, str, int]]
) -> None:
    old = POLICY.format(selector="{app: web}", port="80")
    new = POLICY.format(selector="{app: web}", port=written)
    document = _diff(run_cli, tmp_path, old, new)
    assert _ports(document["opened"]) == opened
    assert _ports(document["closed"]) == ({("web", "db", 80)} if opened else set())


def test_a_port_in_a_json_file_is_read_as_kubectl_reads_json(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    def policy(port: str) -> str:
        return (
            '{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", '
            '"metadata": {"name": "db", "namespace": "shop"}, "spec": {"podSelector": '
            '{"matchLabels": {"app": "db"}}, "ingress": [{"from": [{"podSelector": '
            '{"matchLabels": {"app": "web"}}}], "ports": [{"port": ' + port + "}]}]}}"
        )

    document = _diff(run_cli, tmp_path, policy("80"), policy("443e0"), suffix="json")
    assert _ports(document["opened"]) == {("web", "db", 443)}


def test_an_unquoted_y_label_key_is_the_key_true(run_cli: CliRunner, tmp_path: Path) -> None:
    # web carries the label "true": "1"; kubectl reads the selector {y: "1"} as {"true": "1"}.
    old = POLICY.format(selector='{"y": "1"}', port="80")
    new = POLICY.format(selector='{y: "1"}', port="80")
    document = _diff(run_cli, tmp_path, old, new)
    assert _ports(document["opened"]) == {("web", "db", 80)}


def test_a_merge_key_after_an_explicit_key_wins_as_in_kubectl(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    old = POLICY.format(selector="{app: web}", port="80")
    # The explicit app: api comes first, the merged app: web after it: go-yaml keeps web.
    new = old.replace("{matchLabels: {app: web}}", "{matchLabels: {app: api, <<: {app: web}}}")
    new = new.replace("port: 80", "port: 443")
    document = _diff(run_cli, tmp_path, old, new)
    assert _ports(document["opened"]) == {("web", "db", 443)}


def test_a_merge_key_given_a_list_of_scalars_is_refused_as_kubectl_refuses_it(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "policy.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: db, namespace: shop}\n"
        "x: &names [a, b]\nspec:\n  podSelector: {}\n  <<: *names\n",
        encoding="utf-8",
    )
    result = run_cli("matrix", str(tmp_path / "policy.yaml"))
    assert_one_line_error(result, "policy.yaml (document 1, line 7)", "merge key")


def test_a_value_kubectl_cannot_convert_is_refused_even_where_netpoldiff_does_not_look(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    # kubectl refuses this document, so this deny-all policy is never applied: reading it
    # would hide whatever it seems to close.
    policy = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: deny, namespace: shop, annotations: {ratio: .nan}}\n"
        "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n"
    )
    (tmp_path / "policy.yaml").write_text(policy, encoding="utf-8")
    result = run_cli("matrix", str(tmp_path / "policy.yaml"))
    assert_one_line_error(result, "policy.yaml (document 1, line 3)", ".nan")


def test_a_document_after_a_document_end_marker_is_not_read(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    # kubectl cuts documents at --- lines only; go-yaml reads the first document of each.
    deny = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: deny, namespace: shop}\nspec: {podSelector: {}}\n"
    )
    (tmp_path / "policies.yaml").write_text(PODS + "...\n" + deny, encoding="utf-8")
    result = run_cli("matrix", str(tmp_path / "policies.yaml"), "--format", "json")
    assert result.status == 0, result.err
    assert json.loads(result.out)["flows"], "the deny policy after ... was read"


def test_a_separator_with_more_on_its_line_is_refused_as_kubectl_refuses_it(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "pods.yaml").write_text(PODS.replace("---\n", "--- !!map\n"), encoding="utf-8")
    result = run_cli("matrix", str(tmp_path / "pods.yaml"))
    assert_one_line_error(result, "pods.yaml (document 2, line 5)", "document separator")


def test_a_git_lfs_pointer_is_an_error_not_an_empty_file(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    pointer = (
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
        "size 12345\n"
    )
    (tmp_path / "policies.yaml").write_text(pointer, encoding="utf-8")
    result = run_cli("matrix", str(tmp_path / "policies.yaml"))
    assert_one_line_error(result, "policies.yaml: is a Git LFS pointer")
    kept_going = run_cli(
        "matrix", str(tmp_path / "policies.yaml"), "--keep-going", "--format", "json"
    )
    assert kept_going.status == 0, kept_going.err
    document = json.loads(kept_going.out)
    assert document["incomplete"] is True
    assert "Git LFS pointer" in document["errors"][0]
