"""assemble: the objects of every document into one Cluster, names unique, namespaces implied."""

from __future__ import annotations

import pytest

from netpoldiff.errors import InputError, Location
from netpoldiff.manifests import load_cluster
from netpoldiff.model import Namespace
from netpoldiff.sources import SourceFile
from tests.unit.manifests.loading import (
    CONFIGMAP,
    POD_WEB,
    POLICY_DENY,
    Bad,
    assert_refused,
    load,
    namespace_name,
    pod,
    summary,
)


def test_implicit_namespaces_only_for_undeclared_ones() -> None:
    text = (
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: prod}}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\n"
        "spec: {containers: []}\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: p, namespace: billing}\nspec: {}\n---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: api}\n"
        "spec: {template: {spec: {containers: []}}}\n"
    )
    assert load(text).cluster.namespaces == (
        Namespace("api", (namespace_name("api"),)),
        Namespace("billing", (namespace_name("billing"),)),
        Namespace("shop", (("env", "prod"), namespace_name("shop"))),
    )


@pytest.mark.parametrize(
    "second",
    [
        "metadata: {name: shop, labels: {env: prod}}\n",
        "metadata:\n  labels: {env: prod, kubernetes.io/metadata.name: shop}\n  name: shop\n",
    ],
    ids=["identical", "same-after-name-label"],
)
def test_identical_duplicate_namespaces_accepted(second: str) -> None:
    first = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: prod}}\n"
    loaded = load(first + "---\napiVersion: v1\nkind: Namespace\n" + second)
    assert loaded.cluster.namespaces == (
        Namespace("shop", (("env", "prod"), namespace_name("shop"))),
    )
    assert loaded.errors == ()


def test_same_names_in_other_namespaces_or_kinds_are_distinct() -> None:
    text = (
        POLICY_DENY
        + "---\n"
        + POLICY_DENY.replace("{name: deny}", "{name: deny, namespace: shop}")
        + "---\n"
        + POD_WEB
        + "---\n"
        + POD_WEB.replace("{name: web}", "{name: web, namespace: shop}")
        + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
        "spec: {template: {spec: {containers: []}}}\n"
    )
    assert summary(load(text).cluster) == (
        ["default/web[Deployment]", "default/web[Pod]", "shop/web[Pod]"],
        ["default/deny", "shop/deny"],
    )


ERROR_CASES: dict[str, Bad] = {
    # duplicates
    "duplicate-network-policy": Bad(
        POLICY_DENY + "---\n" + POLICY_DENY,
        2,
        6,
        ("default/deny", "defined twice", "also at m.yaml (document 1, line 1)"),
    ),
    "duplicate-network-policy-explicit-default-namespace": Bad(
        POLICY_DENY
        + "---\n"
        + POLICY_DENY.replace("{name: deny}", "{name: deny, namespace: default}"),
        2,
        6,
        ("default/deny", "also at m.yaml (document 1, line 1)"),
    ),
    "duplicate-workload": Bad(
        CONFIGMAP + POD_WEB + "---\n" + POD_WEB,
        3,
        10,
        ("default/web[Pod]", "defined twice", "also at m.yaml (document 2, line 5)"),
    ),
    "duplicate-deployment-in-list": Bad(
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d},"
        " spec: {template: {spec: {}}}}\n"
        "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d},"
        " spec: {template: {spec: {}}}}\n",
        1,
        5,
        ("default/d[Deployment]", "also at m.yaml (document 1, line 4)"),
    ),
    "duplicate-network-policy-in-typed-list": Bad(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n"
        "- metadata: {name: a}\n  spec: {}\n"
        "- metadata: {name: a}\n  spec: {}\n",
        1,
        6,
        ("default/a", "also at m.yaml (document 1, line 4)"),
    ),
    "duplicate-pod-first-one-host-network": Bad(
        pod("hostNetwork: true\ncontainers: []\n") + "---\n" + pod("containers: []\n"),
        2,
        8,
        ("default/p[Pod]", "defined twice"),
    ),
    "namespaces-with-different-labels": Bad(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: prod}}\n---\n"
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: dev}}\n",
        2,
        5,
        ("Namespace shop", "different labels", "also at m.yaml (document 1, line 1)"),
    ),
    "namespaces-one-without-labels": Bad(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: dev}}\n",
        2,
        5,
        ("Namespace shop", "different labels"),
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_invalid_input_raises_input_error(case: Bad) -> None:
    assert_refused(case)


def test_duplicate_across_files_names_the_other_file() -> None:
    files = [
        SourceFile("a.yaml", POLICY_DENY.encode()),
        SourceFile("b/c.yaml", POLICY_DENY.encode()),
    ]
    with pytest.raises(InputError) as caught:
        load_cluster(files)
    assert caught.value.location == Location("b/c.yaml", 1, 1)
    assert "also at a.yaml (document 1, line 1)" in caught.value.message
