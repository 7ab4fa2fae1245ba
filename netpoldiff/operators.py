"""What operators make of their custom resources: the labels and ports of the pods they run.

An operator turns its resource into a StatefulSet (or the like) whose pod template it writes
itself; policies select those pods by the labels the operator sets. A recipe says, as data,
which labels and container ports those pods get from the resource's fields. Every entry cites
the operator's source it was read from (prometheus-operator at commit 6adcebc, 2026-08).

To model another operator's kind: write its recipe below (labels in the order the operator
applies them, later ones winning; ports with the fields that change them), then list the kind
with ``operated=`` in the table of kinds.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class When:
    """Holds when the field at ``path`` is one of ``values`` (None: left out or null).

    With ``negate``, when it is none of them. Values compare by type too: ``1`` is not
    ``true``.
    """

    path: Path
    values: tuple[object, ...]
    negate: bool = False


@dataclass(frozen=True, slots=True)
class FixedLabel:
    """A label the operator sets; ``{name}`` in the value stands for the resource's name."""

    key: str
    value: str
    when: tuple[When, ...] = ()


@dataclass(frozen=True, slots=True)
class LabelsFrom:
    """The labels of a label map field of the resource (``spec.podMetadata.labels``)."""

    path: Path


@dataclass(frozen=True, slots=True)
class VersionLabel:
    """A label whose value is the semantic version written in a field, when one is written.

    The operator's default version depends on its own release, which manifests do not show:
    without the field, the label is left out.
    """

    key: str
    path: Path


Label = FixedLabel | LabelsFrom | VersionLabel


@dataclass(frozen=True, slots=True)
class FixedPort:
    """A container port the operator declares, in container ``container``.

    ``name_from`` is a field that, when set to a non-empty string, names the port instead.
    """

    container: str
    number: int
    protocol: str = "TCP"
    name: str | None = None
    name_from: Path | None = None
    when: tuple[When, ...] = ()


@dataclass(frozen=True, slots=True)
class OperatedPods:
    """How an operator makes the pods of one resource.

    ``labels`` apply in order (later ones win). ``containers`` and ``init_containers`` are the
    fields whose containers the operator merges into its own by name (their ports count; a
    port of an operator's container written again there takes its name from there).
    ``host_network`` is the field that puts the pods on the node's network.
    """

    labels: tuple[Label, ...]
    ports: tuple[FixedPort, ...]
    containers: Path | None = None
    init_containers: Path | None = None
    host_network: Path | None = None

    def paths(self) -> tuple[Path, ...]:
        """Every field of the resource the recipe reads (the YAML reader keeps those)."""
        found: list[Path] = []
        for label in self.labels:
            if isinstance(label, FixedLabel):
                found.extend(when.path for when in label.when)
            else:
                found.append(label.path)
        for port in self.ports:
            found.extend(when.path for when in port.when)
            if port.name_from is not None:
                found.append(port.name_from)
        extra = (self.containers, self.init_containers, self.host_network)
        found.extend(path for path in extra if path is not None)
        return tuple(dict.fromkeys(found))


# ---- prometheus-operator (group monitoring.coreos.com) ------------------------------------------

_NAME: Final = "app.kubernetes.io/name"
_MANAGED_BY: Final = "app.kubernetes.io/managed-by"
_INSTANCE: Final = "app.kubernetes.io/instance"
_VERSION: Final = "app.kubernetes.io/version"
_OPERATOR: Final = "prometheus-operator"  # pkg/operator/kubernetes.go: ManagedByLabelValue
_LISTEN_LOCAL: Final = ("spec", "listenLocal")
_NOT_LOCAL: Final = When(_LISTEN_LOCAL, (True,), negate=True)
_PORT_NAME: Final = ("spec", "portName")  # empty means "web" (defaultPortName / DefaultPortName)
_THANOS: Final = When(("spec", "thanos"), (None,), negate=True)
_POD_LABELS: Final = LabelsFrom(("spec", "podMetadata", "labels"))


def _selector_labels(application: str, own_key: str) -> tuple[FixedLabel, ...]:
    """The labels of an operator's ``makeSelectorLabels(name)``."""
    return (
        FixedLabel(_NAME, application),
        FixedLabel(_MANAGED_BY, _OPERATOR),
        FixedLabel(_INSTANCE, "{name}"),
        FixedLabel(own_key, "{name}"),
    )


def _reloader(*when: When) -> FixedPort:
    """The config-reloader sidecar's port, ``reloader-web`` 8080/TCP.

    pkg/operator/config_reloader.go, CreateConfigReloader: declared unless it listens on
    localhost only.
    """
    return FixedPort("config-reloader", 8080, name="reloader-web", when=when)


