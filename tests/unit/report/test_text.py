"""``--format text``: the terminal reports, their sections, rows, colours and wrapping."""

from __future__ import annotations

import dataclasses
import re

import pytest

from netpoldiff.diagnostics import HOST_NETWORK, NOT_FOLLOWED
from netpoldiff.errors import InputError, Location
from netpoldiff.policies import NetworkPolicy
from netpoldiff.report.reports import MatrixReport
from netpoldiff.report.text import NOBODY, render_diff, render_explain, render_matrix
from netpoldiff.report.text_blocks import problems_text
from netpoldiff.report.words import summary_line
from tests.testing.builders import TCP, cluster, pods, policy, port, rule, workload
from tests.unit.report.reporting import diff_report, explain_report, matrix_report, rendered

BROKEN = InputError(Location("k8s/bad.yaml", 3, 7), "spec: expected a mapping")
WARNED = NOT_FOLLOWED.at(Location("k8s/link"), what="skipped")


A_WEB, B_API = workload("a/web"), workload("b/api", {"app": "api"})
API_CLOSED = policy("b/api-in", {"app": "api"}, ingress=())


def test_a_diff_row_reads_sources_arrow_destinations_connections_and_why() -> None:
    text = rendered(
        render_diff, diff_report(cluster(A_WEB, B_API), cluster(A_WEB, B_API, API_CLOSED))
    )
    rows = [line for line in text.splitlines() if line.startswith("  -")]
    assert rows == [
        (
            "  -  any workload, anywhere outside the cluster  ->  b/api[Deployment]  all  "
            "b/api-in (added)"
        )
    ]


def test_a_diff_report_has_its_sections_in_reading_order_and_the_summary_last() -> None:
    a_one, gone, zed = workload("a/one", {"app": "one"}), workload("a/gone"), workload("zz/zed")
    a_out = policy("a/a-out", {"app": "one"}, egress=(rule(pods({})),))  # a/one reaches a only
    zz_in = policy("zz/zz-in", ingress=())
    old = cluster(a_one, gone, B_API, zed)
    new = cluster(a_one, B_API, zed, a_out, zz_in)
    report = diff_report(old, new, warnings=(WARNED,))
    lines = rendered(render_diff, report).splitlines()
    assert lines[0] == "netpoldiff old-rev -> new-rev"
    assert lines[1].startswith("Flows: + opened   - closed   ~ opened and closed")
    titles = [line for line in lines[2:] if line and not line.startswith(" ")]
    assert titles == [
        "Namespace a",
        "Namespace b",
        "Namespace zz",
        "Outside the cluster",
        "Why one flow? netpoldiff explain NEW SRC DST",
        "Workloads added and removed",
        "Objects changed",
        "Warnings:",
        summary_line(report),
    ]
    assert lines[-1] == titles[-1]
    assert "  - a/gone[Deployment]" in lines
    assert any(re.fullmatch(r"  \+  a/a-out +added", line) for line in lines)


def test_a_diff_report_without_changes_says_so_and_has_no_sections() -> None:
    same = cluster(A_WEB, B_API, API_CLOSED)
    lines = rendered(render_diff, diff_report(same, same)).splitlines()
    assert lines[2:] == ["", "No reachability changes."]


@pytest.mark.parametrize(
    ("painted", "plain"),
    [
        ("\x1b[1mnetpoldiff old-rev -> new-rev\x1b[0m", "netpoldiff old-rev -> new-rev"),
        ("\x1b[1mNamespace a\x1b[0m", "Namespace a"),
        ("  \x1b[32m+\x1b[0m  ", "  +  "),  # an opened row
        ("\x1b[31m-\x1b[0m", "-  a/web"),  # a closed row
        ("\x1b[32mTCP/80\x1b[0m", "TCP/80"),
        ("  \x1b[31m-\x1b[0m a/web[Deployment]\n", "  - a/web[Deployment]\n"),
        (
            "\x1b[1mReachability: 3 rows opened, 3 closed (5 flows).\x1b[0m\n",
            "Reachability: 3 rows opened, 3 closed (5 flows).\n",
        ),
    ],
    ids=["header", "section", "opened-sign", "closed-sign", "connections", "removed", "summary"],
)
def test_colour_paints_signs_and_connections_and_bolds_titles_only_when_asked(
    painted: str, plain: str
) -> None:
    # a/web goes; a/new comes, reachable by b/api on TCP/80 only.
    new_workload = workload("a/new", {"app": "new"})
    only_api = policy(
        "a/new-in",
        {"app": "new"},
        ingress=(rule(pods({"app": "api"}, namespaces={}), ports=(port(number=80),)),),
    )
    report = diff_report(cluster(A_WEB, B_API), cluster(new_workload, B_API, only_api))
    assert painted in rendered(render_diff, report, color=True)
    plain_text = rendered(render_diff, report)
    assert plain in plain_text
    assert "\x1b" not in plain_text


