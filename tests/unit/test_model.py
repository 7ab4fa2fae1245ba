"""Model values: object references, namespaces, workloads and the endpoints of a matrix."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff import model
from netpoldiff.addresses import ALL_ADDRESSES, parse_cidr
from netpoldiff.errors import Location
from netpoldiff.kinds import WORKLOAD_KINDS
from netpoldiff.model import (
    NAMESPACE_NAME_LABEL,
    ContainerPort,
    Endpoint,
    ExternalEndpoint,
    Namespace,
    ObjectRef,
    Workload,
    WorkloadEndpoint,
    endpoint_sort_key,
    label_pairs,
)
from tests.testing.builders import TCP, UDP, named, workload


def test_a_network_policy_reference_names_its_kind() -> None:
    assert ObjectRef.network_policy("shop", "deny") == ObjectRef("NetworkPolicy", "shop", "deny")


@pytest.mark.parametrize(
    ("ref", "shown"),
    [
        (ObjectRef("NetworkPolicy", "shop", "deny"), "shop/deny"),
        (ObjectRef("AdminNetworkPolicy", None, "cluster-deny"), "cluster-deny"),
    ],
    ids=["namespaced", "cluster-scoped"],
)
def test_a_reference_reads_as_namespace_and_name(ref: ObjectRef, shown: str) -> None:
    assert str(ref) == shown


def test_references_sort_by_kind_then_namespace_cluster_scoped_first_then_name() -> None:
    refs = [
        ObjectRef("NetworkPolicy", "b", "a"),
        ObjectRef("NetworkPolicy", "a", "z"),
        ObjectRef("NetworkPolicy", None, "m"),
        ObjectRef("AdminNetworkPolicy", None, "x"),
        ObjectRef("NetworkPolicy", "a", "b"),
    ]
    assert [str(r) for r in sorted(refs)] == ["x", "m", "a/b", "a/z", "b/a"]


def test_labels_are_stored_sorted() -> None:
    assert label_pairs({"tier": "web", "app": "shop"}) == (("app", "shop"), ("tier", "web"))


def test_an_implicit_namespace_carries_only_its_name_label() -> None:
    # "The Kubernetes control plane sets an immutable label kubernetes.io/metadata.name on all
    # namespaces ... The value of the label is the namespace name."
    assert Namespace.implicit("shop") == Namespace("shop", ((NAMESPACE_NAME_LABEL, "shop"),))


def test_where_an_object_is_written_takes_no_part_in_its_equality() -> None:
    here, there = Location("a.yaml", 1, 1), Location("b.yaml", 9, 40)
    assert Namespace("x", (), here) == Namespace("x", (), there)
    a = Workload("x", "Pod", "a", (), (), here)
    b = Workload("x", "Pod", "a", (), (), there)
    assert a == b
    assert hash(a) == hash(b)


def test_a_workload_is_known_in_a_matrix_by_namespace_name_and_kind() -> None:
    web = workload("shop/web[StatefulSet]", {"app": "web"})
    assert web.endpoint == WorkloadEndpoint("shop", "web", "StatefulSet")
    assert str(web.endpoint) == "shop/web[StatefulSet]"


def test_a_workload_keeps_its_endpoint_out_of_equality_hashing_and_pickling() -> None:
    asked, fresh = workload("shop/web", {"app": "web"}), workload("shop/web", {"app": "web"})
    assert asked.endpoint is asked.endpoint  # made once
    assert asked == fresh
    assert hash(asked) == hash(fresh)
    assert pickle.dumps(asked) == pickle.dumps(fresh)
    assert repr(asked) == repr(fresh)
    renamed = dataclasses.replace(asked, name="api")
    assert renamed.endpoint == WorkloadEndpoint("shop", "api", "Deployment")
    assert copy.copy(asked).endpoint == asked.endpoint


@pytest.mark.parametrize(
    ("kind", "bare"), [(kind, kind == "Pod") for kind in WORKLOAD_KINDS], ids=WORKLOAD_KINDS
)
def test_only_a_pod_is_a_bare_pod(kind: str, bare: bool) -> None:
    assert Workload("x", kind, "a", ()).is_bare_pod is bare


def test_named_ports_are_the_named_container_ports_sorted() -> None:
    web = workload(
        "shop/web",
        ports=(
            named("metrics", 9090),
            ContainerPort(8443, TCP),
            named("dns", 53, UDP),
            named("dns", 53, TCP),
            named("http", 8080),
        ),
    )
    assert web.named_ports() == (
        ("dns", TCP, 53),
        ("dns", UDP, 53),
        ("http", TCP, 8080),
        ("metrics", TCP, 9090),
    )


def test_an_external_endpoint_reads_as_its_addresses() -> None:
    assert str(ExternalEndpoint(parse_cidr("10.0.0.0/8").addresses)) == "10.0.0.0/8"


def test_the_model_exports_the_workload_kinds_of_the_kind_table() -> None:
    assert model.WORKLOAD_KINDS is WORKLOAD_KINDS


CIDRS = ("0.0.0.0/0", "10.0.0.0/8", "192.168.1.0/24", "::/0", "2001:db8::/32")
endpoints: st.SearchStrategy[Endpoint] = st.one_of(
    st.builds(
        WorkloadEndpoint,
        st.sampled_from(("a", "b")),
        st.sampled_from(("x", "y")),
        st.sampled_from(WORKLOAD_KINDS),
    ),
    st.sampled_from(CIDRS).map(lambda cidr: ExternalEndpoint(parse_cidr(cidr).addresses)),
    st.just(ExternalEndpoint(ALL_ADDRESSES)),
)


@given(st.lists(endpoints, max_size=8))
def test_report_order_lists_workloads_by_name_then_externals_by_first_address(
    found: list[Endpoint],
) -> None:
    ordered = sorted(found, key=endpoint_sort_key)
    workloads = [e for e in ordered if isinstance(e, WorkloadEndpoint)]
    externals = [e for e in ordered if isinstance(e, ExternalEndpoint)]
    assert ordered == workloads + externals
    assert workloads == sorted(workloads, key=lambda w: (w.namespace, w.name, w.kind))
    firsts = [e.addresses.sort_key() for e in externals]
    assert firsts == sorted(firsts)
