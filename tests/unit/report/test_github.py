"""``--format github``: workflow commands, every value escaped as the runner unescapes it."""

from __future__ import annotations

import pytest

from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.report.github import command, escape_data, escape_property, render_diff, render_lint
from netpoldiff.report.reports import LintReport
from tests.testing.builders import cluster, pods, policy, rule, workload
from tests.unit.report.reporting import diff_report, rendered


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100% sure", "100%25 sure", "100%25 sure"),
        ("a,b:c", "a,b:c", "a%2Cb%3Ac"),
        ("one\ntwo\r\nthree", "one%0Atwo%0D%0Athree", "one%0Atwo%0D%0Athree"),
        ("%0A stays text", "%250A stays text", "%250A stays text"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
    ],
    ids=["plain", "percent", "comma-colon", "newlines", "escape-lookalike", "command-lookalike"],
)
def test_values_are_escaped_as_the_runner_reads_them(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_a_hostile_message_and_path_stay_on_one_command_line() -> None:
    where = Location("k8s/a,b:c%d.yaml", 1, 7)
    line = command("warning", "50%\n::error::forged, title=x", "NPD003", where)
    assert line == (
        "::warning file=k8s/a%2Cb%3Ac%25d.yaml,line=7,title=NPD003::"
        "50%25%0A::error::forged, title=x\n"
    )
    assert line.count("\n") == 1


def test_lint_writes_one_command_per_warning_by_level_and_an_error_per_skipped_input() -> None:
    report = LintReport(
        "k8s",
        (
            Diagnostic("NPD003", "ignored", Location("k8s/a.yaml", 1, 4)),
            Diagnostic("NPD009", "nothing read"),
            Diagnostic("NPD005", "not read", Location("k8s/x.YAML")),
        ),
        (InputError(Location("k8s/bad.yaml", 1, 2), "not YAML", "NEW (abc)"),),
    )
    assert rendered(render_lint, report).splitlines() == [
        "::warning title=NPD009::nothing read",
        "::warning file=k8s/a.yaml,line=4,title=NPD003::ignored",
        "::warning file=k8s/x.YAML,title=NPD005::not read",
        "::error file=k8s/bad.yaml,line=2,title=skipped::in NEW (abc): not YAML",
    ]


def test_a_diff_titles_the_warnings_it_brings_and_annotates_opened_flows() -> None:
    web, api = workload("shop/web", {"app": "web"}), workload("shop/api", {"app": "api"})
    deny = policy("shop/deny", ingress=())
    allow = policy("shop/api-in", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
    warning = Diagnostic("NPD001", "new", Location("w.yaml", 1, 2))
    report = diff_report(
        cluster(web, api, deny), cluster(web, api, deny, allow), warnings=(warning,)
    )
    lines = rendered(render_diff, report).splitlines()
    assert lines[0] == "::warning file=w.yaml,line=2,title=NPD001 (introduced)::new"
    # Within one namespace, an opened flow is a note; its policy has no origin here.
    assert lines[1].startswith("::notice title=opened-flow::opened: shop/web[Deployment] -> ")
    assert lines[1].endswith("(by shop/api-in (added))")