def test_long_lists_wrap_at_spaces_and_never_cut_a_name() -> None:
    # Six long names lose their way to zz/target; many/kept keeps it.
    names = [workload(f"many/a-rather-long-workload-name-{i}") for i in range(6)]
    kept = workload("many/kept", {"keep": "yes"})
    target = workload("zz/target", {"app": "target"})
    closed = policy(
        "zz/target-in",
        {"app": "target"},
        ingress=(rule(pods({"keep": "yes"}, namespaces={})),),
    )
    both = (*names, kept, target)
    text = rendered(render_diff, diff_report(cluster(*both), cluster(*both, closed)))
    for name in names:
        assert str(name.endpoint) in text  # whole, on one line
    continued = [line for line in text.splitlines() if line.startswith("     ")]
    assert len(continued) > 1  # the sources wrapped onto more lines


# shop: web reaches api on TCP/80, db admits nobody; big: 5 workloads open to all.
SHOP = (
    workload("shop/web", {"app": "web"}),
    workload("shop/api", {"app": "api"}),
    workload("shop/db", {"app": "db"}),
    policy("shop/db-in", {"app": "db"}, ingress=()),
    policy(
        "shop/api-in",
        {"app": "api"},
        ingress=(rule(pods({"app": "web"}), ports=(port(number=80),)),),
    ),
)


def table_rows(text: str, title: str) -> list[list[str]]:
    """The rows of the table under ``title``, cells split on runs of two spaces."""
    lines = text.splitlines()
    start = lines.index(title) + 3  # the title, the headers, the rule
    rows = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def test_a_matrix_names_its_source_and_counts_what_it_holds() -> None:
    lines = rendered(render_matrix, matrix_report(cluster(*SHOP))).splitlines()
    assert lines[:2] == [
        "Reachability matrix of SRC",
        "3 workloads in 1 namespace, 1 external address block; 8 allowed flows",
    ]
    single = rendered(render_matrix, matrix_report(cluster(workload("one/web"))))
    assert single.splitlines()[1] == (
        "1 workload in 1 namespace, 1 external address block; 3 allowed flows"
    )


def test_a_matrix_row_per_destination_says_who_may_connect_or_nobody() -> None:
    text = rendered(render_matrix, matrix_report(cluster(*SHOP)))
    assert table_rows(text, "Namespace shop") == [
        ["api[Deployment]", "shop/web[Deployment]", "TCP/80"],
        ["db[Deployment]", NOBODY, "-"],
        ["web[Deployment]", "any workload, anywhere outside the cluster", "all"],
    ]
    assert table_rows(text, "Outside the cluster") == [
        ["0.0.0.0/0 and ::/0", "any workload", "all"]
    ]


@pytest.mark.parametrize("size", [4, 5])
def test_destinations_with_the_same_sources_share_a_row_counted_beyond_four(size: int) -> None:
    big = [workload(f"big/w{i}") for i in range(size)]
    text = rendered(render_matrix, matrix_report(cluster(*big)))
    (row, *continued) = table_rows(text, "Namespace big")
    assert row[1:] == ["any workload, anywhere outside the cluster", "all"]
    if size > 4:
        assert (row[0], continued) == ("all 5 workloads", [])
    else:
        listed = " ".join([row[0], *(cells[0] for cells in continued)])
        assert listed == "w0[Deployment], w1[Deployment], w2[Deployment], w3[Deployment]"


