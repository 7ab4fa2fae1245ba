"""Each direction's decision as an ordered pipeline of tiers: allow, deny, or pass it on.

A flow needs both directions: the source's egress and the destination's ingress. For each, the
tiers are asked in order; each takes the connections still undecided, allows some, passes some
to the next tier, and denies the rest. NetworkPolicy is one tier; the last allows whatever
reaches it. Tiers above or below NetworkPolicy (admin policies) plug in here.

Work is per destination, over columns: ingress tiers are asked about the destination's own
isolation, egress tiers about every source's toward it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from netpoldiff.bitsets import Span, iter_bits, mask_of
from netpoldiff.columns import Column, column_union
from netpoldiff.compiled import CompiledPolicy, CompiledPorts, CompiledRule, PortMap
from netpoldiff.ports import ALL_CONNECTIONS, ConnectionSet


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a tier made of the connections it was given: some allowed, some passed on.

    Whatever it was given and is in neither is denied.
    """

    allowed: Column
    passed: Column


class Tier(Protocol):
    """One tier of a direction's decision, for the destinations of one matrix."""

    @property
    def keys(self) -> Sequence[Hashable]:
        """Per destination, what decides it here, port names aside: equal keys, equal verdicts.

        Empty for a tier whose verdict is the same everywhere (the default's).
        """

    @property
    def names(self) -> Sequence[bool]:
        """Per destination, whether the verdict depends on its named ports."""

    def decide(self, dst: int, port_map: PortMap | None, undecided: Column) -> Verdict:
        """The verdict on the connections ``undecided`` toward ``dst``."""


def restricted(column: Column, sources: int) -> Column:
    """The column for ``sources`` only."""
    result = {}
    for connections, members in column.items():
        kept = members & sources
        if kept:
            result[connections] = kept
    return result


def within(column: Column, undecided: Column) -> Column:
    """``column`` cut to what is still undecided (the common case: all of some sources)."""
    if len(undecided) == 1 and ALL_CONNECTIONS in undecided:
        return restricted(column, undecided[ALL_CONNECTIONS])
    result: dict[ConnectionSet, int] = {}
    for c1, m1 in column.items():
        for c2, m2 in undecided.items():
            both = m1 & m2
            if both:
                connections = c1 & c2
                if connections:
                    result[connections] = result.get(connections, 0) | both
    return result


def decide(tiers: Sequence[Tier], dst: int, port_map: PortMap | None, undecided: Column) -> Column:
    """What the tiers allow of ``undecided``, each tier deciding what the one above passed."""
    allowed: Column = {}
    for tier in tiers:
        if not undecided:
            break
        verdict = tier.decide(dst, port_map, undecided)
        if verdict.allowed:
            allowed = column_union(allowed, verdict.allowed) if allowed else verdict.allowed
        undecided = verdict.passed
    return allowed


class DefaultAllow:
    """The last tier: whatever no tier above decided is allowed."""

    keys: Sequence[Hashable] = ()
    names: Sequence[bool] = ()

    def decide(self, dst: int, port_map: PortMap | None, undecided: Column) -> Verdict:  # noqa: ARG002
        """Everything given is allowed."""
        # "If no NetworkPolicy objects select a pod ... [its] traffic is allowed": a pod is
        # non-isolated unless a policy isolates it.
        return Verdict(undecided, {})


@dataclass(slots=True)
class NetworkPolicyIngress:
    """The NetworkPolicy tier of ingress: per destination, the policies that isolate it."""

    keys: list[tuple[CompiledPolicy, ...]]  # the policies selecting each destination
    names: list[bool]

    @classmethod
    def of(cls, policies: Iterable[CompiledPolicy], size: int) -> NetworkPolicyIngress:
        """The tier for these compiled policies over ``size`` endpoints."""
        selected_by: list[list[CompiledPolicy]] = [[] for _ in range(size)]
        for policy in policies:
            if policy.ingress is not None:
                for subject in policy.subject_positions():
                    selected_by[subject].append(policy)
        keys = [tuple(policies) for policies in selected_by]
        named: dict[tuple[CompiledPolicy, ...], bool] = {}
        for key in keys:
            if key not in named:
                named[key] = any(
                    rule.ports.named for policy in key for rule in policy.ingress or ()
                )
        return cls(keys, [named[key] for key in keys])

    def decide(self, dst: int, port_map: PortMap | None, undecided: Column) -> Verdict:
        """Allowed: what the rules of the policies selecting ``dst`` allow; nothing passes."""
        policies = self.keys[dst]
        if not policies:
            # "... a pod is isolated for ingress if there is any NetworkPolicy that both
            # selects the pod and has "Ingress" in its policyTypes": not isolated, not ours.
            return Verdict({}, undecided)
        # "... the only allowed connections into the pod are from the pod's node and those
        # allowed by the ingress list of some NetworkPolicy that applies to the pod for
        # ingress." Rules are additive; what none allows is denied.
        column: Column = {}
        for policy in policies:
            for rule in policy.ingress or ():
                connections = rule.ports.resolve(port_map)
                if connections and rule.peers:
                    column = column_union(column, {connections: rule.peers})
        return Verdict(within(column, undecided), {})


