"""The pull-request comment: escaped input, its parts in order, alerts, and the size budget."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from netpoldiff.addresses import parse_cidr
from netpoldiff.diagnostics import NOT_FOLLOWED
from netpoldiff.errors import InputError, Location
from netpoldiff.model import ExternalEndpoint, ObjectRef
from netpoldiff.policies import NetworkPolicy
from netpoldiff.ports import NO_CONNECTIONS
from netpoldiff.report.labels import Population
from netpoldiff.report.lines import ChangeLine
from netpoldiff.report.markdown import BUDGET, MARKER, code, escape, mermaid, render_diff
from netpoldiff.report.reports import DiffReport
from netpoldiff.suppression import Suppressed
from netpoldiff.unevaluated import Unevaluated
from tests.testing.builders import (
    cluster,
    endpoint,
    ip_block,
    pods,
    policy,
    port,
    rule,
    tcp,
    workload,
)
from tests.unit.report.reporting import diff_report, rendered

ZWSP = "\u200b"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("plain text", "plain text"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("a & b", "a &amp; b"),
        ("a|b", "a\\|b"),  # a pipe would end the table cell
        ("`code`", "'code'"),
        ("*bold* _em_", "\\*bold\\* \\_em\\_"),
        ("[click](https://evil)", f"\\[click\\]{ZWSP}(https://evil)"),
        ("![x](https://evil/img)", f"!\\[x\\]{ZWSP}(https://evil/img)"),
        ("@org/team and #123", f"@{ZWSP}org/team and #{ZWSP}123"),
        ("a@b.c #", "a@" + ZWSP + "b.c #"),
        ("two\nlines\t and  spaces", "two lines and spaces"),
    ],
    ids=[
        "plain",
        "html",
        "ampersand",
        "pipe",
        "backtick",
        "emphasis",
        "link",
        "image",
        "mentions",
        "mention-mid-word",
        "whitespace",
    ],
)
def test_escape_leaves_no_markup_link_mention_or_line_break(given: str, expected: str) -> None:
    assert escape(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("shop/web[Deployment]", "`shop/web[Deployment]`"),
        ("a|b", "`a\\|b`"),
        ("a`b", "``a`b``"),
        ("`a``", "``` `a`` ```"),  # a fence longer than any run inside, padded at the ends
        ("x\ny", "`x y`"),
        ("@team <b>", "`@team <b>`"),  # inert inside code
    ],
    ids=["name", "pipe", "backtick", "backtick-at-ends", "line-break", "mention-and-html"],
)
def test_code_spans_hold_any_text_with_a_fence_longer_than_its_backticks(
    given: str, expected: str
) -> None:
    assert code(given) == expected


X, Y = endpoint("a/x[Pod]"), endpoint("b/y[Pod]")
INTERNET = ExternalEndpoint(parse_cidr("0.0.0.0/0").addresses)
POPULATION = Population.of_endpoints([X, endpoint("a/z[Pod]"), Y, endpoint("b/z[Pod]"), INTERNET])
LINE = ChangeLine(
    sign="+",
    sources=("a/x[Pod]",),
    destinations=("b/y[Pod]",),
    source_members=(X,),
    destination_members=(Y,),
    destination_namespace="b",
    opened=tcp(80),
    closed=NO_CONNECTIONS,
    causes=(),
    pairs=1,
)


@pytest.mark.parametrize(
    ("line", "edge", "colour"),
    [
        (LINE, 'n0 -->|"+TCP/80"| n1', "#1a7f37"),
        (
            dataclasses.replace(LINE, sign="-", opened=NO_CONNECTIONS, closed=tcp(22)),
            'n0 -.->|"-TCP/22"| n1',
            "#cf222e",
        ),
        (
            dataclasses.replace(LINE, sign="~", closed=tcp(22)),
            'n0 -->|"+TCP/80 -TCP/22"| n1',
            "#bf8700",
        ),
    ],
    ids=["opened", "closed-dashed", "changed"],
)
def test_a_mermaid_edge_is_drawn_and_coloured_by_its_sign(
    line: ChangeLine, edge: str, colour: str
) -> None:
    chart = mermaid([line], POPULATION).splitlines()
    assert chart[0] == "flowchart LR"
    assert f"  {edge}" in chart
    assert f"  linkStyle 0 stroke:{colour},stroke-width:2px" in chart


def test_mermaid_boxes_namespaces_and_notes_the_lines_it_leaves_out() -> None:
    outside = dataclasses.replace(LINE, source_members=(INTERNET,), pairs=5)
    chart = mermaid([LINE, outside, LINE], POPULATION, limit=2).splitlines()
    assert chart[1:10] == [
        '  subgraph ns0["a"]',
        '    n2["a/x[Pod]"]',
        "  end",
        '  subgraph ns1["b"]',
        '    n1["b/y[Pod]"]',
        "  end",
        '  subgraph ns2["outside the cluster"]',
        '    n0["anywhere outside the cluster"]',
        "  end",
    ]
    assert chart[-1] == '  more["… 1 more changes not drawn"]'


def test_mermaid_draws_a_line_across_namespaces_from_each_namespace_box() -> None:
    across = dataclasses.replace(LINE, source_members=(X, INTERNET), sources=("mixed",))
    chart = mermaid([across], POPULATION).splitlines()
    assert [row for row in chart if "subgraph" in row] == [
        '  subgraph ns0["a"]',
        '  subgraph ns1["b"]',
        '  subgraph ns2["outside the cluster"]',
    ]
    assert [row for row in chart if "-->" in row] == [
        '  n0 -->|"+TCP/80"| n1',
        '  n2 -->|"+TCP/80"| n1',
    ]


def test_mermaid_stops_before_the_line_that_would_pass_its_edge_limit() -> None:
    # The larger line is one edge; the smaller cuts a in two, so the two would draw three.
    larger = dataclasses.replace(LINE, source_members=(X, endpoint("a/z[Pod]")), pairs=2)
    chart = mermaid([LINE, larger], POPULATION, max_edges=2).splitlines()
    assert [row for row in chart if "-->" in row] == ['  n0 -->|"+TCP/80"| n1']
    assert '    n0["a/*"]' in chart
    assert chart[-1] == '  more["… 1 more changes not drawn"]'


def test_mermaid_writes_the_members_of_a_node_one_a_line() -> None:
    # Two of a's three workloads: named, one under the other, in one node.
    z = endpoint("a/z[Pod]")
    population = Population.of_endpoints([X, z, endpoint("a/w[Pod]"), Y])
    two = dataclasses.replace(LINE, source_members=(X, z))
    assert '    n0["a/x[Pod]<br>a/z[Pod]"]' in mermaid([two], population).splitlines()
    # One per namespace: a node each, no line break.
    spread = dataclasses.replace(LINE, destination_members=(Y, INTERNET))
    assert "<br>" not in mermaid([spread], POPULATION)


def test_mermaid_labels_break_mentions_and_hold_no_quote() -> None:
    hostile = dataclasses.replace(LINE, source_members=(endpoint("@org/team #12"),))
    chart = mermaid([hostile], POPULATION)
    assert f'n0["@{ZWSP}org/team #{ZWSP}12[Deployment]"]' in chart
    assert f'subgraph ns0["@{ZWSP}org"]' in chart


def test_mermaid_labels_write_quotes_and_angle_brackets_as_entities() -> None:
    hostile = dataclasses.replace(LINE, source_members=(endpoint('say/"hi" <b>'),))
    chart = mermaid([hostile], POPULATION)
    assert 'n0["say/#quot;hi#quot; #lt;b#gt;[Deployment]"]' in chart
    assert "<b>" not in chart


WEB, API = workload("a/web", {"app": "web"}), workload("b/api", {"app": "api"})
API_CLOSED = policy("b/api-in", {"app": "api"}, ingress=())
API_FROM_WEB = policy(
    "b/api-in",
    {"app": "api"},
    ingress=(rule(pods({"app": "web"}, namespaces={})), rule(ip_block("0.0.0.0/0"))),
)


def test_a_comment_starts_with_its_marker_a_headline_and_the_two_sides() -> None:
    text = rendered(
        render_diff, diff_report(cluster(WEB, API, API_CLOSED), cluster(WEB, API, API_FROM_WEB))
    )
    assert text.splitlines()[:3] == [
        MARKER,
        "### netpoldiff: 1 row opened (2 flows), 0 closed",
        "`old-rev` → `new-rev`",
    ]


def test_a_comment_puts_opened_closed_and_both_in_their_own_tables() -> None:
    def api_on(number: int) -> NetworkPolicy:
        return policy(
            "b/api-in", {"app": "api"}, ingress=(rule(pods({}), ports=(port(number=number),)),)
        )

    db = workload("b/db", {"app": "db"})
    db_closed = policy("b/db-in", {"app": "db"}, ingress=())
    # api moves from TCP/80 to TCP/443 (both ways); db opens to everyone.
    text = rendered(
        render_diff,
        diff_report(cluster(API, db, api_on(80), db_closed), cluster(API, db, api_on(443))),
    )
    titles = [line for line in text.splitlines() if line.startswith("#### ")]
    assert titles == ["#### Opened", "#### Opened and closed"]
    assert (
        "| 🟡 changed | `any workload` | `b/api[Deployment]` "
        "| +TCP/443 -TCP/80 | b/api-in (modified) |"
    ) in text


def test_alerts_warn_of_flows_from_outside_and_across_namespaces() -> None:
    text = rendered(
        render_diff, diff_report(cluster(WEB, API, API_CLOSED), cluster(WEB, API, API_FROM_WEB))
    )
    assert (
        "\n> [!WARNING]\n"
        "> Opens flows **from outside the cluster** to `b/api[Deployment]` "
        "(1 flow; cause: `b/api-in`).\n"
        "> Opens flows **across namespaces** to `b/api[Deployment]` (1 flow; cause: `b/api-in`).\n"
    ) in text


def test_alerts_warn_when_a_default_deny_is_removed() -> None:
    deny = policy("b/deny-all", ingress=())
    text = rendered(render_diff, diff_report(cluster(WEB, API, deny), cluster(WEB, API)))
    assert (
        "> Removes a default deny: namespace `b` no longer denies all **ingress** by default "
        "(`b/deny-all` removed); 3 flows opened there."
    ) in text


def test_skipped_input_is_a_caution_and_warnings_are_listed_escaped() -> None:
    broken = InputError(Location("k8s/<b>.yaml", 1, 2), "bad @team")
    warned = NOT_FOLLOWED.at(Location("k8s/link"), what="skipped *here*")
    same = cluster(WEB, API)
    lines = rendered(
        render_diff, diff_report(same, same, warnings=(warned,), errors=(broken,))
    ).splitlines()
    assert lines[:7] == [
        MARKER,
        "### netpoldiff: no reachability changes in what was evaluated (1 input skipped)",
        "`old-rev` → `new-rev`",
        "",
        "> [!CAUTION]",
        "> **Incomplete analysis**: some input could not be read.",
        f"> - k8s/&lt;b&gt;.yaml (document 1, line 2): bad @{ZWSP}team",
    ]
    assert lines[-5:] == [
        "<details><summary>1 warning</summary>",
        "",
        "- k8s/link: skipped \\*here\\* \\[NPD004\\]",
        "",
        "</details>",
    ]


def test_a_comment_counts_the_suppressed_warnings_even_when_none_is_left() -> None:
    warned = NOT_FOLLOWED.at(Location("k8s/link"), what="skipped")
    same = cluster(WEB, API)
    hidden = Suppressed((warned,), ("annotation",))
    report = dataclasses.replace(diff_report(same, same), suppressed=hidden)
    lines = rendered(render_diff, report).splitlines()
    assert lines[-2:] == ["", "1 warning suppressed (netpoldiff.io/ignore annotations)"]
    shown = dataclasses.replace(report, warnings=(warned,))
    lines = rendered(render_diff, shown).splitlines()
    assert lines[-4:] == [
        "",
        "</details>",
        "",
        "1 warning suppressed (netpoldiff.io/ignore annotations)",
    ]


def test_a_policy_change_that_moves_no_flow_is_said_so() -> None:
    renamed = policy("b/renamed", {"app": "api"}, ingress=())
    text = rendered(
        render_diff, diff_report(cluster(WEB, API, API_CLOSED), cluster(WEB, API, renamed))
    )
    assert "### netpoldiff: no reachability changes" in text
    assert "\nThe manifests changed, but not who can reach whom.\n" in text
    assert "| > | `b/renamed` | `renamed from b/api-in (same rules)` |" in text
    assert "#### " not in text


def with_lines(report: DiffReport, lines: list[ChangeLine]) -> DiffReport:
    """The report with other lines: more than a comment has room for."""
    report.__dict__["lines"] = tuple(lines)  # the cached value of DiffReport.lines
    return report


def test_a_comment_over_budget_is_cut_with_honest_counts_of_what_it_leaves_out() -> None:
    many = [
        dataclasses.replace(LINE, destinations=(f"b/destination-with-a-long-name-{i}[Pod]",))
        for i in range(1000)
    ]
    text = rendered(render_diff, with_lines(diff_report(cluster(), cluster()), many))
    assert len(text) <= BUDGET
    shown = text.count("| 🟢 opened |")
    assert 0 < shown < len(many)
    assert f"| | … {len(many) - shown} more lines not shown | | | |" in text
    assert f"# … {len(many) - shown} more lines not shown" in text


def test_a_comment_cut_for_its_warnings_says_how_many_it_leaves_out() -> None:
    warnings = tuple(
        NOT_FOLLOWED.at(Location(f"k8s/{i}.yaml"), what="x" * 200) for i in range(1000)
    )
    same = cluster(WEB, API)
    text = rendered(render_diff, diff_report(same, same, warnings=warnings))
    assert len(text) <= BUDGET
    listed = text.count("\n- k8s/")
    assert listed > 1
    assert f"{len(warnings) - listed} more" in text


LONG = "x" * 200  # a name long enough that a few hundred of them pass the budget


def _many_errors() -> DiffReport:
    errors = tuple(InputError(Location(f"k8s/{LONG}-{i}.yaml", 1, 1), "bad") for i in range(1000))
    return diff_report(cluster(WEB, API), cluster(WEB, API), errors=errors)


def _many_unevaluated() -> DiffReport:
    entries = tuple(
        Unevaluated(
            ObjectRef.network_policy("shop", f"{LONG}-{i}"), "added", "kind-not-evaluated", None
        )
        for i in range(1000)
    )
    return dataclasses.replace(diff_report(cluster(WEB), cluster(WEB)), unevaluated=entries)


def _many_workloads() -> DiffReport:
    return diff_report(cluster(), cluster(*(workload(f"a/{LONG}-{i}") for i in range(300))))


def _many_policies() -> DiffReport:
    nothing = {"app": "none"}
    return diff_report(
        cluster(), cluster(*(policy(f"a/{LONG}-{i}", nothing, ingress=()) for i in range(300)))
    )


def _many_default_denies() -> DiffReport:
    denies = [policy(f"n{i}-{LONG}/deny-all", ingress=()) for i in range(600)]
    return diff_report(cluster(*denies), cluster())


@pytest.mark.parametrize(
    ("report", "entry", "total"),
    [
        (_many_errors, "\n> - k8s/", 1000),
        (_many_unevaluated, "\n> - shop/", 1000),
        (_many_workloads, "\n- + `a/", 300),
        (_many_policies, "\n| + | `a/", 300),
        (_many_default_denies, "\n> Removes a default deny", 600),
    ],
    ids=["errors", "unevaluated", "workloads", "policies", "default-denies"],
)
def test_a_comment_cut_for_any_long_list_keeps_what_fits_and_counts_the_rest(
    report: Callable[[], DiffReport], entry: str, total: int
) -> None:
    text = rendered(render_diff, report())
    assert len(text) <= BUDGET
    listed = text.count(entry)
    assert listed > 1
    assert f"… {total - listed} more not shown" in text


def test_the_verdict_writes_names_from_the_input_as_code() -> None:
    moved = workload("front/<b>web</b>", {"app": "web"})
    report = diff_report(cluster(workload("shop/<b>web</b>", {"app": "web"})), cluster(moved))
    text = rendered(render_diff, dataclasses.replace(report, equivalence_verdict=True))
    assert text.startswith(
        "not equivalent: workload moved or renamed (another endpoint): "
        "`shop/<b>web</b>[Deployment]` to `front/<b>web</b>[Deployment]`\n\n" + MARKER
    )


def test_a_comment_with_changed_flows_says_under_the_tables_how_to_explain_one() -> None:
    changed = rendered(
        render_diff, diff_report(cluster(WEB, API, API_CLOSED), cluster(WEB, API, API_FROM_WEB))
    )
    lines = changed.splitlines()
    hint = lines.index("Why one flow? `netpoldiff explain NEW SRC DST`")
    assert lines[hint - 2].startswith("| 🟢 opened |")  # the last row of the last table
    same = cluster(WEB, API, API_CLOSED)
    assert "netpoldiff explain" not in rendered(render_diff, diff_report(same, same))
