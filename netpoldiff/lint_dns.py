"""Egress isolation that blocks DNS: workloads that may reach no name server cannot resolve names.

A default-deny egress policy without a DNS allowance is the most common way to break every
workload of a namespace at once. Read from the matrix: a workload isolated for egress resolves
names when it may reach kube-dns (pods labelled ``k8s-app=kube-dns`` in ``kube-system``) or any
address outside the cluster on UDP/53 or TCP/53. When the input holds no kube-dns, the rules are
asked whether they would let the standard one through (its labels, its named ports).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Final

from netpoldiff.admin_policies import AdminAction, AdminPolicy, NamespacesPeer, PodsPeer
from netpoldiff.bitsets import iter_bits, mask_of
from netpoldiff.cluster import Cluster
from netpoldiff.compiled import (
    CompiledAdminPolicy,
    CompiledAdminRule,
    CompiledPolicy,
    CompiledRule,
    PortMap,
)
from netpoldiff.diagnostics import DNS_BLOCKED, Diagnostic
from netpoldiff.errors import Location
from netpoldiff.intervals import IntervalSet
from netpoldiff.matrix import Matrix
from netpoldiff.model import Namespace, ObjectRef, Workload, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy, PodPeer
from netpoldiff.ports import ConnectionSet, Protocol
from netpoldiff.selectors import LabelSelector

DNS_NAMESPACE: Final = "kube-system"
DNS_LABELS: Final = {"k8s-app": "kube-dns"}
_DNS_PORT: Final = IntervalSet.of((53, 53))
DNS: Final = ConnectionSet.of(Protocol.UDP, _DNS_PORT) | ConnectionSet.of(Protocol.TCP, _DNS_PORT)
# The container ports of the standard kube-dns (CoreDNS's manifests): what a rule naming a
# port resolves on when the input does not hold kube-dns.
DNS_PORT_MAP: Final[PortMap] = (
    ("dns", Protocol.UDP, 53),
    ("dns-tcp", Protocol.TCP, 53),
    ("metrics", Protocol.TCP, 9153),
)
_NAMES_SHOWN: Final = 3

Blamed = CompiledPolicy | CompiledAdminPolicy


def dns_checks(cluster: Cluster, matrix: Matrix) -> tuple[Diagnostic, ...]:
    """One warning per policy that isolates workloads for egress none of which may reach DNS."""
    workloads = _workloads(cluster, matrix)
    admin_deny = [p for p in matrix.admin_policies if _denies_egress(p)]
    # Masks built once each from their positions: OR-ing bits in one at a time is quadratic.
    restricted = mask_of(
        position
        for position in workloads
        if matrix.egress_by[position] or any((p.subjects >> position) & 1 for p in admin_deny)
    )
    if not restricted:
        return ()
    kube_dns = mask_of(
        position
        for position, workload in workloads.items()
        if workload.namespace == DNS_NAMESPACE and _is_kube_dns(dict(workload.labels))
    )
    externals = mask_of(i for i in iter_bits(matrix.present) if i not in workloads)
    blocked = restricted & ~_reaching(matrix, kube_dns | externals)
    if not kube_dns:
        blocked &= ~_would_reach_kube_dns(cluster, matrix, blocked)
    if not blocked:
        return ()
    return tuple(_blame(cluster, matrix, blocked, admin_deny))


def _workloads(cluster: Cluster, matrix: Matrix) -> Mapping[int, Workload]:
    """The cluster's workloads by position (their namespaces and labels are what is read)."""
    if matrix.workload_at is not None:  # the engine's: numbering every workload again is slow
        return matrix.workload_at
    index = matrix.index()
    return {index[w.endpoint]: w for w in cluster.workloads if w.endpoint in index}


