"""declared: ``--workload-kind`` SPECs to the kinds they declare, and what they make of objects."""

from __future__ import annotations

import pytest

from netpoldiff.errors import UsageError
from netpoldiff.kinds import Kind
from netpoldiff.manifests import load_cluster, parse_workload_kind
from netpoldiff.manifests.declared import fingerprint
from netpoldiff.model import ContainerPort
from netpoldiff.operators import FixedLabel, FixedPort, OperatedPods
from netpoldiff.ports import Protocol
from netpoldiff.sources import SourceFile

GOOD = {
    "template-path": (
        "CloneSet.apps.kruise.io=spec.template",
        Kind("CloneSet", frozenset({"apps.kruise.io"}), pod_template=("spec", "template")),
    ),
    "labels-and-ports": (
        "Db.db.example.com:labels=app=db,instance={name};ports=pg:5432,9094/UDP,metrics:9187/TCP",
        Kind(
            "Db",
            frozenset({"db.example.com"}),
            operated=OperatedPods(
                labels=(FixedLabel("app", "db"), FixedLabel("instance", "{name}")),
                ports=(
                    FixedPort("", 5432, "TCP", "pg"),
                    FixedPort("", 9094, "UDP", None),
                    FixedPort("", 9187, "TCP", "metrics"),
                ),
            ),
        ),
    ),
    "labels-only": (
        "Db.db.example.com:labels=app=db",
        Kind(
            "Db",
            frozenset({"db.example.com"}),
            operated=OperatedPods(labels=(FixedLabel("app", "db"),), ports=()),
        ),
    ),
}


@pytest.mark.parametrize(("spec", "kind"), GOOD.values(), ids=list(GOOD))
def test_a_spec_declares_a_kind(spec: str, kind: Kind) -> None:
    assert parse_workload_kind(spec) == kind


BAD = {
    "no-separator": ("CloneSet.apps.kruise.io", "expected Kind.group=path"),
    "no-group": ("CloneSet=spec.template", "is not Kind.group"),
    "empty-path-key": ("CloneSet.apps.kruise.io=spec..template", "is not a dotted path"),
    "no-labels": ("Db.x.io:ports=80", "labels=k=v,... is required"),
    "bad-label-key": ("Db.x.io:labels=-a=b", "label key '-a'"),
    "bad-label-value": ("Db.x.io:labels=a=b c", "label value"),
    "label-without-value": ("Db.x.io:labels=a", "expected key=value"),
    "port-out-of-range": ("Db.x.io:labels=a=b;ports=70000", "not between 1 and 65535"),
    "bad-protocol": ("Db.x.io:labels=a=b;ports=80/ICMP", "TCP, UDP or SCTP"),
    "bad-port-name": ("Db.x.io:labels=a=b;ports=a_b:80", "a_b"),
    "not-a-port": ("Db.x.io:labels=a=b;ports=web", "expected [name:]number"),
    "network-policy": ("NetworkPolicy.x.io=spec.template", "run no pods"),
}


@pytest.mark.parametrize(("spec", "fragment"), BAD.values(), ids=list(BAD))
def test_an_invalid_spec_says_what_is_wrong(spec: str, fragment: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_workload_kind(spec)
    message = str(caught.value)
    assert message.startswith(f"--workload-kind {spec!r}: ")
    assert fragment in message
    assert "\n" not in message


def test_fixed_labels_take_the_objects_name_and_the_group_must_match() -> None:
    text = (
        b"apiVersion: db.example.com/v1\nkind: Db\nmetadata: {name: orders, namespace: shop}\n"
        b"---\napiVersion: other.example.com/v1\nkind: Db\nmetadata: {name: x}\n"
    )
    declared = (parse_workload_kind("Db.db.example.com:labels=app=db,db={name};ports=pg:5432"),)
    loaded = load_cluster([SourceFile("db.yaml", text)], declared=declared)
    (found,) = loaded.cluster.workloads
    assert str(found.endpoint) == "shop/orders[Db]"
    assert found.labels == (("app", "db"), ("db", "orders"))
    assert found.ports == (ContainerPort(5432, Protocol.TCP, "pg"),)


def test_a_declared_template_path_is_read_where_the_declaration_says() -> None:
    text = (
        b"apiVersion: apps.example.com/v1\nkind: Web\nmetadata: {name: w}\n"
        b"spec: {podTemplate: {metadata: {labels: {app: w}}, spec: {containers: []}}}\n"
    )
    declared = (parse_workload_kind("Web.apps.example.com=spec.podTemplate"),)
    assert load_cluster([SourceFile("w.yaml", text)]).cluster.workloads == ()
    (found,) = load_cluster([SourceFile("w.yaml", text)], declared=declared).cluster.workloads
    assert found.labels == (("app", "w"),)


def test_the_fingerprint_tells_declarations_apart_and_is_empty_for_none() -> None:
    one = (parse_workload_kind("Web.apps.example.com=spec.podTemplate"),)
    other = (parse_workload_kind("Web.apps.example.com=spec.template"),)
    assert fingerprint(()) == ""
    assert fingerprint(one) == fingerprint(one)
    assert len({fingerprint(one), fingerprint(other), ""}) == 3
