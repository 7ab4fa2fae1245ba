"""What each fixture case's diff means: exact opened/closed pairs, causes, and report wording.

Every case under fixtures/ (besides the demo) differs between old/ and new/ by one named change.
The JSON report is checked pair by pair (source, destination, connections, and each cause with
its change label); the text report is parsed back into its rows (sign, sources, destinations,
connections, why), its policy and workload sections and its summary; the Markdown report for the
warnings a reviewer must see. The tests after the table reproduce report bugs, one each.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from netpoldiff.commands import Settings, diff_command
from netpoldiff.sources import OnDisk
from tests.conftest import FIXTURES, REPO_ROOT

# --- endpoints of the fixture apps -----------------------------------------------------------

FRONTEND = "web/frontend[Deployment]"
ORDERS = "api/orders[Deployment]"
USERS = "api/users[Deployment]"
PAYMENTS = "api/payments[Deployment]"
POSTGRES = "data/postgres[StatefulSet]"
BACKUP = "data/backup[CronJob]"
OUTSIDE = "ext:0.0.0.0/0,::/0"
"""The one external block of a case without ipBlocks: every address."""

TEAM_A_WEB = "team-a/web[Deployment]"
TEAM_A_WORKER = "team-a/worker[Deployment]"
TEAM_B_API = "team-b/api[Deployment]"
TEAM_B_REPORT = "team-b/report[CronJob]"
REDIS = "data/redis[StatefulSet]"

ALLOW_FROM_WEB = "api/allow-from-web"
ALLOW_POSTGRES = "data/allow-postgres"
DEFAULT_DENY = "data/default-deny"
PAYMENTS_ADDED = "Deployment api/payments:added"
USERS_REMOVED = "Deployment api/users:removed"

Pair = tuple[str, str]
Flows = dict[Pair, tuple[str, frozenset[str]]]
"""(source, destination) -> (connections, {"ns/policy:change", ...})."""


# --- reading the reports ---------------------------------------------------------------------


def run(old: Path | str, new: Path | str, output_format: str, start: Path = REPO_ROOT) -> str:
    report = diff_command(
        OnDisk(str(old)),
        OnDisk(str(new)),
        output_format=output_format,
        settings=Settings(start, use_cache=False),
    )
    assert report.exit_status == 0
    return "".join(report.chunks)


def run_case(case: str, output_format: str) -> str:
    return run(f"fixtures/{case}/old", f"fixtures/{case}/new", output_format)


def endpoint_name(endpoint: Mapping[str, Any]) -> str:
    """``ns/name[Kind]`` for a workload, ``ext:`` and its CIDRs for an external block."""
    if endpoint["type"] == "workload":
        return f"{endpoint['namespace']}/{endpoint['name']}[{endpoint['kind']}]"
    return "ext:" + ",".join(endpoint["cidrs"])


def connections_text(connections: str | Sequence[Mapping[str, Any]]) -> str:
    """``all``, or ``TCP/80,8000-8080 UDP/all`` (the text report's notation)."""
    if connections == "all":
        return "all"
    parts = []
    for entry in connections:
        assert isinstance(entry, Mapping)
        ports = entry["ports"]
        shown = (
            "all"
            if ports == "all"
            else ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ports)
        )
        parts.append(f"{entry['protocol']}/{shown}")
    return " ".join(parts)


def cause_name(cause: Mapping[str, Any]) -> str:
    """``ns/name:change`` of a policy; ``Kind ns/name:change`` of a workload or namespace."""
    name = f"{cause['namespace']}/{cause['name']}" if cause["namespace"] else cause["name"]
    kind = "" if cause["kind"] == "NetworkPolicy" else f"{cause['kind']} "
    return f"{kind}{name}:{cause['change']}" + (" joint" if cause.get("joint") else "")


def json_flows(entries: Iterable[Mapping[str, Any]]) -> Flows:
    flows: Flows = {}
    for entry in entries:
        pair = (endpoint_name(entry["src"]), endpoint_name(entry["dst"]))
        assert pair not in flows, f"{pair} listed twice"
        causes = frozenset(cause_name(c) for c in entry["causes"])
        assert len(causes) == len(entry["causes"]), f"{pair}: a cause listed twice"
        flows[pair] = (connections_text(entry["connections"]), causes)
    return flows