# pkg/prometheus/server/statefulset.go, makeStatefulSetSpec: podLabels = BuildPodMetadata()
# (pkg/prometheus/promcfg.go: app.kubernetes.io/version from the Prometheus version, then
# spec.podMetadata.labels), then makeSelectorLabels(name) (pkg/prometheus/server/operator.go)
# and the shard label (pkg/prometheus/common.go: ShardLabelName) win over them.
PROMETHEUS: Final = OperatedPods(
    labels=(
        VersionLabel(_VERSION, ("spec", "version")),
        _POD_LABELS,
        *_selector_labels("prometheus", "prometheus"),
        # pkg/prometheus/common.go: PrometheusNameLabelName.
        FixedLabel("operator.prometheus.io/name", "{name}"),
        # One StatefulSet per shard, labelled with its number: one shard (the default) is 0.
        # Sharded pods differ in this label only, and are not told apart here.
        FixedLabel("operator.prometheus.io/shard", "0", (When(("spec", "shards"), (None, 0, 1)),)),
    ),
    ports=(
        # pkg/prometheus/common.go, MakeContainerPorts: none when spec.listenLocal.
        FixedPort("prometheus", 9090, name="web", name_from=_PORT_NAME, when=(_NOT_LOCAL,)),
        # pkg/prometheus/common.go, BuildConfigReloader: listenLocal reaches the reloader only
        # with the HTTP reload strategy; with ProcessSignal it always listens.
        _reloader(_NOT_LOCAL),
        _reloader(When(("spec", "reloadStrategy"), ("ProcessSignal",))),
        # pkg/prometheus/server/statefulset.go, createThanosContainer: the Thanos sidecar when
        # spec.thanos is set, its ports declared even when it listens on localhost.
        FixedPort("thanos-sidecar", 10902, name="http", when=(_THANOS,)),
        FixedPort("thanos-sidecar", 10901, name="grpc", when=(_THANOS,)),
    ),
    # MergePatchContainers(operator's containers, spec.containers / spec.initContainers).
    containers=("spec", "containers"),
    init_containers=("spec", "initContainers"),
    host_network=("spec", "hostNetwork"),  # CommonPrometheusFields.HostNetwork
)

# pkg/alertmanager/statefulset.go, makeStatefulSetSpec: podLabels = app.kubernetes.io/version,
# then spec.podMetadata.labels, then makeSelectorLabels(name) (pkg/alertmanager/operator.go).
ALERTMANAGER: Final = OperatedPods(
    labels=(
        VersionLabel(_VERSION, ("spec", "version")),
        _POD_LABELS,
        *_selector_labels("alertmanager", "alertmanager"),
    ),
    ports=(
        # makeStatefulSetSpec: web 9093 (named spec.portName) unless spec.listenLocal; the
        # cluster mesh on 9094 over TCP and UDP always.
        FixedPort("alertmanager", 9093, name="web", name_from=_PORT_NAME, when=(_NOT_LOCAL,)),
        FixedPort("alertmanager", 9094, "TCP", "mesh-tcp"),
        FixedPort("alertmanager", 9094, "UDP", "mesh-udp"),
        _reloader(_NOT_LOCAL),  # operator.ListenLocal(a.Spec.ListenLocal)
    ),
    containers=("spec", "containers"),
    init_containers=("spec", "initContainers"),
    host_network=("spec", "hostNetwork"),  # AlertmanagerSpec.HostNetwork
)

# pkg/thanos/statefulset.go, makeStatefulSetSpec: spec.podMetadata.labels, then
# makeSelectorLabels(name) (pkg/thanos/operator.go), then app.kubernetes.io/version.
THANOS_RULER: Final = OperatedPods(
    labels=(
        _POD_LABELS,
        *_selector_labels("thanos-ruler", "thanos-ruler"),
        VersionLabel(_VERSION, ("spec", "version")),
    ),
    ports=(
        # makeStatefulSetSpec: grpc 10901 always, web 10902 (named spec.portName) unless
        # spec.listenLocal. Its config-reloader runs only when rule files are mounted, which
        # depends on PrometheusRule objects, so its port is not counted.
        FixedPort("thanos-ruler", 10901, name="grpc"),
        FixedPort("thanos-ruler", 10902, name="web", name_from=_PORT_NAME, when=(_NOT_LOCAL,)),
    ),
    containers=("spec", "containers"),
    init_containers=("spec", "initContainers"),
)
