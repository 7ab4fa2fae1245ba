"""Manifests to a Cluster: documents, kinds, defaulting and validation as the API server does.

Every snippet is fed to ``load_cluster`` as the bytes of one SourceFile. Errors must always be
InputError (never another exception) with the document index and line of the culprit.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.addresses import IPSet
from netpoldiff.cluster import Cluster
from netpoldiff.errors import InputError, Location
from netpoldiff.intervals import IntervalSet
from netpoldiff.manifests import Loaded, Loader, load_cluster
from netpoldiff.model import NAMESPACE_NAME_LABEL, ContainerPort, Namespace, ObjectRef, Workload
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, PodPeer, PolicyPort, Rule
from netpoldiff.ports import Protocol
from netpoldiff.selectors import LabelSelector, Operator, Requirement
from netpoldiff.sources import SourceFile

if TYPE_CHECKING:
    from collections.abc import Callable

PATH = "m.yaml"
TCP, UDP, SCTP = Protocol.TCP, Protocol.UDP, Protocol.SCTP
EVERYTHING = LabelSelector()
WEB = LabelSelector(match_labels=(("app", "web"),))
PROD = LabelSelector(match_labels=(("env", "prod"),))


# --- helpers ------------------------------------------------------------------------------


def load(
    text: str | bytes, *, default_namespace: str = "default", keep_going: bool = False
) -> Loaded:
    data = text.encode() if isinstance(text, str) else text
    return load_cluster(
        [SourceFile(PATH, data)], default_namespace=default_namespace, keep_going=keep_going
    )


def load_error(text: str | bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        load(text)
    return caught.value


def netpol(spec: str, *, name: str = "p") -> str:
    """A NetworkPolicy document whose ``spec`` starts on line 5."""
    header = f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}}}\n"
    return header + "spec:\n" + textwrap.indent(textwrap.dedent(spec).rstrip("\n") + "\n", "  ")


def pod(spec: str, *, name: str = "p") -> str:
    """A Pod document whose ``spec`` starts on line 5."""
    header = f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\n"
    return header + "spec:\n" + textwrap.indent(textwrap.dedent(spec).rstrip("\n") + "\n", "  ")


def v4(text: str) -> int:
    a, b, c, d = (int(part) for part in text.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def only_policy(text: str) -> NetworkPolicy:
    loaded = load(text)
    assert len(loaded.cluster.policies) == 1
    return loaded.cluster.policies[0]


def expected_policy(
    *,
    ingress_affected: bool = True,
    egress_affected: bool = False,
    pod_selector: LabelSelector = EVERYTHING,
    ingress: tuple[Rule, ...] = (),
    egress: tuple[Rule, ...] = (),
) -> NetworkPolicy:
    return NetworkPolicy(
        ref=ObjectRef.network_policy("default", "p"),
        pod_selector=pod_selector,
        affects_ingress=ingress_affected,
        affects_egress=egress_affected,
        ingress=ingress,
        egress=egress,
    )


def summary(cluster: Cluster) -> tuple[list[str], list[str]]:
    """Endpoints of the workloads and ids of the policies, as text."""
    return [str(w.endpoint) for w in cluster.workloads], [str(p.ref) for p in cluster.policies]


def namespace_name(name: str) -> tuple[str, str]:
    return (NAMESPACE_NAME_LABEL, name)


# --- documents, lists, JSON, kinds that are not modelled ------------------------------------

POD_WEB = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec: {containers: [{name: c}]}
"""
POLICY_DENY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}}
"""

DOCUMENT_CASES: dict[str, tuple[str, list[str], list[str]]] = {
    "multi-document": (
        POD_WEB + "---\n" + POLICY_DENY + "---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
        "spec: {template: {spec: {containers: []}}}\n",
        ["default/web[Pod]", "shop/api[Deployment]"],
        ["default/deny"],
    ),
    "leading-separator-and-document-end-markers": (
        "---\n" + POD_WEB + "...\n---\n" + POLICY_DENY + "...\n",
        ["default/web[Pod]"],
        ["default/deny"],
    ),
    "empty-and-comment-only-documents": (
        "---\n---\n# nothing here\n---\n" + POD_WEB + "---\n\n---\n",
        ["default/web[Pod]"],
        [],
    ),
    "empty-file": ("", [], []),
    "comment-only-file": ("# generated\n", [], []),
    "documents-without-api-version-or-kind-skipped": (
        "kind: Pod\nmetadata: {name: a}\nspec: {containers: []}\n---\n"
        "apiVersion: v1\nmetadata: {name: b}\nspec: {containers: []}\n---\n"
        "metadata: {name: c}\nspec: {podSelector: {}}\n---\n" + POD_WEB,
        ["default/web[Pod]"],
        [],
    ),
    "non-string-kind-skipped": (
        "apiVersion: v1\nkind: 42\nmetadata: {name: a}\n---\n" + POD_WEB,
        ["default/web[Pod]"],
        [],
    ),
    "scalar-and-sequence-documents-skipped": (
        "just some text\n---\n- a\n- b\n---\n" + POD_WEB,
        ["default/web[Pod]"],
        [],
    ),
    "kind-list": (
        "apiVersion: v1\nkind: List\nitems:\n"
        + textwrap.indent(POD_WEB, "  ").replace("  apiVersion", "- apiVersion", 1)
        + textwrap.indent(POLICY_DENY, "  ").replace("  apiVersion", "- apiVersion", 1),
        ["default/web[Pod]"],
        ["default/deny"],
    ),
    "kind-list-items-without-kind-skipped": (
        (
            "apiVersion: v1\nkind: List\nitems:\n"
            "- {apiVersion: v1, metadata: {name: a}, spec: {containers: []}}\n"
        ),
        [],
        [],
    ),
    "kind-list-empty": ("apiVersion: v1\nkind: List\nitems: []\n", [], []),
    "kind-list-nested": (
        (
            "apiVersion: v1\nkind: List\nitems:\n"
            "- apiVersion: networking.k8s.io/v1\n"
            "  kind: NetworkPolicyList\n"
            "  items:\n"
            "  - {metadata: {name: a, namespace: x}, spec: {}}\n"
        ),
        [],
        ["x/a"],
    ),
    "network-policy-list-items-omit-kind-and-api-version": (
        (
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nmetadata: {}\nitems:\n"
            "- metadata: {name: a}\n  spec: {podSelector: {}}\n"
            "- metadata: {name: b, namespace: shop}\n  spec: {}\n"
        ),
        [],
        ["default/a", "shop/b"],
    ),
    "deployment-list-items-omit-kind-and-api-version": (
        (
            "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n"
            "- metadata: {name: a}\n"
            "  spec: {template: {metadata: {labels: {app: a}}, spec: {containers: []}}}\n"
            "- metadata: {name: b, namespace: shop}\n"
            "  spec: {template: {spec: {containers: []}}}\n"
        ),
        ["default/a[Deployment]", "shop/b[Deployment]"],
        [],
    ),
    "pod-list-items-keep-their-own-kind": (
        (
            "apiVersion: v1\nkind: PodList\nitems:\n"
            "- {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: []}}\n"
        ),
        ["default/a[Pod]"],
        [],
    ),
    "calico-network-policy-list-skipped": (
        (
            "apiVersion: projectcalico.org/v3\nkind: NetworkPolicyList\nitems:\n"
            "- metadata: {name: a}\n  spec: {selector: all()}\n"
        ),
        [],
        [],
    ),
    "json-indented": (
        (
            '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n'
            '  "metadata": {"name": "web", "labels": {"app": "web"}},\n'
            '  "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]}\n}\n'
        ),
        ["default/web[Pod]"],
        [],
    ),
    "json-tab-indented": (
        (
            '{\n\t"apiVersion": "networking.k8s.io/v1",\n\t"kind": "NetworkPolicy",\n'
            '\t"metadata": {\n\t\t"name": "deny"\n\t},\n\t"spec": {}\n}\n'
        ),
        [],
        ["default/deny"],
    ),
    "json-minified": (
        (
            '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod",'
            '"metadata":{"name":"web","labels":{"app.kubernetes.io\\/name":"web"}},'
            '"spec":{"containers":[]}}]}'
        ),
        ["default/web[Pod]"],
        [],
    ),
    "service-skipped": (
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
            "spec: {selector: {app: web}, ports: [{port: 80}]}\n"
        ),
        [],
        [],
    ),
    "configmap-skipped": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {port: '80'}\n",
        [],
        [],
    ),
    "crd-skipped": (
        (
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
            "metadata: {name: widgets.example.com}\n"
            "spec: {group: example.com, names: {kind: Widget, plural: widgets},"
            " scope: Namespaced}\n"
        ),
        [],
        [],
    ),
    "custom-resource-skipped": (
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n",
        [],
        [],
    ),
    "calico-network-policy-skipped": (
        (
            "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
            "metadata: {name: allow, namespace: shop}\n"
            "spec:\n  selector: app == 'web'\n"
            "  ingress: [{action: Allow, protocol: TCP, destination: {ports: [80]}}]\n"
        ),
        [],
        [],
    ),
    "extensions-v1beta1-network-policy-skipped": (
        (
            "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: old}\n"
            "spec: {podSelector: {}}\n"
        ),
        [],
        [],
    ),
    "network-policy-of-another-version-skipped": (
        (
            "apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\nmetadata: {name: future}\n"
            "spec: {podSelector: {}}\n"
        ),
        [],
        [],
    ),
    "cilium-network-policy-skipped": (
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c}\n"
            "spec: {endpointSelector: {}}\n"
        ),
        [],
        [],
    ),
    "pod-kind-of-another-group-skipped": (
        "apiVersion: example.com/v1\nkind: Pod\nmetadata: {name: fake}\nspec: {}\n",
        [],
        [],
    ),
    "unmodelled-kinds-beside-modelled-ones": (
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\n"
        + POD_WEB
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        ["default/web[Pod]"],
        [],
    ),
}


@pytest.mark.parametrize(
    ("text", "workloads", "policies"), DOCUMENT_CASES.values(), ids=list(DOCUMENT_CASES)
)
def test_documents(text: str, workloads: list[str], policies: list[str]) -> None:
    loaded = load(text)
    assert summary(loaded.cluster) == (workloads, policies)
    assert loaded.warnings == ()
    assert loaded.errors == ()


def test_typed_list_items_get_the_list_api_version_and_item_kind() -> None:
    text = (
        "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n"
        "- metadata: {name: a}\n"
        "  spec:\n"
        "    template:\n"
        "      metadata: {labels: {app: a}}\n"
        "      spec: {containers: [{name: c, ports: [{containerPort: 80, name: http}]}]}\n"
    )
    assert load(text).cluster.workloads == (
        Workload("default", "Deployment", "a", (("app", "a"),), (ContainerPort(80, TCP, "http"),)),
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            (
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n"
                "- metadata: {name: a}\n  spec: {}\n"
                "- metadata: {name: b}\n  spec: {}\n"
            ),
            6,
        ),
        (
            (
                "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n"
                "- metadata: {name: a}\n  spec: {template: {spec: {}}}\n"
                "- metadata: {name: b}\n  spec: {template: {spec: {}}}\n"
            ),
            6,
        ),
        (
            (
                "apiVersion: v1\nkind: List\nitems:\n"
                "- {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {}}\n"
                "- {apiVersion: v1, kind: Pod, metadata: {name: b}, spec: {}}\n"
            ),
            5,
        ),
    ],
    ids=["network-policy-list", "deployment-list", "kind-list"],
)
def test_list_items_keep_their_line(text: str, line: int) -> None:
    loaded = load(text)
    origins = [w.origin for w in loaded.cluster.workloads]
    origins += [p.origin for p in loaded.cluster.policies]
    assert origins[-1] == Location(PATH, 1, line)


# --- workloads: labels and ports of the pod template -----------------------------------------

POD_TEMPLATE = """\
metadata:
  labels: {app: web, tier: front}
  annotations: {note: template}
