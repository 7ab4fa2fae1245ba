"""NetworkPolicies after API defaulting: rules, peers and ports, each with where it is written.

Equality ignores where things are written: two policies are equal when they say the same
thing, which is what "unchanged" means in a diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netpoldiff.addresses import IPSet
from netpoldiff.errors import Location
from netpoldiff.model import ObjectRef
from netpoldiff.ports import Protocol
from netpoldiff.records import pickled_by_fields
from netpoldiff.selectors import LabelSelector


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PolicyPort:
    """One entry of a rule's ``ports``; ``port`` None means every port of the protocol."""

    protocol: Protocol
    port: int | str | None = None
    end_port: int | None = None
    origin: Location | None = field(default=None, compare=False)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PodPeer:
    """A peer given by selectors; ``None`` means the field was absent.

    namespace_selector None: pods of the policy's own namespace. pod_selector None: every pod
    of the selected namespaces. The API rejects a peer where both are None.
    """

    namespace_selector: LabelSelector | None
    pod_selector: LabelSelector | None
    origin: Location | None = field(default=None, compare=False)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class IPBlockPeer:
    """A peer given by ``ipBlock``: ``cidr`` minus every ``except`` entry."""

    cidr: str
    excepts: tuple[str, ...]
    addresses: IPSet
    origin: Location | None = field(default=None, compare=False)


Peer = PodPeer | IPBlockPeer


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Rule:
    """One ingress or egress rule.

    ``peers`` None: the rule matches every peer (``from``/``to`` missing or empty).
    ``ports`` empty: the rule matches every port (``ports`` missing or empty).
    """

    peers: tuple[Peer, ...] | None
    ports: tuple[PolicyPort, ...] = ()
    origin: Location | None = field(default=None, compare=False)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """A networking.k8s.io/v1 NetworkPolicy after API defaulting.

    Equality ignores ``origin``: two policies are equal when they say the same thing, which
    is what "unchanged" means in a diff.
    """

    ref: ObjectRef
    pod_selector: LabelSelector
    affects_ingress: bool
    affects_egress: bool
    ingress: tuple[Rule, ...] = ()
    egress: tuple[Rule, ...] = ()
    origin: Location | None = field(default=None, compare=False)
    selector_origin: Location | None = field(default=None, compare=False)  # spec.podSelector

    @property
    def namespace(self) -> str:
        """The namespace the policy lives in: a NetworkPolicy always has one."""
        namespace = self.ref.namespace
        if namespace is None:
            msg = f"NetworkPolicy {self.ref.name} has no namespace"
            raise AssertionError(msg)
        return namespace