def _is_kube_dns(labels: Mapping[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in DNS_LABELS.items())


def _denies_egress(policy: CompiledAdminPolicy) -> bool:
    return any(rule.action is AdminAction.DENY for rule in policy.egress)


def _reaching(matrix: Matrix, servers: int) -> int:
    """The sources that may reach one of ``servers`` on UDP/53 or TCP/53."""
    sources = 0
    for server in iter_bits(servers):
        for connections, members in matrix.columns[server].items():
            if connections & DNS:
                sources |= members
    return sources


def _would_reach_kube_dns(cluster: Cluster, matrix: Matrix, blocked: int) -> int:
    """Of ``blocked``, those a policy lets reach the standard kube-dns, were it there.

    An admin policy's Allow or Pass toward it counts too: what the tiers below make of a Pass
    is not known without the pods.
    """
    by_ref: dict[ObjectRef, NetworkPolicy | AdminPolicy] = {p.ref: p for p in cluster.policies}
    by_ref.update((p.ref, p) for p in cluster.admin_policies)
    namespaces = {namespace.name: namespace for namespace in cluster.namespaces}
    system = dict(namespaces.get(DNS_NAMESPACE, Namespace.implicit(DNS_NAMESPACE)).labels)
    answers: dict[int, bool] = {}
    reaching: list[int] = []
    for position in iter_bits(blocked):
        deciders: list[Blamed] = list(matrix.egress_by[position])
        deciders.extend(p for p in matrix.admin_policies if (p.subjects >> position) & 1)
        for compiled in deciders:
            known = answers.get(id(compiled))
            if known is None:
                policy = by_ref.get(compiled.ref)
                known = answers[id(compiled)] = policy is not None and _lets_through(
                    policy, compiled, system
                )
            if known:
                reaching.append(position)
                break
    return mask_of(reaching)


def _lets_through(
    policy: NetworkPolicy | AdminPolicy, compiled: Blamed, system: Mapping[str, str]
) -> bool:
    """Whether one of the policy's egress rules allows DNS to the standard kube-dns."""
    rules: list[tuple[bool, tuple[object, ...] | None]] = []
    if isinstance(policy, AdminPolicy):
        rules.extend((rule.action is not AdminAction.DENY, rule.peers) for rule in policy.egress)
    else:
        rules.extend((True, rule.peers) for rule in policy.egress)
    compiled_rules: Sequence[CompiledRule | CompiledAdminRule] = compiled.egress or ()
    for (lets, peers), compiled_rule in zip(rules, compiled_rules, strict=True):
        if not lets or not compiled_rule.ports.resolve(DNS_PORT_MAP) & DNS:
            continue
        if peers is None or any(
            _selects_kube_dns(peer, policy.namespace, system) for peer in peers
        ):
            return True
    return False


def _selects_kube_dns(peer: object, namespace: str | None, system: Mapping[str, str]) -> bool:
    """Whether a peer of a policy of ``namespace`` selects the standard kube-dns."""
    if isinstance(peer, PodPeer):
        if peer.namespace_selector is None:
            in_namespace = namespace == DNS_NAMESPACE
        else:
            in_namespace = peer.namespace_selector.matches(system)
        return in_namespace and (peer.pod_selector or LabelSelector()).matches(DNS_LABELS)
    if isinstance(peer, PodsPeer):
        return peer.namespace_selector.matches(system) and peer.pod_selector.matches(DNS_LABELS)
    return isinstance(peer, NamespacesPeer) and peer.namespace_selector.matches(system)


def _blame(
    cluster: Cluster, matrix: Matrix, blocked: int, admin_deny: list[CompiledAdminPolicy]
) -> Iterator[Diagnostic]:
    """Warnings at few policies that isolate every blocked workload: the widest first."""
    isolates: dict[ObjectRef, tuple[Blamed, int]] = {}
    for position in iter_bits(blocked):
        deciders: list[Blamed] = list(matrix.egress_by[position])
        deciders.extend(p for p in admin_deny if (p.subjects >> position) & 1)
        for policy in deciders:
            _, mask = isolates.get(policy.ref, (policy, 0))
            isolates[policy.ref] = (policy, mask | 1 << position)
    origins = _origins(cluster)
    left = blocked
    while left:
        ref, (policy, mask) = min(
            isolates.items(),
            key=lambda item: (-(item[1][1] & left).bit_count(), item[0].sort_key()),
        )
        left &= ~mask
        del isolates[ref]
        shown = [matrix.endpoints[i] for i in iter_bits(mask)]
        yield DNS_BLOCKED.at(
            origins.get(ref, policy.origin),
            policy=_name(ref),
            count=f"{len(shown)} workload{'s' if len(shown) > 1 else ''}",
            names=_names(shown),
            none="none of them may" if len(shown) > 1 else "it may not",
        )


def _origins(cluster: Cluster) -> dict[ObjectRef, Location | None]:
    found: dict[ObjectRef, Location | None] = {p.ref: p.origin for p in cluster.policies}
    found.update((p.ref, p.origin) for p in cluster.admin_policies)
    return found


def _name(ref: ObjectRef) -> str:
    return str(ref) if ref.namespace is not None else f"{ref.kind} {ref.name}"


def _names(shown: Sequence[object]) -> str:
    names = [str(endpoint) for endpoint in shown if isinstance(endpoint, WorkloadEndpoint)]
    more = len(names) - _NAMES_SHOWN
    listed = ", ".join(names[:_NAMES_SHOWN])
    return f"{listed} and {more} more" if more > 0 else listed