@dataclass(frozen=True)
class Row:
    """One flow row of the text report, its wrapped cells joined with spaces."""

    sign: str
    sources: str
    destinations: str
    connections: str
    why: str


@dataclass
class TextReport:
    rows: list[Row] = field(default_factory=list)
    workloads: list[tuple[str, str]] = field(default_factory=list)
    policies: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kept: int = 0
    findings: list[str] = field(default_factory=list)
    summary: str = ""


def _flow_rows(lines: list[str]) -> list[Row]:
    """Rows of a tabulate "plain" table; a row's first line fixes where each column starts."""
    rows: list[Row] = []
    cells: list[list[str]] = []
    starts: list[int] = []
    for line in lines:
        body = line[2:]
        if body[0] != " ":
            fields = re.split(r" {2,}", body.rstrip())
            assert len(fields) == 6, f"not a flow row: {line!r}"
            assert fields[2] == "->"
            starts, position = [], 0
            for text in fields:
                position = body.index(text, position)
                starts.append(position)
                position += len(text)
            cells.append(fields)
            continue
        for column in (1, 3, 5):
            end = starts[column + 1] if column + 1 < len(starts) else len(body)
            piece = body[starts[column] : end].strip()
            if piece:
                cells[-1][column] += " " + piece
    rows.extend(Row(c[0], c[1], c[3], c[4], c[5]) for c in cells)
    return rows


_KEPT = re.compile(r"\d+ warnings? that OLD had too (is|are) not listed \(netpoldiff lint .*\)\.")


def _kept(lines: list[str]) -> int:
    """``2 warnings that OLD had too are not listed ...``: 2; no such line: 0."""
    return int(lines[0].split()[0]) if lines else 0


def parse_text(text: str) -> TextReport:
    """The text report read back: flow rows, workloads added/removed, policy rows, summary."""
    sections = text.rstrip("\n").split("\n\n")
    report = TextReport(summary=sections[-1])
    for section in sections[1:-1]:
        title, *lines = section.split("\n")
        if title.startswith("Namespace ") or title == "Outside the cluster":
            report.rows.extend(_flow_rows(lines))
        elif title == "Workloads added and removed":
            report.workloads.extend((line[2], line[4:]) for line in lines)
        elif title == "Objects changed":
            for line in lines:
                sign, policy, what = re.split(r" {2,}", line[2:], maxsplit=2)
                report.policies.append((sign, policy, what))
        elif title == "Findings":
            report.findings.extend(line[4:] for line in lines if line.startswith("  ! "))
        elif title == "Warnings:":
            report.warnings.extend(line.strip() for line in lines if line.startswith("  "))
            report.kept = _kept([line for line in lines if not line.startswith("  ")])
        elif _KEPT.fullmatch(title):
            report.kept = _kept([title])
        elif title.startswith("Why one flow? "):
            pass  # how to explain a flow: under the flows, says nothing of the change
        else:
            pytest.fail(f"unexpected section {title!r}")
    return report


# --- the table -------------------------------------------------------------------------------


def flows(*entries: tuple[str, str, str, Iterable[str]]) -> Flows:
    return {(src, dst): (conn, frozenset(causes)) for src, dst, conn, causes in entries}


@dataclass(frozen=True)
class Case:
    name: str
    opened: Flows = field(default_factory=dict)
    closed: Flows = field(default_factory=dict)
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    policies: tuple[tuple[str, str, str], ...] = ()
    markdown: tuple[str, ...] = ()
    """Lines the Markdown report must hold."""
    warnings: tuple[str, ...] = ()
    """The codes of the warnings the change introduces, in order."""
    kept: tuple[str, ...] = ()
    """The codes of NEW's warnings that OLD had too: counted, not listed, in text."""


