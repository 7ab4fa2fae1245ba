"""assemble: the objects of every document into one Cluster, names unique, namespaces implied."""

from __future__ import annotations

import dataclasses

import pytest

from netpoldiff import addresses, intervals, model, policies, selectors
from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.manifests import convert, load_cluster
from netpoldiff.manifests.assemble import Assembly
from netpoldiff.manifests.converted import ConvertedDocument
from netpoldiff.model import Namespace
from netpoldiff.sources import SourceFile
from tests.testing.builders import namespace, policy, workload
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
        POLICY_DENY + "---\n" + POLICY_DENY.replace("{}", "{matchLabels: {app: web}}"),
        2,
        6,
        ("default/deny", "defined twice", "also at m.yaml (document 1, line 1)"),
    ),
    "duplicate-network-policy-explicit-default-namespace": Bad(
        POLICY_DENY
        + "---\n"
        + POLICY_DENY.replace("{name: deny}", "{name: deny, namespace: default}").replace(
            "{}", "{matchLabels: {app: web}}"
        ),
        2,
        6,
        ("default/deny", "also at m.yaml (document 1, line 1)"),
    ),
    "duplicate-workload": Bad(
        CONFIGMAP
        + POD_WEB
        + "---\n"
        + POD_WEB.replace("{name: web}", "{name: web, labels: {a: b}}"),
        3,
        10,
        ("default/web[Pod]", "defined twice", "also at m.yaml (document 2, line 5)"),
    ),
    "duplicate-deployment-in-list": Bad(
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d},"
        " spec: {template: {spec: {}}}}\n"
        "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d},"
        " spec: {template: {metadata: {labels: {a: b}}, spec: {}}}}\n",
        1,
        5,
        ("default/d[Deployment]", "also at m.yaml (document 1, line 4)"),
    ),
    "duplicate-network-policy-in-typed-list": Bad(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n"
        "- metadata: {name: a}\n  spec: {}\n"
        "- metadata: {name: a}\n  spec: {policyTypes: [Egress]}\n",
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
    "duplicate-admin-policy": Bad(
        "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
        "metadata: {name: guard}\nspec: {priority: 10, subject: {namespaces: {}}}\n---\n"
        "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
        "metadata: {name: guard}\nspec: {priority: 20, subject: {namespaces: {}}}\n",
        2,
        6,
        ("AdminNetworkPolicy guard is defined twice", "also at m.yaml (document 1, line 1)"),
    ),
    "duplicate-policy-of-a-kind-not-evaluated": Bad(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n"
        "metadata: {name: c, namespace: shop}\nspecs: [{endpointSelector: {}}]\n---\n"
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n"
        "metadata: {name: c, namespace: shop}\nspecs: []\n",
        2,
        6,
        ("CiliumNetworkPolicy shop/c is defined twice", "also at m.yaml (document 1, line 1)"),
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
        SourceFile("b/c.yaml", POLICY_DENY.replace("{}", "{matchLabels: {a: b}}").encode()),
    ]
    with pytest.raises(InputError) as caught:
        load_cluster(files)
    assert caught.value.location == Location("b/c.yaml", 1, 1)
    assert "also at a.yaml (document 1, line 1)" in caught.value.message


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: web:1, ports: [{containerPort: 80, name: http}]}]}
"""
POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: api}}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports: [{port: 80}]
"""
HOST_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: shop}
spec: {hostNetwork: true, containers: [{name: c}]}
"""
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: prod}}\n"

# (what a.yaml holds, what b.yaml holds): the same object, however b.yaml writes it.
SAME_OBJECT = {
    "deployment-byte-identical": (DEPLOYMENT, DEPLOYMENT),
    "deployment-respelled": (
        DEPLOYMENT,
        (
            "# the same Deployment, written another way\n"
            "kind: Deployment\napiVersion: apps/v1\n"
            "metadata:\n  namespace: shop\n  name: web\n"
            "spec:\n  template:\n    spec:\n      containers:\n      - name: c\n"
            "        ports:\n        - {name: http, containerPort: 80, protocol: TCP}\n"
            "    metadata:\n      labels:\n        app: web\n"
        ),
    ),
    # netpoldiff reads no image and no replica count: the pods' labels and ports are the same.
    "deployment-other-image-and-replicas": (
        DEPLOYMENT,
        DEPLOYMENT.replace("web:1", "web:2").replace("replicas: 2", "replicas: 5"),
    ),
    "policy-byte-identical": (POLICY, POLICY),
    "policy-with-the-defaults-written-out": (
        POLICY,
        POLICY.replace("spec:\n", "spec:\n  policyTypes: [Ingress]\n").replace(
            "{port: 80}", "{port: 80, protocol: TCP}"
        ),
    ),
    "host-network-pod": (HOST_POD, HOST_POD),
    "namespace": (NAMESPACE, NAMESPACE),
}


@pytest.mark.parametrize(("first", "second"), SAME_OBJECT.values(), ids=list(SAME_OBJECT))
def test_the_same_object_in_two_files_is_one_object_kept_where_first_written(
    first: str, second: str
) -> None:
    loaded = load_cluster(
        [SourceFile("a.yaml", first.encode()), SourceFile("b.yaml", second.encode())]
    )
    alone = load_cluster([SourceFile("a.yaml", first.encode())])
    assert loaded.cluster == alone.cluster
    cluster = loaded.cluster
    origins = [n.origin for n in cluster.namespaces] + [w.origin for w in cluster.workloads]
    origins += [p.origin for p in cluster.policies]
    declared = [str(origin) for origin in origins if origin is not None]  # not implied ones
    assert declared == ["a.yaml (document 1, line 1)"] * len(declared)


# b.yaml's object differs from a.yaml's in one field netpoldiff reads: never merged.
OTHER_OBJECT = {
    "deployment-label": (DEPLOYMENT, DEPLOYMENT.replace("{app: web}", "{app: web2}")),
    "deployment-port-number": (DEPLOYMENT, DEPLOYMENT.replace("80", "8080")),
    "deployment-port-name": (DEPLOYMENT, DEPLOYMENT.replace("name: http", "name: web")),
    "deployment-port-protocol": (
        DEPLOYMENT,
        DEPLOYMENT.replace("name: http", "name: http, protocol: UDP"),
    ),
    "deployment-host-network": (
        DEPLOYMENT,
        DEPLOYMENT.replace("spec: {containers", "spec: {hostNetwork: true, containers"),
    ),
    "policy-pod-selector": (POLICY, POLICY.replace("{app: web}", "{app: web2}")),
    "policy-peer": (POLICY, POLICY.replace("{app: api}", "{app: api2}")),
    "policy-except": (POLICY, POLICY.replace(", except: [10.1.0.0/16]", "")),
    "policy-port": (POLICY, POLICY.replace("{port: 80}", "{port: 80, endPort: 81}")),
    "policy-types": (
        POLICY,
        POLICY.replace("spec:\n", "spec:\n  policyTypes: [Ingress, Egress]\n"),
    ),
    "host-network-pod-now-in-the-pod-network": (
        HOST_POD,
        HOST_POD.replace("hostNetwork: true, ", ""),
    ),
}


@pytest.mark.parametrize(("first", "second"), OTHER_OBJECT.values(), ids=list(OTHER_OBJECT))
def test_another_object_under_the_same_name_is_refused_naming_both_places(
    first: str, second: str
) -> None:
    files = [SourceFile("a.yaml", first.encode()), SourceFile("b.yaml", second.encode())]
    with pytest.raises(InputError, match="defined twice") as caught:
        load_cluster(files)
    assert caught.value.location == Location("b.yaml", 1, 1)
    assert "also at a.yaml (document 1, line 1)" in caught.value.message


def test_objects_compare_by_content_and_never_by_where_they_are_written() -> None:
    # Merging equal objects relies on this: every field of a converted object counts in
    # equality except those that say where it is written.
    for module in (model, policies, selectors, addresses, intervals, convert):
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value):
                ignored = [f for f in dataclasses.fields(value) if not f.compare]
                assert all(f.type == "Location | None" for f in ignored), (value, ignored)


def test_a_document_refused_with_keep_going_hides_no_warning() -> None:
    # Its objects are not added (another object has its name), so neither is its annotation.
    first = "apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {v: one}}\n"
    second = (
        "apiVersion: v1\nkind: Namespace\n"
        "metadata: {name: b, labels: {v: two}, annotations: {netpoldiff.io/ignore: NPD006}}\n"
    )
    loaded = load(first + "---\n" + second, keep_going=True)
    assert [e.location.document for e in loaded.errors] == [2]
    assert loaded.ignored == ()


def _assembled(
    documents: list[ConvertedDocument], *, staged: bool
) -> tuple[list[object], list[object], list[object], list[Diagnostic], list[str]]:
    """What adding ``documents`` in turn leaves, and the error of each refused one."""
    assembly, refused = Assembly(), list[str]()
    for document in documents:
        try:
            if staged:  # every document the way one of many objects is added
                assembly._add_staged(document.objects)
                assembly.warnings.extend(document.warnings)
            else:
                assembly.add_document(document)
        except InputError as error:
            refused.append(str(error))
    return (
        [*assembly.namespaces.items()],
        [*assembly.workloads.items()],
        [*assembly.policies.items()],
        assembly.warnings,
        refused,
    )


def test_a_document_of_one_object_is_added_as_a_staged_one_would_be() -> None:
    web, moved = workload("shop/web", {"app": "web"}), workload("shop/web", {"app": "web"})
    moved = dataclasses.replace(moved, origin=Location("other.yaml", 0, 3))
    relabelled = workload("shop/web", {"app": "api"})
    shop, other_shop = namespace("shop", env="prod"), namespace("shop", env="dev")
    deny = policy("shop/deny", ingress=())
    warning = Diagnostic("NPD000", "a warning", Location("a.yaml", 0, 1))
    documents = [
        ConvertedDocument((web,), (warning,)),
        ConvertedDocument((moved,), ()),  # the same object again: kept where first written
        ConvertedDocument((relabelled,), (warning,)),  # another under its name: refused
        ConvertedDocument((shop,), ()),
        ConvertedDocument((other_shop,), ()),
        ConvertedDocument((deny,), ()),
        ConvertedDocument((policy("shop/allow"), other_shop), ()),  # many: refused whole
        ConvertedDocument((), (warning,)),
    ]
    assert _assembled(documents, staged=False) == _assembled(documents, staged=True)
    assert len(_assembled(documents, staged=False)[-1]) == 3
