"""Cluster-scoped admin policies after API defaulting, in one shape for every API version.

AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) and
ClusterNetworkPolicy (v1alpha2) say the same kind of thing: a tier, a priority, a subject, and
ordered rules whose first match allows, denies, or passes a connection on. They are read into
one model, so a change that rewrites one API version as the other compares by meaning.

Equality ignores where things are written, as for NetworkPolicy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from netpoldiff.addresses import IPSet
from netpoldiff.errors import Location
from netpoldiff.model import ObjectRef
from netpoldiff.policies import NetworkPolicy, PolicyPort
from netpoldiff.selectors import LabelSelector

ADMIN_NETWORK_POLICY: Final = "AdminNetworkPolicy"
BASELINE_ADMIN_NETWORK_POLICY: Final = "BaselineAdminNetworkPolicy"
CLUSTER_NETWORK_POLICY: Final = "ClusterNetworkPolicy"
ADMIN_KINDS: Final = frozenset(
    {ADMIN_NETWORK_POLICY, BASELINE_ADMIN_NETWORK_POLICY, CLUSTER_NETWORK_POLICY}
)


class AdminTier(StrEnum):
    """Where a policy's rules are asked: before NetworkPolicies, or after them."""

    ADMIN = "admin"
    BASELINE = "baseline"


class AdminAction(StrEnum):
    """What a rule does with the connections it matches (v1alpha2's Accept is Allow)."""

    ALLOW = "allow"
    DENY = "deny"
    PASS = "pass"  # noqa: S105 - an action, not a password


@dataclass(frozen=True, slots=True)
class NamespacesPeer:
    """Every pod of the namespaces whose labels match (also a subject)."""

    namespace_selector: LabelSelector
    origin: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class PodsPeer:
    """The pods whose labels match, in the namespaces whose labels match (also a subject)."""

    namespace_selector: LabelSelector
    pod_selector: LabelSelector
    origin: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class NetworksPeer:
    """Destinations by address: the union of ``cidrs`` (egress only)."""

    cidrs: tuple[str, ...]
    addresses: IPSet
    origin: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class UnresolvedPeer:
    """A peer no manifest can resolve: ``nodes`` by their labels, or ``domainNames``.

    Egress only. Manifests declare no nodes and no DNS answers, so it matches nothing here.
    ``kind`` is the peer's field; ``value`` what it says, in a canonical form.
    """

    kind: str
    value: tuple[str, ...]
    origin: Location | None = field(default=None, compare=False)


Subject = NamespacesPeer | PodsPeer
AdminPeer = NamespacesPeer | PodsPeer | NetworksPeer | UnresolvedPeer


@dataclass(frozen=True, slots=True)
class AdminRule:
    """One rule: its action, its peers (at least one), and its ports (None: every port).

    A named port is kept as one PolicyPort per protocol: the API's ``namedPort`` names no
    protocol, and a pod's port names are unique, so the name matches on whichever it has.
    """

    action: AdminAction
    peers: tuple[AdminPeer, ...]
    ports: tuple[PolicyPort, ...] | None = None
    name: str = ""
    origin: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class AdminPolicy:
    """An AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy.

    ``priority`` orders policies within their tier, lowest first; a BaselineAdminNetworkPolicy
    has none (None), and comes after the baseline tier's ClusterNetworkPolicies.
    """

    ref: ObjectRef
    tier: AdminTier
    priority: int | None
    subject: Subject
    ingress: tuple[AdminRule, ...] = ()
    egress: tuple[AdminRule, ...] = ()
    origin: Location | None = field(default=None, compare=False)
    subject_origin: Location | None = field(default=None, compare=False)

    @property
    def namespace(self) -> None:
        """Admin policies are cluster-scoped: they live in no namespace."""
        return None

    def order_key(self) -> tuple[int, str, str]:
        """Its place among the policies of its tier: by priority, then kind and name.

        The API leaves the order of two policies of one priority undefined; netpoldiff asks
        them by kind, then name, and warns where both could match one connection.
        """
        priority = self.priority if self.priority is not None else _AFTER_EVERY_PRIORITY
        return (priority, self.ref.kind, self.ref.name)


_AFTER_EVERY_PRIORITY: Final = 1 << 31


AnyPolicy = NetworkPolicy | AdminPolicy
"""A policy of any kind netpoldiff evaluates."""
