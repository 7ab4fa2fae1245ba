"""Egress isolation that blocks DNS: workloads that may not ask a name server, or not over TCP.

A default-deny egress policy without a DNS allowance is the most common way to break every
workload of a namespace at once; allowing UDP/53 alone is the next (an answer too large for UDP
is asked for again over TCP, and that fails). Read from the matrix, per protocol: a workload
isolated for egress reaches DNS when it may reach a DNS server of the input on one of that
server's DNS ports, or any address outside the cluster on 53. Resolvers ask over UDP first: a
workload that may ask over TCP only resolves no name.

The DNS servers are those the common distributions deploy, found by namespace and pod labels:
kube-dns (CoreDNS or kube-dns, ``k8s-app=kube-dns`` in ``kube-system``) and OpenShift's
(``dns.operator.openshift.io/daemonset-dns=default`` in ``openshift-dns``, whose pods answer
on 5353 behind their Service's 53: a policy sees the pod's port). A server's DNS ports are the
container ports it names ``dns`` and ``dns-tcp``, else 53. When the input holds none of them,
the rules are asked whether they would let the standard ones through.
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
from netpoldiff.diagnostics import DNS_BLOCKED, DNS_TCP_BLOCKED, Code, Diagnostic
from netpoldiff.errors import Location
from netpoldiff.intervals import IntervalSet
from netpoldiff.matrix import Matrix
from netpoldiff.model import Namespace, ObjectRef, Workload, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy, PodPeer
from netpoldiff.ports import NO_CONNECTIONS, ConnectionSet, Protocol
from netpoldiff.selectors import LabelSelector

_DNS_PORT: Final = IntervalSet.of((53, 53))
_DNS_PORT_NAMES: Final = frozenset({"dns", "dns-tcp"})
# (namespace, pod labels, container ports) of the DNS servers the common distributions deploy,
# as their manifests write them: the input's servers are found by the first two, and a rule
# naming a port resolves on the third when the input holds none.
KNOWN_SERVERS: Final[tuple[tuple[str, Mapping[str, str], PortMap], ...]] = (
    (
        "kube-system",
        {"k8s-app": "kube-dns"},
        (("dns", Protocol.UDP, 53), ("dns-tcp", Protocol.TCP, 53), ("metrics", Protocol.TCP, 9153)),
    ),
    (
        "openshift-dns",
        {"dns.operator.openshift.io/daemonset-dns": "default"},
        (("dns", Protocol.UDP, 5353), ("dns-tcp", Protocol.TCP, 5353)),
    ),
)
_NAMES_SHOWN: Final = 3
UDP: Final = ConnectionSet.of(Protocol.UDP)
TCP: Final = ConnectionSet.of(Protocol.TCP)

Blamed = CompiledPolicy | CompiledAdminPolicy


def dns_checks(cluster: Cluster, matrix: Matrix) -> tuple[Diagnostic, ...]:
    """Warnings at the policies that isolate workloads for egress that may not ask DNS.

    Those that may not ask over UDP resolve no name (NPD017); those that may ask over UDP but
    not TCP fail on large answers (NPD022). One warning per policy and code.
    """
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
    servers = {
        position: _listening(workload.named_ports())
        for position, workload in workloads.items()
        if _known_server(workload) is not None
    }
    externals = mask_of(i for i in iter_bits(matrix.present) if i not in workloads)
    udp, tcp = _reaching(matrix, servers, externals)
    if not servers:
        udp |= _would_reach_a_server(cluster, matrix, restricted & ~udp, Protocol.UDP)
        tcp |= _would_reach_a_server(cluster, matrix, restricted & udp & ~tcp, Protocol.TCP)
    return (
        *_blame(cluster, matrix, restricted & ~udp, admin_deny, DNS_BLOCKED),
        *_blame(cluster, matrix, restricted & udp & ~tcp, admin_deny, DNS_TCP_BLOCKED),
    )


def _workloads(cluster: Cluster, matrix: Matrix) -> Mapping[int, Workload]:
    """The cluster's workloads by position (their namespaces and labels are what is read)."""
    if matrix.workload_at is not None:  # the engine's: numbering every workload again is slow
        return matrix.workload_at
    index = matrix.index()
    return {index[w.endpoint]: w for w in cluster.workloads if w.endpoint in index}


def _known_server(workload: Workload) -> int | None:
    """Which of the known DNS servers ``workload`` is (an index of KNOWN_SERVERS), if one."""
    labels = dict(workload.labels)
    for index, (namespace, wanted, _) in enumerate(KNOWN_SERVERS):
        if workload.namespace == namespace and _has(labels, wanted):
            return index
    return None


def _has(labels: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in wanted.items())


def _listening(port_map: PortMap) -> ConnectionSet:
    """Where a DNS server answers: per protocol, its ports named dns or dns-tcp, else 53."""
    found = NO_CONNECTIONS
    for protocol in (Protocol.UDP, Protocol.TCP):
        numbers = [n for name, p, n in port_map if p is protocol and name in _DNS_PORT_NAMES]
        ports = IntervalSet.from_ranges((n, n) for n in numbers) if numbers else _DNS_PORT
        found = found | ConnectionSet.of(protocol, ports)
    return found