def _added_payments(why: str) -> tuple[Row, ...]:
    return (
        Row("+", FRONTEND, PAYMENTS, "TCP/8080", why),
        Row("+", PAYMENTS, POSTGRES, "TCP/5432", why),
        Row("+", PAYMENTS, FRONTEND, "all", why),
        Row("+", PAYMENTS, "anywhere outside the cluster", "all", why),
    )


def _removed_users(why: str) -> tuple[Row, ...]:
    return tuple(
        Row(
            "-",
            row.sources.replace(PAYMENTS, USERS),
            row.destinations.replace(PAYMENTS, USERS),
            row.connections,
            why,
        )
        for row in _added_payments(why)
    )


NO_CHANGE_MARKDOWN = (
    "### netpoldiff: no reachability changes",
    "The manifests changed, but not who can reach whom.",
)
EGRESS_CLOSED = f"{ALLOW_FROM_WEB}:modified"

CHECKOUT = "shop/checkoutservice[Deployment]"
PAYMENT = "shop/paymentservice[Deployment]"
ISOLATE_PAYMENTS = "AdminNetworkPolicy isolate-payments:added"
SHOP_API = "shop/api[Deployment]"
SHOP_WEB = "shop/web[Deployment]"
INVOICES = "billing/invoices[Deployment]"
TO_INTERNET = "AdminNetworkPolicy shop-to-internet:added"
BUT_DNS = "TCP/1-52,54-65535 UDP/1-52,54-65535 SCTP/all"
TO_INTERNET_WHY = "shop-to-internet (AdminNetworkPolicy, added)"
TO_INTERNET_CAUSE = "cause: `shop-to-internet (AdminNetworkPolicy)`"