def test_a_destination_reached_in_several_ways_takes_one_row_per_group() -> None:
    db = workload("shop/db", {"app": "db"})
    db_in = policy(
        "shop/db-in",
        {"app": "db"},
        ingress=(
            rule(pods({"app": "web"})),
            rule(pods({"app": "api"}), ports=(port(number=5432),)),
        ),
    )
    text = rendered(render_matrix, matrix_report(cluster(*SHOP[:2], db, db_in)))
    rows = table_rows(text, "Namespace shop")
    assert rows[0][0] == "api[Deployment], web[Deployment]"  # the same sources: one row
    assert rows[1:] == [
        ["db[Deployment]", "shop/web[Deployment]", "all"],
        ["shop/api[Deployment]", "TCP/5432"],  # the destination is not repeated
    ]


def test_a_matrix_ends_with_its_problems_and_escapes_its_source_name() -> None:
    report = matrix_report(cluster(*SHOP), warnings=(WARNED,), errors=(BROKEN,))
    odd = MatrixReport("dir\x1b[2J", report.matrix, report.warnings, report.errors)
    text = rendered(render_matrix, odd)
    assert text.splitlines()[0] == "Reachability matrix of dir\\x1b[2J"
    assert text.endswith(problems_text((WARNED,), (BROKEN,)) + "\n")


# ---- explain ---------------------------------------------------------------------------------


def _placed(written: NetworkPolicy, line: int) -> NetworkPolicy:
    """The policy written at ``line`` of k8s/b.yaml, its ingress rules on the lines after."""
    rules = tuple(
        dataclasses.replace(r, origin=Location("k8s/b.yaml", 1, line + 1 + i))
        for i, r in enumerate(written.ingress)
    )
    return dataclasses.replace(written, origin=Location("k8s/b.yaml", 1, line), ingress=rules)


def test_an_explanation_reads_verdict_then_each_direction_with_its_rules_and_lines() -> None:
    api_from_web = policy(
        "b/api-from-web", {"app": "api"}, ingress=(rule(pods({}, namespaces={}), ports=(port(),)),)
    )
    source = cluster(A_WEB, B_API, _placed(API_CLOSED, 1), _placed(api_from_web, 7))
    report = explain_report(source, A_WEB.endpoint, B_API.endpoint, (TCP, 8080))
    assert rendered(render_explain, report) == (
        "a/web[Deployment] -> b/api[Deployment] in SRC\n"
        "allowed on TCP/8080\n"
        "\n"
        "Egress of a/web[Deployment]: not isolated (no NetworkPolicy selects it for egress)\n"
        "\n"
        "Ingress of b/api[Deployment]: isolated by 2 policies; allows TCP/all\n"
        "  b/api-from-web ingress[0]  allows TCP/all                                k8s/b.yaml:8\n"
        "  b/api-in                   isolates: no ingress rule matches the source  k8s/b.yaml:1\n"
    )


def test_an_explanation_ends_with_the_problems_of_the_reading() -> None:
    report = explain_report(cluster(A_WEB), A_WEB.endpoint, A_WEB.endpoint, warnings=(WARNED,))
    assert rendered(render_explain, report).endswith(
        "\n\nWarnings:\n  k8s/link: skipped [NPD004]\n"
    )


def test_a_diff_lists_the_warnings_it_introduces_and_counts_those_old_had_too() -> None:
    """A reviewer reads what the change brings, not every warning of the repository again."""
    old_too = HOST_NETWORK.at(Location("k8s/agent.yaml", 1, 3), workload="b/agent[DaemonSet]")
    report = dataclasses.replace(
        diff_report(cluster(B_API), cluster(B_API), warnings=(old_too, WARNED)),
        old_warnings=(old_too,),
    )
    lines = rendered(render_diff, report).splitlines()
    assert lines[-5:] == [
        "Warnings:",
        f"  {WARNED}",
        "1 warning that OLD had too is not listed (netpoldiff lint lists every one).",
        "",
        summary_line(report),
    ]
    only_old = dataclasses.replace(report, warnings=(old_too,))
    assert rendered(render_diff, only_old).splitlines()[-3:] == [
        "1 warning that OLD had too is not listed (netpoldiff lint lists every one).",
        "",
        summary_line(only_old),
    ]