spec:
  containers:
  - name: main
    image: nginx
    ports:
    - {containerPort: 8080, name: http}
    - {containerPort: 53, protocol: UDP}
"""
TEMPLATE_LABELS = (("app", "web"), ("tier", "front"))
TEMPLATE_PORTS = (ContainerPort(53, UDP), ContainerPort(8080, TCP, "http"))


def workload_document(kind: str, api_version: str, template_path: tuple[str, ...]) -> str:
    """A workload whose own labels differ from those of its pod template."""
    body = POD_TEMPLATE
    for key in reversed(template_path):
        body = f"{key}:\n" + textwrap.indent(body, "  ")
    return (
        f"apiVersion: {api_version}\nkind: {kind}\n"
        "metadata:\n  name: w\n  labels: {owner: team, app: not-this-one}\n" + body
    )


WORKLOAD_CASES: dict[str, tuple[str, str]] = {
    "pod": (
        "Pod",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  labels: {app: web, tier: front}\n"
        + POD_TEMPLATE.split("\n", 3)[3],
    ),
    "deployment": ("Deployment", workload_document("Deployment", "apps/v1", ("spec", "template"))),
    "statefulset": (
        "StatefulSet",
        workload_document("StatefulSet", "apps/v1", ("spec", "template")),
    ),
    "daemonset": ("DaemonSet", workload_document("DaemonSet", "apps/v1", ("spec", "template"))),
    "replicaset": ("ReplicaSet", workload_document("ReplicaSet", "apps/v1", ("spec", "template"))),
    "replicationcontroller": (
        "ReplicationController",
        workload_document("ReplicationController", "v1", ("spec", "template")),
    ),
    "job": ("Job", workload_document("Job", "batch/v1", ("spec", "template"))),
    "cronjob": (
        "CronJob",
        workload_document("CronJob", "batch/v1", ("spec", "jobTemplate", "spec", "template")),
    ),
}


@pytest.mark.parametrize(("kind", "text"), WORKLOAD_CASES.values(), ids=list(WORKLOAD_CASES))
def test_workload_labels_and_ports_come_from_the_pod_template(kind: str, text: str) -> None:
    loaded = load(text)
    assert loaded.cluster.workloads == (
        Workload("default", kind, "w", TEMPLATE_LABELS, TEMPLATE_PORTS),
    )
    assert loaded.cluster.workloads[0].origin == Location(PATH, 1, 1)
    assert loaded.cluster.namespaces == (Namespace("default", (namespace_name("default"),)),)


def test_template_without_metadata_has_no_labels() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, labels: {app: d}}\n"
        "spec: {template: {spec: {containers: []}}}\n"
    )
    assert load(text).cluster.workloads == (Workload("default", "Deployment", "d", ()),)


PORT_CASES: dict[str, tuple[str, tuple[ContainerPort, ...]]] = {
    "protocol-defaults-to-tcp": (
        "containers: [{name: a, ports: [{containerPort: 80}]}]",
        (ContainerPort(80, TCP),),
    ),
    "protocol-null-defaults-to-tcp": (
        "containers: [{name: a, ports: [{containerPort: 80, protocol: null}]}]",
        (ContainerPort(80, TCP),),
    ),
    "protocol-empty-defaults-to-tcp": (
        "containers: [{name: a, ports: [{containerPort: 80, protocol: ''}]}]",
        (ContainerPort(80, TCP),),
    ),
    "udp-and-sctp-kept": (
        (
            "containers: [{name: a, ports: [{containerPort: 53, protocol: UDP},"
            " {containerPort: 9, protocol: SCTP, name: sctp}]}]"
        ),
        (ContainerPort(9, SCTP, "sctp"), ContainerPort(53, UDP)),
    ),
    "named-port": (
        "containers: [{name: a, ports: [{containerPort: 8080, name: http-alt}]}]",
        (ContainerPort(8080, TCP, "http-alt"),),
    ),
    "ports-of-every-container-sorted": (
        (
            "containers:\n"
            "- {name: a, ports: [{containerPort: 9090, name: metrics}]}\n"
            "- {name: b, ports: [{containerPort: 80, name: http}, {containerPort: 443}]}\n"
        ),
        (
            ContainerPort(80, TCP, "http"),
            ContainerPort(443, TCP),
            ContainerPort(9090, TCP, "metrics"),
        ),
    ),
    "same-port-in-two-containers-once": (
        (
            "containers:\n"
            "- {name: a, ports: [{containerPort: 80, name: http}]}\n"
            "- {name: b, ports: [{containerPort: 80, name: http}]}\n"
        ),
        (ContainerPort(80, TCP, "http"),),
    ),
    "native-sidecar-ports-counted": (
        (
            "initContainers:\n"
            "- {name: proxy, restartPolicy: Always, ports: [{containerPort: 15001, name: proxy}]}\n"
            "containers: [{name: a, ports: [{containerPort: 80}]}]\n"
        ),
        (ContainerPort(80, TCP), ContainerPort(15001, TCP, "proxy")),
    ),
    "plain-init-container-ports-not-counted": (
        (
            "initContainers:\n"
            "- {name: setup, ports: [{containerPort: 9000, name: setup}]}\n"
            "containers: [{name: a, ports: [{containerPort: 80}]}]\n"
        ),
        (ContainerPort(80, TCP),),
    ),
    "no-ports": ("containers: [{name: a}]", ()),
    "no-containers": ("{}", ()),
    "host-network-false-kept": (
        "hostNetwork: false\ncontainers: [{name: a, ports: [{containerPort: 80}]}]",
        (ContainerPort(80, TCP),),
    ),
}


@pytest.mark.parametrize(("spec", "ports"), PORT_CASES.values(), ids=list(PORT_CASES))
def test_container_ports(spec: str, ports: tuple[ContainerPort, ...]) -> None:
    (found,) = load(pod(spec)).cluster.workloads
    assert found.ports == ports


@pytest.mark.parametrize(
    ("text", "endpoint", "line"),
    [
        (pod("hostNetwork: true\ncontainers: [{name: a}]"), "default/p[Pod]", 5),
        (
            (
                "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: kube}\n"
                "spec:\n  template:\n    spec:\n      hostNetwork: true\n      containers: []\n"
            ),
            "kube/agent[DaemonSet]",
            7,
        ),
        (
            (
                "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n"
                "  jobTemplate:\n    spec:\n      template:\n        spec:\n"
                "          containers: []\n          hostNetwork: true\n"
            ),
            "default/c[CronJob]",
            10,
        ),
    ],
    ids=["pod", "daemonset", "cronjob"],
)
def test_host_network_workloads_left_out_with_warning(text: str, endpoint: str, line: int) -> None:
    loaded = load(text)
    assert loaded.cluster.workloads == ()
    (warning,) = loaded.warnings
    assert warning.code == "NPD001"
    assert warning.location == Location(PATH, 1, line)
    assert endpoint in warning.message
    assert "hostNetwork" in warning.message


# --- namespaces ---------------------------------------------------------------------------


def test_objects_without_namespace_go_to_default() -> None:
    cluster = load(POD_WEB + "---\n" + POLICY_DENY).cluster
    assert summary(cluster) == (["default/web[Pod]"], ["default/deny"])
    assert cluster.namespaces == (Namespace("default", (namespace_name("default"),)),)


@pytest.mark.parametrize(
    ("namespace_line", "expected"),
    [("", "team"), ("namespace: ''", "team"), ("namespace: shop", "shop")],
    ids=["absent", "empty", "explicit-wins"],
)
def test_default_namespace_override(namespace_line: str, expected: str) -> None:
    text = (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  {namespace_line}\n"
        "spec: {containers: []}\n---\n"
        f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata:\n  name: deny\n  {namespace_line}\nspec: {{}}\n"
    )
    cluster = load(text, default_namespace="team").cluster
    assert summary(cluster) == ([f"{expected}/web[Pod]"], [f"{expected}/deny"])
    assert cluster.namespaces == (Namespace.implicit(expected),)


NAMESPACE_CASES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "labels-plus-name-label": (
        "metadata:\n  name: shop\n  labels: {team: a, env: prod}\n",
        (("env", "prod"), namespace_name("shop"), ("team", "a")),
    ),
    "no-labels": ("metadata: {name: shop}\n", (namespace_name("shop"),)),
    "null-labels": ("metadata: {name: shop, labels: null}\n", (namespace_name("shop"),)),
    "wrong-name-label-overridden": (
        "metadata:\n  name: shop\n  labels: {kubernetes.io/metadata.name: other, env: prod}\n",
        (("env", "prod"), namespace_name("shop")),
    ),
    "correct-name-label-kept": (
        "metadata:\n  name: shop\n  labels: {kubernetes.io/metadata.name: shop}\n",
        (namespace_name("shop"),),
    ),
}


@pytest.mark.parametrize(("body", "labels"), NAMESPACE_CASES.values(), ids=list(NAMESPACE_CASES))
def test_namespace_labels(body: str, labels: tuple[tuple[str, str], ...]) -> None:
    cluster = load("apiVersion: v1\nkind: Namespace\n" + body).cluster
    assert cluster.namespaces == (Namespace("shop", labels),)
    assert cluster.namespaces[0].origin == Location(PATH, 1, 1)


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


# --- NetworkPolicy defaulting -------------------------------------------------------------

POLICY_CASES: dict[str, tuple[str, NetworkPolicy]] = {
    "policy-types-absent-no-rules": ("podSelector: {}", expected_policy()),
    "policy-types-absent-ingress-rules": (
        "ingress: [{}]",
        expected_policy(ingress=(Rule(None),)),
    ),
    "policy-types-absent-egress-rules-imply-egress": (
        "egress: [{}]",
        expected_policy(egress_affected=True, egress=(Rule(None),)),
    ),
    "policy-types-absent-empty-egress-is-not-egress": ("egress: []", expected_policy()),
    "policy-types-absent-null-egress-is-not-egress": ("egress: null", expected_policy()),
    "policy-types-empty-list-same-as-absent": (
        "policyTypes: []\negress: [{}]",
        expected_policy(egress_affected=True, egress=(Rule(None),)),
    ),
    "policy-types-null-same-as-absent": ("policyTypes: null", expected_policy()),
    "policy-types-egress-only": (
        "policyTypes: [Egress]",
        expected_policy(ingress_affected=False, egress_affected=True),
    ),
    "policy-types-both-no-rules": (
        "policyTypes: [Ingress, Egress]",
        expected_policy(egress_affected=True),
    ),
    "policy-types-ingress-keeps-unlisted-egress-rules": (
        "policyTypes: [Ingress]\negress: [{}]",
        expected_policy(egress=(Rule(None),)),
    ),
    "ingress-empty-list-no-rules": ("ingress: []", expected_policy()),
    "ingress-null-no-rules": ("ingress: null", expected_policy()),
    "ingress-missing-no-rules": ("policyTypes: [Ingress]", expected_policy()),
    "ingress-empty-rule-matches-everything": (
        "ingress: [{}]",
        expected_policy(ingress=(Rule(None, ()),)),
    ),
    "from-empty-list-means-every-peer": (
        "ingress: [{from: [], ports: [{port: 80}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, 80),)),)),
    ),
    "from-null-means-every-peer": (
        "ingress: [{from: null}]",
        expected_policy(ingress=(Rule(None),)),
    ),
    "from-missing-means-every-peer": (
        "ingress: [{ports: [{port: 443, protocol: TCP}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, 443),)),)),
    ),
    "ports-empty-list-means-every-port": (
        "ingress: [{from: [{podSelector: {}}], ports: []}]",
        expected_policy(ingress=(Rule((PodPeer(None, EVERYTHING),), ()),)),
    ),
    "protocol-defaults-to-tcp": (
        "ingress: [{ports: [{port: 80}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, 80),)),)),
    ),
    "protocol-null-defaults-to-tcp": (
        "ingress: [{ports: [{port: 80, protocol: null}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, 80),)),)),
    ),
    "protocols-udp-sctp-kept": (
        "ingress: [{ports: [{port: 53, protocol: UDP}, {port: 9, protocol: SCTP}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(UDP, 53), PolicyPort(SCTP, 9))),)),
    ),
    "port-with-only-protocol-is-every-port": (
        "ingress: [{ports: [{protocol: UDP}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(UDP, None),)),)),
    ),
    "empty-port-entry-is-every-tcp-port": (
        "ingress: [{ports: [{}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, None),)),)),
    ),
    "end-port-kept": (
        "egress: [{ports: [{port: 32000, endPort: 32768}]}]",
        expected_policy(
            egress_affected=True, egress=(Rule(None, (PolicyPort(TCP, 32000, 32768),)),)
        ),
    ),
    "end-port-equal-to-port": (
        "ingress: [{ports: [{port: 80, endPort: 80, protocol: UDP}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(UDP, 80, 80),)),)),
    ),
    "named-port": (
        "ingress: [{ports: [{port: http}, {port: metrics-9090, protocol: UDP}]}]",
        expected_policy(
            ingress=(Rule(None, (PolicyPort(TCP, "http"), PolicyPort(UDP, "metrics-9090"))),)
        ),
    ),
    "port-bounds": (
        "ingress: [{ports: [{port: 1}, {port: 65535}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, 1), PolicyPort(TCP, 65535))),)),
    ),
    "pod-selector-missing-selects-everything": ("policyTypes: [Ingress]", expected_policy()),
    "pod-selector-null-selects-everything": ("podSelector: null", expected_policy()),
    "pod-selector-match-labels-sorted": (
        "podSelector: {matchLabels: {tier: db, app: web}}",
        expected_policy(pod_selector=LabelSelector((("app", "web"), ("tier", "db")))),
    ),
    "match-expressions-values-sorted-and-deduplicated": (
        "podSelector:\n  matchExpressions:\n  - {key: tier, operator: In, values: [web, api, web]}",
        expected_policy(
            pod_selector=LabelSelector(
                expressions=(Requirement("tier", Operator.IN, ("api", "web")),)
            )
        ),
    ),
    "match-expressions-every-operator": (
        (
            "podSelector:\n  matchExpressions:\n"
            "  - {key: a, operator: NotIn, values: [z, x]}\n"
            "  - {key: b, operator: Exists}\n"
            "  - {key: c, operator: DoesNotExist, values: []}\n"
        ),
        expected_policy(
            pod_selector=LabelSelector(
                expressions=(
                    Requirement("a", Operator.NOT_IN, ("x", "z")),
                    Requirement("b", Operator.EXISTS),
                    Requirement("c", Operator.DOES_NOT_EXIST),
                )
            )
        ),
    ),
    "peer-pod-selector-only": (
        "ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]",
        expected_policy(ingress=(Rule((PodPeer(None, WEB),)),)),
    ),
    "peer-namespace-selector-only": (
        "ingress: [{from: [{namespaceSelector: {matchLabels: {env: prod}}}]}]",
        expected_policy(ingress=(Rule((PodPeer(PROD, None),)),)),
    ),
    "peer-both-selectors": (
        (
            "ingress:\n- from:\n  - namespaceSelector: {matchLabels: {env: prod}}\n"
            "    podSelector: {matchLabels: {app: web}}\n"
        ),
        expected_policy(ingress=(Rule((PodPeer(PROD, WEB),)),)),
    ),
    "peer-empty-selectors-are-not-missing": (
        "ingress: [{from: [{podSelector: {}}, {namespaceSelector: {}}]}]",
        expected_policy(ingress=(Rule((PodPeer(None, EVERYTHING), PodPeer(EVERYTHING, None))),)),
    ),
    "peer-null-selector-beside-a-real-one": (
        "ingress: [{from: [{podSelector: {}, namespaceSelector: null}]}]",
        expected_policy(ingress=(Rule((PodPeer(None, EVERYTHING),)),)),
    ),
    "ipblock-except-subtracted": (
        "egress: [{to: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.0/25]}}]}]",
        expected_policy(
            egress_affected=True,
            egress=(
                Rule(
                    (
                        IPBlockPeer(
                            "10.0.0.0/24",
                            ("10.0.0.0/25",),
                            IPSet(v4=IntervalSet.of((v4("10.0.0.128"), v4("10.0.0.255")))),
                        ),
                    )
                ),
            ),
        ),
    ),
    "ipblock-several-excepts": (
        (
            "ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/24,"
            " except: [10.0.0.0/26, 10.0.0.192/26, 10.0.0.64/32]}}]}]"
        ),
        expected_policy(
            ingress=(
                Rule(
                    (
                        IPBlockPeer(
                            "10.0.0.0/24",
                            ("10.0.0.0/26", "10.0.0.192/26", "10.0.0.64/32"),
                            IPSet(v4=IntervalSet.of((v4("10.0.0.65"), v4("10.0.0.191")))),
                        ),
                    )
                ),
            )
        ),
    ),
    "ipblock-without-except": (
        "ingress: [{from: [{ipBlock: {cidr: 192.168.1.7/32}}]}]",
        expected_policy(
            ingress=(
                Rule(
                    (
                        IPBlockPeer(
                            "192.168.1.7/32",
                            (),
                            IPSet(v4=IntervalSet.of((v4("192.168.1.7"), v4("192.168.1.7")))),
                        ),
                    )
                ),
            )
        ),
    ),
    "ipblock-ipv6-except": (
        "ingress: [{from: [{ipBlock: {cidr: 'fd00::/64', except: ['fd00::/65']}}]}]",
        expected_policy(
            ingress=(
                Rule(
                    (
                        IPBlockPeer(
                            "fd00::/64",
                            ("fd00::/65",),
                            IPSet(
                                v6=IntervalSet.of(
                                    ((0xFD00 << 112) | (1 << 63), (0xFD00 << 112) | (2**64 - 1))
                                )
                            ),
                        ),
                    )
                ),
            )
        ),
    ),
    "ipblock-host-bits-read-as-network": (
        "ingress: [{from: [{ipBlock: {cidr: 10.0.0.1/24}}]}]",
        expected_policy(
            ingress=(
                Rule(
                    (
                        IPBlockPeer(
                            "10.0.0.1/24",
                            (),
                            IPSet(v4=IntervalSet.of((v4("10.0.0.0"), v4("10.0.0.255")))),
                        ),
                    )
                ),
            )
        ),
    ),
}


@pytest.mark.parametrize(("spec", "expected"), POLICY_CASES.values(), ids=list(POLICY_CASES))
def test_network_policy_defaulting(spec: str, expected: NetworkPolicy) -> None:
    found = only_policy(netpol(spec))
    assert found == expected
    assert found.origin == Location(PATH, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {}\n",
    ],
    ids=["spec-missing", "spec-null", "spec-empty"],
)
def test_policy_without_spec_denies_all_ingress_of_every_pod(text: str) -> None:
    assert only_policy(text) == expected_policy()


WARNING_CASES: dict[str, tuple[str, list[tuple[str, int]]]] = {
    "clean-policy-no-warning": (
        netpol("ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]"),
        [],
    ),
    "host-bits-in-cidr": (
        netpol("ingress:\n- from:\n  - ipBlock:\n      cidr: 10.0.0.1/8\n"),
        [("NPD002", 8)],
    ),
    "host-bits-in-except": (
        netpol(
            "egress:\n- to:\n  - ipBlock:\n      cidr: 10.0.0.0/8\n      except: [10.1.0.1/16]\n"
        ),
        [("NPD002", 9)],
    ),
    "host-bits-ipv6": (
        netpol("ingress: [{from: [{ipBlock: {cidr: 'fd00::1/64'}}]}]"),
        [("NPD002", 5)],
    ),
    "ingress-rules-not-in-policy-types": (
        netpol("policyTypes: [Egress]\ningress:\n- from: [{podSelector: {}}]\n"),
        [("NPD003", 6)],
    ),
    "egress-rules-not-in-policy-types": (
        netpol("policyTypes: [Ingress]\ningress: [{}]\negress: [{}]\n"),
        [("NPD003", 7)],
    ),
    "empty-ingress-not-in-policy-types-no-warning": (
        netpol("policyTypes: [Egress]\ningress: []\n"),
        [],
    ),
    "host-network-pod": (pod("containers: []\nhostNetwork: true\n"), [("NPD001", 6)]),
}


@pytest.mark.parametrize(("text", "expected"), WARNING_CASES.values(), ids=list(WARNING_CASES))
def test_warnings(text: str, expected: list[tuple[str, int]]) -> None:
    loaded = load(text)
    assert [(w.code, w.location) for w in loaded.warnings] == [
        (code, Location(PATH, 1, line)) for code, line in expected
    ]


def test_host_bits_warning_names_the_network() -> None:
    (warning,) = load(netpol("ingress: [{from: [{ipBlock: {cidr: 10.0.0.1/8}}]}]")).warnings
    assert "10.0.0.1/8" in warning.message
    assert "10.0.0.0/8" in warning.message


def test_unlisted_policy_type_warning_names_the_direction() -> None:
    (warning,) = load(netpol("policyTypes: [Egress]\ningress: [{}]\n")).warnings
    assert "spec.ingress" in warning.message
    assert "Ingress" in warning.message


# --- errors -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bad:
    """Input that must be rejected: where (document, line) and what the message says."""

    text: str | bytes
    document: int | None
    line: int | None
    fragments: tuple[str, ...]


def ip_block(block: str) -> str:
    """A policy whose single ipBlock peer is on line 7."""
    return netpol(f"ingress:\n- from:\n  - ipBlock: {block}\n")


def policy_port(port: str) -> str:
    """A policy whose single port entry is on line 7."""
    return netpol(f"ingress:\n- ports:\n  - {port}\n")


def expression(text: str) -> str:
    """A policy whose single matchExpressions entry is on line 7."""
    return netpol(f"podSelector:\n  matchExpressions:\n  - {text}\n")


def labelled_pod(labels: str) -> str:
    """A Pod whose metadata.labels mapping is on lines 6 and after."""
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n"
        + textwrap.indent(labels, "    ")
        + "\nspec: {containers: []}\n"
    )


def container_port(port: str) -> str:
    """A Pod whose single container port entry is on line 8."""
    return pod(f"containers:\n- name: a\n  ports:\n  - {port}\n")


CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"  # 4 lines

ERROR_CASES: dict[str, Bad] = {
    # ipBlock
    "cidr-prefix-too-long": Bad(
        ip_block("{cidr: 10.0.0.0/33}"), 1, 7, ("invalid CIDR", "10.0.0.0/33")
    ),
    "cidr-without-prefix": Bad(ip_block("{cidr: 10.0.0.0}"), 1, 7, ("invalid CIDR",)),
    "cidr-netmask-notation": Bad(ip_block("{cidr: 10.0.0.0/255.0.0.0}"), 1, 7, ("invalid CIDR",)),
    "cidr-bad-octet": Bad(ip_block("{cidr: 300.0.0.0/8}"), 1, 7, ("invalid CIDR",)),
    "cidr-not-an-address": Bad(ip_block("{cidr: everywhere}"), 1, 7, ("invalid CIDR",)),
    "cidr-missing": Bad(ip_block("{except: [10.0.0.0/8]}"), 1, 7, ("ipBlock.cidr", "required")),
    "cidr-a-number": Bad(ip_block("{cidr: 10}"), 1, 7, ("cidr", "must be a string")),
    "except-outside-cidr": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: [10.1.0.0/24]}"), 1, 7, ("strict subset",)
    ),
    "except-equal-to-cidr": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: [10.0.0.0/16]}"), 1, 7, ("strict subset",)
    ),
    "except-wider-than-cidr": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: [10.0.0.0/8]}"), 1, 7, ("strict subset",)
    ),
    "except-of-another-family": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: ['fd00::/64']}"), 1, 7, ("strict subset",)
    ),
    "except-ipv4-in-ipv6-cidr": Bad(
        ip_block("{cidr: '::/0', except: [10.0.0.0/8]}"), 1, 7, ("strict subset",)
    ),
    "except-not-a-cidr": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: [10.0.0.x/24]}"), 1, 7, ("invalid CIDR",)
    ),
    "except-not-a-list": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: 10.0.1.0/24}"), 1, 7, ("except", "must be a list")
    ),
    # ports
    "end-port-without-port": Bad(policy_port("{endPort: 90}"), 1, 7, ("endPort", "without")),
    "end-port-with-named-port": Bad(
        policy_port("{port: http, endPort: 90}"), 1, 7, ("endPort", "named port")
    ),
    "end-port-below-port": Bad(
        policy_port("{port: 80, endPort: 79}"), 1, 7, ("endPort", "greater than or equal")
    ),
    "end-port-above-range": Bad(
        policy_port("{port: 80, endPort: 65536}"), 1, 7, ("endPort", "65536")
    ),
    "end-port-quoted": Bad(
        policy_port("{port: 80, endPort: '90'}"), 1, 7, ("endPort", "must be an integer")
    ),
    "port-zero": Bad(policy_port("{port: 0}"), 1, 7, ("port", "0 is not between 1 and 65535")),
    "port-65536": Bad(policy_port("{port: 65536}"), 1, 7, ("65536 is not between 1 and 65535",)),
    "port-negative": Bad(policy_port("{port: -1}"), 1, 7, ("-1 is not between",)),
    "port-quoted-number": Bad(policy_port("{port: '80'}"), 1, 7, ("'80'", "quoted number")),
    "port-name-uppercase": Bad(policy_port("{port: HTTP}"), 1, 7, ("port name 'HTTP'",)),
    "port-name-too-long": Bad(
        policy_port("{port: abcdefghijklmnop}"), 1, 7, ("port name 'abcdefghijklmnop'",)
    ),
    "port-name-double-dash": Bad(policy_port("{port: http--alt}"), 1, 7, ("'http--alt'",)),
    "port-name-leading-dash": Bad(policy_port("{port: '-http'}"), 1, 7, ("'-http'",)),
    "port-name-trailing-dash": Bad(policy_port("{port: 'http-'}"), 1, 7, ("'http-'",)),
    "port-name-underscore": Bad(policy_port("{port: my_port}"), 1, 7, ("'my_port'",)),
    "port-name-empty": Bad(policy_port("{port: ''}"), 1, 7, ("port name ''",)),
    "port-boolean": Bad(policy_port("{port: true}"), 1, 7, ("port", "a boolean")),
    "port-float": Bad(policy_port("{port: 80.5}"), 1, 7, ("port", "a number or a port name")),
    "protocol-lowercase": Bad(
        policy_port("{port: 80, protocol: tcp}"), 1, 7, ("'tcp' is not a supported protocol",)
    ),
    "protocol-icmp": Bad(policy_port("{protocol: ICMP}"), 1, 7, ("'ICMP'", "TCP, UDP or SCTP")),
    "protocol-empty": Bad(policy_port("{protocol: ''}"), 1, 7, ("'' is not a supported protocol",)),
    # peers
    "ipblock-with-pod-selector": Bad(
        netpol("ingress:\n- from:\n  - ipBlock: {cidr: 10.0.0.0/8}\n    podSelector: {}\n"),
        1,
        7,
        ("ipBlock may not be combined",),
    ),
    "ipblock-with-namespace-selector": Bad(
        netpol("egress:\n- to:\n  - namespaceSelector: {}\n    ipBlock: {cidr: 10.0.0.0/8}\n"),
        1,
        7,
        ("spec.egress[0].to[0]", "ipBlock may not be combined"),
    ),
    "peer-empty": Bad(
        netpol("ingress:\n- from:\n  - {}\n"),
        1,
        7,
        ("spec.ingress[0].from[0]", "must specify a peer"),
    ),
    "peer-only-null-fields": Bad(
        netpol("ingress:\n- from:\n  - podSelector: null\n    namespaceSelector: null\n"),
        1,
        7,
        ("must specify a peer",),
    ),
    "peer-unknown-field-only": Bad(
        netpol("ingress:\n- from:\n  - pods: {app: web}\n"), 1, 7, ("must specify a peer",)
    ),
    "peer-not-a-mapping": Bad(
        netpol("ingress:\n- from: [web]\n"), 1, 6, ("spec.ingress[0].from[0]", "must be a mapping")
    ),
    # selectors
    "operator-unknown": Bad(
        expression("{key: app, operator: Equals, values: [a]}"), 1, 7, ("'Equals'", "operator")
    ),
    "operator-lowercase": Bad(
        expression("{key: app, operator: in, values: [a]}"), 1, 7, ("'in'", "not a valid operator")
    ),
    "operator-missing": Bad(
        expression("{key: app, values: [a]}"), 1, 7, ("matchExpressions[0].operator", "required")
    ),
    "key-missing": Bad(
        expression("{operator: Exists}"), 1, 7, ("matchExpressions[0].key", "required")
    ),
    "in-with-empty-values": Bad(
        expression("{key: app, operator: In, values: []}"), 1, 7, ("values", "non-empty")
    ),
    "notin-without-values": Bad(
        expression("{key: app, operator: NotIn}"), 1, 7, ("values", "non-empty")
    ),
    "exists-with-values": Bad(
        expression("{key: app, operator: Exists, values: [a]}"), 1, 7, ("values", "must be empty")
    ),
    "does-not-exist-with-values": Bad(
        expression("{key: app, operator: DoesNotExist, values: [a]}"),
        1,
        7,
        ("values", "must be empty"),
    ),
    "expression-value-invalid": Bad(
        expression("{key: app, operator: In, values: ['a b']}"), 1, 7, ("label value 'a b'",)
    ),
    "expression-value-not-a-string": Bad(
        expression("{key: app, operator: In, values: [on]}"), 1, 7, ("values", "a boolean")
    ),
    "expression-key-invalid": Bad(
        expression("{key: 'bad key!', operator: Exists}"), 1, 7, ("'bad key!'",)
    ),
    "expression-key-prefix-invalid": Bad(
        expression("{key: 'Example.com/app', operator: Exists}"), 1, 7, ("'Example.com/app'",)
    ),
    "match-labels-value-invalid": Bad(
        netpol("podSelector:\n  matchLabels:\n    app: 'a b'\n"), 1, 7, ("label value 'a b'",)
    ),
    "match-labels-key-invalid": Bad(
        netpol("ingress:\n- from:\n  - namespaceSelector:\n      matchLabels: {'-env': prod}\n"),
        1,
        8,
        ("label key '-env'",),
    ),
    "match-labels-value-boolean": Bad(
        netpol("podSelector:\n  matchLabels:\n    enabled: yes\n"),
        1,
        7,
        ("a boolean", "unquoted yes"),
    ),
    # policyTypes and shapes
    "policy-type-lowercase": Bad(
        netpol("policyTypes: [ingress]"), 1, 5, ("'ingress' is not a policy type",)
    ),
    "policy-types-not-a-list": Bad(
        netpol("policyTypes: Ingress"), 1, 5, ("spec.policyTypes", "must be a list")
    ),
    "spec-a-list": Bad(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: []\n",
        1,
        4,
        ("spec: must be a mapping, not a list",),
    ),
    "ingress-a-mapping": Bad(
        netpol("ingress: {from: []}"), 1, 5, ("spec.ingress", "must be a list, not a mapping")
    ),
    "rule-a-string": Bad(
        netpol("ingress: [allow]"), 1, 5, ("spec.ingress[0]", "must be a mapping")
    ),
    "pod-selector-a-string": Bad(
        netpol("podSelector: app=web"),
        1,
        5,
        ("spec.podSelector", "must be a mapping, not a string"),
    ),
    "ports-a-mapping": Bad(
        netpol("ingress:\n- ports: {port: 80}\n"), 1, 6, ("ports", "must be a list")
    ),
    # metadata
    "metadata-missing": Bad(
        CONFIGMAP + "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec: {}\n",
        2,
        5,
        ("metadata", "required"),
    ),
    "metadata-a-list": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata: [p]\nspec: {}\n",
        1,
        3,
        ("metadata", "must be a mapping"),
    ),
    "name-missing": Bad(
        CONFIGMAP + "apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: shop\nspec: {}\n",
        2,
        8,
        ("metadata.name", "required"),
    ),
    "name-empty": Bad(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ''\n", 1, 4, ("metadata.name",)
    ),
    "name-a-number": Bad(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: 42\n",
        1,
        4,
        ("must be a string",),
    ),
    "namespace-a-number": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: 7\nspec: {}\n",
        1,
        5,
        ("metadata.namespace", "must be a string"),
    ),
    # workloads
    "pod-spec-missing": Bad("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", 1, 1, ("spec",)),
    "deployment-template-missing": Bad(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1\n",
        1,
        5,
        ("spec.template", "required"),
    ),
    "cronjob-job-template-missing": Bad(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '@daily'\n",
        1,
        5,
        ("spec.jobTemplate", "required"),
    ),
    "template-spec-missing": Bad(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n  template:\n"
        "    metadata: {labels: {app: s}}\n",
        1,
        6,
        ("spec.template.spec", "required"),
    ),
    "containers-a-mapping": Bad(
        pod("containers: {name: a}"), 1, 5, ("containers", "must be a list")
    ),
    "container-a-string": Bad(
        pod("containers: [nginx]"), 1, 5, ("spec.containers[0]", "must be a mapping")
    ),
    "container-port-missing": Bad(
        container_port("{name: http}"), 1, 8, ("containerPort", "required")
    ),
    "container-port-zero": Bad(
        container_port("{containerPort: 0}"),
        1,
        8,
        ("containerPort", "0 is not between 1 and 65535"),
    ),
    "container-port-65536": Bad(
        container_port("{containerPort: 65536}"), 1, 8, ("65536 is not between 1 and 65535",)
    ),
    "container-port-quoted": Bad(
        container_port("{containerPort: '80'}"), 1, 8, ("containerPort", "must be an integer")
    ),
    "container-port-name-invalid": Bad(
        container_port("{containerPort: 80, name: HTTP}"), 1, 8, ("port name 'HTTP'",)
    ),
    "container-protocol-invalid": Bad(
        container_port("{containerPort: 80, protocol: icmp}"), 1, 8, ("'icmp'",)
    ),
    "host-network-a-string": Bad(
        pod("hostNetwork: 'true'\ncontainers: []"), 1, 5, ("hostNetwork", "true or false")
    ),
    # labels
    "label-value-yaml-boolean-on": Bad(
        labelled_pod("app: on"), 1, 6, ("metadata.labels.app", "a boolean", "unquoted on")
    ),
    "label-value-yaml-boolean-yes": Bad(labelled_pod("enabled: yes"), 1, 6, ("unquoted yes",)),
    "label-value-yaml-boolean-false": Bad(labelled_pod("enabled: false"), 1, 6, ("a boolean",)),
    "label-value-float": Bad(
        labelled_pod("tier: web\nversion: 1.0"), 1, 7, ("a number", "unquoted 1.0")
    ),
    "label-value-integer": Bad(labelled_pod("replicas: 3"), 1, 6, ("a number", "unquoted 3")),
    # go-yaml reads 22:22 as text (YAML 1.1's base 60 is not implemented), not a valid value.
    "label-value-sexagesimal": Bad(labelled_pod("port: 22:22"), 1, 6, ("label value '22:22'",)),
    "label-value-a-list": Bad(labelled_pod("app: [web]"), 1, 6, ("a list",)),
    "label-key-with-space": Bad(labelled_pod("'app name': web"), 1, 6, ("label key 'app name'",)),
    "label-key-leading-dash": Bad(labelled_pod("'-app': web"), 1, 6, ("label key '-app'",)),
    "label-key-name-too-long": Bad(labelled_pod(f"{'a' * 64}: web"), 1, 6, ("label key",)),
    "label-key-prefix-uppercase": Bad(
        labelled_pod("Example.com/app: web"), 1, 6, ("'Example.com/app'", "prefix")
    ),
    "label-key-prefix-empty": Bad(labelled_pod("/app: web"), 1, 6, ("'/app'",)),
    "label-key-name-empty": Bad(labelled_pod("example.com/: web"), 1, 6, ("'example.com/'",)),
    "label-value-too-long": Bad(labelled_pod(f"app: {'a' * 64}"), 1, 6, ("label value",)),
    "label-value-leading-dash": Bad(labelled_pod("app: '-web'"), 1, 6, ("label value '-web'",)),
    "label-value-with-space": Bad(labelled_pod("app: 'my app'"), 1, 6, ("label value 'my app'",)),
    "labels-a-list": Bad(labelled_pod("- app"), 1, 5, ("metadata.labels", "must be a mapping")),
    "template-label-invalid": Bad(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n"
        "    metadata:\n      labels:\n        app: on\n    spec: {containers: []}\n",
        1,
        8,
        ("spec.template.metadata.labels.app", "unquoted on"),
    ),
    "namespace-label-invalid": Bad(
        CONFIGMAP + "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
        "  labels:\n    team: 'a/b'\n",
        2,
        10,
        ("label value 'a/b'",),
    ),
    # YAML
    "duplicate-key": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n",
        1,
        5,
        ("duplicate key 'name'", "first one is on line 4"),
    ),
    "duplicate-key-in-flow-mapping": Bad(
        CONFIGMAP + "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: x, a: y}}\n",
        2,
        7,
        ("duplicate key 'a'", "line 7"),
    ),
    "syntax-error-in-second-document": Bad(
        CONFIGMAP + "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n   labels: {}\n",
        2,
        9,
        ("invalid YAML",),
    ),
    "syntax-unclosed-flow-sequence": Bad(
        "a: 1\n---\nb: [x, y\nc: 1\n---\nd: 1\n", 2, 4, ("invalid YAML",)
    ),
    "syntax-tab-indentation": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: p\n", 1, 4, ("invalid YAML",)
    ),
    "syntax-dedent-inside-document": Bad(
        "a: 1\n---\n  b: 2\n c: 3\n---\nd: 4\n", 2, 4, ("invalid YAML",)
    ),
    "syntax-dedent-inside-last-document": Bad(
        "a: 1\n---\nb: 2\n---\n  c: d\n e: f\n", 3, 6, ("invalid YAML",)
    ),
    "mapping-key-not-a-scalar": Bad(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
        "spec:\n  ? [a, b]\n  : c\n",
        1,
        5,
        ("mapping key must be a scalar",),
    ),
    "failing-int-tag": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: !!int p\n", 1, 4, ("cannot read", "!!int")
    ),
    "recursive-alias": Bad(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
        "spec: &x\n  b: *x\n",
        1,
        4,
        ("recursive alias",),
    ),
    "latin-1-bytes": Bad(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n".encode("latin-1"),
        None,
        4,
        ("not valid UTF-8",),
    ),
    "latin-1-bytes-in-second-document": Bad(
        "a: 1\n---\nb: 2\nc: d\xe9j\xe0\n".encode("latin-1"), None, 4, ("UTF-8",)
    ),
    "utf-16-odd-length": Bad(codecs.BOM_UTF16_LE + b"a\x00:\x00 ", None, 1, ("not valid UTF-16",)),
    "utf-8-bom-lines-still-right": Bad(
        codecs.BOM_UTF8 + b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n",
        1,
        5,
        ("duplicate key 'name'", "line 4"),
    ),
    "utf-16-le-lines-still-right": Bad(
        codecs.BOM_UTF16_LE
        + "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n".encode("utf-16-le"),
        1,
        5,
        ("duplicate key 'name'", "line 4"),
    ),
    "utf-16-be-lines-still-right": Bad(
        codecs.BOM_UTF16_BE
        + "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n".encode("utf-16-be"),
        1,
        5,
        ("duplicate key 'name'", "line 4"),
    ),
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
    # object names, as the API server validates them
    "namespace-name-not-a-dns-label": Bad(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Team_A\n", 1, 4, ("Team_A",)
    ),
    "object-namespace-not-a-dns-label": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: Team_A\nspec: {}\n",
        1,
        5,
        ("Team_A",),
    ),
    "network-policy-name-not-a-dns-subdomain": Bad(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: Allow_All\n",
        1,
        4,
        ("Allow_All",),
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_invalid_input_raises_input_error(case: Bad) -> None:
    error = load_error(case.text)
    assert error.location == Location(PATH, case.document, case.line)
    for fragment in case.fragments:
        assert fragment in error.message
    assert str(error) == f"{error.location}: {error.message}"
    assert "\n" not in str(error)


def test_error_text_names_file_document_and_line() -> None:
    error = load_error(CONFIGMAP + netpol("ingress: [{ports: [{port: 0}]}]"))
    assert str(error).startswith("m.yaml (document 2, line 9): spec.ingress[0].ports[0].port: ")


def test_duplicate_across_files_names_the_other_file() -> None:
    files = [
        SourceFile("a.yaml", POLICY_DENY.encode()),
        SourceFile("b/c.yaml", POLICY_DENY.encode()),
    ]
    with pytest.raises(InputError) as caught:
        load_cluster(files)
    assert caught.value.location == Location("b/c.yaml", 1, 1)
    assert "also at a.yaml (document 1, line 1)" in caught.value.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\x07\nspec: {}\n", 4),
        ("a: 1\n---\nb: 2\nc: \x00\n", 4),
        ("a: 1\nb: \x1b[31mred\n", 2),
    ],
    ids=["bell", "nul", "escape"],
)
def test_control_characters_rejected_with_line_on_one_line(text: str, line: int) -> None:
    error = load_error(text)
    assert error.location.line == line
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  released: 2023-02-30\n",
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {built: 2024-13-01}\n"
            "spec: {containers: []}\n"
        ),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  n: !!int twelve\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  n: !!float many\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  t: !!timestamp soon\n",
    ],
    ids=["impossible-date", "month-13", "explicit-int-tag", "explicit-float-tag", "timestamp-tag"],
)
def test_unconstructable_scalars_never_escape_as_other_exceptions(text: str) -> None:
    # Loading may succeed (the value is in a field nobody reads) or fail with InputError;
    # a ValueError or AttributeError from the YAML constructor must not escape.
    with contextlib.suppress(InputError):
        load(text)


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (
            "base: &base {app: web, tier: front}\nlabels:\n  <<: *base\n  tier: back\n",
            (("app", "web"), ("tier", "back")),
        ),
        (
            "labels:\n  <<: [{app: first}, {app: second, tier: t}]\n",
            (("app", "first"), ("tier", "t")),
        ),
    ],
    ids=["explicit-key-overrides-merged", "earlier-merge-wins"],
)
def test_yaml_merge_keys_follow_yaml_rules(
    labels: str, expected: tuple[tuple[str, str], ...]
) -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
        + textwrap.indent(labels, "  ")
        + "spec: {containers: []}\n"
    )
    (found,) = load(text).cluster.workloads
    assert found.labels == expected


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        lambda text: text.encode("utf-8"),
    ],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-8-plain"],
)
def test_encodings_accepted(encode: Callable[[str], bytes]) -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\n"
        "  annotations: {owner: José, note: café}\n"
        "spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}\n"
        "---\n" + POLICY_DENY
    )
    loaded = load(encode(text))
    assert loaded.cluster.workloads == (
        Workload("default", "Pod", "web", (("app", "web"),), (ContainerPort(80, TCP),)),
    )
    assert [p.origin for p in loaded.cluster.policies] == [Location(PATH, 2, 9)]


# --- keep going ---------------------------------------------------------------------------


def test_keep_going_skips_an_invalid_document_and_loads_the_rest() -> None:
    text = (
        POD_WEB
        + "---\n"
        + netpol("ingress: [{ports: [{port: 0}]}]", name="broken")
        + "---\n"
        + POLICY_DENY
        + "---\n"
        + labelled_pod("app: on")
    )
    loaded = load(text, keep_going=True)
    assert summary(loaded.cluster) == (["default/web[Pod]"], ["default/deny"])
    assert [e.location for e in loaded.errors] == [Location(PATH, 2, 10), Location(PATH, 4, 22)]
    assert "port" in loaded.errors[0].message
    assert "unquoted on" in loaded.errors[1].message


def test_without_keep_going_the_first_error_is_raised() -> None:
    text = (
        POD_WEB
        + "---\n"
        + netpol("ingress: [{ports: [{port: 0}]}]")
        + "---\n"
        + labelled_pod("app: on")
    )
    assert load_error(text).location == Location(PATH, 2, 10)


def test_keep_going_skips_a_whole_file_with_a_syntax_error() -> None:
    broken = POD_WEB + "---\n" + POLICY_DENY + "---\nkind: [\n"
    files = [
        SourceFile("a.yaml", POD_WEB.replace("web", "first").encode()),
        SourceFile("b.yaml", broken.encode()),
        SourceFile("c.yaml", "a: 1\nb: caf\xe9\n".encode("latin-1")),
        SourceFile("d.yaml", POLICY_DENY.replace("deny", "last").encode()),
    ]
    loaded = load_cluster(files, keep_going=True)
    assert summary(loaded.cluster) == (["default/first[Pod]"], ["default/last"])
    assert [e.location.path for e in loaded.errors] == ["b.yaml", "c.yaml"]
    assert loaded.errors[0].location.document == 3
    assert loaded.errors[1].location == Location("c.yaml", None, 2)


def test_keep_going_keeps_the_first_of_duplicates() -> None:
    first = POD_WEB.replace("{name: web}", "{name: web, labels: {v: one}}")
    second = POD_WEB.replace("{name: web}", "{name: web, labels: {v: two}}")
    loaded = load(first + "---\n" + second, keep_going=True)
    assert [w.labels for w in loaded.cluster.workloads] == [(("v", "one"),)]
    assert [e.location for e in loaded.errors] == [Location(PATH, 2, 6)]


def test_keep_going_skips_a_whole_list_document_with_an_invalid_item() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: Pod, metadata: {name: good}, spec: {containers: []}}\n"
        "- {apiVersion: v1, kind: Pod, metadata: {name: bad, labels: {a: on}}, spec: {}}\n"
        "---\n" + POD_WEB
    )
    loaded = load(text, keep_going=True)
    assert [e.location for e in loaded.errors] == [Location(PATH, 1, 5)]
    assert summary(loaded.cluster) == (["default/web[Pod]"], [])


def test_fields_netpoldiff_does_not_read_are_not_parsed_or_validated() -> None:
    # Only the fields that decide reachability are built from YAML (for speed): a duplicate key
    # in a ConfigMap's data, or a container's env, is not netpoldiff's to judge.
    text = (
        CONFIGMAP
        + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  x: '1'\n  x: '3'\n"
        + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        + "  - name: c\n    env: [{name: A, value: '1'}]\n"
        + "    resources: {limits: {cpu: 1, cpu: 2}}\n"
    )
    loaded = load_cluster([SourceFile("m.yaml", text.encode())])
    assert [w.name for w in loaded.cluster.workloads] == ["p"]


def test_parsing_in_worker_processes_gives_the_same_cluster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Large inputs are parsed in parallel; force that path on the demo and compare.
    from pathlib import Path

    from netpoldiff.manifests import ConversionCache, Loader
    from netpoldiff.manifests import loader as loading
    from netpoldiff.sources import read_path

    files = read_path(str(Path(__file__).resolve().parents[3] / "fixtures" / "demo" / "new")).files
    sequential = Loader(ConversionCache(None), workers=1).load(files)
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 0)
    parallel_loader = Loader(ConversionCache(None), workers=2)
    parallel = parallel_loader.load(files)
    assert parallel.cluster == sequential.cluster
    assert parallel.warnings == sequential.warnings
    # This process parsed its share; the worker parsed the rest.
    assert 0 < parallel_loader.conversions < len(files)


SAME_CONTENT = textwrap.dedent(
    """\
    apiVersion: v1
    kind: Namespace
    metadata: {name: shop}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web}}
    spec:
      hostNetwork: true
      containers: [{name: c}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny, namespace: shop}
    spec: {podSelector: {}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api, namespace: shop}
    spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c}]}}}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: broken, namespace: shop}
    spec: {containers: [{name: c, ports: [{containerPort: 0}]}]}
    """
)


@pytest.mark.parametrize("workers", [1, 2])
def test_same_content_under_another_path_is_converted_once_and_placed_there(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two directories share most files by content: old/m.yaml and new/m.yaml parse once,
    # but every origin, warning and error of the second names new/m.yaml.
    from netpoldiff.manifests import ConversionCache, Loader
    from netpoldiff.manifests import loader as loading
    from netpoldiff.sources.files import blob_id

    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 0)
    data = SAME_CONTENT.encode()
    loader = Loader(ConversionCache(None), workers=workers)
    old = loader.load([SourceFile("old/m.yaml", data, blob_id(data))], keep_going=True)
    parsed_after_old = loader.conversions

    def no_second_conversion(*_: object) -> None:
        pytest.fail("content converted before was converted again")

    monkeypatch.setattr(loader, "_convert_text", no_second_conversion)
    monkeypatch.setattr(loading, "_convert_chunk", no_second_conversion)
    new = loader.load([SourceFile("new/m.yaml", data, blob_id(data))], keep_going=True)

    assert loader.conversions == parsed_after_old
    assert new.cluster == old.cluster
    assert {w.name for w in new.cluster.workloads} == {"api"}

    def origins(loaded: Loaded) -> list[str]:
        cluster = loaded.cluster
        namespaces = [str(n.origin) for n in cluster.namespaces]
        workloads = [str(w.origin) for w in cluster.workloads]
        return namespaces + workloads + [str(p.origin) for p in cluster.policies]

    assert origins(old) == [
        "old/m.yaml (document 1, line 1)",
        "old/m.yaml (document 4, line 17)",
        "old/m.yaml (document 3, line 12)",
    ]
    assert origins(new) == [o.replace("old/", "new/") for o in origins(old)]
    assert [str(w.location) for w in old.warnings] == ["old/m.yaml (document 2, line 9)"]
    assert [str(w.location) for w in new.warnings] == ["new/m.yaml (document 2, line 9)"]
    assert [str(e.location) for e in old.errors] == ["old/m.yaml (document 5, line 25)"]
    assert [str(e.location) for e in new.errors] == ["new/m.yaml (document 5, line 25)"]
    assert [e.message for e in new.errors] == [e.message for e in old.errors]


def test_same_content_under_another_path_keeps_its_duplicate_check() -> None:
    # Relocation must not hide that one file's objects are defined twice in one source.
    from netpoldiff.manifests import ConversionCache, Loader
    from netpoldiff.sources.files import blob_id

    data = b"apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: c}]}\n"
    files = [SourceFile(p, data, blob_id(data)) for p in ("a.yaml", "b.yaml")]
    with pytest.raises(InputError, match=r"^b\.yaml.*defined twice \(also at a\.yaml"):
        Loader(ConversionCache(None)).load(files)


_ALIAS_PATTERN = re.compile(r"(?:^|[\s\[{,:?-])\*[^\s,\]}]", re.MULTILINE)


@given(
    st.text(
        alphabet=st.sampled_from(list(" \t\n\r\x0b\x0c\u00a0\u2003*ab-[]{},:?'\"&")), max_size=40
    )
)
def test_the_alias_scan_finds_every_place_an_alias_can_start(text: str) -> None:
    # The scan decides whether alias expansion is checked: it may never miss one.
    from netpoldiff.manifests.prescan import may_have_alias

    assert may_have_alias(text) == (_ALIAS_PATTERN.search(text) is not None)


def test_rules_peers_and_ports_know_their_lines_under_every_path_of_the_same_content() -> None:
    text = (
        b"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        b"metadata: {name: p, namespace: shop}\n"
        b"spec:\n"
        b"  podSelector: {}\n"
        b"  ingress:\n"
        b"  - from:\n"
        b"    - podSelector: {matchLabels: {app: web}}\n"
        b"    - ipBlock: {cidr: 10.0.0.0/8}\n"
        b"    ports:\n"
        b"    - port: 80\n"
    )
    files = [SourceFile("old/p.yaml", text, "same"), SourceFile("new/p.yaml", text, "same")]
    loader = Loader()
    loaded = [loader.load([f]).cluster.policies[0] for f in files]
    for path, policy in zip(("old/p.yaml", "new/p.yaml"), loaded, strict=True):
        (rule,) = policy.ingress
        assert rule.peers is not None
        pod, block = rule.peers
        (port,) = rule.ports
        lines = [x.origin for x in (policy, rule, pod, block, port)]
        assert lines == [
            Location(path, 1, 1),
            Location(path, 1, 7),
            Location(path, 1, 8),
            Location(path, 1, 9),
            Location(path, 1, 11),
        ]