CASES = [
    Case(
        # An admin Allow to every address, above shop's NetworkPolicy egress deny: shop is
        # open to the internet, and (a whole address family holds the pods) to billing.
        "admin-egress-to-internet",
        opened=flows(
            *(
                (src, dst, BUT_DNS, [TO_INTERNET])
                for src in (SHOP_API, SHOP_WEB)
                for dst in (OUTSIDE, INVOICES)
            )
        ),
        rows=(
            Row("+", "shop/*", INVOICES, "all but TCP/53 UDP/53", TO_INTERNET_WHY),
            Row(
                "+",
                "shop/*",
                "anywhere outside the cluster",
                "all but TCP/53 UDP/53",
                TO_INTERNET_WHY,
            ),
        ),
        policies=(("+", "shop-to-internet (AdminNetworkPolicy)", "added"),),
        kept=("NPD017",),  # billing's egress deny lets invoices reach no DNS, on both sides
        markdown=(
            (
                f"> Opens flows **to outside the cluster** from `{SHOP_API}`, `{SHOP_WEB}` "
                f"(2 flows; {TO_INTERNET_CAUSE})."
            ),
            (
                f"> Opens flows **across namespaces** to `{INVOICES}` "
                f"(2 flows; {TO_INTERNET_CAUSE})."
            ),
        ),
    ),
    Case(
        # An admin Deny sits above every NetworkPolicy: the flows into the service close.
        "admin-policy-added",
        closed=flows(
            (CHECKOUT, PAYMENT, "all", [ISOLATE_PAYMENTS]),
            (PAYMENT, PAYMENT, "all", [ISOLATE_PAYMENTS]),
        ),
        rows=(
            Row(
                "-",
                "any workload",
                PAYMENT,
                "all",
                "isolate-payments (AdminNetworkPolicy, added)",
            ),
        ),
        policies=(("+", "isolate-payments (AdminNetworkPolicy)", "added"),),
    ),
    Case(
        "workload-added",
        opened=flows(
            # The added workload is the one cause: the policies around it did not change.
            (FRONTEND, PAYMENTS, "TCP/8080", [PAYMENTS_ADDED]),
            (PAYMENTS, POSTGRES, "TCP/5432", [PAYMENTS_ADDED]),
            (PAYMENTS, FRONTEND, "all", [PAYMENTS_ADDED]),
            (PAYMENTS, OUTSIDE, "all", [PAYMENTS_ADDED]),
        ),
        added=(PAYMENTS,),
        rows=_added_payments(f"{PAYMENTS}: added with labels {{app=payments, tier=backend}}"),
        markdown=(
            (
                "> Opens flows **to outside the cluster** from `api/payments[Deployment]` "
                "(1 flow; cause: `api/payments[Deployment]`)."
            ),
            (
                "> Opens flows **across namespaces** to `api/payments[Deployment]`, "
                "`data/postgres[StatefulSet]`, `web/frontend[Deployment]` (3 flows; cause: "
                "`api/payments[Deployment]`)."
            ),
        ),
    ),
    Case(
        "workload-removed",
        closed=flows(
            (FRONTEND, USERS, "TCP/8080", [USERS_REMOVED]),
            (USERS, POSTGRES, "TCP/5432", [USERS_REMOVED]),
            (USERS, FRONTEND, "all", [USERS_REMOVED]),
            (USERS, OUTSIDE, "all", [USERS_REMOVED]),
        ),
        removed=(USERS,),
        rows=_removed_users(f"{USERS}: removed"),
        markdown=("### netpoldiff: 0 rows opened, 4 closed",),
    ),
    Case(
        "workload-labels-changed",
        closed=flows((USERS, POSTGRES, "TCP/5432", ["Deployment api/users:modified"])),
        rows=(Row("-", USERS, POSTGRES, "TCP/5432", f"{USERS}: labels tier=backend->edge"),),
    ),
    Case(
        "namespace-labels-changed",
        closed=flows(
            (FRONTEND, ORDERS, "TCP/8080", ["Namespace web:modified"]),
            (FRONTEND, USERS, "TCP/8080", ["Namespace web:modified"]),
        ),
        rows=(
            Row("-", FRONTEND, "api/*", "TCP/8080", "namespace web: labels team=web->storefront"),
        ),
        # The peer that selected web by team=web now selects nothing: that is why it closed.
        warnings=("NPD007",),
    ),
    Case(
        "policy-renamed",
        policies=((">", "data/postgres-clients", f"renamed from {ALLOW_POSTGRES} (same rules)"),),
        markdown=NO_CHANGE_MARKDOWN,
    ),
    Case(
        "rules-reordered",
        policies=(("~", ALLOW_POSTGRES, "same rules, reordered"),),
        markdown=NO_CHANGE_MARKDOWN,
    ),
    Case(
        "policy-split",
        policies=(
            ("-", ALLOW_POSTGRES, "removed"),
            ("+", "data/allow-postgres-from-api", "added"),
            ("+", "data/allow-postgres-from-backup", "added"),
        ),
        markdown=NO_CHANGE_MARKDOWN,
    ),
    Case(
        "named-port-renumbered",
        opened=flows((FRONTEND, ORDERS, "TCP/9090", ["Deployment api/orders:modified"])),
        closed=flows((FRONTEND, ORDERS, "TCP/8080", ["Deployment api/orders:modified"])),
        rows=(
            Row(
                "~",
                FRONTEND,
                ORDERS,
                "+TCP/9090 -TCP/8080",
                f"{ORDERS}: named ports http/TCP=8080->9090",
            ),
        ),
        markdown=("### netpoldiff: 1 row opened, 1 closed",),
    ),
    Case(
        "ipblock-except-removed",
        opened=flows(("ext:10.0.0.0/8", FRONTEND, "TCP/8080", ["web/allow-frontend:modified"])),
        rows=(Row("+", "10.0.0.0/8", FRONTEND, "TCP/8080", "web/allow-frontend (modified)"),),
        policies=(
            (
                "~",
                "web/allow-frontend",
                "ingress rule on TCP/8080: from 0.0.0.0/0 except 10.0.0.0/8 -> 0.0.0.0/0",
            ),
        ),
        markdown=(
            (
                f"> Opens flows **from outside the cluster** to `{FRONTEND}` "
                "(1 flow; cause: `web/allow-frontend`)."
            ),
        ),
    ),
    Case(
        "egress-added-to-policytypes",
        closed=flows(
            (ORDERS, POSTGRES, "TCP/5432", [EGRESS_CLOSED]),
            (USERS, POSTGRES, "TCP/5432", [EGRESS_CLOSED]),
            (ORDERS, FRONTEND, "all", [EGRESS_CLOSED]),
            (USERS, FRONTEND, "all", [EGRESS_CLOSED]),
            (ORDERS, OUTSIDE, "all", [EGRESS_CLOSED]),
            (USERS, OUTSIDE, "all", [EGRESS_CLOSED]),
        ),
        rows=(
            Row("-", "api/*", POSTGRES, "TCP/5432", f"{ALLOW_FROM_WEB} (modified)"),
            Row("-", "api/*", FRONTEND, "all", f"{ALLOW_FROM_WEB} (modified)"),
            Row(
                "-", "api/*", "anywhere outside the cluster", "all", f"{ALLOW_FROM_WEB} (modified)"
            ),
        ),
        policies=(("~", ALLOW_FROM_WEB, "policyTypes: Egress added"),),
        warnings=("NPD017",),  # the api pods may now reach no DNS server
    ),
    Case(
        "default-deny-removed",
        opened=flows(
            *(
                (src, BACKUP, "all", [f"{DEFAULT_DENY}:removed"])
                for src in (FRONTEND, ORDERS, USERS, POSTGRES, BACKUP, OUTSIDE)
            )
        ),
        rows=(
            Row(
                "+",
                "any workload, anywhere outside the cluster",
                BACKUP,
                "all",
                f"{DEFAULT_DENY} (removed)",
            ),
        ),
        policies=(("-", DEFAULT_DENY, "removed"),),
        markdown=(
            (
                "> Removes a default deny: namespace `data` no longer denies all **ingress** by "
                f"default (`{DEFAULT_DENY}` removed); 6 flows opened there."
            ),
            (
                f"> Opens flows **from outside the cluster** to `{BACKUP}` "
                f"(1 flow; cause: `{DEFAULT_DENY}`)."
            ),
        ),
    ),
    Case(
        "cross-namespace-opened",
        opened=flows(
            *(
                (src, dst, "all", ["data/allow-internal:modified"])
                for src in (TEAM_A_WEB, TEAM_A_WORKER, TEAM_B_API)
                for dst in (POSTGRES, REDIS)
            ),
            (
                TEAM_B_REPORT,
                POSTGRES,
                "TCP/5432",
                ["data/allow-internal:modified"],
            ),
        ),
        rows=(
            Row("+", f"team-a/*, {TEAM_B_API}", "data/*", "all", "data/allow-internal (modified)"),
            Row("+", TEAM_B_REPORT, POSTGRES, "TCP/5432", "data/allow-internal (modified)"),
        ),
        kept=("NPD017",),  # the report job reaches postgres only, not DNS, on both sides
        policies=(
            ("~", "data/allow-internal", "ingress rule on all ports: from any namespace added"),
        ),
        markdown=(
            (
                "> Opens flows **across namespaces** to `data/postgres[StatefulSet]`, "
                "`data/redis[StatefulSet]` (7 flows; cause: `data/allow-internal`)."
            ),
        ),
    ),
]
IDS = [case.name for case in CASES]


