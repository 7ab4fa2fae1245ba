"""operated: the labels and ports of the pods prometheus-operator makes of its resources."""

from __future__ import annotations

import textwrap

import pytest

from netpoldiff.model import ContainerPort
from tests.unit.manifests.loading import TCP, UDP, load

MONITORING = "monitoring.coreos.com/v1"
OPERATOR = (
    ("app.kubernetes.io/managed-by", "prometheus-operator"),
    ("app.kubernetes.io/instance", "main"),
)


def resource(kind: str, spec: str = "{}") -> str:
    """A resource named ``main`` in ``monitoring`` whose ``spec`` is ``spec``."""
    body = textwrap.indent(textwrap.dedent(spec).strip("\n"), "  ")
    head = f"apiVersion: {MONITORING}\nkind: {kind}\n"
    return (
        head + "metadata:\n  name: main\n  namespace: monitoring\n  labels: {x: y}\nspec:\n" + body
    )


def prometheus_labels(*extra: tuple[str, str]) -> dict[str, str]:
    return dict(
        [
            *extra,
            *OPERATOR,
            ("app.kubernetes.io/name", "prometheus"),
            ("prometheus", "main"),
            ("operator.prometheus.io/name", "main"),
            ("operator.prometheus.io/shard", "0"),
        ]
    )


ALERTMANAGER_LABELS = dict(
    [*OPERATOR, ("app.kubernetes.io/name", "alertmanager"), ("alertmanager", "main")]
)
THANOS_RULER_LABELS = dict(
    [*OPERATOR, ("app.kubernetes.io/name", "thanos-ruler"), ("thanos-ruler", "main")]
)
RELOADER = ContainerPort(8080, TCP, "reloader-web")
PROMETHEUS_WEB = ContainerPort(9090, TCP, "web")
MESH = (ContainerPort(9094, TCP, "mesh-tcp"), ContainerPort(9094, UDP, "mesh-udp"))
SIDECAR = (ContainerPort(10901, TCP, "grpc"), ContainerPort(10902, TCP, "http"))

CASES = {
    "prometheus": (
        resource("Prometheus", "replicas: 2"),
        prometheus_labels(),
        (RELOADER, PROMETHEUS_WEB),
    ),
    "prometheus-pod-metadata-and-version": (
        resource(
            "Prometheus",
            """
            version: v2.45
            podMetadata: {labels: {team: obs, prometheus: overridden}}
            """,
        ),
        # The operator's selector labels win over podMetadata's.
        prometheus_labels(("team", "obs"), ("app.kubernetes.io/version", "2.45.0")),
        (RELOADER, PROMETHEUS_WEB),
    ),
    "prometheus-thanos-sidecar": (
        resource("Prometheus", "thanos: {}"),
        prometheus_labels(),
        (RELOADER, PROMETHEUS_WEB, *SIDECAR),
    ),
    "prometheus-listen-local-port-name": (
        resource("Prometheus", "listenLocal: true\nportName: http-web"),
        prometheus_labels(),
        (),
    ),
    "prometheus-port-name-signal-reload": (
        resource("Prometheus", "portName: http-web\nreloadStrategy: ProcessSignal"),
        prometheus_labels(),
        (RELOADER, ContainerPort(9090, TCP, "http-web")),
    ),
    "prometheus-sharded-has-no-one-shard-label": (
        resource("Prometheus", "shards: 3"),
        {k: v for k, v in prometheus_labels().items() if k != "operator.prometheus.io/shard"},
        (RELOADER, PROMETHEUS_WEB),
    ),
    "prometheus-added-container": (
        resource(
            "Prometheus",
            """
            containers:
            - {name: oauth-proxy, ports: [{containerPort: 9091, name: proxy}]}
            - {name: prometheus, ports: [{containerPort: 9090, name: own}]}
            """,
        ),
        prometheus_labels(),
        (RELOADER, ContainerPort(9090, TCP, "own"), ContainerPort(9091, TCP, "proxy")),
    ),
    "alertmanager-mesh-ports": (
        resource("Alertmanager", "replicas: 3"),
        ALERTMANAGER_LABELS,
        (RELOADER, ContainerPort(9093, TCP, "web"), *MESH),
    ),
    "alertmanager-listen-local-keeps-mesh": (
        resource("Alertmanager", "listenLocal: true\npodMetadata: {labels: {a: b}}"),
        {"a": "b", **ALERTMANAGER_LABELS},
        MESH,
    ),
    "thanos-ruler": (
        resource("ThanosRuler", "version: 0.34.1\nportName: http"),
        {**THANOS_RULER_LABELS, "app.kubernetes.io/version": "0.34.1"},
        (ContainerPort(10901, TCP, "grpc"), ContainerPort(10902, TCP, "http")),
    ),
}


@pytest.mark.parametrize(("text", "labels", "ports"), CASES.values(), ids=list(CASES))
def test_operator_resources_are_workloads_with_the_operators_labels_and_ports(
    text: str, labels: dict[str, str], ports: tuple[ContainerPort, ...]
) -> None:
    loaded = load(text)
    (workload,) = loaded.cluster.workloads
    kind = text.split("kind: ", 1)[1].split("\n", 1)[0]
    assert str(workload.endpoint) == f"monitoring/main[{kind}]"
    assert dict(workload.labels) == labels
    assert workload.ports == ports


def test_prometheus_on_the_host_network_is_left_out_with_a_warning() -> None:
    loaded = load(resource("Prometheus", "hostNetwork: true"))
    assert loaded.cluster.workloads == ()
    (warning,) = loaded.warnings
    assert "monitoring/main[Prometheus]" in warning.message
    assert warning.location is not None
    assert warning.location.line == 8


def test_an_operator_kind_of_another_group_is_not_read() -> None:
    text = resource("Prometheus").replace(MONITORING, "example.com/v1")
    assert load(text).cluster.workloads == ()
