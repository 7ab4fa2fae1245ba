"""The report a pusher reads: the flows the push opens first, the rest counted, the summary last."""

from __future__ import annotations

from netpoldiff.report.push_text import OPENED_HEADING, render_push
from netpoldiff.report.words import summary_line
from tests.testing.builders import TCP, cluster, pods, policy, port, rule, workload
from tests.unit.report.reporting import diff_report, rendered

WEB = workload("shop/web", {"app": "web"})
API = workload("shop/api", {"app": "api"})
DB = workload("shop/db", {"app": "db"})
API_TO_DB = policy("shop/db-in", {"app": "db"}, ingress=(rule(pods({"app": "api"})),))
DB_CLOSED = policy("shop/db-in", {"app": "db"}, ingress=())
API_CLOSED = policy("shop/api-in", {"app": "api"}, ingress=())
WEB_TO_API = policy(
    "shop/api-in", {"app": "api"}, ingress=(rule(pods({"app": "web"}), ports=(port(TCP, 8080),)),)
)


def test_the_opened_flows_come_first_and_the_closed_ones_are_counted() -> None:
    old = cluster(WEB, API, DB, API_TO_DB, API_CLOSED)
    new = cluster(WEB, API, DB, DB_CLOSED, WEB_TO_API)
    report = diff_report(old, new)
    lines = rendered(render_push, report).splitlines()

    assert lines[0] == "netpoldiff old-rev -> new-rev"
    assert lines[2:4] == [OPENED_HEADING, ""]
    assert lines[4] == "Namespace shop"
    assert "shop/web[Deployment]  ->  shop/api[Deployment]  TCP/8080" in lines[5]
    assert not any("shop/db[Deployment]" in line for line in lines)  # closed: counted only
    also = next(line for line in lines if line.startswith("Also: "))
    assert also == (
        "Also: 1 row of flows closed, 2 objects changed. The whole report: netpoldiff OLD NEW"
    )
    assert lines[-1] == summary_line(report)


def test_a_push_that_only_closes_flows_lists_none() -> None:
    report = diff_report(cluster(WEB, API, DB, API_TO_DB), cluster(WEB, API, DB, DB_CLOSED))
    text = rendered(render_push, report)
    assert OPENED_HEADING not in text
    assert text.splitlines()[-1] == summary_line(report)