Grant = tuple[int, CompiledPorts]
"""Egress of some sources (a mask) on some ports, toward a rule's peers."""

Entry = tuple[CompiledPolicy, CompiledRule]
"""An egress rule, of the policy whose subjects it grants."""


@dataclass(slots=True, eq=False)  # identity: one group per peer mask and grants
class EgressGroup:
    """Egress rules that share one peer mask: numeric grants merged, named ones kept apart."""

    peers: int
    numeric: Column
    named: tuple[Grant, ...]

    @classmethod
    def of(cls, peers: int, grants: Iterable[Grant]) -> EgressGroup:
        """The group of these grants toward ``peers``."""
        numeric: Column = {}
        named: list[Grant] = []
        for subjects, ports in grants:
            if ports.named:
                named.append((subjects, ports))
            elif ports.numeric:
                numeric = column_union(numeric, {ports.numeric: subjects})
        return cls(peers, numeric, tuple(named))


GroupCache = dict[tuple[int, tuple[tuple[Span, CompiledPorts], ...]], EgressGroup]
"""Groups by peers and grants, each grant's sources as a span: a key holds no whole mask."""


def egress_group(peers: int, entries: Sequence[Entry], groups: GroupCache) -> EgressGroup:
    """The group of the rules ``entries`` toward ``peers``, one per equal grants."""
    key = (peers, tuple((policy.subjects_span, rule.ports) for policy, rule in entries))
    group = groups.get(key)
    if group is None:
        grants = [(policy.subjects, rule.ports) for policy, rule in entries]
        group = groups[key] = EgressGroup.of(peers, grants)
    return group


@dataclass(slots=True)
class NetworkPolicyEgress:
    """The NetworkPolicy tier of egress: isolated sources, and the grants toward each peer."""

    selected_by: list[tuple[CompiledPolicy, ...]]  # the policies selecting each source
    isolated: int
    keys: list[tuple[EgressGroup, ...]]  # the groups of grants whose peers include each
    names: list[bool]
    # Per peer mask, the rules toward it, by policy and rule order: what the groups are of.
    entries: dict[int, tuple[Entry, ...]]

    @classmethod
    def of(
        cls, policies: Iterable[CompiledPolicy], size: int, groups: GroupCache
    ) -> NetworkPolicyEgress:
        """The tier for these compiled policies; ``groups`` is shared by equal grants."""
        selected_by: list[list[CompiledPolicy]] = [[] for _ in range(size)]
        found: dict[int, list[Entry]] = {}
        for policy in policies:
            if policy.egress is None:
                continue
            for subject in policy.subject_positions():
                selected_by[subject].append(policy)
            for rule in policy.egress:
                if rule.peers:
                    found.setdefault(rule.peers, []).append((policy, rule))
        reaching: list[list[EgressGroup]] = [[] for _ in range(size)]
        # By peer mask: a destination's key is then the same however the tier was built.
        for peers in sorted(found):
            group = egress_group(peers, found[peers], groups)
            for dst in iter_bits(peers):
                reaching[dst].append(group)
        keys = [tuple(groups) for groups in reaching]
        names = [any(group.named for group in key) for key in keys]
        # Built once from the positions: OR-ing each policy's subjects in copies the whole
        # mask every time.
        isolated = mask_of(source for source, by in enumerate(selected_by) if by)
        entries = {peers: tuple(rules) for peers, rules in found.items()}
        return cls([tuple(s) for s in selected_by], isolated, keys, names, entries)

    def decide(self, dst: int, port_map: PortMap | None, undecided: Column) -> Verdict:
        """Isolated sources: what their rules allow toward ``dst``; the others pass on."""
        # "... a pod is isolated for egress if there is any NetworkPolicy that both selects
        # the pod and has "Egress" in its policyTypes ... the only allowed connections from
        # the pod are those allowed by the egress list of some NetworkPolicy that applies to
        # the pod for egress." Externals are never isolated.
        column: Column = {}
        for group in self.keys[dst]:
            column = column_union(column, group.numeric)
            for subjects, ports in group.named:
                connections = ports.resolve(port_map)
                if connections:
                    column = column_union(column, {connections: subjects})
        return Verdict(within(column, undecided), restricted(undecided, ~self.isolated))
