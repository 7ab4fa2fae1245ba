"""Report lines: changed pairs grouped by sources and destinations, ordered as a reviewer reads."""

from __future__ import annotations

import dataclasses

import pytest

from netpoldiff.addresses import ALL_ADDRESSES
from netpoldiff.causes import Cause
from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.diff import diff_matrices
from netpoldiff.evaluate import evaluate_pair
from netpoldiff.model import ExternalEndpoint, ObjectRef
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet
from netpoldiff.report.lines import (
    OUTSIDE,
    ChangeLine,
    Sign,
    change_lines,
)
from netpoldiff.reverts import ChangedObject
from tests.testing.builders import (
    cluster,
    endpoint,
    ip_block,
    pods,
    policy,
    port,
    rule,
    tcp,
    udp,
    workload,
)


def lines_of(old: Cluster, new: Cluster) -> list[ChangeLine]:
    return change_lines(diff_matrices(*evaluate_pair(old, new)), ChangeSet.between(old, new))


def ref(spec: str) -> ObjectRef:
    namespace_name, _, name = spec.partition("/")
    return ObjectRef.network_policy(namespace_name, name)


TEMPLATE = ChangeLine("+", (), (), "", NO_CONNECTIONS, NO_CONNECTIONS, (), 0)


@pytest.mark.parametrize(
    ("sign", "opened", "closed", "expected"),
    [
        ("+", tcp(443), NO_CONNECTIONS, "TCP/443"),
        ("-", NO_CONNECTIONS, tcp(80, 8080) | udp(53), "TCP/80,8080 UDP/53"),
        ("-", NO_CONNECTIONS, ALL_CONNECTIONS, "all"),
        ("~", tcp(443), tcp((8000, 8080)), "+TCP/443 -TCP/8000-8080"),
        ("+", ALL_CONNECTIONS - tcp(9555), NO_CONNECTIONS, "all but TCP/9555"),
        ("~", ALL_CONNECTIONS - tcp(9555), tcp(9555), "+(all but TCP/9555) -TCP/9555"),
    ],
    ids=["opened", "closed", "closed-all", "both", "opened-all-but", "both-all-but-bracketed"],
)
def test_a_line_words_the_connections_of_its_change(
    sign: Sign, opened: ConnectionSet, closed: ConnectionSet, expected: str
) -> None:
    line = dataclasses.replace(TEMPLATE, sign=sign, opened=opened, closed=closed)
    assert line.connections == expected


# Namespaces a and b of two workloads each; NEW isolates b's ingress to b itself.
A1, A2 = workload("a/a1"), workload("a/a2")
B1, B2 = workload("b/b1"), workload("b/b2")
B_IN = policy("b/b-in", ingress=(rule(pods({})),))


def test_sources_losing_the_same_toward_destinations_alike_make_one_line() -> None:
    (line,) = lines_of(cluster(A1, A2, B1, B2), cluster(A1, A2, B1, B2, B_IN))
    assert line == ChangeLine(
        sign="-",
        sources=("a/*", "anywhere outside the cluster"),
        destinations=("b/*",),
        source_members=(endpoint("a/a1"), endpoint("a/a2"), ExternalEndpoint(ALL_ADDRESSES)),
        destination_members=(endpoint("b/b1"), endpoint("b/b2")),
        destination_namespace="b",
        opened=NO_CONNECTIONS,
        closed=ALL_CONNECTIONS,
        causes=(Cause(ChangedObject(ref("b/b-in"), "added", policies=(ref("b/b-in"),))),),
        pairs=3 * 2,
    )


A_NAMESPACE = {"kubernetes.io/metadata.name": "a"}
EVERY_ADDRESS = (ip_block("0.0.0.0/0"), ip_block("::/0"))


def test_lines_are_ordered_by_destination_namespace_with_outside_last() -> None:
    # a1 may reach only a; zz admits nobody: lines toward b, zz and outside the cluster.
    a_out = policy("a/a-out", {"app": "one"}, egress=(rule(pods({})),))
    zz_in = policy("zz/zz-in", ingress=())
    a1, zed = workload("a/a1", {"app": "one"}), workload("zz/zed")
    both = (a1, A2, B1, zed)
    lines = lines_of(cluster(*both), cluster(*both, a_out, zz_in))
    assert [line.destination_namespace for line in lines] == ["b", "zz", OUTSIDE]


def test_lines_toward_one_destination_are_opened_then_closed_then_both() -> None:
    x, y, w = (workload(f"n/{name}", {"app": name}) for name in ("x", "y", "w"))
    d = workload("n/d", {"app": "d"})
    old_in = policy(
        "n/d-in",
        {"app": "d"},
        ingress=(rule(pods({"app": "x"}), ports=(port(number=80),)), rule(pods({"app": "y"}))),
    )
    new_in = policy(
        "n/d-in",
        {"app": "d"},
        ingress=(
            rule(pods({"app": "x"}), ports=(port(number=443),)),
            rule(pods({"app": "w"}), ports=(port(number=22),)),
        ),
    )
    lines = lines_of(cluster(x, y, w, d, old_in), cluster(x, y, w, d, new_in))
    assert [(line.sign, line.sources, line.connections) for line in lines] == [
        ("+", ("n/w[Deployment]",), "TCP/22"),
        ("-", ("n/y[Deployment]",), "all"),
        ("~", ("n/x[Deployment]",), "+TCP/443 -TCP/80"),
    ]


def test_a_line_s_causes_leave_out_unchanged_and_renamed_policies() -> None:
    d, web = workload("n/d", {"app": "d"}), workload("n/web", {"app": "web"})
    still = policy("n/still", {"app": "d"}, ingress=())
    old_name = policy("n/old-name", {"app": "d"}, ingress=())
    new_name = policy("n/new-name", {"app": "d"}, ingress=())
    opening = policy("n/opening", {"app": "d"}, ingress=(rule(pods({"app": "web"})),))
    (line,) = lines_of(cluster(d, web, still, old_name), cluster(d, web, still, new_name, opening))
    assert [(str(c.object), c.object.change, c.joint) for c in line.causes] == [
        ("n/opening", "added", False)
    ]


def test_no_change_makes_no_line() -> None:
    same = cluster(A1, B1, B_IN)
    assert lines_of(same, same) == []