# Cases about what a diff cannot show (operators' pods, selectors matching nothing, kinds not
# evaluated, nothing read, an error on one side): tests/e2e/test_coverage_gaps.py.
COVERAGE_CASES = {
    "operator-mesh-opened",
    "selector-typo",
    "vendor-policy-added",
    "nothing-read",
    "error-in-old",
}


# Cases about how a repository is read (Kustomize overlays rendered): tests/e2e/test_kustomize.py.
RENDERED_CASES = {"kustomize-overlays"}

# Cases about how a report reads (edits by meaning, moves, joint causes, groups, findings):
# tests/e2e/test_readable_reports.py.
READABILITY_CASES = {
    "rule-inserted-at-top",
    "namespace-except",
    "egress-to-internet",
    "workload-moved",
    "joint-causes",
    "review-example",
}


def test_the_table_covers_every_fixture_case_but_the_demo() -> None:
    cases = {p.name for p in FIXTURES.iterdir() if (p / "old").is_dir() and (p / "new").is_dir()}
    others = COVERAGE_CASES | RENDERED_CASES | READABILITY_CASES
    assert cases - {"demo"} - others == set(IDS)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_json_lists_exactly_the_opened_and_closed_pairs_with_their_causes(case: Case) -> None:
    document = json.loads(run_case(case.name, "json"))
    assert json_flows(document["opened"]) == case.opened
    assert json_flows(document["closed"]) == case.closed
    assert [endpoint_name(e) for e in document["added_endpoints"]] == list(case.added)
    assert [endpoint_name(e) for e in document["removed_endpoints"]] == list(case.removed)
    assert document["summary"] == {"opened": len(case.opened), "closed": len(case.closed)}
    assert document["old"] == f"fixtures/{case.name}/old"
    assert document["new"] == f"fixtures/{case.name}/new"
    assert (document["incomplete"], document["errors"]) == (False, [])
    warnings = [(w["code"], w["introduced"]) for w in document["warnings"]]
    assert [code for code, introduced in warnings if introduced] == list(case.warnings)
    assert [code for code, introduced in warnings if not introduced] == list(case.kept)


