"""Annotations: warnings and opened flows on lines of files, as SARIF and GitHub show them."""

from __future__ import annotations

import dataclasses

from netpoldiff.diagnostics import CODES, HOST_BITS, HOST_NETWORK, SELECTS_NOTHING, Diagnostic
from netpoldiff.errors import Location
from netpoldiff.report.annotations import (
    OPENED_FLOW,
    by_place,
    diff_annotations,
    lint_annotations,
    rules,
)
from netpoldiff.report.reports import LintReport
from tests.testing.builders import cluster, ip_block, pods, policy, rule, workload
from tests.unit.report.reporting import diff_report


def _warning(path: str | None, line: int | None, code: str = "NPD001") -> Diagnostic:
    location = None if path is None else Location(path, 1, line)
    return Diagnostic(code, f"about {path}:{line}", location)


def test_a_rule_per_code_named_after_its_constant_with_its_summary_and_severity() -> None:
    known = rules(opened_flows=False)
    assert [r.id for r in known] == sorted(CODES)
    first = known[0]
    assert (first.id, first.name, first.summary, first.level) == (
        HOST_NETWORK.code,
        "HostNetwork",
        HOST_NETWORK.summary,
        HOST_NETWORK.severity,
    )
    assert {r.name for r in known} >= {"HostBits", "SelectsNothing"}
    assert OPENED_FLOW not in {r.id for r in known}
    assert rules(opened_flows=True)[-1].id == OPENED_FLOW


def test_warnings_read_by_file_and_line_those_about_no_file_first() -> None:
    warnings = [
        _warning("b.yaml", 3),
        _warning("a.yaml", 12),
        _warning(None, None, "NPD009"),
        _warning("a.yaml", 2),
        _warning("a.yaml", None),
    ]
    assert [
        (w.location.path, w.location.line) if w.location else None for w in by_place(warnings)
    ] == [
        None,
        ("a.yaml", None),
        ("a.yaml", 2),
        ("a.yaml", 12),
        ("b.yaml", 3),
    ]


def test_lint_annotations_are_placed_from_the_top_of_the_repository() -> None:
    report = LintReport(
        "k8s",
        (_warning("k8s/a.yaml", 4),),
        repository_path=lambda shown: f"deploy/{shown}",
    )
    (annotation,) = lint_annotations(report)
    assert annotation.locations == (Location("deploy/k8s/a.yaml", 1, 4),)
    assert annotation.introduced is None


def test_a_warning_keeps_its_identity_when_its_line_moves() -> None:
    here = LintReport("k8s", (Diagnostic("NPD001", "same", Location("a.yaml", 1, 4)),))
    there = LintReport("k8s", (Diagnostic("NPD001", "same", Location("a.yaml", 3, 40)),))
    other = LintReport("k8s", (Diagnostic("NPD001", "other", Location("a.yaml", 1, 4)),))
    assert lint_annotations(here)[0].identity == lint_annotations(there)[0].identity
    assert lint_annotations(here)[0].identity != lint_annotations(other)[0].identity


def test_a_diff_marks_the_warnings_the_change_brings_then_lists_opened_flows() -> None:
    web, api, db = (
        workload("shop/web", {"app": "web"}),
        workload("shop/api", {"app": "api"}),
        workload("data/db", {"app": "db"}),
    )
    deny = policy("shop/deny", ingress=())
    deny_data = policy("data/deny", ingress=())
    allow = policy("shop/api-in", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
    allow_db = policy(
        "data/db-in", {"app": "db"}, ingress=(rule(pods(namespaces={}), ip_block("10.0.0.0/8")),)
    )
    old_warning = HOST_BITS.at(
        Location("p.yaml", 1, 5), field="f", cidr="10.0.0.1/8", network="10.0.0.0/8"
    )
    new_warning = SELECTS_NOTHING.at(Location("p.yaml", 2, 9), policy="shop/x", namespace="shop")
    report = diff_report(
        cluster(web, api, db, deny, deny_data),
        cluster(web, api, db, deny, deny_data, allow, allow_db),
        warnings=(new_warning, old_warning),
    )
    report = dataclasses.replace(report, old_warnings=(old_warning,))
    found = diff_annotations(report)
    assert [(a.rule, a.introduced) for a in found[:2]] == [("NPD002", False), ("NPD006", True)]
    flows = found[2:]
    assert {a.rule for a in flows} == {OPENED_FLOW}
    levels = {a.message.split(" on ")[0]: a.level for a in flows}
    # Within a namespace a note; across namespaces or from outside, a warning.
    assert levels["opened: shop/web[Deployment] -> shop/api[Deployment]"] == "note"
    assert levels["opened: shop/api[Deployment] -> data/db[Deployment]"] == "warning"
    assert levels["opened: 10.0.0.0/8 -> data/db[Deployment]"] == "warning"
    assert all("(by data/db-in (added))" in a.message for a in flows if "data/db" in a.message)
    assert all(a.introduced is None for a in flows)
