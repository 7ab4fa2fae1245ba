"""Policies compiled over one numbering of endpoints: whom they select, each rule as masks.

The evaluator decides with these, and a matrix keeps them as its decisions: which policies
select an endpoint in each direction, and, rule by rule (index and origin kept), which peers
and ports each allows. Explain, causes, lint and SARIF read them instead of evaluating again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from netpoldiff.admin_policies import AdminAction, AdminTier
from netpoldiff.bitsets import Span, iter_span, span_of
from netpoldiff.errors import Location
from netpoldiff.intervals import IntervalSet
from netpoldiff.model import ObjectRef
from netpoldiff.ports import ConnectionSet, Protocol

NamedPort = tuple[str, Protocol]
PortMap = tuple[tuple[str, Protocol, int], ...]
"""A destination's named container ports: (name, protocol, number), sorted."""


@dataclass(frozen=True, slots=True)
class CompiledPorts:
    """A rule's ports: what holds toward every destination, and what depends on port names."""

    numeric: ConnectionSet
    named: tuple[NamedPort, ...]

    def resolve(self, port_map: PortMap | None) -> ConnectionSet:
        """The connections toward one destination, whose named ports are ``port_map``.

        ``port_map`` None is an address outside the cluster: "a named port never matches".
        """
        if not self.named or port_map is None:
            return self.numeric
        result = self.numeric
        for name, protocol in self.named:
            # A named port matches every container port of the destination with that name
            # and protocol; one the destination lacks matches nothing.
            numbers = [
                n for (p_name, p_proto, n) in port_map if (p_name, p_proto) == (name, protocol)
            ]
            if numbers:
                result = result | ConnectionSet.of(
                    protocol, IntervalSet.from_ranges((n, n) for n in numbers)
                )
        return result


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One rule: its place in its policy, where it is written, its peers (a mask), its ports.

    ``peer_masks`` holds what each of the rule's peers matches, in the order written (empty
    when the rule names no peers and so matches every one): lint and the checks for peers
    that match nothing read them.
    """

    index: int
    origin: Location | None
    peers: int
    ports: CompiledPorts
    peer_masks: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)  # identity: one object per policy and selection
class CompiledPolicy:
    """A policy over one numbering: the endpoints it selects, and its rules per direction.

    ``ingress`` (``egress``) is None when the policy does not govern that direction of its
    subjects (its policyTypes leave it out, or it selects nothing).
    """

    ref: ObjectRef
    origin: Location | None
    # Whom it selects, as a span: a policy selects within its namespace, a few neighbours
    # that a whole mask would store as far up as the highest of them. Over a large cluster,
    # whole masks were most of the memory.
    subjects_span: Span
    ingress: tuple[CompiledRule, ...] | None
    egress: tuple[CompiledRule, ...] | None

    @classmethod
    def of(
        cls,
        ref: ObjectRef,
        origin: Location | None,
        subjects: int,
        ingress: tuple[CompiledRule, ...] | None,
        egress: tuple[CompiledRule, ...] | None,
    ) -> CompiledPolicy:
        """A compiled policy that selects the endpoints of the mask ``subjects``."""
        return cls(ref, origin, span_of(subjects), ingress, egress)

    @property
    def subjects(self) -> int:
        """The endpoints it selects, as a mask (made on each call: keep it only briefly)."""
        offset, bits = self.subjects_span
        return bits << offset

    @property
    def selects_anything(self) -> bool:
        """Whether it selects some endpoint."""
        return self.subjects_span[1] != 0

    def subject_positions(self) -> Iterator[int]:
        """The positions of the endpoints it selects, lowest first."""
        return iter_span(self.subjects_span)

    def selects(self, position: int) -> bool:
        """Whether it selects the endpoint at ``position``."""
        offset, bits = self.subjects_span
        return position >= offset and (bits >> (position - offset)) & 1 == 1


@dataclass(frozen=True, slots=True, eq=False)  # identity: column keys hold rules by identity
class CompiledAdminRule:
    """One admin rule over one numbering: what it does, to whom, on which ports.

    ``subjects`` are its policy's (the sources of an egress rule, the destinations of an
    ingress one); ``peers`` the other end. ``ports`` is None-free: every port when the rule
    names none.
    """

    index: int
    origin: Location | None
    action: AdminAction
    subjects: int
    peers: int
    ports: CompiledPorts
    peer_masks: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class CompiledAdminPolicy:
    """An admin policy over one numbering: its tier, its place, whom it selects, its rules."""

    ref: ObjectRef
    origin: Location | None
    tier: AdminTier
    order: tuple[int, str, str]
    subjects: int
    ingress: tuple[CompiledAdminRule, ...]
    egress: tuple[CompiledAdminRule, ...]
