"""Every changed object of a diff, with its edits: the one list behind JSON ``objects`` and rows."""

from __future__ import annotations

import dataclasses

import pytest

from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.errors import Location
from netpoldiff.model import ContainerPort, Namespace, ObjectRef, UnevaluatedPolicy
from netpoldiff.object_edits import ObjectChange, changed_objects, label_edits
from tests.testing.builders import (
    TCP,
    UDP,
    cluster,
    named,
    namespace,
    pods,
    policy,
    port,
    rule,
    workload,
)

HERE = Location("k8s/ns.yaml", 1, 1)
WEB = workload("shop/web", {"app": "web", "tier": "front"}, (named("http", 8080),))
ALLOW = policy("shop/allow", {"app": "web"}, ingress=(rule(pods({"app": "api"})),))
ADMIN = UnevaluatedPolicy(ObjectRef("AdminNetworkPolicy", None, "deny-all"), "spec-1")


def declared(name: str, **labels: str) -> Namespace:
    """A namespace a manifest declares (one that only holds objects has no origin)."""
    return dataclasses.replace(namespace(name, **labels), origin=HERE)


def objects(old: Cluster, new: Cluster) -> list[tuple[str, str, str, tuple[str, ...], str]]:
    """(kind, ns/name, change, edits, renamed from) of each changed object, in order."""
    return [
        (o.ref.kind, str(o.ref), o.change, o.edits, str(o.renamed_from or ""))
        for o in changed_objects(ChangeSet.between(old, new))
    ]


