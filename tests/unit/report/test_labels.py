"""Endpoint labels and the short labels of groups: how reports name workloads and addresses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.addresses import ALL_ADDRESSES, V4_SPACE, IPSet, parse_cidr
from netpoldiff.bitsets import iter_bits
from netpoldiff.diff import diff_matrices
from netpoldiff.evaluate import evaluate, evaluate_pair
from netpoldiff.model import Endpoint, ExternalEndpoint
from netpoldiff.report.labels import (
    ANYWHERE_OUTSIDE,
    MaskDescriber,
    Population,
    addresses_label,
    describe_group,
    endpoint_label,
    sources_by_connections,
)
from tests.testing.builders import (
    UDP,
    cluster,
    endpoint,
    ip_block,
    pods,
    policy,
    port,
    rule,
    workload,
)


def cidrs(*texts: str) -> IPSet:
    union = IPSet()
    for text in texts:
        union = union | parse_cidr(text).addresses
    return union


@pytest.mark.parametrize(
    ("addresses", "expected"),
    [
        (IPSet(), "(no address)"),
        (cidrs("10.0.0.0/8"), "10.0.0.0/8"),
        (cidrs("10.0.0.0/8", "192.168.0.0/16"), "10.0.0.0/8,192.168.0.0/16"),
        (IPSet(V4_SPACE), "0.0.0.0/0"),
        (ALL_ADDRESSES, "0.0.0.0/0 and ::/0"),
        (cidrs("fd00::/8"), "fd00::/8"),
        # The complement is shorter: one CIDR out of the whole space, not the 8 around it.
        (IPSet(V4_SPACE) - cidrs("10.0.0.0/8"), "0.0.0.0/0 except 10.0.0.0/8"),
        (
            ALL_ADDRESSES - cidrs("10.0.0.0/8", "fd00::/8"),
            "0.0.0.0/0 except 10.0.0.0/8 and ::/0 except fd00::/8",
        ),
        # As many CIDRs inside as outside: the set itself is named.
        (cidrs("0.0.0.0/1"), "0.0.0.0/1"),
    ],
    ids=[
        "empty",
        "one-cidr",
        "two-cidrs",
        "all-v4",
        "everything",
        "v6",
        "v4-except",
        "both-except",
        "half",
    ],
)
def test_addresses_read_as_cidrs_or_as_everything_except_when_shorter(
    addresses: IPSet, expected: str
) -> None:
    assert addresses_label(addresses) == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (endpoint("shop/web"), "shop/web[Deployment]"),
        (endpoint("shop/db[StatefulSet]"), "shop/db[StatefulSet]"),
        (
            ExternalEndpoint(ALL_ADDRESSES - cidrs("10.0.0.0/8")),
            "0.0.0.0/0 except 10.0.0.0/8 and ::/0",
        ),
    ],
    ids=["deployment", "statefulset", "external"],
)
def test_an_endpoint_label_names_a_workload_with_its_kind_or_an_external_by_addresses(
    target: Endpoint, expected: str
) -> None:
    assert endpoint_label(target) == expected


def test_a_population_counts_workloads_per_namespace_and_external_blocks() -> None:
    outside = ExternalEndpoint(ALL_ADDRESSES)
    found = Population.of_endpoints([endpoint("a/x"), endpoint("a/y"), endpoint("b/z"), outside])
    assert (found.by_namespace, found.externals) == ({"a": 2, "b": 1}, 1)


def test_a_matrix_population_counts_only_the_endpoints_present_in_it() -> None:
    matrix = evaluate(cluster(workload("a/x"), workload("b/z")))
    absent = matrix.present & ~(1 << matrix.index()[endpoint("b/z")])
    narrowed = type(matrix)(
        matrix.endpoints, absent, matrix.columns, matrix.ingress_by, matrix.egress_by
    )
    assert Population.of(matrix).by_namespace == {"a": 1, "b": 1}
    assert Population.of(narrowed).by_namespace == {"a": 1}


def test_a_diff_population_counts_the_workloads_of_either_side() -> None:
    kept, removed, added = workload("a/kept"), workload("a/removed"), workload("b/added")
    diff = diff_matrices(*evaluate_pair(cluster(kept, removed), cluster(kept, added)))
    found = Population.of_diff(diff)
    assert (found.by_namespace, found.externals) == ({"a": 2, "b": 1}, 1)


# a: 3 workloads, b: 1, c: 2, and 2 external blocks.
A = [endpoint(f"a/w{i}") for i in range(3)]
B = [endpoint("b/solo")]
C = [endpoint("c/w0"), endpoint("c/w1")]
PRIVATE = ExternalEndpoint(cidrs("10.0.0.0/8"))
PUBLIC = ExternalEndpoint(ALL_ADDRESSES - cidrs("10.0.0.0/8"))
POPULATION = Population({"a": 3, "b": 1, "c": 2}, 2)


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ([*A, *B, *C, PRIVATE, PUBLIC], ["any workload", ANYWHERE_OUTSIDE]),
        ([*A, *C], ["any workload but b/*"]),
        (A, ["a/*"]),
        (B, ["b/solo[Deployment]"]),  # a name says more than b/* for a single workload
        (A[:2], ["a/w0[Deployment]", "a/w1[Deployment]"]),
        ([*C, A[0]], ["a/w0[Deployment]", "c/*"]),  # namespaces by name
        ([PRIVATE], ["10.0.0.0/8"]),
        # Two blocks that are not every block read as one label for their union.
        ([A[0], PUBLIC], ["a/w0[Deployment]", "0.0.0.0/0 except 10.0.0.0/8 and ::/0"]),
    ],
    ids=[
        "everything",
        "all-but-one-namespace",
        "whole-namespace",
        "single-workload-namespace",
        "part-of-a-namespace",
        "namespaces-by-name",
        "some-addresses",
        "workload-and-addresses",
    ],
)
def test_a_group_is_labelled_by_whole_namespaces_then_names_then_addresses(
    group: list[Endpoint], expected: list[str]
) -> None:
    assert describe_group(group, POPULATION) == expected


def test_a_group_names_at_most_eight_workloads_of_a_namespace_then_counts_them() -> None:
    many = [endpoint(f"big/w{i}") for i in range(10)]
    population = Population({"big": 10}, 0)
    assert describe_group(many[:8], population) == [str(e) for e in many[:8]]
    assert describe_group(many[:9], population) == ["big/ (9 of 10 workloads)"]


@pytest.mark.parametrize(
    ("total", "included", "expected"),
    [
        (12, 11, "big/* except w11[Deployment]"),
        (12, 9, "big/* except (w10[Deployment], w11[Deployment], w9[Deployment])"),
        (13, 9, "big/ (9 of 13 workloads)"),
    ],
    ids=["one-left-out", "three-left-out-bracketed", "more-left-out-counted"],
)
def test_a_long_group_names_the_few_workloads_it_leaves_out(
    total: int, included: int, expected: str
) -> None:
    many = [endpoint(f"big/w{i}") for i in range(total)]
    population = Population.of_endpoints(many)
    assert describe_group(many[:included], population) == [expected]
    mask_describer_matrix = evaluate(cluster(*(workload(str(e).split("[")[0]) for e in many)))
    index = mask_describer_matrix.index()
    mask = sum(1 << index[e] for e in many[:included])
    assert MaskDescriber(mask_describer_matrix).describe(mask) == [expected]


def test_all_but_a_majority_of_namespaces_is_not_written_as_any_workload_but() -> None:
    # Leaving out more namespaces than are included reads worse than naming what is included.
    population = Population({"a": 2, "b": 2, "c": 2}, 0)
    group = [endpoint("a/x"), endpoint("a/y")]
    assert describe_group(group, population) == ["a/*"]


# Ingress of db is cut into groups: web on everything, api and worker on TCP/5432, cron on
# UDP/53 and a 10.0.0.0/8 block on TCP/443.
DB = workload("shop/db", {"app": "db"})
SOURCES = (
    workload("shop/web", {"app": "web"}),
    workload("shop/api", {"role": "client"}),
    workload("jobs/worker", {"role": "client"}),
    workload("jobs/cron", {"app": "cron"}),
    workload("jobs/idle"),
    workload("solo/only"),  # a namespace of one workload, named rather than solo/*
)
DB_IN = policy(
    "shop/db-in",
    {"app": "db"},
    ingress=(
        rule(pods({"app": "web"})),
        rule(pods({"role": "client"}, namespaces={}), ports=(port(number=5432),)),
        rule(pods({"app": "cron"}, namespaces={}), ports=(port(UDP, 53),)),
        rule(ip_block("10.0.0.0/8"), ports=(port(number=443),)),
    ),
)
SHOP = cluster(DB, *SOURCES, DB_IN)


def test_sources_are_grouped_by_connections_all_first_then_the_widest_then_by_text() -> None:
    matrix = evaluate(SHOP)
    index = matrix.index()
    groups = [
        (connections, sorted(str(matrix.endpoints[i]) for i in iter_bits(mask)))
        for connections, mask in sources_by_connections(matrix, index[DB.endpoint])
    ]
    assert groups == [
        ("all", ["shop/web[Deployment]"]),
        ("TCP/5432", ["jobs/worker[Deployment]", "shop/api[Deployment]"]),
        ("TCP/443", ["10.0.0.0/8"]),
        ("UDP/53", ["jobs/cron[Deployment]"]),
    ]


MATRIX = evaluate(SHOP)


@given(st.integers(0, 2 ** len(MATRIX.endpoints) - 1))
def test_masks_are_described_as_the_same_group_of_endpoints_would_be(mask: int) -> None:
    mask &= MATRIX.present
    members = [MATRIX.endpoints[i] for i in iter_bits(mask)]
    assert MaskDescriber(MATRIX).describe(mask) == describe_group(members, Population.of(MATRIX))
