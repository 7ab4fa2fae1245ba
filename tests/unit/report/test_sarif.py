"""``--format sarif``: SARIF 2.1.0 that validates, with results code scanning can follow."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from netpoldiff import __version__
from netpoldiff.diagnostics import CODES, HOST_NETWORK, Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.report.reports import LintReport
from netpoldiff.report.sarif import (
    FINGERPRINT,
    MAX_LOCATIONS,
    artifact_uri,
    render_diff,
    render_lint,
)
from tests.testing.builders import cluster, pods, policy, rule, workload
from tests.testing.sarif import valid_sarif
from tests.unit.report.reporting import diff_report, rendered


def _lint(*warnings: Diagnostic, errors: tuple[InputError, ...] = ()) -> dict[str, Any]:
    return valid_sarif(rendered(render_lint, LintReport("k8s", warnings, errors)))


def _results(document: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = document["runs"][0]["results"]
    return results


def test_a_lint_log_names_the_tool_its_rules_and_one_result_per_warning() -> None:
    located = Diagnostic("NPD003", "ignored", Location("k8s/a b.yaml", 2, 14))
    no_line = Diagnostic("NPD005", "not read", Location("k8s/deny.YAML"))
    nowhere = Diagnostic("NPD009", "nothing read")
    document = _lint(located, no_line, nowhere)
    driver = document["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("netpoldiff", __version__)
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == sorted(CODES)
    rule = driver["rules"][0]
    assert rule["shortDescription"]["text"] == HOST_NETWORK.summary
    assert rule["defaultConfiguration"]["level"] == HOST_NETWORK.severity
    first, second, third = _results(document)
    assert (first["ruleId"], first["message"]["text"]) == ("NPD009", "nothing read")
    assert "locations" not in first
    assert second["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "k8s/a%20b.yaml"},
        "region": {"startLine": 14},
    }
    assert third["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "k8s/deny.YAML"}
    }
    assert driver["rules"][second["ruleIndex"]]["id"] == "NPD003"
    assert second["level"] == "warning"


def test_fingerprints_follow_a_warning_across_lines_and_keep_twins_apart() -> None:
    def fingerprint(line: int, message: str = "same") -> str:
        warning = Diagnostic("NPD001", message, Location("a.yaml", 1, line))
        value: str = _results(_lint(warning))[0]["partialFingerprints"][FINGERPRINT]
        return value

    assert fingerprint(3) == fingerprint(30)
    assert fingerprint(3) != fingerprint(3, "other")
    twins = _lint(*(Diagnostic("NPD001", "same", Location("a.yaml", 1, n)) for n in (3, 9)))
    prints = [r["partialFingerprints"][FINGERPRINT] for r in _results(twins)]
    assert len(set(prints)) == 2


def test_skipped_input_is_a_notification_of_the_invocation() -> None:
    error = InputError(Location("k8s/bad.yaml", 2, 7), "not YAML")
    (invocation,) = _lint(errors=(error,))["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"] == "not YAML"
    assert notification["locations"][0]["physicalLocation"]["region"] == {"startLine": 7}


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("k8s/web.yaml", "k8s/web.yaml"),
        ("k8s/a b%,:#?.yaml", "k8s/a%20b%25%2C%3A%23%3F.yaml"),
        ("/abs/k8s/web.yaml", "file:///abs/k8s/web.yaml"),
    ],
    ids=["plain", "reserved-characters", "absolute"],
)
def test_paths_are_uri_references(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


def test_a_diff_log_marks_new_warnings_and_places_opened_flows_at_their_rules() -> None:
    web, api = workload("shop/web", {"app": "web"}), workload("shop/api", {"app": "api"})
    deny = policy("shop/deny", ingress=())
    rules = tuple(
        dataclasses.replace(rule(pods({"app": "web"})), origin=Location("p.yaml", 1, n))
        for n in range(1, MAX_LOCATIONS + 3)
    )
    allow = policy("shop/api-in", {"app": "api"}, ingress=rules)
    old_warning = Diagnostic("NPD001", "old", Location("w.yaml", 1, 1))
    new_warning = Diagnostic("NPD001", "new", Location("w.yaml", 1, 2))
    report = dataclasses.replace(
        diff_report(cluster(web, api, deny), cluster(web, api, deny, allow)),
        warnings=(old_warning, new_warning),
        old_warnings=(old_warning,),
    )
    document = valid_sarif(rendered(render_diff, report))
    run = document["runs"][0]
    assert run["tool"]["driver"]["rules"][-1]["id"] == "opened-flow"
    assert run["properties"] == {"old": "OLD", "new": "NEW"}
    old, new, opened = _results(document)
    assert (old["baselineState"], old["properties"]) == ("unchanged", {"introduced": False})
    assert (new["baselineState"], new["properties"]) == ("new", {"introduced": True})
    assert opened["ruleId"] == "opened-flow"
    assert opened["level"] == "note"
    lines = [loc["physicalLocation"]["region"]["startLine"] for loc in opened["locations"]]
    assert lines == list(range(1, MAX_LOCATIONS + 1))  # code scanning reads the first 10
