"""``--format json``: the shapes of /work/shared/contract, streamed in pieces that join to JSON."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from netpoldiff.addresses import ALL_ADDRESSES, parse_cidr
from netpoldiff.causes import Cause
from netpoldiff.diagnostics import HOST_NETWORK, NOT_FOLLOWED, Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.explain import Decision
from netpoldiff.model import Endpoint, ExternalEndpoint, ObjectRef, WorkloadEndpoint
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet
from netpoldiff.report.json_report import (
    cause_json,
    decision_json,
    render_diff,
    render_explain,
    render_matrix,
)
from netpoldiff.report.json_values import (
    SCHEMA_VERSION,
    connections_json,
    endpoint_json,
    warning_json,
)
from netpoldiff.report.reports import Style
from netpoldiff.reverts import ChangedObject
from tests.testing.builders import (
    SCTP,
    cluster,
    endpoint,
    ip_block,
    pods,
    policy,
    port,
    ports_of,
    rule,
    tcp,
    udp,
    workload,
)
from tests.unit.report.reporting import diff_report, explain_report, matrix_report, rendered


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            endpoint("prod/web"),
            {"type": "workload", "namespace": "prod", "kind": "Deployment", "name": "web"},
        ),
        (
            endpoint("prod/db[StatefulSet]"),
            {"type": "workload", "namespace": "prod", "kind": "StatefulSet", "name": "db"},
        ),
        (
            ExternalEndpoint(ALL_ADDRESSES - parse_cidr("10.0.0.0/8").addresses),
            {
                "type": "external",
                "cidrs": [
                    "0.0.0.0/5",
                    "8.0.0.0/7",
                    "11.0.0.0/8",
                    "12.0.0.0/6",
                    "16.0.0.0/4",
                    "32.0.0.0/3",
                    "64.0.0.0/2",
                    "128.0.0.0/1",
                    "::/0",
                ],
            },
        ),
    ],
    ids=["deployment", "statefulset", "external-v4-and-v6"],
)
def test_an_endpoint_is_a_workload_or_sorted_disjoint_cidrs(
    target: Endpoint, expected: dict[str, Any]
) -> None:
    assert endpoint_json(target) == expected


@pytest.mark.parametrize(
    ("connections", "expected"),
    [
        (ALL_CONNECTIONS, "all"),
        (tcp(), [{"protocol": "TCP", "ports": "all"}]),
        (
            udp(53, (8000, 8080)) | tcp(),
            [
                {"protocol": "TCP", "ports": "all"},
                {"protocol": "UDP", "ports": [[53, 53], [8000, 8080]]},
            ],
        ),
        # Adjacent ranges merge; protocols come TCP, UDP, SCTP whatever the order of building.
        (
            ports_of(SCTP, 9) | tcp((80, 80), (81, 90)) | udp(1),
            [
                {"protocol": "TCP", "ports": [[80, 90]]},
                {"protocol": "UDP", "ports": [[1, 1]]},
                {"protocol": "SCTP", "ports": [[9, 9]]},
            ],
        ),
        (
            tcp() | udp() | ports_of(SCTP, (1, 65534)),
            [
                {"protocol": "TCP", "ports": "all"},
                {"protocol": "UDP", "ports": "all"},
                {"protocol": "SCTP", "ports": [[1, 65534]]},
            ],
        ),
    ],
    ids=["all", "all-tcp", "tcp-and-udp", "ordered-and-merged", "all-but-one-port"],
)
def test_connections_are_all_or_one_entry_per_protocol(
    connections: ConnectionSet, expected: object
) -> None:
    assert connections_json(connections) == expected


@pytest.mark.parametrize(
    ("warning", "expected"),
    [
        (
            HOST_NETWORK.at(Location("k8s/web.yaml", 2, 12), workload="prod/web"),
            {
                "code": "NPD001",
                "message": "prod/web uses hostNetwork: NetworkPolicy does not govern it, so it "
                "is left out of the matrix",
                "file": "k8s/web.yaml",
                "line": 12,
            },
        ),
        (
            NOT_FOLLOWED.at(Location("k8s/link"), what="skipped"),
            {"code": "NPD004", "message": "skipped", "file": "k8s/link"},
        ),
        (Diagnostic("NPD004", "skipped", None), {"code": "NPD004", "message": "skipped"}),
    ],
    ids=["file-and-line", "file-only", "no-location"],
)
def test_a_warning_has_code_message_and_file_and_line_when_known(
    warning: Diagnostic, expected: dict[str, Any]
) -> None:
    assert warning_json(warning) == expected


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (
            Cause(ChangedObject(ObjectRef.network_policy("prod", "allow-web"), "added")),
            {"namespace": "prod", "name": "allow-web", "kind": "NetworkPolicy", "change": "added"},
        ),
        (
            Cause(ChangedObject(ObjectRef("Deployment", "prod", "web"), "modified", ("labels",))),
            {
                "namespace": "prod",
                "name": "web",
                "kind": "Deployment",
                "change": "modified",
                "fields": ["labels"],
            },
        ),
        (
            Cause(ChangedObject(ObjectRef("Namespace", None, "prod"), "modified"), joint=True),
            {
                "namespace": None,
                "name": "prod",
                "kind": "Namespace",
                "change": "modified",
                "joint": True,
            },
        ),
    ],
    ids=["policy", "workload-with-fields", "joint-namespace"],
)
def test_a_cause_names_its_object_how_it_changed_and_whether_only_jointly(
    cause: Cause, expected: dict[str, Any]
) -> None:
    assert cause_json(cause) == expected


# web may reach db only; a 10.0.0.0/8 block may reach web on TCP/443.
WEB = workload("prod/web", {"app": "web"})
DB = workload("prod/db", {"app": "db"})
WEB_OUT = policy("prod/web-out", {"app": "web"}, egress=(rule(pods({"app": "db"})),))
WEB_IN = policy(
    "prod/web-in",
    {"app": "web"},
    ingress=(rule(ip_block("10.0.0.0/8"), ports=(port(number=443),)),),
)
PROD = cluster(WEB, DB, WEB_OUT, WEB_IN)
BROKEN = InputError(Location("k8s/bad.yaml", 3, 7), "spec.podSelector: expected a mapping")
WARNED = NOT_FOLLOWED.at(Location("k8s/link"), what="skipped")


def test_a_matrix_document_lists_present_endpoints_and_every_allowed_flow() -> None:
    report = matrix_report(PROD)
    document = json.loads(rendered(render_matrix, report))
    matrix = report.matrix
    assert list(document) == [
        "schema_version",
        "source",
        "endpoints",
        "flows",
        "incomplete",
        "errors",
        "warnings",
        "suppressed",
    ]
    assert (document["schema_version"], document["source"]) == (SCHEMA_VERSION, "SRC")
    assert document["endpoints"] == [endpoint_json(e) for e in matrix.present_endpoints()]
    assert document["flows"] == [
        {
            "src": endpoint_json(flow.src),
            "dst": endpoint_json(flow.dst),
            "connections": connections_json(flow.connections),
        }
        for flow in matrix.flows()
    ]
    web, db = endpoint_json(WEB.endpoint), endpoint_json(DB.endpoint)
    block = {"type": "external", "cidrs": ["10.0.0.0/8"]}
    assert {"src": web, "dst": db, "connections": "all"} in document["flows"]
    tcp_443 = [{"protocol": "TCP", "ports": [[443, 443]]}]
    assert {"src": block, "dst": web, "connections": tcp_443} in document["flows"]
    assert not any(
        flow["src"]["type"] == flow["dst"]["type"] == "external" for flow in document["flows"]
    )
    assert (document["incomplete"], document["errors"], document["warnings"]) == (False, [], [])


def test_a_matrix_with_no_flow_is_still_a_document() -> None:
    deny = policy("prod/deny", ingress=(), egress=())
    document = json.loads(rendered(render_matrix, matrix_report(cluster(WEB, deny))))
    assert document["flows"] == []
    assert document["endpoints"][0] == endpoint_json(WEB.endpoint)


@pytest.mark.parametrize("kind", ["matrix", "diff"])
def test_skipped_input_makes_the_document_incomplete_and_lists_it(kind: str) -> None:
    warnings, errors = (WARNED,), (BROKEN,)
    text = (
        rendered(render_matrix, matrix_report(PROD, warnings=warnings, errors=errors))
        if kind == "matrix"
        else rendered(render_diff, diff_report(PROD, PROD, warnings=warnings, errors=errors))
    )
    document = json.loads(text)
    assert document["incomplete"] is True
    assert document["errors"] == [
        "k8s/bad.yaml (document 3, line 7): spec.podSelector: expected a mapping"
    ]
    warning: dict[str, object] = {"code": "NPD004", "message": "skipped", "file": "k8s/link"}
    if kind == "diff":  # a diff's warnings are NEW's, and OLD had none
        warning |= {"side": "new", "introduced": True}
    assert document["warnings"] == [warning]


def _workload_json(spec: str) -> dict[str, Any]:
    target = endpoint(spec)
    assert isinstance(target, WorkloadEndpoint)
    return endpoint_json(target)


def test_a_diff_document_lists_opened_and_closed_pairs_with_their_causes() -> None:
    cache = workload("prod/cache", {"app": "cache"})
    # NEW: web may reach the new cache on TCP/6379 and no longer db; db is gone.
    new_out = policy(
        "prod/web-out",
        {"app": "web"},
        egress=(rule(pods({"app": "cache"}), ports=(port(number=6379),)),),
    )
    old, new = cluster(WEB, DB, WEB_OUT), cluster(WEB, cache, new_out)
    document = json.loads(rendered(render_diff, diff_report(old, new)))
    assert list(document) == [
        "schema_version",
        "old",
        "new",
        "added_endpoints",
        "removed_endpoints",
        "opened",
        "closed",
        "summary",
        "objects",
        "incomplete",
        "errors",
        "error_details",
        "warnings",
        "suppressed",
        "unevaluated",
        "nothing_read",
        "findings",
    ]
    assert (document["schema_version"], document["old"], document["new"]) == (1, "OLD", "NEW")
    assert document["added_endpoints"] == [_workload_json("prod/cache")]
    assert document["removed_endpoints"] == [_workload_json("prod/db")]
    web_to_cache = next(
        flow
        for flow in document["opened"]
        if (flow["src"], flow["dst"]) == (_workload_json("prod/web"), _workload_json("prod/cache"))
    )
    assert web_to_cache["connections"] == [{"protocol": "TCP", "ports": [[6379, 6379]]}]
    web_out = {"namespace": "prod", "name": "web-out", "kind": "NetworkPolicy"}
    assert {**web_out, "change": "modified"} in web_to_cache["causes"]
    # db is gone: every pair it was part of closes, and nothing else does.
    db = _workload_json("prod/db")
    assert all(db in (flow["src"], flow["dst"]) for flow in document["closed"])
    assert document["summary"] == {
        "opened": len(document["opened"]),
        "closed": len(document["closed"]),
    }
    assert document["summary"]["closed"] > 0


def test_a_diff_with_no_change_is_a_document_of_empty_lists() -> None:
    document = json.loads(rendered(render_diff, diff_report(PROD, PROD)))
    assert document["opened"] == document["closed"] == []
    assert document["added_endpoints"] == document["removed_endpoints"] == []
    assert document["summary"] == {"opened": 0, "closed": 0}
    assert (document["incomplete"], document["errors"], document["warnings"]) == (False, [], [])


def test_a_diff_streams_one_piece_per_flow() -> None:
    # A large diff is written as it is made: pieces, not one string at the end.
    old = cluster(WEB, DB)
    pieces = list(render_diff(diff_report(old, PROD), Style()))
    closed = json.loads("".join(pieces))["closed"]
    assert len(closed) > 1
    assert len(pieces) >= len(closed)


def test_a_diff_lists_every_changed_object_with_its_edits_by_kind_namespace_and_name() -> None:
    cache = workload("prod/cache", {"app": "cache"})
    edited = policy(
        "prod/web-out",
        {"app": "web"},
        egress=(*WEB_OUT.egress, rule(pods({"app": "cache"}), ports=(port(number=6379),))),
    )
    renamed = dataclasses.replace(DB, namespace="data")
    old, new = cluster(WEB, DB, WEB_OUT), cluster(WEB, cache, renamed, edited)
    pieces = list(render_diff(diff_report(old, new), Style()))
    assert json.loads("".join(pieces))["objects"] == [
        {
            "kind": "Deployment",
            "namespace": "data",
            "name": "db",
            "change": "renamed",
            "renamed_from": {"namespace": "prod", "name": "db"},
            "edits": [],
        },
        {
            "kind": "Deployment",
            "namespace": "prod",
            "name": "cache",
            "change": "added",
            "edits": [],
        },
        {
            "kind": "NetworkPolicy",
            "namespace": "prod",
            "name": "web-out",
            "change": "modified",
            "edits": ["egress rule added: to app=cache on TCP/6379"],
        },
    ]
    # One piece per object, as for flows: a change may add thousands of workloads.
    assert sum('"edits": ' in piece for piece in pieces) == 3


# ---- explain ---------------------------------------------------------------------------------

ALLOW_REF = ObjectRef.network_policy("b", "allow")


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (
            Decision(
                ObjectRef.network_policy("b", "allow"),
                2,
                "allow",
                tcp(80),
                Location("k.yaml", 1, 9),
            ),
            {
                "kind": "NetworkPolicy",
                "namespace": "b",
                "name": "allow",
                "tier": "networkpolicy",
                "rule": 2,
                "action": "allow",
                "connections": [{"protocol": "TCP", "ports": [[80, 80]]}],
                "file": "k.yaml",
                "line": 9,
            },
        ),
        (
            Decision(ObjectRef.network_policy("b", "deny"), None, "isolate", NO_CONNECTIONS, None),
            {
                "kind": "NetworkPolicy",
                "namespace": "b",
                "name": "deny",
                "tier": "networkpolicy",
                "rule": None,
                "action": "isolate",
                "connections": [],
                "file": None,
                "line": None,
            },
        ),
        (
            Decision(
                ObjectRef("AdminNetworkPolicy", None, "guard"),
                1,
                "pass",
                ALL_CONNECTIONS,
                Location("admin.yaml", 1, 20),
                "admin",
                "to-networkpolicies",  # the text report's: not a key of the contract
            ),
            {
                "kind": "AdminNetworkPolicy",
                "namespace": None,
                "name": "guard",
                "tier": "admin",
                "rule": 1,
                "action": "pass",
                "connections": "all",
                "file": "admin.yaml",
                "line": 20,
            },
        ),
    ],
    ids=["allow-rule", "isolate-where-unknown", "admin-pass"],
)
def test_a_decision_names_its_object_rule_action_connections_file_and_line(
    decision: Decision, expected: dict[str, Any]
) -> None:
    assert decision_json(decision) == expected


def test_an_explain_document_has_the_contract_keys_one_decision_a_line() -> None:
    web, api = workload("a/web"), workload("b/api", {"app": "api"})
    deny = policy("b/deny", ingress=())
    allow = policy("b/allow", {"app": "api"}, ingress=(rule(pods({}, namespaces={})),))
    report = explain_report(cluster(web, api, deny, allow), web.endpoint, api.endpoint, (SCTP, 7))
    text = rendered(render_explain, report)
    document = json.loads(text)
    assert list(document) == [
        "schema_version",
        "source",
        "from",
        "to",
        "port",
        "allowed",
        "egress",
        "ingress",
        "incomplete",
        "errors",
        "warnings",
        "suppressed",
    ]
    assert document["schema_version"] == SCHEMA_VERSION
    assert (document["from"], document["to"]) == (
        endpoint_json(web.endpoint),
        endpoint_json(api.endpoint),
    )
    assert document["port"] == {"protocol": "SCTP", "port": 7}
    assert document["allowed"] == [{"protocol": "SCTP", "ports": [[7, 7]]}]
    assert document["egress"] == {"isolated": False, "decided_by": []}
    assert document["ingress"]["isolated"] is True
    assert [(d["name"], d["action"], d["rule"]) for d in document["ingress"]["decided_by"]] == [
        ("allow", "allow", 0),
        ("deny", "isolate", None),
    ]
    assert document["ingress"]["decided_by"][0]["connections"] == "all"
    assert sum('"kind": "NetworkPolicy"' in line for line in text.splitlines()) == 2


def test_an_explain_document_says_denied_as_an_empty_list_and_carries_skipped_input() -> None:
    web, api = workload("a/web"), workload("b/api")
    broken = InputError(Location("k8s/bad.yaml", 2, 3), "invalid")
    report = explain_report(
        cluster(web, api, policy("b/deny", ingress=())),
        web.endpoint,
        api.endpoint,
        errors=(broken,),
    )
    document = json.loads(rendered(render_explain, report))
    assert (document["port"], document["allowed"]) == (None, [])
    assert document["incomplete"] is True
    assert document["errors"] == ["k8s/bad.yaml (document 2, line 3): invalid"]
