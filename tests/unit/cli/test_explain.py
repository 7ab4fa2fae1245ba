"""``netpoldiff explain``: its arguments and options, as matrix reads a source, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunner, assert_one_line_error

POD_AND_DENY = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in}
spec:
  podSelector: {}
  ingress:
    - ports: [{port: http}]
"""


@pytest.fixture
def manifests(tmp_path: Path) -> Path:
    (tmp_path / "web.yaml").write_text(POD_AND_DENY, encoding="utf-8")
    return tmp_path


def test_explain_prints_the_verdict_and_exits_zero(run_cli: CliRunner) -> None:
    result = run_cli("explain", "fixtures/demo/new", "frontend/web", "shop/catalog")
    assert (result.status, result.err) == (0, "")
    assert result.out.splitlines()[1] == "allowed on TCP/8080"


def test_a_denied_pair_still_exits_zero(run_cli: CliRunner) -> None:
    result = run_cli(
        "explain", "fixtures/demo/new", "shop/cart", "shop/orders-db", "--port", "TCP/5432"
    )
    assert result.status == 0
    assert result.out.splitlines()[1] == "denied on TCP/5432 by ingress"


def test_the_namespace_option_names_the_namespace_of_objects_and_of_bare_names(
    run_cli: CliRunner, manifests: Path
) -> None:
    result = run_cli(
        "explain", str(manifests), "web", "198.51.100.7", "--namespace", "shop", "--format", "json"
    )
    document = json.loads(result.out)
    assert document["from"] == {
        "type": "workload",
        "namespace": "shop",
        "kind": "Pod",
        "name": "web",
    }
    assert document["to"] == {"type": "external", "cidrs": ["0.0.0.0/0", "::/0"]}
    assert document["allowed"] == "all"


def test_a_directory_given_with_dash_c_and_paths_after_dashes_are_read_like_matrix(
    run_cli: CliRunner, manifests: Path
) -> None:
    (manifests / "other.yaml").write_text("a: [1, 2\n", encoding="utf-8")
    result = run_cli(
        "-C", str(manifests), "explain", ".", "::1", "web", "--port", "TCP/8080", "--", "web.yaml"
    )
    assert result.status == 0, result.err
    assert result.out.splitlines()[1] == "allowed on TCP/8080"
    assert "web-in ingress[0]  allows TCP/8080  web.yaml:13" in result.out


def test_keep_going_skips_unreadable_input_and_marks_the_document_incomplete(
    run_cli: CliRunner, manifests: Path
) -> None:
    (manifests / "bad.yaml").write_text("a: [1, 2\n", encoding="utf-8")
    stopped = run_cli("explain", str(manifests), "web", "web")
    assert_one_line_error(stopped, "bad.yaml (document 1, line 2)")
    result = run_cli("explain", str(manifests), "web", "web", "--keep-going", "--format", "json")
    document = json.loads(result.out)
    assert document["incomplete"] is True
    assert document["allowed"] == []  # a bare Pod to itself: loopback


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            ("shop/cartt", "shop/cache"),
            ("FROM shop/cartt: no such workload", "shop/cart[Deployment]"),
        ),
        (("shop/cart", "shop"), ("TO shop: no such workload in namespace default",)),
        (
            ("shop/cart", "shop/cache", "--port", "TCP/http"),
            ("Invalid value for '--port'", "TCP/443"),
        ),
        (("shop/cart",), ("Missing argument 'TO'",)),
        (("shop/cart", "shop/cache", "--format", "markdown"), ("Invalid value for '--format'",)),
    ],
    ids=["unknown-from", "unknown-to", "bad-port", "missing-to", "bad-format"],
)
def test_misuse_is_one_line_on_stderr_and_exit_status_2(
    run_cli: CliRunner, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    assert_one_line_error(run_cli("explain", "fixtures/demo/new", *args), *fragments)


def test_explain_is_listed_among_the_commands(run_cli: CliRunner) -> None:
    result = run_cli("--help")
    assert any(line.split()[:1] == ["explain"] for line in result.out.splitlines())
