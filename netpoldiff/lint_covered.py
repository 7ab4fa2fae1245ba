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
from collections.abc import Iterator, Mapping
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
from netpoldiff.selectors import LabelSelector

_NAMES_SHOWN: Final = 3
_DIRECTIONS: Final = ("ingress", "egress")


def covered_policies(
    cluster: Cluster, matrix: Matrix, port_maps: Mapping[int, PortMap], skip: set[ObjectRef]
) -> tuple[Diagnostic, ...]:
    """Warnings for the policies of ``cluster`` that others cover (``skip``: not these).

    ``port_maps`` are the named ports of each workload of ``matrix``, by position.
    """
    isolating = _Isolating()
    for policy in cluster.policies:
        isolating.count(policy, 1)
    compiled = {each.ref: each for each in matrix.policies}
    finder = _Finder(matrix, port_maps)
    found = []
    for policy in sorted(cluster.policies, key=lambda p: p.ref.sort_key()):
        mine = compiled.get(policy.ref)
        if mine is None or not mine.selects_anything or policy.ref in skip:
            continue
        governed = [d for d in _DIRECTIONS if getattr(mine, d) is not None]
        rules = [rule for d in governed for rule in getattr(mine, d)]
        if not rules or any(_vacuous(rule) for rule in rules):
            continue
        others: set[ObjectRef] = set()
        if all(isolating.without(policy, d) for d in governed) and all(
            finder.covered(mine, d, others) for d in governed
        ):
            found.append(
                COVERED_POLICY.at(
                    policy.origin, policy=str(policy.ref), others=_listed(sorted(others))
                )
            )
            # Those found are taken as removed: two policies that cover each other are not
            # both reported, and removing every one reported still changes nothing.
            finder.removed.add(policy.ref)
            isolating.count(policy, -1)
    return tuple(found)


def _vacuous(rule: CompiledRule) -> bool:
    """Whether a rule, or one of its peers, matches nothing here: covered for want of input."""
    return not rule.peers or not all(rule.peer_masks)


@dataclass(slots=True)
class _Isolating:
    """The podSelectors of the policies that govern each namespace and direction."""

    selectors: dict[tuple[str, str], Counter[LabelSelector]] = field(
        default_factory=lambda: defaultdict(Counter)
    )

    def count(self, policy: NetworkPolicy, times: int) -> None:
        """Count a policy in (1) or out (-1)."""
        for direction in _DIRECTIONS:
            if getattr(policy, f"affects_{direction}"):
                self.selectors[policy.namespace, direction][policy.pod_selector] += times

    def without(self, policy: NetworkPolicy, direction: str) -> bool:
        """Whether another policy of its namespace selects every pod it selects, that way."""
        mine = policy.pod_selector
        return any(
            count > (selector == mine) and implies(mine, selector)
            for selector, count in self.selectors[policy.namespace, direction].items()
        )


@dataclass(slots=True)
class _Finder:
    """Answers "do the others allow all it allows", resolving each set of ports once."""

    matrix: Matrix
    port_maps: Mapping[int, PortMap]
    # Destinations by the named ports they declare (None: addresses outside the cluster).
    places: dict[PortMap | None, int] = field(init=False)
    _resolved: dict[tuple[CompiledPorts, PortMap | None], ConnectionSet] = field(
        init=False, default_factory=dict
    )
    removed: set[ObjectRef] = field(init=False, default_factory=set)  # covered, left out

    def __post_init__(self) -> None:
        held: dict[PortMap | None, list[int]] = defaultdict(list)
        for position in iter_bits(self.matrix.present):
            held[self.port_maps.get(position)].append(position)
        self.places = {port_map: mask_of(members) for port_map, members in held.items()}

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
        matrix = self.matrix
        selected_by = matrix.ingress_by if direction == "ingress" else matrix.egress_by
        rules: tuple[CompiledRule, ...] = getattr(mine, direction)
        # Masks span the whole cluster: each new one copies it. Subjects are gathered as
        # positions (made a mask only where ports need them), and a peer is found unlisted
        # with AND and compare (no complement of the union, as long as the cluster is wide).
        by_selecting: dict[tuple[CompiledPolicy, ...], list[int]] = defaultdict(list)
        for subject in mine.subject_positions():
            by_selecting[selected_by[subject]].append(subject)
        groups: dict[tuple[CompiledPolicy, ...], list[int]] = defaultdict(list)
        for selecting, members in by_selecting.items():
            kept = (p for p in selecting if p is not mine and p.ref not in self.removed)
            groups[tuple(kept)].extend(members)
        for covering, subjects in groups.items():
            theirs = [rule for policy in covering for rule in getattr(policy, direction)]
            listed = 0
            for rule in theirs:
                listed = listed | rule.peers if listed else rule.peers
            if any(rule.peers & listed != rule.peers for rule in rules):
                return False  # a peer no other rule lists (or no other policy at all)
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


def _listed(refs: list[ObjectRef]) -> str:
    names = [str(ref) for ref in refs]
    more = len(names) - _NAMES_SHOWN
    listed = ", ".join(names[:_NAMES_SHOWN])
    return f"{listed} and {more} more" if more > 0 else listed
