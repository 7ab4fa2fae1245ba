"""The lines of a diff report: changed pairs grouped the way a reviewer reads them.

Sources that gained or lost the same connections toward a destination form one line
("all of team-a -> prod/db"), and destinations with identical lines merge, so a change that
touches a million pairs still prints a few lines. Text and Markdown both render these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from netpoldiff.bitsets import iter_bits
from netpoldiff.causes import Cause, ChangeSet, SubjectChange, cause_order
from netpoldiff.columns import column_sources
from netpoldiff.diff import MatrixDiff
from netpoldiff.model import Endpoint, ExternalEndpoint, ObjectRef, WorkloadEndpoint
from netpoldiff.ports import NO_CONNECTIONS, ConnectionSet
from netpoldiff.report.rows import Population, describe_group

Sign = Literal["+", "-", "~"]
OUTSIDE = "outside the cluster"


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One line of a report: sources -> destinations, what opened and closed, and why."""

    sign: Sign
    sources: list[str]
    destinations: list[str]
    source_namespace: str
    destination_namespace: str
    opened: ConnectionSet
    closed: ConnectionSet
    causes: tuple[Cause, ...]
    deciding: tuple[Cause, ...]
    subject_changes: tuple[SubjectChange, ...]
    pairs: int
    from_outside: bool
    cross_namespace: bool

    @property
    def connections(self) -> str:
        """``TCP/443`` for one direction of change, ``+TCP/443 -TCP/80`` for both."""
        if self.sign == "+":
            return str(self.opened)
        if self.sign == "-":
            return str(self.closed)
        return f"+{self.opened} -{self.closed}"


def _namespace_of(endpoint: Endpoint) -> str:
    return endpoint.namespace if isinstance(endpoint, WorkloadEndpoint) else OUTSIDE


@dataclass(slots=True)
class _Group:
    sources: int = 0
    destinations: list[int] = field(default_factory=list)


def _groups_of_destination(
    diff: MatrixDiff, dst: int
) -> dict[tuple[ConnectionSet, ConnectionSet], int]:
    """Sources of one destination by (opened, closed) connections."""
    opened, closed = diff.opened[dst], diff.closed[dst]
    groups: dict[tuple[ConnectionSet, ConnectionSet], int] = defaultdict(int)
    opened_all, closed_all = column_sources(opened), column_sources(closed)
    for gained, sources in opened.items():
        only = sources & ~closed_all
        if only:
            groups[gained, NO_CONNECTIONS] |= only
        for lost, lost_sources in closed.items():
            both = sources & lost_sources
            if both:
                groups[gained, lost] |= both
    for lost, sources in closed.items():
        only = sources & ~opened_all
        if only:
            groups[NO_CONNECTIONS, lost] |= only
    return groups


class _CauseIndex:
    """Policies deciding pairs, looked up per group of sources without visiting every pair."""

    def __init__(self, diff: MatrixDiff) -> None:
        self.diff = diff
        classes: dict[tuple[ObjectRef, ...], int] = defaultdict(int)
        for index in range(len(diff.endpoints)):
            key = tuple(sorted({*diff.old.egress_refs(index), *diff.new.egress_refs(index)}))
            if key:
                classes[key] |= 1 << index
        self.egress_classes = list(classes.items())

    def policies(self, sources: int, destinations: Iterable[int]) -> set[ObjectRef]:
        found: set[ObjectRef] = set()
        for policies, members in self.egress_classes:
            if members & sources:
                found.update(policies)
        for dst in destinations:
            found.update(self.diff.old.ingress_refs(dst))
            found.update(self.diff.new.ingress_refs(dst))
        return found


def change_lines(diff: MatrixDiff, changes: ChangeSet) -> list[ChangeLine]:
    """Every changed pair, grouped into report lines, by destination namespace then name."""
    endpoints = diff.endpoints
    present = diff.old.present | diff.new.present
    population = Population.of_endpoints(endpoints[i] for i in iter_bits(present))
    merged: dict[tuple[str, int, ConnectionSet, ConnectionSet], _Group] = {}
    for dst in range(len(endpoints)):
        if not diff.opened[dst] and not diff.closed[dst]:
            continue
        namespace = _namespace_of(endpoints[dst])
        for (gained, lost), sources in _groups_of_destination(diff, dst).items():
            group = merged.setdefault((namespace, sources, gained, lost), _Group(sources))
            group.destinations.append(dst)
    index = _CauseIndex(diff)
    renamed = {policy for pair in changes.renames().items() for policy in pair}
    lines = []
    for (namespace, sources, gained, lost), group in merged.items():
        source_endpoints = [endpoints[i] for i in iter_bits(sources)]
        destination_endpoints = [endpoints[i] for i in group.destinations]
        causes = sorted(
            (
                Cause(policy, changes.policy_change(policy))
                for policy in index.policies(sources, group.destinations)
            ),
            key=cause_order,
        )
        # A renamed policy changed its name, not what it allows: it decides nothing.
        deciding = [c for c in causes if c.change != "unchanged" and c.policy not in renamed]
        subject_changes = _subject_changes(changes, diff, sources, group.destinations)
        sign: Sign = "~" if gained and lost else ("+" if gained else "-")
        lines.append(
            ChangeLine(
                sign=sign,
                sources=describe_group(source_endpoints, population),
                destinations=describe_group(destination_endpoints, population),
                source_namespace=_common_namespace(source_endpoints),
                destination_namespace=namespace,
                opened=gained,
                closed=lost,
                causes=tuple(causes),
                deciding=tuple(deciding),
                subject_changes=tuple(subject_changes),
                pairs=sources.bit_count() * len(group.destinations),
                from_outside=any(isinstance(e, ExternalEndpoint) for e in source_endpoints),
                cross_namespace=_crosses_namespaces(source_endpoints, destination_endpoints),
            )
        )
    lines.sort(
        key=lambda line: (
            line.destination_namespace == OUTSIDE,
            line.destination_namespace,
            line.destinations,
            line.sign,
            line.sources,
        )
    )
    return lines


SUBJECT_CHANGES_SHOWN = 6


def _subject_changes(
    changes: ChangeSet, diff: MatrixDiff, sources: int, destinations: list[int]
) -> list[SubjectChange]:
    """What changed on the line's workloads and namespaces.

    Changes belong to endpoints, not pairs: each endpoint is looked at once, so a line of a
    million pairs costs its sources plus its destinations.
    """
    found: dict[SubjectChange, None] = {}
    for index in (*iter_bits(sources), *destinations):
        found.update(dict.fromkeys(changes.endpoint_changes(diff.endpoints[index])))
        if len(found) >= SUBJECT_CHANGES_SHOWN:
            break
    return list(found)[:SUBJECT_CHANGES_SHOWN]


SEVERAL_NAMESPACES = "several namespaces"


def _common_namespace(endpoints: list[Endpoint]) -> str:
    """The one namespace of these endpoints, OUTSIDE for externals only, or several."""
    namespaces = {_namespace_of(e) for e in endpoints}
    return namespaces.pop() if len(namespaces) == 1 else SEVERAL_NAMESPACES


def _crosses_namespaces(sources: list[Endpoint], destinations: list[Endpoint]) -> bool:
    """Whether some workload source and workload destination are in different namespaces."""
    source_namespaces = {s.namespace for s in sources if isinstance(s, WorkloadEndpoint)}
    destination_namespaces = {d.namespace for d in destinations if isinstance(d, WorkloadEndpoint)}
    if not source_namespaces or not destination_namespaces:
        return False
    return len(source_namespaces | destination_namespaces) > 1
