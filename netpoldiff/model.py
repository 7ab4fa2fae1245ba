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
from netpoldiff.kinds import NETWORK_POLICY, WORKLOAD_KINDS
from netpoldiff.ports import Protocol
from netpoldiff.records import pickled_by_fields

NAMESPACE_NAME_LABEL: Final = "kubernetes.io/metadata.name"


LabelPairs = tuple[tuple[str, str], ...]

__all__ = ["WORKLOAD_KINDS"]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ObjectRef:
    """Which object: its kind, namespace (None for a cluster-scoped one) and name."""

    kind: str
    namespace: str | None
    name: str

    @classmethod
    def network_policy(cls, namespace: str, name: str) -> ObjectRef:
        """The reference of a NetworkPolicy."""
        return cls(NETWORK_POLICY, namespace, name)

    def sort_key(self) -> tuple[str, str, str]:
        """By kind, namespace (cluster-scoped first) and name."""
        return (self.kind, self.namespace or "", self.name)

    def __lt__(self, other: ObjectRef) -> bool:
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace is not None else self.name


def label_pairs(labels: Mapping[str, str]) -> LabelPairs:
    """Labels in the canonical (sorted) form stored on model objects."""
    return tuple(sorted(labels.items()))


@pickled_by_fields
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


@pickled_by_fields
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


class _EndpointSlot:
    """Room on a workload for its endpoint, made on first use and kept.

    Not a field, so equality, hashing and pickling (the conversion cache) never see it. Each
    run asks a large cluster's workloads for their endpoints several times apiece: building
    a new one each time cost more than the lookups that use it.
    """

    __slots__ = ("_endpoint",)
    _endpoint: WorkloadEndpoint


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Workload(_EndpointSlot):
    """One workload manifest: the labels and container ports of the pods it runs."""

    namespace: str
    kind: str
    name: str
    labels: LabelPairs
    ports: tuple[ContainerPort, ...] = ()
    origin: Location | None = field(default=None, compare=False)

    @property
    def endpoint(self) -> WorkloadEndpoint:
        """The identity of this workload in a matrix (one object, made once)."""
        try:
            return self._endpoint
        except AttributeError:
            endpoint = WorkloadEndpoint(self.namespace, self.name, self.kind)
            # A frozen record: the slot is set past its guard, once, to what it always is.
            object.__setattr__(self, "_endpoint", endpoint)
            return endpoint

    @property
    def is_bare_pod(self) -> bool:
        """A single pod: its traffic to itself is loopback, which policies do not govern."""
        return self.kind == "Pod"

    def named_ports(self) -> tuple[tuple[str, Protocol, int], ...]:
        """(name, protocol, number) of every named port, sorted: what named rules resolve on."""
        return tuple(
            sorted((p.name, p.protocol, p.number) for p in self.ports if p.name is not None)
        )


@dataclass(frozen=True, slots=True)
class UnevaluatedPolicy:
    """A policy object of a kind netpoldiff does not evaluate (an admin or a vendor's policy).

    It may deny or allow flows the matrix does not show, so it is named wherever it changes.
    ``content`` stands for everything it says (equal exactly when the manifests say the same).
    """

    ref: ObjectRef
    content: str
    origin: Location | None = field(default=None, compare=False)