def _counts(case: Case) -> str:
    """The rows a reader sees in each direction, and the flows when they are more."""
    opened_rows = sum(row.sign in "+~" for row in case.rows)
    closed_rows = sum(row.sign in "-~" for row in case.rows)
    opened = f"{opened_rows} {'row' if opened_rows == 1 else 'rows'} opened"
    closed = f"{closed_rows} closed"
    if len(case.opened) != opened_rows:
        opened += f" ({len(case.opened)} flows)"
    if len(case.closed) != closed_rows:
        closed += f" ({len(case.closed)} flows)"
    return f"{opened}, {closed}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_text_report_rows_sections_and_summary(case: Case) -> None:
    report = parse_text(run_case(case.name, "text"))
    assert report.rows == list(case.rows)
    workloads = [("+", e) for e in case.added] + [("-", e) for e in case.removed]
    assert report.workloads == workloads
    assert report.policies == list(case.policies)
    assert [w.rsplit("[", 1)[1].rstrip("]") for w in report.warnings] == list(case.warnings)
    assert report.kept == len(case.kept)
    if case.opened or case.closed:
        expected = f"Reachability: {_counts(case)}."
    else:
        expected = "No reachability changes."
    assert report.summary == expected


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_markdown_report_carries_the_warnings_and_headline(case: Case) -> None:
    lines = run_case(case.name, "markdown").splitlines()
    assert lines[0] == "<!-- netpoldiff -->"
    for expected in case.markdown:
        assert expected in lines
    removes_deny = any(line.startswith("> Removes a default deny") for line in lines)
    assert removes_deny == (case.name == "default-deny-removed")
    from_outside = any("**from outside the cluster**" in line for line in lines)
    assert from_outside == any(src.startswith("ext:") for src, _ in case.opened)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_swapping_old_and_new_swaps_opened_and_closed(case: Case) -> None:
    document = json.loads(run(f"fixtures/{case.name}/new", f"fixtures/{case.name}/old", "json"))
    swap = {
        "added": "removed",
        "removed": "added",
        "modified": "modified",
    }

    def mirrored(table: Flows) -> Flows:
        return {
            pair: (
                conn,
                frozenset(f"{c.rpartition(':')[0]}:{swap[c.rpartition(':')[2]]}" for c in causes),
            )
            for pair, (conn, causes) in table.items()
        }

    assert json_flows(document["opened"]) == mirrored(case.closed)
    assert json_flows(document["closed"]) == mirrored(case.opened)
    assert [endpoint_name(e) for e in document["added_endpoints"]] == list(case.removed)
    assert [endpoint_name(e) for e in document["removed_endpoints"]] == list(case.added)


# --- bugs: each test below fails today ---------------------------------------------------------


