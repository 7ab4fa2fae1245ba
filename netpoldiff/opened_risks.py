"""Which pairs a change opens are risks, and which changed objects are behind them.

The findings' arithmetic over a diff (findings.py gives each kind its meaning): per destination,
the opened sources from outside, across namespaces, on every port, and so on, as bitmasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from netpoldiff.bitsets import iter_bits
from netpoldiff.causes import Causes
from netpoldiff.columns import Column, column_sources
from netpoldiff.diff import MatrixDiff
from netpoldiff.matrix import workload_masks
from netpoldiff.model import Endpoint, ObjectRef, WorkloadEndpoint
from netpoldiff.ports import ALL_PORTS


@dataclass(slots=True)
class Gathered:
    """The opened pairs of one finding, gathered destination by destination."""

    flows: int = 0
    objects: set[ObjectRef] = field(default_factory=set)
    endpoints: set[WorkloadEndpoint] = field(default_factory=set)


class _Gatherer:
    """Opened pairs by finding, with the changed objects that decide them."""

    def __init__(self, diff: MatrixDiff, causes: Causes) -> None:
        self.diff = diff
        self.causes = causes
        # By kind and what it is about: a namespace, a direction and namespace, or "".
        self.found: dict[tuple[str, str], Gathered] = {}

    def add(
        self,
        key: tuple[str, str],
        sources: int,
        dst: int,
        about: Iterable[Endpoint],
    ) -> None:
        if not sources:
            return
        found = self.found.setdefault(key, Gathered())
        found.flows += sources.bit_count()
        found.endpoints.update(e for e in about if isinstance(e, WorkloadEndpoint))
        found.objects.update(self._objects(sources, dst))

    def _objects(self, sources: int, dst: int) -> Iterator[ObjectRef]:
        """The changed objects behind these pairs: their causes."""
        for cause in self.causes.of_group(sources, (dst,)):
            yield cause.object.ref


def gather_opened(
    diff: MatrixDiff, causes: Causes, denies: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], Gathered]:
    """The opened pairs of each finding, by kind and what it is about.

    What it is about: ``""``, a namespace (``namespace-open-to-all``), or ``"direction
    namespace"`` for each removed default deny of ``denies`` (``(direction, namespace)``).
    """
    gather = _Gatherer(diff, causes)
    scope = _Scope.of(diff)
    for dst, opened in enumerate(diff.opened):
        if opened:
            _destination(gather, scope, denies, dst, opened)
    return gather.found


def _every_port_sources(opened: Column, old: Column, new: Column) -> int:
    """Opened sources that NEW allows every port of some protocol that OLD did not allow whole."""
    candidates = column_sources(opened)
    old_sources = column_sources(old)
    found = 0
    for after, after_sources in new.items():
        whole = [protocol for protocol, ports in after.items() if ports == ALL_PORTS]
        members = after_sources & candidates if whole else 0
        if not members:
            continue
        found |= members & ~old_sources
        for before, before_sources in old.items():
            if any(before.ports(protocol) != ALL_PORTS for protocol in whole):
                found |= members & before_sources
    return found


def _reaches_every_workload(column: Column, workloads: int, dst: int) -> bool:
    """Whether every workload (but the destination itself) may open some connection."""
    return not (workloads & ~(1 << dst) & ~column_sources(column))


@dataclass(frozen=True, slots=True)
class _Scope:
    """The endpoints of a diff as bitmasks: workloads, addresses, namespaces."""

    workloads: int
    externals: int
    namespaces: dict[str, int]
    several_namespaces: bool

    @classmethod
    def of(cls, diff: MatrixDiff) -> _Scope:
        workloads, namespaces = workload_masks(diff.endpoints, range(len(diff.endpoints)))
        externals = ((1 << len(diff.endpoints)) - 1) & ~workloads
        present = workloads & diff.new.present
        several = sum(1 for mask in namespaces.values() if mask & present) > 1
        return cls(workloads, externals, namespaces, several)


def _destination(
    gather: _Gatherer,
    scope: _Scope,
    denies: Sequence[tuple[str, str]],
    dst: int,
    opened: Column,
) -> None:
    """Gather the findings of the pairs opened toward one destination."""
    diff = gather.diff
    target = diff.endpoints[dst]
    sources = column_sources(opened)
    for direction, namespace in denies:
        members = scope.namespaces.get(namespace, 0)
        key: tuple[str, str] = (
            "default-deny-removed",
            f"{direction} {namespace}",
        )
        if direction == "egress":
            gather.add(key, sources & members, dst, ())
        elif members >> dst & 1:
            gather.add(key, sources, dst, ())
    every_port = _every_port_sources(opened, diff.old.columns[dst], diff.new.columns[dst])
    # Toward an address, the workloads that gained every port are the sources.
    ends = [target] if isinstance(target, WorkloadEndpoint) else iter_bits(every_port)
    about = [e if isinstance(e, WorkloadEndpoint) else diff.endpoints[e] for e in ends]
    gather.add(("all-ports", ""), every_port, dst, about)
    if not isinstance(target, WorkloadEndpoint):
        leaving = sources & scope.workloads
        gather.add(
            ("egress-to-outside", ""),
            leaving,
            dst,
            map(diff.endpoints.__getitem__, iter_bits(leaving)),
        )
        return
    gather.add(("ingress-from-outside", ""), sources & scope.externals, dst, (target,))
    crossing = sources & scope.workloads & ~scope.namespaces[target.namespace]
    gather.add(("cross-namespace", ""), crossing, dst, (target,))
    old_workloads = scope.workloads & diff.old.present
    new_workloads = scope.workloads & diff.new.present
    if (
        scope.several_namespaces
        and diff.old.present >> dst & 1
        and _reaches_every_workload(diff.new.columns[dst], new_workloads, dst)
        and not _reaches_every_workload(diff.old.columns[dst], old_workloads, dst)
    ):
        opened_to_all: tuple[str, str] = ("namespace-open-to-all", target.namespace)
        gather.add(opened_to_all, sources & scope.workloads & ~(1 << dst), dst, (target,))
