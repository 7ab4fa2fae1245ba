"""Policies covered by others: removing one changes nothing, now and for the pods it selects later.

A policy is covered when

- another policy of its namespace selects every pod its podSelector selects, in each direction it
  governs (read from the selectors: its pods stay isolated whatever pods come later), and
- for every workload of the input it selects, the other policies selecting that workload allow
  every flow it allows (read from the compiled rules: exact on the input's workloads).

Then removing it changes nothing in the matrix. It is decided without evaluating the cluster
again: subjects that the same policies select are taken together, a rule whose peers no other
rule lists ends the question at once, and ports are resolved per distinct set of named ports.
Policies are asked in order of name, and one found covered is taken as removed for the next: two
that cover each other are not both reported, and removing all those reported changes nothing.
Policies that only isolate (a default deny) are never called covered, since they state intent;
nor are those with a peer that matches nothing (NPD007 says so), whose coverage would be vacuous.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from netpoldiff.bitsets import iter_bits, mask_of
from netpoldiff.cluster import Cluster
from netpoldiff.compiled import CompiledPolicy, CompiledPorts, CompiledRule, PortMap
from netpoldiff.coverage import grants_cover, implies
from netpoldiff.diagnostics import COVERED_POLICY, Diagnostic
from netpoldiff.matrix import Matrix
from netpoldiff.model import ObjectRef
from netpoldiff.policies import NetworkPolicy
from netpoldiff.ports import ConnectionSet
from netpoldiff.selectors import LabelSelector, SelectorFields

_NAMES_SHOWN: Final = 3
_DIRECTIONS: Final = ("ingress", "egress")


def covered_policies(
    cluster: Cluster, matrix: Matrix, port_maps: Mapping[int, PortMap], skip: set[ObjectRef]
) -> tuple[Diagnostic, ...]:
    """Warnings for the policies of ``cluster`` that others cover (``skip``: not these).

    ``port_maps`` are the named ports of each workload of ``matrix``, by position.
    """
    isolating = _Isolating.of(cluster.policies)
    compiled = {each.ref: each for each in matrix.policies}
    finder = _Finder(matrix, port_maps)
    found = []
    for policy in sorted(cluster.policies, key=lambda p: p.ref.sort_key()):
        mine = compiled.get(policy.ref)
        if mine is None or not mine.selects_anything or (skip and policy.ref in skip):
            continue
        governed = [
            (direction, rules)
            for direction, rules in (("ingress", mine.ingress), ("egress", mine.egress))
            if rules is not None
        ]
        if not any(rules for _, rules in governed) or any(
            _vacuous(rule) for _, rules in governed for rule in rules
        ):
            continue
        others: set[ObjectRef] = set()
        if all(isolating.without(policy, d) for d, _ in governed) and all(
            finder.covered(mine, d, others) for d, _ in governed
        ):
            found.append(
                COVERED_POLICY.at(
                    policy.origin, policy=str(policy.ref), others=_listed(sorted(others))
                )
            )
            # Those found are taken as removed: two policies that cover each other are not
            # both reported, and removing every one reported still changes nothing.
            finder.removed.add(mine)
            isolating.count(policy, -1)
    return tuple(found)


def _vacuous(rule: CompiledRule) -> bool:
    """Whether a rule, or one of its peers, matches nothing here: covered for want of input."""
    return not rule.peers or not all(rule.peer_masks)


@dataclass(slots=True)
class _Isolating:
    """The podSelectors of the policies that govern each namespace and direction."""

    selectors: dict[tuple[str, str], Counter[SelectorFields]] = field(
        default_factory=lambda: defaultdict(Counter)
    )

    @classmethod
    def of(cls, policies: Iterable[NetworkPolicy]) -> _Isolating:
        """Every policy counted in, gathered first: a count at a time is slow by thousands."""
        gathered: dict[tuple[str, str], list[SelectorFields]] = defaultdict(list)
        for policy in policies:
            written = policy.pod_selector.fields_key()
            if policy.affects_ingress:
                gathered[policy.namespace, "ingress"].append(written)
            if policy.affects_egress:
                gathered[policy.namespace, "egress"].append(written)
        isolating = cls()
        isolating.selectors.update((key, Counter(each)) for key, each in gathered.items())
        return isolating

    def count(self, policy: NetworkPolicy, times: int) -> None:
        """Count a policy in (1) or out (-1)."""
        for direction in _DIRECTIONS:
            if getattr(policy, f"affects_{direction}"):
                selectors = self.selectors[policy.namespace, direction]
                selectors[policy.pod_selector.fields_key()] += times

    def without(self, policy: NetworkPolicy, direction: str) -> bool:
        """Whether another policy of its namespace selects every pod it selects, that way."""
        mine = policy.pod_selector
        own = mine.fields_key()
        # Label pairs only, the usual case: implied when each of the other's pairs is mine
        # (coverage.implies, without making a set of my pairs for each other selector).
        pairs = None if mine.expressions else frozenset(mine.match_labels)
        for (labels, expressions), count in self.selectors[policy.namespace, direction].items():
            if not count:
                continue
            if pairs is not None and not expressions:
                implied = pairs.issuperset(labels)
            else:
                implied = implies(mine, LabelSelector(labels, expressions))
            # Its own selector counts when another policy writes it too.
            if implied and (count > 1 or (labels, expressions) != own):
                return True
        return False


@dataclass(slots=True)
class _Finder:
    """Answers "do the others allow all it allows", resolving each set of ports once."""

    matrix: Matrix
    port_maps: Mapping[int, PortMap]
    # Destinations by the named ports they declare (None: addresses outside the cluster),
    # gathered on first use: only egress rules naming ports need them.
    _places_by_ports: dict[PortMap | None, int] | None = field(init=False, default=None)
    _resolved: dict[tuple[CompiledPorts, PortMap | None], ConnectionSet] = field(
        init=False, default_factory=dict
    )
    # Covered, left out: compared by identity (a policy's ref is hashed in Python).
    removed: set[CompiledPolicy] = field(init=False, default_factory=set)

    @property
    def places(self) -> dict[PortMap | None, int]:
        """Destinations by the named ports they declare (None: addresses outside the cluster)."""
        if self._places_by_ports is None:
            held: dict[PortMap | None, list[int]] = defaultdict(list)
            for position in iter_bits(self.matrix.present):
                held[self.port_maps.get(position)].append(position)
            self._places_by_ports = {port_map: mask_of(each) for port_map, each in held.items()}
        return self._places_by_ports

    def _resolve(self, ports: CompiledPorts, port_map: PortMap | None) -> ConnectionSet:
        key = (ports, port_map)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = ports.resolve(port_map)
        return found

    def covered(self, mine: CompiledPolicy, direction: str, others: set[ObjectRef]) -> bool:
        """Whether, for each subject, the other policies selecting it allow all ``mine`` does.

        ``others`` gains the policies that were asked.
        """
        ingress = direction == "ingress"
        selected_by = self.matrix.ingress_by if ingress else self.matrix.egress_by
        rules = (mine.ingress if ingress else mine.egress) or ()
        removed = self.removed
        # Most policies are not covered, and the first subject's other policies already
        # leave a peer unlisted: each group's peers are tested as soon as the group is met,
        # before the rest of the subjects are gathered. Masks span the whole cluster (each
        # new one copies it): subjects are kept as positions, made a mask only where ports
        # need them.
        kept: dict[tuple[CompiledPolicy, ...], tuple[CompiledPolicy, ...]] = {}
        groups: dict[tuple[CompiledPolicy, ...], tuple[list[CompiledRule], list[int]]] = {}
        for subject in mine.subject_positions():
            selecting = selected_by[subject]
            covering = kept.get(selecting)
            if covering is None:
                covering = tuple(p for p in selecting if p is not mine and p not in removed)
                kept[selecting] = covering
                if covering not in groups:
                    theirs = [
                        rule
                        for policy in covering
                        for rule in (policy.ingress if ingress else policy.egress) or ()
                    ]
                    if not _lists_every_peer(theirs, rules):
                        return False  # a peer no other rule lists (or no other policy at all)
                    groups[covering] = (theirs, [])
            groups[covering][1].append(subject)
        for covering, (theirs, subjects) in groups.items():
            others.update(policy.ref for policy in covering)
            if not all(
                self._ports_covered(rules, theirs, p)
                for p in self._places(direction, mask_of(subjects), rules, theirs)
            ):
                return False
        return True

    def _places(
        self,
        direction: str,
        subjects: int,
        rules: tuple[CompiledRule, ...],
        theirs: list[CompiledRule],
    ) -> Iterator[tuple[PortMap | None, int]]:
        """Where named ports resolve alike: (named ports, the peers they hold for)."""
        if not any(rule.ports.named for rule in (*rules, *theirs)):
            yield (), -1
        elif direction == "ingress":
            # On the destination: each subject's own named ports, whoever the peer.
            maps: set[PortMap | None] = {self.port_maps.get(s, ()) for s in iter_bits(subjects)}
            for port_map in maps:
                yield port_map, -1
        else:
            # On each destination: the peers, grouped by the named ports they declare.
            wanted = 0
            for rule in rules:
                wanted |= rule.peers
            for port_map, members in self.places.items():
                if members & wanted:
                    yield port_map, members

    def _ports_covered(
        self,
        rules: tuple[CompiledRule, ...],
        theirs: list[CompiledRule],
        place: tuple[PortMap | None, int],
    ) -> bool:
        port_map, within = place
        grants = [(rule.peers & within, self._resolve(rule.ports, port_map)) for rule in theirs]
        return all(
            grants_cover(grants, rule.peers & within, self._resolve(rule.ports, port_map))
            for rule in rules
        )


def _lists_every_peer(theirs: list[CompiledRule], rules: tuple[CompiledRule, ...]) -> bool:
    """Whether every peer of ``rules`` is a peer of one of ``theirs``."""
    # Tested with AND and compare: no complement of the union, as long as the cluster is wide.
    listed = 0
    for rule in theirs:
        listed = listed | rule.peers if listed else rule.peers
    return all(rule.peers & listed == rule.peers for rule in rules)


def _listed(refs: list[ObjectRef]) -> str:
    names = [str(ref) for ref in refs]
    more = len(names) - _NAMES_SHOWN
    listed = ", ".join(names[:_NAMES_SHOWN])
    return f"{listed} and {more} more" if more > 0 else listed