def variant(tmp_path: Path, case: str, edits: Sequence[tuple[str, str, str]]) -> tuple[Path, Path]:
    """old/ of a fixture case as both sides, with ``edits`` (file, before, after) made to new/."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(FIXTURES / case / "old", old)
    shutil.copytree(FIXTURES / case / "old", new)
    for name, before, after in edits:
        path = new / name
        text = path.read_text(encoding="utf-8")
        assert text.count(before) == 1, before
        path.write_text(text.replace(before, after), encoding="utf-8")
    return old, new


USERS_TO_EDGE = (
    "api.yaml",
    "metadata: {labels: {app: users, tier: backend}}",
    "metadata: {labels: {app: users, tier: edge}}",
)
ORDERS_TO_EDGE = (
    "api.yaml",
    "metadata: {labels: {app: orders, tier: backend}}",
    "metadata: {labels: {app: orders, tier: edge}}",
)
BACKUP_RULE = """    - from:
        - podSelector: {matchLabels: {app: backup}}
      ports:
        - {protocol: TCP, port: 5432}
"""
API_RULE = """    - from:
        - namespaceSelector: {matchLabels: {team: api}}
          podSelector: {matchLabels: {tier: backend}}
      ports:
        - {protocol: TCP, port: 5432}
"""


def text_rows(tmp_path: Path, old: Path, new: Path) -> list[Row]:
    return parse_text(run(old, new, "text", start=tmp_path)).rows


def test_renaming_a_default_deny_does_not_warn_that_a_default_deny_was_removed(
    tmp_path: Path,
) -> None:
    # Regression: the page said there were no reachability changes and that the policy was
    # renamed with the same rules, yet warned that data/default-deny no longer denied all
    # ingress (fixed in 865c5c8, which judges default denies per namespace).
    old, new = variant(
        tmp_path,
        "policy-renamed",
        [
            (
                "data.yaml",
                "{name: default-deny, namespace: data}",
                "{name: deny-all, namespace: data}",
            )
        ],
    )
    markdown = run(old, new, "markdown", start=tmp_path)
    assert "renamed from data/default-deny (same rules)" in markdown
    assert "Removes a default deny" not in markdown


def test_a_line_grouping_several_sources_names_the_change_of_each(tmp_path: Path) -> None:
    # Both api workloads move to tier=edge and lose postgres; the one row says only why
    # api/orders did.
    old, new = variant(tmp_path, "workload-labels-changed", [USERS_TO_EDGE, ORDERS_TO_EDGE])
    (row,) = text_rows(tmp_path, old, new)
    assert (row.sign, row.sources, row.destinations) == ("-", "api/*", POSTGRES)
    assert f"{ORDERS}: labels tier=backend->edge" in row.why
    assert f"{USERS}: labels tier=backend->edge" in row.why


def test_removing_a_duplicate_rule_is_not_reported_as_a_reorder(tmp_path: Path) -> None:
    # DeepDiff(ignore_order=True) also ignores repetitions: a rule deleted outright is
    # described as "rules reordered (same rules)".
    old, new = variant(tmp_path, "rules-reordered", [])
    old_data = old / "data.yaml"  # the backup rule twice in old, once in new
    old_data.write_text(
        old_data.read_text(encoding="utf-8").replace(BACKUP_RULE, BACKUP_RULE + BACKUP_RULE),
        encoding="utf-8",
    )
    report = parse_text(run(old, new, "text", start=tmp_path))
    assert report.summary == "No reachability changes."
    ((sign, policy, what),) = report.policies
    assert (sign, policy) == ("~", ALLOW_POSTGRES)
    assert "reordered" not in what


def test_a_policy_whose_rules_were_only_reordered_is_not_given_as_why_a_flow_closed(
    tmp_path: Path,
) -> None:
    # users loses postgres because its label changed; the why column blames
    # "data/allow-postgres (modified)", a policy the same report says has the same rules.
    old, new = variant(
        tmp_path,
        "rules-reordered",
        [("data.yaml", API_RULE + BACKUP_RULE, BACKUP_RULE + API_RULE), USERS_TO_EDGE],
    )
    (row,) = text_rows(tmp_path, old, new)
    assert (row.sign, row.sources, row.destinations) == ("-", USERS, POSTGRES)
    assert f"{USERS}: labels tier=backend->edge" in row.why


def test_a_renamed_policy_is_not_given_as_why_a_flow_closed(tmp_path: Path) -> None:
    # Same as above with a rename: the why column says "data/allow-postgres (removed),
    # data/postgres-clients (added)" instead of the label change.
    old, new = variant(
        tmp_path,
        "policy-renamed",
        [
            (
                "data.yaml",
                "{name: allow-postgres, namespace: data}",
                "{name: postgres-clients, namespace: data}",
            ),
            USERS_TO_EDGE,
        ],
    )
    (row,) = text_rows(tmp_path, old, new)
    assert (row.sign, row.sources, row.destinations) == ("-", USERS, POSTGRES)
    assert f"{USERS}: labels tier=backend->edge" in row.why


def test_the_why_column_does_not_break_policy_names_at_hyphens(tmp_path: Path) -> None:
    # textwrap breaks on hyphens by default: "data/default-" / "deny-ingress (added)".
    old, new = variant(
        tmp_path,
        "workload-labels-changed",
        [
            (
                "data.yaml",
                "        - podSelector: {matchLabels: {app: backup}}\n",
                "        - podSelector: {matchLabels: {app: pg-backup}}\n",
            ),
            (
                "data.yaml",
                "{name: default-deny, namespace: data}",
                "{name: default-deny-ingress, namespace: data}",
            ),
        ],
    )
    (row,) = text_rows(tmp_path, old, new)
    assert (row.sign, row.sources, row.destinations) == ("-", BACKUP, POSTGRES)
    # The rename decides nothing; the edited policy is named whole.
    assert row.why == "data/allow-postgres (modified)"


def test_the_source_column_does_not_split_an_address_across_lines(tmp_path: Path) -> None:
    # A block label longer than the column is cut mid-address: "172.1" / "6.0.0/12".
    policy = """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-public, namespace: web}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - ipBlock:
            cidr: 0.0.0.0/0
            except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10]
