"""Why one pair is allowed or denied: per direction, the tiers, policies and rules that decided it.

An explanation reads the decisions a matrix keeps (the compiled policies that select each
endpoint, rule by rule, and the admin policies in the order their tiers ask them) and resolves
them for one pair as the evaluator's tiers do (evaluate/tiers.py, evaluate/admin_tiers.py):
what it says FROM may open to TO is what the matrix holds for the pair.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from netpoldiff.admin_policies import AdminAction, AdminPolicy, AdminTier
from netpoldiff.cluster import Cluster
from netpoldiff.compiled import (
    CompiledAdminPolicy,
    CompiledAdminRule,
    CompiledPolicy,
    CompiledRule,
    PortMap,
)
from netpoldiff.errors import Location
from netpoldiff.intervals import IntervalSet
from netpoldiff.matrix import Matrix
from netpoldiff.model import Endpoint, ExternalEndpoint, ObjectRef
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet, Protocol

Tier = Literal["admin", "networkpolicy", "baseline"]
Action = Literal["allow", "deny", "pass", "isolate"]
Exempt = Literal["loopback", "outside"]
Port = tuple[Protocol, int]

NETWORK_POLICY_TIER: Final[Tier] = "networkpolicy"
_TIERS: Final[Mapping[AdminTier, Tier]] = {AdminTier.ADMIN: "admin", AdminTier.BASELINE: "baseline"}
_ACTIONS: Final[Mapping[AdminAction, Action]] = {
    AdminAction.ALLOW: "allow",
    AdminAction.DENY: "deny",
    AdminAction.PASS: "pass",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """One rule's (or one policy's) part in one direction's decision about the pair.

    In the NetworkPolicy tier, ``rule`` is the index of a rule (in the policy's ``ingress`` or
    ``egress`` list) whose peers match the other end, and ``connections`` what it allows of
    what reached the tier (action ``allow``: empty when its only ports are names the
    destination does not have, or when the tier above decided all its ports). ``rule`` None:
    the policy selects the endpoint and none of its rules matches the other end, so it only
    isolates (action ``isolate``).

    In an admin or baseline tier, ``rule`` is a rule whose subjects hold this end and whose
    peers hold the other, and ``connections`` what it took: those of its ports that no rule
    before it had decided. It allows, denies, or passes them on to the tier below. ``origin``
    is the rule's, else the policy's; ``rule_name`` an admin rule's name (or "").
    """

    policy: ObjectRef
    rule: int | None
    action: Action
    connections: ConnectionSet
    origin: Location | None
    tier: Tier = NETWORK_POLICY_TIER
    rule_name: str = ""


@dataclass(frozen=True, slots=True)
class DirectionVerdict:
    """One direction (FROM's egress, TO's ingress): whether isolated, and what decided it.

    ``decided_by`` lists the decisions in the order they are made: the admin tier's rules, the
    NetworkPolicies that select the endpoint, the baseline tier's rules. ``isolated`` is true
    when some policy decided part of this direction's connections: an admin or baseline rule
    that allowed or denied some, or a NetworkPolicy selecting the endpoint when any reached
    the NetworkPolicy tier. It is false when everything went to the default allow (no rule
    matched, or the matching ones passed it on). ``allowed`` is what this direction lets
    through toward the other end: what the tiers allowed, and what none decided.
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
AdminRules = Sequence[tuple[CompiledAdminPolicy, CompiledAdminRule]]
"""The rules of one admin tier that match the pair in one direction, in the order asked."""
RuleNames = Mapping[tuple[ObjectRef, bool, int], str]
"""An admin rule's name by its policy, direction (ingress True) and index."""


@dataclass(frozen=True, slots=True)
class _Taken:
    """What a tier made of the connections it was given."""

    decisions: tuple[Decision, ...]
    allowed: ConnectionSet
    passed: ConnectionSet  # on to the tier below


def _first_match(
    rules: AdminRules,
    names: RuleNames,
    port_map: PortMap | None,
    given: ConnectionSet,
    *,
    ingress: bool,
) -> _Taken:
    """An admin tier: each connection decided by the first rule that matches it."""
    decisions: list[Decision] = []
    allowed = passed = NO_CONNECTIONS
    undecided = given
    for policy, rule in rules:
        # "The relative precedence of ingress rules within a single ANP object ... will be
        # determined by the order in which the rule is written"; named ports resolve on the
        # destination, as the evaluator resolves them.
        taken = rule.ports.resolve(port_map) & undecided
        if not taken:
            continue
        action = _ACTIONS[rule.action]
        name = names.get((policy.ref, ingress, rule.index), "")
        origin = rule.origin or policy.origin
        tier = _TIERS[policy.tier]
        decisions.append(Decision(policy.ref, rule.index, action, taken, origin, tier, name))
        if action == "allow":
            allowed = allowed | taken
        elif action == "pass":
            passed = passed | taken
        undecided = undecided - taken
    # What no rule matched is not this tier's to decide: it goes on, as what passed does.
    return _Taken(tuple(decisions), allowed, passed | undecided)