def _denies_egress(policy: CompiledAdminPolicy) -> bool:
    return any(rule.action is AdminAction.DENY for rule in policy.egress)


def _reaching(
    matrix: Matrix, servers: Mapping[int, ConnectionSet], externals: int
) -> tuple[int, int]:
    """The sources that may ask a DNS server (or any address on 53): over UDP, and over TCP.

    One pass over the destinations' columns answers both.
    """
    outside = ConnectionSet.of(Protocol.UDP, _DNS_PORT), ConnectionSet.of(Protocol.TCP, _DNS_PORT)
    asked = [(server, listening & UDP, listening & TCP) for server, listening in servers.items()]
    asked.extend((address, *outside) for address in iter_bits(externals))
    udp = tcp = 0
    for destination, over_udp, over_tcp in asked:
        for connections, members in matrix.columns[destination].items():
            if connections & over_udp:
                udp |= members
            if connections & over_tcp:
                tcp |= members
    return udp, tcp


def _would_reach_a_server(
    cluster: Cluster, matrix: Matrix, candidates: int, protocol: Protocol
) -> int:
    """Of ``candidates``, those a policy lets ask a standard DNS server over ``protocol``.

    An admin policy's Allow or Pass toward one counts too: what the tiers below make of a Pass
    is not known without the pods.
    """
    by_ref: dict[ObjectRef, NetworkPolicy | AdminPolicy] = {p.ref: p for p in cluster.policies}
    by_ref.update((p.ref, p) for p in cluster.admin_policies)
    namespaces = {namespace.name: namespace for namespace in cluster.namespaces}
    labels = [
        dict(namespaces.get(name, Namespace.implicit(name)).labels) for name, _, _ in KNOWN_SERVERS
    ]
    answers: dict[int, bool] = {}
    reaching: list[int] = []
    for position in iter_bits(candidates):
        deciders: list[Blamed] = list(matrix.egress_by[position])
        deciders.extend(p for p in matrix.admin_policies if (p.subjects >> position) & 1)
        for compiled in deciders:
            known = answers.get(id(compiled))
            if known is None:
                policy = by_ref.get(compiled.ref)
                known = answers[id(compiled)] = policy is not None and _lets_through(
                    policy, compiled, labels, protocol
                )
            if known:
                reaching.append(position)
                break
    return mask_of(reaching)


def _lets_through(
    policy: NetworkPolicy | AdminPolicy,
    compiled: Blamed,
    namespace_labels: Sequence[Mapping[str, str]],
    protocol: Protocol,
) -> bool:
    """Whether an egress rule of the policy lets a standard DNS server be asked over ``protocol``.

    ``namespace_labels``: the labels of each known server's namespace, in KNOWN_SERVERS' order.
    """
    rules: list[tuple[bool, tuple[object, ...] | None]] = []
    if isinstance(policy, AdminPolicy):
        rules.extend((rule.action is not AdminAction.DENY, rule.peers) for rule in policy.egress)
    else:
        rules.extend((True, rule.peers) for rule in policy.egress)
    compiled_rules: Sequence[CompiledRule | CompiledAdminRule] = compiled.egress or ()
    over = ConnectionSet.of(protocol)
    for (lets, peers), compiled_rule in zip(rules, compiled_rules, strict=True):
        if not lets:
            continue
        servers = zip(KNOWN_SERVERS, namespace_labels, strict=True)
        for (name, pod_labels, port_map), labels in servers:
            if not compiled_rule.ports.resolve(port_map) & _listening(port_map) & over:
                continue
            if peers is None or any(
                _selects(peer, policy.namespace, (name, labels), pod_labels) for peer in peers
            ):
                return True
    return False


def _selects(
    peer: object,
    policy_namespace: str | None,
    server_namespace: tuple[str, Mapping[str, str]],
    pod_labels: Mapping[str, str],
) -> bool:
    """Whether a peer of a policy of ``policy_namespace`` selects a server's pods.

    ``server_namespace``: the name and labels of the namespace the server's pods run in.
    """
    name, labels = server_namespace
    if isinstance(peer, PodPeer):
        if peer.namespace_selector is None:
            in_namespace = policy_namespace == name
        else:
            in_namespace = peer.namespace_selector.matches(labels)
        return in_namespace and (peer.pod_selector or LabelSelector()).matches(pod_labels)
    if isinstance(peer, PodsPeer):
        return peer.namespace_selector.matches(labels) and peer.pod_selector.matches(pod_labels)
    return isinstance(peer, NamespacesPeer) and peer.namespace_selector.matches(labels)


def _blame(
    cluster: Cluster,
    matrix: Matrix,
    blocked: int,
    admin_deny: list[CompiledAdminPolicy],
    code: Code,
) -> Iterator[Diagnostic]:
    """``code`` at few policies that isolate every blocked workload: the widest first."""
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
        many = len(shown) > 1
        yield code.at(
            origins.get(ref, policy.origin),
            policy=_name(ref),
            count=f"{len(shown)} workload{'s' if many else ''}",
            names=_names(shown),
            none="none of them may" if many else "it may not",
            them="them" if many else "it",
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
