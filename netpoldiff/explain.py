"""Why one pair is allowed or denied: per direction, the policies and rules that decided it.

An explanation reads the decisions a matrix keeps (the compiled policies that select each
endpoint, rule by rule) and resolves them for one pair as the evaluator's tiers do
(evaluate/tiers.py): what it says FROM may open to TO is what the matrix holds for the pair.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from netpoldiff.cluster import Cluster
from netpoldiff.compiled import CompiledPolicy, CompiledRule, PortMap
from netpoldiff.errors import Location
from netpoldiff.intervals import IntervalSet
from netpoldiff.matrix import Matrix
from netpoldiff.model import Endpoint, ExternalEndpoint, ObjectRef
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet, Protocol

NETWORK_POLICY_TIER: Final = "networkpolicy"

Action = Literal["allow", "isolate"]
Exempt = Literal["loopback", "outside"]
Port = tuple[Protocol, int]


@dataclass(frozen=True, slots=True)
class Decision:
    """One policy's part in one direction's decision about the pair.

    ``rule`` is the index of a rule (in the policy's ``ingress`` or ``egress`` list) whose
    peers match the other end, and ``connections`` what it allows toward the destination
    (action ``allow``: empty when its only ports are names the destination does not have).
    ``rule`` None: the policy selects the endpoint and none of its rules matches the other
    end, so it only isolates (action ``isolate``). ``origin`` is the rule's, or the policy's.
    """

    policy: ObjectRef
    rule: int | None
    action: Action
    connections: ConnectionSet
    origin: Location | None
    tier: str = NETWORK_POLICY_TIER


@dataclass(frozen=True, slots=True)
class DirectionVerdict:
    """One direction (FROM's egress, TO's ingress): whether isolated, and what decided it.

    ``allowed`` is what this direction lets through toward the other end: everything when
    nothing isolates the endpoint, else the union of what its matching rules allow.
    """

    isolated: bool
    decided_by: tuple[Decision, ...]
    allowed: ConnectionSet


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why FROM may (or may not) open connections to TO.

    ``connections`` is what FROM may open to TO on any port: both directions' ``allowed``.
    ``port``, when asked about, narrows ``allowed`` to that one port. ``exempt`` says why a
    pair is no flow whatever the policies say: ``loopback`` (a bare Pod to itself, which
    policies do not govern) or ``outside`` (two addresses outside the cluster).
    """

    source: Endpoint
    destination: Endpoint
    egress: DirectionVerdict
    ingress: DirectionVerdict
    connections: ConnectionSet
    port: Port | None = None
    exempt: Exempt | None = None

    @property
    def allowed(self) -> ConnectionSet:
        """What FROM may open to TO: at ``port`` when one is asked about (else everything)."""
        return self.connections & port_connections(self.port)


def port_connections(port: Port | None) -> ConnectionSet:
    """One port of one protocol as a connection set; every connection for None."""
    if port is None:
        return ALL_CONNECTIONS
    protocol, number = port
    return ConnectionSet.of(protocol, IntervalSet.of((number, number)))


RulesOf = Callable[[CompiledPolicy], Sequence[CompiledRule] | None]


def _direction(
    policies: Sequence[CompiledPolicy], rules_of: RulesOf, peer: int, port_map: PortMap | None
) -> DirectionVerdict:
    """The verdict of the policies that select one end, about the end numbered ``peer``."""
    if not policies:
        # "If no NetworkPolicy objects select a pod ... [its] traffic is allowed"; and no
        # NetworkPolicy governs an address outside the cluster.
        return DirectionVerdict(isolated=False, decided_by=(), allowed=ALL_CONNECTIONS)
    # "... the only allowed connections ... are those allowed by the [ingress | egress] list
    # of some NetworkPolicy that applies to the pod": rules are additive.
    decisions: list[Decision] = []
    allowed = NO_CONNECTIONS
    for policy in policies:
        matching = [rule for rule in rules_of(policy) or () if (rule.peers >> peer) & 1]
        if not matching:
            decisions.append(Decision(policy.ref, None, "isolate", NO_CONNECTIONS, policy.origin))
        for rule in matching:
            # Named ports resolve on the destination, as the evaluator resolves them.
            connections = rule.ports.resolve(port_map)
            decisions.append(Decision(policy.ref, rule.index, "allow", connections, rule.origin))
            allowed = allowed | connections
    return DirectionVerdict(isolated=True, decided_by=tuple(decisions), allowed=allowed)


def explain(
    matrix: Matrix,
    cluster: Cluster,
    source: Endpoint,
    destination: Endpoint,
    port: Port | None = None,
) -> Explanation:
    """Why ``source`` may (or may not) reach ``destination`` in ``matrix``, ``cluster``'s.

    Both must be endpoints of the matrix (KeyError otherwise).
    """
    number = matrix.index()
    src, dst = number[source], number[destination]
    workload = next((w for w in cluster.workloads if w.endpoint == destination), None)
    port_map = workload.named_ports() if workload is not None else None
    egress = _direction(matrix.egress_by[src], lambda p: p.egress, dst, port_map)
    ingress = _direction(matrix.ingress_by[dst], lambda p: p.ingress, src, port_map)
    exempt: Exempt | None = None
    if isinstance(source, ExternalEndpoint) and isinstance(destination, ExternalEndpoint):
        exempt = "outside"  # traffic between two addresses outside is not the cluster's
    elif source == destination and workload is not None and workload.is_bare_pod:
        exempt = "loopback"  # one pod talking to itself: policies do not govern it
    # Allowed iff the source's egress AND the destination's ingress allow it.
    connections = NO_CONNECTIONS if exempt else egress.allowed & ingress.allowed
    return Explanation(source, destination, egress, ingress, connections, port, exempt)
