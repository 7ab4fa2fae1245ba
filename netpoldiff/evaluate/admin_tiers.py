"""The admin tiers of each direction: ordered rules whose first match allows, denies or passes.

AdminNetworkPolicy (and ClusterNetworkPolicy's Admin tier) is asked before NetworkPolicy;
BaselineAdminNetworkPolicy (and the Baseline tier) after it, for what NetworkPolicy leaves
undecided: the connections of pods no NetworkPolicy isolates. Within a tier, policies are asked
by priority and each policy's rules in the order written; a connection is decided by the first
rule that matches it.

Work is per destination, as for NetworkPolicy: ingress rules are those of the policies that
select the destination, egress rules those whose peers include it (each for its own sources).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from netpoldiff.admin_policies import AdminAction
from netpoldiff.bitsets import iter_bits
from netpoldiff.columns import Column, column_difference, column_union
from netpoldiff.compiled import CompiledAdminPolicy, CompiledAdminRule, PortMap
from netpoldiff.evaluate.tiers import Verdict, within

RuleKey = tuple[CompiledAdminRule, ...]


def first_match(
    rules: Sequence[CompiledAdminRule], port_map: PortMap | None, undecided: Column, *, egress: bool
) -> Verdict:
    """What ordered rules make of ``undecided``: each connection decided by its first match.

    Ingress rules match sources by their peers; egress rules (all of whose peers hold the
    destination) match sources by their subjects. What no rule matches passes on.
    """
    allowed: Column = {}
    passed: Column = {}
    for rule in rules:
        if not undecided:
            break
        # "Ports allows for matching traffic based on port and protocols": named ports
        # resolve on the destination, as for NetworkPolicy.
        connections = rule.ports.resolve(port_map)
        sources = rule.subjects if egress else rule.peers
        if not connections or not sources:
            continue
        matched = within({connections: sources}, undecided)
        if not matched:
            continue
        match rule.action:
            case AdminAction.ALLOW:
                allowed = column_union(allowed, matched)
            case AdminAction.PASS:
                # "Pass: ... skip evaluation of any further ... rules": on to the next tier.
                passed = column_union(passed, matched)
            case AdminAction.DENY:
                pass  # denied: in neither
        undecided = column_difference(undecided, matched)
    # What no rule matched is not this tier's to decide.
    return Verdict(allowed, column_union(passed, undecided))


def _named(key: RuleKey) -> bool:
    return any(rule.ports.named for rule in key)


@dataclass(slots=True)
class AdminIngress:
    """An admin tier of ingress: per destination, the rules of the policies that select it."""

    keys: list[RuleKey]
    names: list[bool]

    @classmethod
    def of(cls, policies: Iterable[CompiledAdminPolicy], size: int) -> AdminIngress:
        """The tier of these policies (one tier's, in its order) over ``size`` endpoints."""
        rules: list[list[CompiledAdminRule]] = [[] for _ in range(size)]
        for policy in policies:
            if policy.ingress:
                for subject in iter_bits(policy.subjects):
                    rules[subject].extend(policy.ingress)
        keys = [tuple(found) for found in rules]
        return cls(keys, [_named(key) for key in keys])

    def decide(self, dst: int, port_map: PortMap | None, undecided: Column) -> Verdict:
        """The first matching ingress rule decides each source's connections to ``dst``."""
        rules = self.keys[dst]
        if not rules:
            return Verdict({}, undecided)
        return first_match(rules, port_map, undecided, egress=False)


@dataclass(slots=True)
class AdminEgress:
    """An admin tier of egress: per destination, the rules whose peers include it."""

    keys: list[RuleKey]
    names: list[bool]

    @classmethod
    def of(cls, policies: Iterable[CompiledAdminPolicy], size: int) -> AdminEgress:
        """The tier of these policies (one tier's, in its order) over ``size`` endpoints."""
        rules: list[list[CompiledAdminRule]] = [[] for _ in range(size)]
        for policy in policies:
            for rule in policy.egress:
                if rule.subjects:
                    for peer in iter_bits(rule.peers):
                        rules[peer].append(rule)
        keys = [tuple(found) for found in rules]
        return cls(keys, [_named(key) for key in keys])

    def decide(self, dst: int, port_map: PortMap | None, undecided: Column) -> Verdict:
        """The first matching egress rule decides each source's connections to ``dst``."""
        rules = self.keys[dst]
        if not rules:
            return Verdict({}, undecided)
        return first_match(rules, port_map, undecided, egress=True)