"""
    old, new = variant(tmp_path, "workload-added", [])
    (new / "web.yaml").write_text(
        (new / "web.yaml").read_text(encoding="utf-8") + policy, encoding="utf-8"
    )
    text = run(old, new, "text", start=tmp_path)
    blocks = "10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16"
    assert [row.sources for row in parse_text(text).rows] == [f"any workload, {blocks} and ::/0"]
    for cidr in blocks.split(","):
        assert any(cidr in line for line in text.splitlines()), f"{cidr} is cut in:\n{text}"


def _big_namespace(root: Path, workloads: int, *, deny: bool) -> Path:
    """One namespace of ``workloads`` Deployments in ten apps, with or without a default deny."""
    documents = ["apiVersion: v1\nkind: Namespace\nmetadata: {name: big}\n"]
    documents += [
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w{i}, namespace: big}}\n"
        f"spec: {{template: {{metadata: {{labels: {{app: a{i % 10}}}}},"
        " spec: {containers: [{name: c}]}}}\n"
        for i in range(workloads)
    ]
    if deny:
        documents.append(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            "metadata: {name: default-deny, namespace: big}\nspec: {podSelector: {}}\n"
        )
    root.mkdir()
    (root / "big.yaml").write_text("---\n".join(documents), encoding="utf-8")
    return root


def test_a_change_that_opens_every_pair_of_a_namespace_reads_as_a_few_lines(
    tmp_path: Path,
) -> None:
    # 90,000 pairs open at once: the reports group them, and the JSON still lists each.
    size = 300
    old = _big_namespace(tmp_path / "old", size, deny=True)
    new = _big_namespace(tmp_path / "new", size, deny=False)
    opened = size * size + size  # every workload, and the outside, to every workload
    text = run(old, new, "text", start=tmp_path)
    assert "  +  any workload, anywhere outside the cluster  ->  any workload  all  " in text
    # The rows and the findings, each a paragraph that names at most five workloads.
    assert len(text.splitlines()) < 24, text
    assert f"Reachability: 1 row opened ({opened} flows), 0 closed." in text
    markdown = run(old, new, "markdown", start=tmp_path)
    assert len(markdown) < 3_000
    document = json.loads(run(old, new, "json", start=tmp_path))
    assert document["summary"] == {"opened": opened, "closed": 0}
    assert len(document["opened"]) == opened
