"""Small factories of model values for the unit tests: a cluster in a few readable lines.

A policy's direction is given as its rules: ``ingress=None`` leaves Ingress out of its
policyTypes, ``ingress=()`` lists it with no rule (deny all that way).
"""

from __future__ import annotations

from collections.abc import Mapping

from netpoldiff.addresses import IPSet, parse_cidr
from netpoldiff.admin_policies import (
    ADMIN_NETWORK_POLICY,
    BASELINE_ADMIN_NETWORK_POLICY,
    AdminAction,
    AdminPeer,
    AdminPolicy,
    AdminRule,
    AdminTier,
    NamespacesPeer,
    NetworksPeer,
    PodsPeer,
)
from netpoldiff.cluster import Cluster
from netpoldiff.intervals import IntervalSet
from netpoldiff.model import (
    NAMESPACE_NAME_LABEL,
    ContainerPort,
    Namespace,
    ObjectRef,
    Workload,
    WorkloadEndpoint,
    label_pairs,
)
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, PodPeer, PolicyPort, Rule
from netpoldiff.ports import ConnectionSet, Protocol
from netpoldiff.selectors import LabelSelector

TCP = Protocol.TCP
UDP = Protocol.UDP
SCTP = Protocol.SCTP


def ports_of(protocol: Protocol, *ports: int | tuple[int, int]) -> ConnectionSet:
    """Some ports (numbers or inclusive ranges) of one protocol; all of them when none given."""
    if not ports:
        return ConnectionSet.of(protocol)
    ranges = [(p, p) if isinstance(p, int) else p for p in ports]
    return ConnectionSet.of(protocol, IntervalSet.from_ranges(ranges))


def tcp(*ports: int | tuple[int, int]) -> ConnectionSet:
    """Some TCP ports; every TCP port when none given."""
    return ports_of(TCP, *ports)


def udp(*ports: int | tuple[int, int]) -> ConnectionSet:
    """Some UDP ports; every UDP port when none given."""
    return ports_of(UDP, *ports)


def endpoint(spec: str) -> WorkloadEndpoint:
    """``ns/name`` (a Deployment) or ``ns/name[Kind]``."""
    namespace, _, rest = spec.partition("/")
    name, _, kind = rest.partition("[")
    return WorkloadEndpoint(namespace, name, kind.rstrip("]") or "Deployment")


def namespace(name: str, **labels: str) -> Namespace:
    """A namespace with some labels and, as always, its name label."""
    return Namespace(name, label_pairs({**labels, NAMESPACE_NAME_LABEL: name}))


def workload(
    spec: str, labels: Mapping[str, str] | None = None, ports: tuple[ContainerPort, ...] = ()
) -> Workload:
    """The workload ``ns/name[Kind]`` (a Deployment unless a kind is given)."""
    at = endpoint(spec)
    return Workload(at.namespace, at.kind, at.name, label_pairs(labels or {}), ports)


def named(name: str, number: int, protocol: Protocol = TCP) -> ContainerPort:
    """A named container port."""
    return ContainerPort(number, protocol, name)


def selector(**labels: str) -> LabelSelector:
    """A matchLabels selector; the empty one selects everything."""
    return LabelSelector.build(labels)


def pods(
    labels: Mapping[str, str] | None = None, *, namespaces: Mapping[str, str] | None = None
) -> PodPeer:
    """A selector peer; ``None`` leaves that selector out of the peer."""
    return PodPeer(
        None if namespaces is None else LabelSelector.build(namespaces),
        None if labels is None else LabelSelector.build(labels),
    )


def ip_block(cidr: str, *excepts: str) -> IPBlockPeer:
    """An ipBlock peer as the loader builds it: ``cidr`` minus every ``except``."""
    addresses = parse_cidr(cidr).addresses
    for excluded in excepts:
        addresses = addresses - parse_cidr(excluded).addresses
    return IPBlockPeer(cidr, excepts, addresses)


