"""Each likely mistake of fixtures/lint/ is reported with its code, file and line, and nothing else.

Every case is a realistic manifest holding one mistake (the Kubernetes documentation's redis
example with ``- ports:``, a default deny without DNS, ...). Warnings are read from ``matrix
--format json``, which carries the same warnings every command shows; the mistakes that make a
manifest invalid are one-line errors instead, with a hint saying how to fix them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import FIXTURES, CliRunner, assert_one_line_error


class Warned(NamedTuple):
    """What a case must warn about: one code at one line of one file of its folder."""

    case: str
    code: str
    file: str
    line: int
    says: str


WARNINGS = [
    Warned(
        "ports-without-peers",
        "NPD016",
        "network-policy.yaml",
        26,
        "spec.ingress[1] has ports but no from: it allows every peer (every namespace and "
        "every external address) on TCP/6379; if `ports` belongs to the rule above, remove "
        "the leading `-`",
    ),
    Warned(
        "dns-blocked",
        "NPD017",
        "shop.yaml",
        40,
        "shop/default-deny-egress isolates 2 workloads for egress",
    ),
    Warned(
        "dns-tcp-blocked",
        "NPD022",
        "shop.yaml",
        66,
        "shop/allow-dns isolates 2 workloads for egress (shop/api[Deployment], "
        "shop/postgres[StatefulSet]) and lets them reach DNS over UDP but not TCP",
    ),
    Warned("ipv4-only", "NPD018", "web.yaml", 33, "0.0.0.0/0 has no ::/0 beside it"),
    Warned(
        "ipv4-only-except",
        "NPD018",
        "worker.yaml",
        31,
        "0.0.0.0/0 excepts 169.254.169.254/32 but the ::/0 beside it excepts nothing",
    ),
    Warned("redundant-rule", "NPD019", "api.yaml", 46, "spec.ingress[0] is covered by"),
    Warned("duplicate-policy", "NPD020", "shop.yaml", 20, "says the same as shop/allow-prom"),
    Warned("covered-policy", "NPD021", "shop.yaml", 54, "(shop/allow-scraping)"),
    # Warnings of the same registry and format that existed before these.
    Warned("host-bits", "NPD002", "egress.yaml", 31, "203.0.113.25/24 has host bits set"),
    Warned("ignored-direction", "NPD003", "api.yaml", 30, "spec.egress has rules"),
    Warned("selects-nothing", "NPD006", "api.yaml", 24, "spec.podSelector selects no"),
    Warned("peer-selects-nothing", "NPD007", "api.yaml", 28, "spec.ingress[0].from[0]"),
]


@pytest.mark.parametrize("expected", WARNINGS, ids=[w.case for w in WARNINGS])
def test_each_mistake_is_warned_about_at_its_line_and_nothing_else(
    run_cli: CliRunner, expected: Warned
) -> None:
    folder = f"fixtures/lint/{expected.case}"
    result = run_cli("matrix", folder, "--format", "json", "--no-cache")
    assert result.status == 0, result.err
    warnings = json.loads(result.out)["warnings"]
    assert [(w["code"], w["file"], w["line"]) for w in warnings] == [
        (expected.code, f"{folder}/{expected.file}", expected.line)
    ]
    assert expected.says in warnings[0]["message"]


class Refused(NamedTuple):
    """A mistake that makes the manifest invalid: one line naming file, line and the fix."""

    case: str
    says: tuple[str, ...]


REMOVE_THE_DASH = "remove the leading `-` and align it with `from` or `to`"
REFUSED = [
    Refused(
        "ports-as-a-peer",
        (
            "spec.ingress[0].from[3]: must specify a peer",
            (
                "`ports` is a key of the rule, not a peer: remove its leading `-` and align it "
                "with `from`"
            ),
        ),
    ),
    Refused(
        "ports-breaks-yaml",
        ("invalid YAML: ", f"if `ports` belongs to the rule above, {REMOVE_THE_DASH}"),
    ),
    Refused(
        "ports-inside-a-peer",
        (
            (
                "spec.ingress[0].from[2].ports: a peer has no field 'ports' (kubectl apply "
                "rejects it); if `ports` belongs to the rule, align it with `from`"
            ),
        ),
    ),
]


@pytest.mark.parametrize("expected", REFUSED, ids=[r.case for r in REFUSED])
def test_a_rule_key_out_of_place_is_refused_with_how_to_fix_it(
    run_cli: CliRunner, expected: Refused
) -> None:
    folder = f"fixtures/lint/{expected.case}"
    result = run_cli("matrix", folder, "--no-cache")
    where = f"{folder}/network-policy.yaml (document 1, line 26): "
    assert_one_line_error(result, where, *expected.says)


def test_a_diff_of_two_directories_marks_only_the_warnings_the_change_adds(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    """OLD's warning stays unchanged though its directory differs; a second alike is new."""
    written = (FIXTURES / "lint" / "ipv4-only" / "web.yaml").read_text(encoding="utf-8")
    policy = written.split("---")[1].replace("web-from-internet", "admin-from-internet")
    for side, text in (("old", written), ("new", f"{written}---{policy}")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "web.yaml").write_text(text, encoding="utf-8")

    result = run_cli(str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")

    ipv4_only = [w for w in json.loads(result.out)["warnings"] if w["code"] == "NPD018"]
    assert sorted((w["introduced"], w["line"]) for w in ipv4_only) == [(False, 33), (True, 71)]