def with_unevaluated(found: Cluster, *policies: UnevaluatedPolicy) -> Cluster:
    return dataclasses.replace(found, unevaluated=policies)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (cluster(WEB), cluster(WEB), []),
        (
            cluster(WEB, ALLOW),
            # Both moved to another file: equal objects, written elsewhere.
            cluster(dataclasses.replace(WEB, origin=HERE), dataclasses.replace(ALLOW, origin=HERE)),
            [],
        ),
        (
            cluster(WEB),
            cluster(workload("shop/web", {"app": "shop", "v": "2"}, WEB.ports)),
            [
                (
                    "Deployment",
                    "shop/web",
                    "modified",
                    (
                        "labels: app=web -> app=shop",
                        "labels: tier=front removed",
                        "labels: v=2 added",
                    ),
                    "",
                )
            ],
        ),
        (
            cluster(
                dataclasses.replace(
                    WEB, ports=(*WEB.ports, named("metrics", 9100), ContainerPort(8081, TCP))
                )
            ),
            cluster(
                dataclasses.replace(
                    WEB,
                    ports=(
                        named("http", 9090),
                        named("dns", 53, UDP),
                        ContainerPort(8443, TCP),
                    ),
                )
            ),
            [
                (
                    "Deployment",
                    "shop/web",
                    "modified",
                    (
                        "named port added: dns UDP/53",
                        "named port http: TCP/8080 -> TCP/9090",
                        "named port removed: metrics TCP/9100",
                        "port added: TCP/8443",
                        "port removed: TCP/8081",
                    ),
                    "",
                )
            ],
        ),
        (
            cluster(WEB, workload("shop/gone")),
            cluster(dataclasses.replace(WEB, name="web-v2"), workload("shop/new", {"app": "n"})),
            [
                ("Deployment", "shop/gone", "removed", (), ""),
                ("Deployment", "shop/new", "added", (), ""),
                ("Deployment", "shop/web-v2", "renamed", (), "shop/web"),
            ],
        ),
        (
            cluster(WEB),
            cluster(dataclasses.replace(WEB, namespace="store")),
            [("Deployment", "store/web", "renamed", (), "shop/web")],
        ),
        (
            cluster(ALLOW),
            cluster(dataclasses.replace(ALLOW, ref=ObjectRef.network_policy("shop", "allow-v2"))),
            [("NetworkPolicy", "shop/allow-v2", "renamed", (), "shop/allow")],
        ),
        (
            cluster(ALLOW),
            # The same spec in another namespace selects other pods: no rename.
            cluster(dataclasses.replace(ALLOW, ref=ObjectRef.network_policy("bank", "allow"))),
            [
                ("NetworkPolicy", "bank/allow", "added", (), ""),
                ("NetworkPolicy", "shop/allow", "removed", (), ""),
            ],
        ),
        (
            cluster(ALLOW),
            cluster(
                policy(
                    "shop/allow", {"app": "web"}, ingress=(rule(pods({"app": "api"})),), egress=()
                )
            ),
            [("NetworkPolicy", "shop/allow", "modified", ("policyTypes: Egress added",), "")],
        ),
        (
            cluster(
                policy(
                    "shop/allow",
                    ingress=(rule(ports=(port(TCP, 80),)), rule(pods({"app": "api"}))),
                )
            ),
            cluster(
                policy(
                    "shop/allow",
                    ingress=(rule(pods({"app": "api"})), rule(ports=(port(TCP, 80),))),
                )
            ),
            # The manifest changed, not what it says: listed, and saying why it changes nothing.
            [("NetworkPolicy", "shop/allow", "modified", ("same rules, reordered",), "")],
        ),
        (
            cluster(
                declared("shop", team="a"), declared("gone"), namespace("implied"), declared("same")
            ),
            cluster(
                declared("shop", team="b"), declared("new"), declared("implied"), declared("same")
            ),
            [
                ("Namespace", "gone", "removed", (), ""),
                ("Namespace", "implied", "added", (), ""),
                ("Namespace", "new", "added", (), ""),
                ("Namespace", "shop", "modified", ("labels: team=a -> team=b",), ""),
            ],
        ),
        (
            cluster(namespace("shop", team="a")),
            cluster(namespace("other")),
            [],  # namespaces no manifest declares are not objects
        ),
        (
            with_unevaluated(
                cluster(),
                ADMIN,
                dataclasses.replace(ADMIN, ref=ObjectRef("ANP", None, "x")),
                dataclasses.replace(ADMIN, ref=ObjectRef("ANP", None, "kept")),
            ),
            with_unevaluated(
                cluster(),
                dataclasses.replace(ADMIN, content="spec-2"),
                dataclasses.replace(ADMIN, ref=ObjectRef("ANP", None, "kept")),
                dataclasses.replace(ADMIN, ref=ObjectRef("BaselineAdminNetworkPolicy", None, "b")),
            ),
            [
                ("ANP", "x", "removed", (), ""),
                ("AdminNetworkPolicy", "deny-all", "modified", (), ""),
                ("BaselineAdminNetworkPolicy", "b", "added", (), ""),
            ],
        ),
    ],
    ids=[
        "nothing",
        "a-new-file-is-no-change",
        "workload-labels",
        "workload-ports",
        "workloads-added-removed-renamed",
        "workload-moved-to-another-namespace",
        "policy-renamed",
        "policy-in-another-namespace-is-no-rename",
        "policy-modified",
        "policy-manifest-changed-but-not-its-meaning",
        "declared-namespaces",
        "implied-namespaces",
        "policies-not-evaluated",
    ],
)
def test_every_changed_object_by_kind_namespace_and_name(
    old: Cluster, new: Cluster, expected: list[tuple[str, str, str, tuple[str, ...], str]]
) -> None:
    assert objects(old, new) == expected


def test_a_rename_is_one_object_on_its_new_name_with_its_old_ref() -> None:
    renamed = dataclasses.replace(WEB, namespace="store", name="front")
    (entry,) = changed_objects(ChangeSet.between(cluster(WEB), cluster(renamed)))
    assert entry == ObjectChange(
        ObjectRef("Deployment", "store", "front"),
        "renamed",
        renamed_from=ObjectRef("Deployment", "shop", "web"),
    )


def test_label_edits_read_one_key_at_a_time() -> None:
    assert label_edits((("a", "1"), ("b", "2")), (("b", "3"), ("c", "4"))) == [
        "labels: a=1 removed",
        "labels: b=2 -> b=3",
        "labels: c=4 added",
    ]