def port(
    protocol: Protocol = TCP, number: int | str | None = None, end: int | None = None
) -> PolicyPort:
    """One entry of a rule's ports."""
    return PolicyPort(protocol, number, end)


def rule(*peers: PodPeer | IPBlockPeer, ports: tuple[PolicyPort, ...] = ()) -> Rule:
    """A rule with these peers (none: every peer) on these ports (none: every port)."""
    return Rule(peers or None, ports)


def policy(
    spec: str,
    select: Mapping[str, str] | None = None,
    *,
    ingress: tuple[Rule, ...] | None = None,
    egress: tuple[Rule, ...] | None = None,
) -> NetworkPolicy:
    """The policy ``ns/name`` selecting pods by labels (default: all of its namespace)."""
    namespace_name, _, name = spec.partition("/")
    return NetworkPolicy(
        ref=ObjectRef.network_policy(namespace_name, name),
        pod_selector=LabelSelector.build(select or {}),
        affects_ingress=ingress is not None,
        affects_egress=egress is not None,
        ingress=ingress or (),
        egress=egress or (),
    )


def cluster(*objects: Namespace | Workload | NetworkPolicy | AdminPolicy) -> Cluster:
    """A cluster of these objects; a namespace no object declares gets its name label only."""
    namespaces = {o.name: o for o in objects if isinstance(o, Namespace)}
    workloads = tuple(o for o in objects if isinstance(o, Workload))
    policies = tuple(o for o in objects if isinstance(o, NetworkPolicy))
    admins = tuple(o for o in objects if isinstance(o, AdminPolicy))
    used = {w.namespace for w in workloads} | {p.namespace for p in policies}
    for name in sorted(used - namespaces.keys()):
        namespaces[name] = Namespace.implicit(name)
    return Cluster(tuple(namespaces.values()), workloads, policies, admin_policies=admins)


# -- admin policies ---------------------------------------------------------------------------


def in_namespaces(**labels: str) -> NamespacesPeer:
    """An admin subject or peer: every pod of the namespaces with these labels (none: all)."""
    return NamespacesPeer(LabelSelector.build(labels))


def admin_pods(
    labels: Mapping[str, str] | None = None, *, namespaces: Mapping[str, str] | None = None
) -> PodsPeer:
    """An admin subject or peer: pods by labels, in namespaces by labels (None: every one)."""
    return PodsPeer(LabelSelector.build(namespaces or {}), LabelSelector.build(labels or {}))


def networks(*cidrs: str) -> NetworksPeer:
    """An admin egress peer: these CIDRs."""
    addresses = IPSet()
    for cidr in cidrs:
        addresses = addresses | parse_cidr(cidr).addresses
    return NetworksPeer(cidrs, addresses)


def admin_rule(
    action: str, *peers: AdminPeer, ports: tuple[PolicyPort, ...] | None = None
) -> AdminRule:
    """A rule: ``allow``, ``deny`` or ``pass`` these peers on these ports (None: every port)."""
    return AdminRule(AdminAction(action), peers, ports)


def admin_named(name: str) -> tuple[PolicyPort, ...]:
    """An admin rule's named port, as the loader keeps it (once per protocol)."""
    return tuple(PolicyPort(protocol, name) for protocol in Protocol)


def admin(
    name: str,
    priority: int | None,
    subject: NamespacesPeer | PodsPeer,
    *,
    ingress: tuple[AdminRule, ...] = (),
    egress: tuple[AdminRule, ...] = (),
    tier: AdminTier | None = None,
    kind: str | None = None,
) -> AdminPolicy:
    """An admin policy: an AdminNetworkPolicy, or with ``priority`` None the baseline one."""
    baseline = priority is None
    if kind is None:
        kind = BASELINE_ADMIN_NETWORK_POLICY if baseline else ADMIN_NETWORK_POLICY
    if tier is None:
        tier = AdminTier.BASELINE if baseline else AdminTier.ADMIN
    return AdminPolicy(ObjectRef(kind, None, name), tier, priority, subject, ingress, egress)
