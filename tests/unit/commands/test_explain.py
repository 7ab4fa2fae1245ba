"""``explain_command``: FROM and TO found by name or address, a port parsed, a source read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netpoldiff.commands import Report, Settings, explain_command, parse_port
from netpoldiff.commands.explain import find_endpoint
from netpoldiff.errors import UsageError
from netpoldiff.evaluate import evaluate
from netpoldiff.matrix import Matrix
from netpoldiff.model import Endpoint, ExternalEndpoint
from netpoldiff.ports import Protocol
from netpoldiff.sources import HEAD, OnDisk, Revision
from tests.conftest import REPO_ROOT
from tests.testing.builders import cluster, endpoint, ip_block, policy, rule, workload
from tests.testing.gitrepo import demo_repository

SETTINGS = Settings(REPO_ROOT, use_cache=False)
NEW = OnDisk("fixtures/demo/new")


def _json(report: Report) -> dict[str, Any]:
    document: dict[str, Any] = json.loads("".join(report.chunks))
    return document


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TCP/8080", (Protocol.TCP, 8080)),
        ("udp/53", (Protocol.UDP, 53)),
        ("SCTP/1", (Protocol.SCTP, 1)),
    ],
    ids=["tcp", "lowercase", "sctp-lowest"],
)
def test_a_port_is_protocol_slash_number_in_any_case(text: str, expected: object) -> None:
    assert parse_port(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8080", "'8080' is not PROTOCOL/PORT, such as TCP/443 (protocols: TCP, UDP, SCTP)"),
        ("ICMP/8", "'ICMP/8' is not PROTOCOL/PORT"),
        ("TCP/http", "'TCP/http' is not PROTOCOL/PORT"),
        ("TCP/0", "'TCP/0': the port must be between 1 and 65535"),
        ("TCP/65536", "'TCP/65536': the port must be between 1 and 65535"),
    ],
    ids=["no-protocol", "unknown-protocol", "named", "zero", "too-high"],
)
def test_a_port_that_is_not_protocol_slash_number_is_a_usage_error(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_port(text)


MATRIX: Matrix = evaluate(
    cluster(
        workload("shop/web"),
        workload("shop/db[StatefulSet]"),
        workload("shop/db[Deployment]"),
        workload("default/tool[Pod]"),
        workload("frontend/web"),
        policy(
            "shop/out",
            egress=(rule(ip_block("10.0.0.0/8", "10.1.0.0/16")), rule(ip_block("2001:db8::/32"))),
        ),
    )
)


def _find(text: str) -> Endpoint:
    return find_endpoint(MATRIX, text, role="TO", source="SRC", default_namespace="default")


def _external_holding(cidr: str) -> ExternalEndpoint:
    found = [e for e in MATRIX.externals() if cidr in e.addresses.to_cidrs()]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("shop/web", endpoint("shop/web")),
        ("shop/db[StatefulSet]", endpoint("shop/db[StatefulSet]")),
        ("shop/db[statefulset]", endpoint("shop/db[StatefulSet]")),
        ("tool", endpoint("default/tool[Pod]")),
        ("tool[Pod]", endpoint("default/tool[Pod]")),
    ],
    ids=["ns-name", "with-kind", "kind-any-case", "default-namespace", "default-namespace-kind"],
)
def test_a_workload_is_found_by_namespace_name_and_kind(text: str, expected: Endpoint) -> None:
    assert _find(text) == expected


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("10.2.3.4", "10.2.0.0/15"),  # in 10.0.0.0/8 but not in its except
        ("10.1.2.3", "10.1.0.0/16"),
        ("192.0.2.1", "0.0.0.0/5"),
        ("2001:db8::1", "2001:db8::/32"),
        ("::1", "::/3"),
    ],
    ids=["v4-in-block", "v4-in-except", "v4-elsewhere", "v6-in-block", "v6-elsewhere"],
)
def test_an_address_names_the_external_block_that_holds_it(text: str, inside: str) -> None:
    assert _find(text) == _external_holding(inside)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "shop/db",
            (
                "TO shop/db names several workloads: shop/db[Deployment], shop/db[StatefulSet]; "
                "add the kind"
            ),
        ),
        ("shop/wbe", "TO shop/wbe: no such workload in SRC (did you mean shop/web[Deployment]?)"),
        (
            "shpo/web",
            (
                "TO shpo/web: no such workload in SRC (did you mean frontend/web[Deployment], "
                "shop/web[Deployment]?)"
            ),
        ),
        (
            "web",
            (
                "TO web: no such workload in namespace default of SRC (did you mean "
                "frontend/web[Deployment], shop/web[Deployment]?)"
            ),
        ),
        (
            "shop/web[StatefulSet]",
            (
                "TO shop/web[StatefulSet]: no such workload in SRC "
                "(did you mean shop/web[Deployment]?)"
            ),
        ),
        ("nothing/alike", "TO nothing/alike: no such workload in SRC"),
        ("10.0.0.0/8", "TO 10.0.0.0/8: give one IP address, not an address block"),
        ("a/b/c", "TO 'a/b/c' is not ns/name, ns/name[Kind] or an IP address"),
        ("shop/web[", "TO 'shop/web[' is not ns/name, ns/name[Kind] or an IP address"),
    ],
    ids=[
        "ambiguous-kind",
        "close-name",
        "namespace-typo",
        "other-namespace",
        "wrong-kind",
        "nothing-alike",
        "address-block",
        "too-many-slashes",
        "open-bracket",
    ],
)
def test_a_name_that_finds_no_single_workload_is_a_usage_error_naming_close_matches(
    text: str, message: str
) -> None:
    with pytest.raises(UsageError) as raised:
        _find(text)
    assert str(raised.value) == message


def test_the_command_explains_a_pair_of_a_directory_in_text_by_default() -> None:
    report = explain_command(NEW, "frontend/web", "shop/catalog", settings=SETTINGS)
    text = "".join(report.chunks)
    assert text.startswith(
        "frontend/web[Deployment] -> shop/catalog[Deployment] in fixtures/demo/new\n"
        "allowed on TCP/8080\n"
    )
    assert "fixtures/demo/new/shop.yaml:106" in text
    assert report.exit_status == 0


def test_a_revision_is_read_as_matrix_reads_it_with_files_named_in_the_repository(
    tmp_path: Path,
) -> None:
    repo = demo_repository(tmp_path / "repo")
    settings = Settings(repo.root, use_cache=False)
    head = _json(
        explain_command(HEAD, "shop/catalog", "shop/cache", output_format="json", settings=settings)
    )
    parent = _json(
        explain_command(
            Revision("HEAD~1"),
            "shop/catalog",
            "shop/cache",
            output_format="json",
            settings=settings,
        )
    )
    assert (head["source"], head["allowed"]) == ("HEAD", [])
    assert parent["source"] == "HEAD~1"
    assert parent["allowed"] == [{"protocol": "TCP", "ports": [[6379, 6379]]}]
    (allowing,) = [d for d in parent["ingress"]["decided_by"] if d["action"] == "allow"]
    assert (allowing["name"], allowing["file"]) == ("allow-cache", "k8s/shop.yaml")


def test_paths_restrict_the_source_so_a_workload_elsewhere_is_unknown() -> None:
    report = explain_command(
        NEW, "payments/payments-api", "payments/payments-db", ["payments.yaml"], settings=SETTINGS
    )
    assert "allowed on TCP/5432" in "".join(report.chunks)
    with pytest.raises(UsageError, match="FROM shop/cart: no such workload in fixtures/demo/new"):
        explain_command(
            NEW, "shop/cart", "payments/payments-db", ["payments.yaml"], settings=SETTINGS
        )


def test_an_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(
        UsageError, match=r"unknown report format 'markdown' \(one of: text, json\)"
    ):
        explain_command(NEW, "shop/cart", "shop/cache", output_format="markdown", settings=SETTINGS)
