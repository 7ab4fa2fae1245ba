"""The validated, defaulted objects netpoldiff reasons about, and the endpoints of a matrix.

Everything here is what the API server would store after defaulting and validation, so the
evaluator never meets a missing protocol, an inferred policyType or an invalid CIDR.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from netpoldiff.addresses import IPSet
from netpoldiff.errors import Location
from netpoldiff.ports import Protocol
from netpoldiff.selectors import LabelSelector

NAMESPACE_NAME_LABEL: Final = "kubernetes.io/metadata.name"

WORKLOAD_KINDS: Final = (
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
)

LabelPairs = tuple[tuple[str, str], ...]


def label_pairs(labels: Mapping[str, str]) -> LabelPairs:
    """Labels in the canonical (sorted) form stored on model objects."""
    return tuple(sorted(labels.items()))


@dataclass(frozen=True, slots=True)
class Namespace:
    """A namespace and its labels, always including ``kubernetes.io/metadata.name``."""

    name: str
    labels: LabelPairs
    origin: Location | None = field(default=None, compare=False)

    @classmethod
    def implicit(cls, name: str) -> Namespace:
        """A namespace no manifest declares: it carries only the automatic name label."""
        return cls(name, ((NAMESPACE_NAME_LABEL, name),))


@dataclass(frozen=True, slots=True)
class ContainerPort:
    """A port a container declares; only named ones matter to policies."""

    number: int
    protocol: Protocol
    name: str | None = None


@dataclass(frozen=True, slots=True, order=True)
class WorkloadEndpoint:
    """A workload's identity in a matrix: ``ns/name[Kind]``."""

    namespace: str
    name: str
    kind: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}[{self.kind}]"


@dataclass(frozen=True, slots=True)
class ExternalEndpoint:
    """Addresses outside the cluster that every policy in play treats alike."""

    addresses: IPSet

    def __str__(self) -> str:
        return str(self.addresses)


Endpoint = WorkloadEndpoint | ExternalEndpoint


def endpoint_sort_key(endpoint: Endpoint) -> tuple[int, tuple[str, str, str], tuple[int, int]]:
    """Workloads first (by namespace, name, kind), then externals by first address."""
    if isinstance(endpoint, WorkloadEndpoint):
        return (0, (endpoint.namespace, endpoint.name, endpoint.kind), (0, 0))
    return (1, ("", "", ""), endpoint.addresses.sort_key())


@dataclass(frozen=True, slots=True)
class Workload:
    """One workload manifest: the labels and container ports of the pods it runs."""

    namespace: str
    kind: str
    name: str
    labels: LabelPairs
    ports: tuple[ContainerPort, ...] = ()
    origin: Location | None = field(default=None, compare=False)

    @property
    def endpoint(self) -> WorkloadEndpoint:
        """The identity of this workload in a matrix."""
        return WorkloadEndpoint(self.namespace, self.name, self.kind)

    @property
    def is_bare_pod(self) -> bool:
        """A single pod: its traffic to itself is loopback, which policies do not govern."""
        return self.kind == "Pod"

    def named_ports(self) -> tuple[tuple[str, Protocol, int], ...]:
        """(name, protocol, number) of every named port, sorted: what named rules resolve on."""
        return tuple(
            sorted((p.name, p.protocol, p.number) for p in self.ports if p.name is not None)
        )


@dataclass(frozen=True, slots=True, order=True)
class PolicyId:
    """A NetworkPolicy's identity: namespace and name."""

    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True, slots=True)
class PolicyPort:
    """One entry of a rule's ``ports``; ``port`` None means every port of the protocol."""

    protocol: Protocol
    port: int | str | None = None
    end_port: int | None = None


@dataclass(frozen=True, slots=True)
class PodPeer:
    """A peer given by selectors; ``None`` means the field was absent.

    namespace_selector None: pods of the policy's own namespace. pod_selector None: every pod
    of the selected namespaces. The API rejects a peer where both are None.
    """

    namespace_selector: LabelSelector | None
    pod_selector: LabelSelector | None


@dataclass(frozen=True, slots=True)
class IPBlockPeer:
    """A peer given by ``ipBlock``: ``cidr`` minus every ``except`` entry."""

    cidr: str
    excepts: tuple[str, ...]
    addresses: IPSet


Peer = PodPeer | IPBlockPeer


@dataclass(frozen=True, slots=True)
class Rule:
    """One ingress or egress rule.

    ``peers`` None: the rule matches every peer (``from``/``to`` missing or empty).
    ``ports`` empty: the rule matches every port (``ports`` missing or empty).
    """

    peers: tuple[Peer, ...] | None
    ports: tuple[PolicyPort, ...] = ()


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """A networking.k8s.io/v1 NetworkPolicy after API defaulting.

    Equality ignores ``origin``: two policies are equal when they say the same thing, which
    is what "unchanged" means in a diff.
    """

    id: PolicyId
    pod_selector: LabelSelector
    affects_ingress: bool
    affects_egress: bool
    ingress: tuple[Rule, ...] = ()
    egress: tuple[Rule, ...] = ()
    origin: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Cluster:
    """Everything one source declares: namespaces (declared or implied), workloads, policies."""

    namespaces: tuple[Namespace, ...] = ()
    workloads: tuple[Workload, ...] = ()
    policies: tuple[NetworkPolicy, ...] = ()

    def namespace_labels(self) -> dict[str, LabelPairs]:
        """Labels of every namespace by name."""
        return {namespace.name: namespace.labels for namespace in self.namespaces}
