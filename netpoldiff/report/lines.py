"""The lines of a diff report: changed pairs grouped the way a reviewer reads them.

Sources that gained or lost the same connections toward a destination form one line
("all of team-a -> prod/db"), and destinations with identical lines merge, so a change that
touches a million pairs still prints a few lines. Text and Markdown both render these.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from netpoldiff.bitsets import iter_bits
from netpoldiff.causes import Cause, Causes
from netpoldiff.changes import ChangeSet
from netpoldiff.columns import column_sources
from netpoldiff.diff import MatrixDiff
from netpoldiff.model import Endpoint, WorkloadEndpoint
from netpoldiff.ports import NO_CONNECTIONS, ConnectionSet
from netpoldiff.report.labels import Population, describe_group

Sign = Literal["+", "-", "~"]
OUTSIDE = "outside the cluster"


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One line of a report: sources -> destinations, what opened and closed, and why."""

    sign: Sign
    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    # The endpoints the labels above stand for: a graph draws each of them once.
    source_members: tuple[Endpoint, ...] = field(default=(), kw_only=True)
    destination_members: tuple[Endpoint, ...] = field(default=(), kw_only=True)
    destination_namespace: str
    opened: ConnectionSet
    closed: ConnectionSet
    causes: tuple[Cause, ...]
    pairs: int

    @property
    def connections(self) -> str:
        """``TCP/443`` for one direction of change, ``+TCP/443 -TCP/80`` for both.

        In the second form a complement is bracketed, ``+(all but TCP/80) -TCP/80``, so the
        ``-`` cannot be read as part of what it leaves out.
        """
        if self.sign == "+":
            return str(self.opened)
        if self.sign == "-":
            return str(self.closed)
        return f"+{_bracketed(self.opened)} -{_bracketed(self.closed)}"


def _bracketed(connections: ConnectionSet) -> str:
    text = str(connections)
    return f"({text})" if " " in text and text.startswith("all but ") else text


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


def change_lines(
    diff: MatrixDiff, changes: ChangeSet, causes: Causes | None = None, *, why: bool = True
) -> list[ChangeLine]:
    """Every changed pair, grouped into report lines, by destination namespace then name.

    ``why`` False leaves the causes out (a plan's steps: the step is the cause).
    """
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
    if why:
        causes = causes or Causes(diff, changes)
    lines = []
    for (namespace, sources, gained, lost), group in merged.items():
        source_endpoints = [endpoints[i] for i in iter_bits(sources)]
        destination_endpoints = [endpoints[i] for i in group.destinations]
        sign: Sign = "~" if gained and lost else ("+" if gained else "-")
        lines.append(
            ChangeLine(
                sign=sign,
                sources=tuple(describe_group(source_endpoints, population)),
                destinations=tuple(describe_group(destination_endpoints, population)),
                source_members=tuple(source_endpoints),
                destination_members=tuple(destination_endpoints),
                destination_namespace=namespace,
                opened=gained,
                closed=lost,
                causes=causes.of_group(sources, group.destinations) if causes else (),
                pairs=sources.bit_count() * len(group.destinations),
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
