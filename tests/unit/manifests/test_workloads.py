"""workloads: pod template labels and container ports of each workload kind, and Namespaces."""

from __future__ import annotations

import textwrap

import pytest

from netpoldiff.errors import Location
from netpoldiff.model import ContainerPort, Namespace, Workload
from tests.unit.manifests.loading import (
    PATH,
    SCTP,
    TCP,
    UDP,
    Bad,
    assert_refused,
    load,
    namespace_name,
    pod,
)

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


WARNING_CASES: dict[str, tuple[str, list[tuple[str, int]]]] = {
    "host-network-pod": (pod("containers: []\nhostNetwork: true\n"), [("NPD001", 6)]),
}


@pytest.mark.parametrize(("text", "expected"), WARNING_CASES.values(), ids=list(WARNING_CASES))
def test_warnings(text: str, expected: list[tuple[str, int]]) -> None:
    loaded = load(text)
    assert [(w.code, w.location) for w in loaded.warnings] == [
        (code, Location(PATH, 1, line)) for code, line in expected
    ]


def container_port(port: str) -> str:
    """A Pod whose single container port entry is on line 8."""
    return pod(f"containers:\n- name: a\n  ports:\n  - {port}\n")


ERROR_CASES: dict[str, Bad] = {
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
    "container-port-name-twice": Bad(
        pod(
            "containers:\n- name: a\n  ports:\n  - {containerPort: 80, name: web}\n"
            "  - {containerPort: 81, name: web, protocol: UDP}\n"
        ),
        1,
        9,
        ("ports[1].name", "duplicate value 'web'"),
    ),
    "container-protocol-invalid": Bad(
        container_port("{containerPort: 80, protocol: icmp}"), 1, 8, ("'icmp'",)
    ),
    "host-network-a-string": Bad(
        pod("hostNetwork: 'true'\ncontainers: []"), 1, 5, ("hostNetwork", "true or false")
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_invalid_input_raises_input_error(case: Bad) -> None:
    assert_refused(case)


# ---- kinds netpoldiff does not model, with a pod template in spec.template ---------------------

TEMPLATE_KIND_CASES = {
    "argo-rollout": (
        "Rollout",
        workload_document("Rollout", "argoproj.io/v1alpha1", ("spec", "template")),
    ),
    "kruise-cloneset": (
        "CloneSet",
        workload_document("CloneSet", "apps.kruise.io/v1alpha1", ("spec", "template")),
    ),
}


@pytest.mark.parametrize(
    ("kind", "text"), TEMPLATE_KIND_CASES.values(), ids=list(TEMPLATE_KIND_CASES)
)
def test_a_custom_kind_with_a_pod_template_is_a_workload_of_its_own_kind(
    kind: str, text: str
) -> None:
    (found,) = load(text).cluster.workloads
    assert str(found.endpoint) == f"default/w[{kind}]"
    assert found.labels == TEMPLATE_LABELS
    assert found.ports == TEMPLATE_PORTS


def test_a_custom_pod_template_without_labels_has_none_and_keeps_sidecar_ports() -> None:
    text = """\
apiVersion: example.com/v1
kind: Runner
metadata: {name: r, namespace: ci}
spec:
  template:
    spec:
      initContainers:
      - {name: proxy, restartPolicy: Always, ports: [{containerPort: 15001, name: proxy}]}
      containers: [{name: main}]
"""
    (found,) = load(text).cluster.workloads
    assert str(found.endpoint) == "ci/r[Runner]"
    assert found.labels == ()
    assert found.ports == (ContainerPort(15001, TCP, "proxy"),)


NOT_POD_TEMPLATES = {
    "no-spec-template": (
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n"
    ),
    "template-is-text": (
        "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t}\nspec: {template: hello}\n"
    ),
    "template-without-containers": (
        "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t}\n"
        "spec: {template: {metadata: {labels: {a: b}}, spec: {replicas: 2}}}\n"
    ),
    "containers-not-a-list": (
        "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t}\n"
        "spec: {template: {spec: {containers: {name: c}}}}\n"
    ),
    "metadata-not-a-mapping": (
        "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t}\n"
        "spec: {template: {metadata: [], spec: {containers: []}}}\n"
    ),
    "no-api-version": (
        "kind: Thing\nmetadata: {name: t}\nspec: {template: {spec: {containers: []}}}\n"
    ),
}


@pytest.mark.parametrize("text", NOT_POD_TEMPLATES.values(), ids=list(NOT_POD_TEMPLATES))
def test_a_custom_kind_without_a_pod_template_is_ignored(text: str) -> None:
    loaded = load(text)
    assert loaded.cluster.workloads == ()
    assert loaded.warnings == ()


def test_a_custom_pod_template_on_the_host_network_is_left_out_with_a_warning() -> None:
    text = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\n"
        "spec:\n  template:\n    spec:\n      hostNetwork: true\n      containers: [{name: c}]\n"
    )
    loaded = load(text)
    assert loaded.cluster.workloads == ()
    (warning,) = loaded.warnings
    assert "default/r[Rollout]" in warning.message