def _network_policies(
    policies: Sequence[CompiledPolicy],
    rules_of: RulesOf,
    peer: int,
    port_map: PortMap | None,
    given: ConnectionSet,
) -> _Taken:
    """The NetworkPolicy tier: the policies that select one end, about the end ``peer``."""
    # "... the only allowed connections ... are those allowed by the [ingress | egress] list
    # of some NetworkPolicy that applies to the pod": rules are additive, the rest denied.
    decisions: list[Decision] = []
    allowed = NO_CONNECTIONS
    for policy in policies:
        matching = [rule for rule in rules_of(policy) or () if (rule.peers >> peer) & 1]
        if not matching:
            decisions.append(Decision(policy.ref, None, "isolate", NO_CONNECTIONS, policy.origin))
        for rule in matching:
            connections = rule.ports.resolve(port_map) & given
            decisions.append(Decision(policy.ref, rule.index, "allow", connections, rule.origin))
            allowed = allowed | connections
    return _Taken(tuple(decisions), allowed, NO_CONNECTIONS)


def _direction(
    matrix: Matrix,
    names: RuleNames,
    ends: tuple[int, int],
    port_map: PortMap | None,
    *,
    ingress: bool,
) -> DirectionVerdict:
    """The verdict of one direction: the admin tier, NetworkPolicy, the baseline, the default.

    ``ends`` are the endpoint the direction belongs to (its subject) and the other end.
    """
    subject, peer = ends
    tiers = matrix.admin_policies
    above = _admin_rules(tiers, AdminTier.ADMIN, subject, peer, ingress=ingress)
    admin = _first_match(above, names, port_map, ALL_CONNECTIONS, ingress=ingress)
    decisions, allowed, reached = list(admin.decisions), admin.allowed, admin.passed
    policies = matrix.ingress_by[subject] if ingress else matrix.egress_by[subject]
    if reached and policies:
        # Passed on: "... pass execution to any NetworkPolicies that select the pod."
        rules_of: RulesOf = (lambda p: p.ingress) if ingress else (lambda p: p.egress)
        middle = _network_policies(policies, rules_of, peer, port_map, reached)
        decisions += middle.decisions
        allowed, reached = allowed | middle.allowed, middle.passed
    elif reached:
        # "If the pod is not selected by any NetworkPolicies then execution is passed to any
        # BaselineAdminNetworkPolicies that select the pod."
        below = _admin_rules(tiers, AdminTier.BASELINE, subject, peer, ingress=ingress)
        baseline = _first_match(below, names, port_map, reached, ingress=ingress)
        decisions += baseline.decisions
        allowed, reached = allowed | baseline.allowed, baseline.passed
    # "If no NetworkPolicy objects select a pod ... [its] traffic is allowed": the default.
    isolated = any(decision.action != "pass" for decision in decisions)
    return DirectionVerdict(isolated, tuple(decisions), allowed | reached)


def _rule_names(policies: Iterable[AdminPolicy]) -> dict[tuple[ObjectRef, bool, int], str]:
    names: dict[tuple[ObjectRef, bool, int], str] = {}
    for policy in policies:
        for ingress, rules in ((True, policy.ingress), (False, policy.egress)):
            for index, rule in enumerate(rules):
                if rule.name:
                    names[policy.ref, ingress, index] = rule.name
    return names


def _admin_rules(
    policies: Iterable[CompiledAdminPolicy],
    tier: AdminTier,
    subject: int,
    peer: int,
    *,
    ingress: bool,
) -> AdminRules:
    """The rules of ``tier``, in the order it asks them, that decide ``subject`` about ``peer``.

    Their policy selects ``subject`` and their peers hold ``peer``.
    """
    return [
        (policy, rule)
        for policy in policies
        if policy.tier is tier and (policy.subjects >> subject) & 1
        for rule in (policy.ingress if ingress else policy.egress)
        if (rule.peers >> peer) & 1
    ]


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
    names = _rule_names(cluster.admin_policies)
    egress = _direction(matrix, names, (src, dst), port_map, ingress=False)
    ingress = _direction(matrix, names, (dst, src), port_map, ingress=True)
    exempt: Exempt | None = None
    if isinstance(source, ExternalEndpoint) and isinstance(destination, ExternalEndpoint):
        exempt = "outside"  # traffic between two addresses outside is not the cluster's
    elif source == destination and workload is not None and workload.is_bare_pod:
        exempt = "loopback"  # one pod talking to itself: policies do not govern it
    # Allowed iff the source's egress AND the destination's ingress allow it.
    connections = NO_CONNECTIONS if exempt else egress.allowed & ingress.allowed
    return Explanation(source, destination, egress, ingress, connections, port, exempt)
