"""Risks a change brings, as data: each kind defined once here, and read by every format.

A finding names how many opened flows it covers and the changed objects behind them; the
words are the reports' (report/words.py), so text, Markdown and JSON say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final, Literal

from netpoldiff.bitsets import iter_bits
from netpoldiff.causes import CauseIndex
from netpoldiff.changes import ChangeSet
from netpoldiff.columns import Column, column_sources
from netpoldiff.diff import MatrixDiff
from netpoldiff.model import Endpoint, ExternalEndpoint, ObjectRef, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy
from netpoldiff.ports import ALL_PORTS

Direction = Literal["ingress", "egress"]
ConfigurationChange = Literal["added", "removed", "modified", "unusable"]
FindingKind = Literal[
    "ingress-from-outside",
    "egress-to-outside",
    "cross-namespace",
    "default-deny-removed",
    "all-ports",
    "namespace-open-to-all",
    "configuration-changed",
]


def from_outside(sources: Iterable[Endpoint]) -> bool:
    """Whether some source is an address outside the cluster."""
    return any(isinstance(source, ExternalEndpoint) for source in sources)


def across_namespaces(sources: Iterable[Endpoint], destinations: Iterable[Endpoint]) -> bool:
    """Whether some workload source and workload destination are in different namespaces."""
    source_namespaces = {s.namespace for s in sources if isinstance(s, WorkloadEndpoint)}
    destination_namespaces = {d.namespace for d in destinations if isinstance(d, WorkloadEndpoint)}
    if not source_namespaces or not destination_namespaces:
        return False
    return len(source_namespaces | destination_namespaces) > 1


def is_default_deny(policy: NetworkPolicy, direction: Direction) -> bool:
    """Whether a policy selects every pod of its namespace and allows nothing that way."""
    if not policy.pod_selector.is_empty():
        return False
    if direction == "ingress":
        return policy.affects_ingress and not policy.ingress
    return policy.affects_egress and not policy.egress


@dataclass(frozen=True, slots=True)
class DefaultDenyRemoved:
    """A namespace that denied all traffic of a direction by default, and no longer does.

    ``policies`` are its default-deny policies on the old side, and whether each was
    ``changed`` or ``removed``.
    """

    namespace: str
    direction: Direction
    policies: tuple[tuple[ObjectRef, Literal["changed", "removed"]], ...]


def _by_name(entry: tuple[ObjectRef, str]) -> tuple[str, str]:
    return entry[0].kind, entry[0].name


def removed_default_denies(changes: ChangeSet) -> list[DefaultDenyRemoved]:
    """Namespaces whose default deny of a direction is gone, ingress first, by name.

    Each lists its deny policies by name, whatever order the clusters hold them in.
    Judged per namespace, so renaming or splitting the deny policy is not a removal.
    """
    found: list[DefaultDenyRemoved] = []
    directions: tuple[Direction, ...] = ("ingress", "egress")
    for direction in directions:
        before: dict[str, list[tuple[ObjectRef, Literal["changed", "removed"]]]] = {}
        for policy in changes.old_policies.values():
            if is_default_deny(policy, direction):
                what: Literal["changed", "removed"] = (
                    "changed" if policy.ref in changes.new_policies else "removed"
                )
                before.setdefault(policy.namespace, []).append((policy.ref, what))
        after = {
            p.namespace for p in changes.new_policies.values() if is_default_deny(p, direction)
        }
        found.extend(
            DefaultDenyRemoved(namespace, direction, tuple(sorted(policies, key=_by_name)))
            for namespace, policies in sorted(before.items())
            if namespace not in after
        )
    return found


@dataclass(frozen=True, slots=True)
class ConfigurationChanged:
    """NEW's repository configuration differs from OLD's, which read both sides.

    ``keys`` are the settings that differ (all NEW's for ``added``, OLD's for ``removed``);
    ``problem`` says why NEW's cannot be read (``unusable``).
    """

    path: str
    change: ConfigurationChange
    keys: tuple[str, ...] = ()
    problem: str | None = None


FindingDetail = DefaultDenyRemoved | ConfigurationChanged | None


@dataclass(frozen=True, slots=True)
class Finding:
    """One risk the change brings, of one kind (see ``findings`` for each kind's definition).

    ``flows`` counts the opened pairs it covers; ``objects`` are the changed objects behind
    them; ``endpoints`` the workloads it is about; ``namespace`` the namespace it is about,
    when one; ``detail`` the removed default deny or the configuration change.
    """

    kind: FindingKind
    flows: int
    objects: tuple[ObjectRef, ...] = ()
    endpoints: tuple[WorkloadEndpoint, ...] = ()
    namespace: str | None = None
    detail: FindingDetail = None


@dataclass(slots=True)
class _Found:
    """One finding while it is gathered, destination by destination."""

    flows: int = 0
    objects: set[ObjectRef] = field(default_factory=set)
    endpoints: set[WorkloadEndpoint] = field(default_factory=set)


class _Gatherer:
    """Opened pairs by finding, with the changed objects that decide them."""

    def __init__(self, diff: MatrixDiff, changes: ChangeSet) -> None:
        self.diff = diff
        self.changes = changes
        self.index = CauseIndex(diff, changes)
        # By kind and what it is about: a namespace, a direction and namespace, or "".
        self.found: dict[tuple[FindingKind, str], _Found] = {}

    def finding(self, kind: FindingKind, about: str) -> Finding:
        """The finding gathered under ``(kind, about)``."""
        entry = self.found[kind, about]
        return Finding(
            kind,
            entry.flows,
            tuple(sorted(entry.objects)),
            tuple(sorted(entry.endpoints, key=_workload_order)),
            about or None,
        )

    def add(
        self,
        key: tuple[FindingKind, str],
        sources: int,
        dst: int,
        about: Iterable[Endpoint],
    ) -> None:
        if not sources:
            return
        found = self.found.setdefault(key, _Found())
        found.flows += sources.bit_count()
        found.endpoints.update(e for e in about if isinstance(e, WorkloadEndpoint))
        found.objects.update(self._objects(sources, dst))

    def _objects(self, sources: int, dst: int) -> Iterator[ObjectRef]:
        """The changed policies deciding these pairs, else what changed on their endpoints."""
        policies = [
            cause.policy
            for cause in self.index.causes(sources, (dst,))
            if cause.change != "unchanged" and cause.policy not in self.changes.renamed
        ]
        yield from policies
        if policies:
            return
        for change in self.index.subject_changes(sources, (dst,)):
            subject = change.subject
            if isinstance(subject, str):
                yield ObjectRef(NAMESPACE, None, subject)
            else:
                yield ObjectRef(subject.kind, subject.namespace, subject.name)


NAMESPACE: Final = "Namespace"
_FLOW_KINDS: Final[tuple[FindingKind, ...]] = (
    "ingress-from-outside",
    "egress-to-outside",
    "cross-namespace",
    "all-ports",
    "namespace-open-to-all",
)


def _workload_order(endpoint: WorkloadEndpoint) -> tuple[str, str, str]:
    return (endpoint.namespace, endpoint.name, endpoint.kind)


def _every_port_sources(opened: Column, old: Column) -> int:
    """Sources that NEW allows every port of some protocol that OLD did not allow whole."""
    found = 0
    old_sources = column_sources(old)
    for gained, sources in opened.items():
        if not any(ports == ALL_PORTS for _, ports in gained.items()):
            continue  # NEW's whole protocol is in what it gained: OLD lacked some of it
        found |= sources & ~old_sources
        for before, before_sources in old.items():
            both = sources & before_sources
            after = before | gained
            if both and any(
                after.ports(p) == ALL_PORTS != before.ports(p) for p, _ in gained.items()
            ):
                found |= both
    return found


def _reaches_every_workload(column: Column, workloads: int, dst: int) -> bool:
    """Whether every workload (but the destination itself) may open some connection."""
    return not (workloads & ~(1 << dst) & ~column_sources(column))


def findings(
    diff: MatrixDiff,
    changes: ChangeSet,
    configuration: Iterable[ConfigurationChanged] = (),
) -> list[Finding]:
    """Every risk the change brings: configuration changes, the kinds in this order, by name.

    Each kind, on the pairs NEW opens (``diff.opened``: connections NEW allows, OLD does not):

    - ``configuration-changed``: NEW's repository configuration differs from OLD's.
    - ``ingress-from-outside``: an opened pair from an address outside the cluster to a
      workload; about the destinations.
    - ``egress-to-outside``: an opened pair from a workload to an address outside the cluster
      (the internet or any address block), on any ports; about the sources.
    - ``cross-namespace``: an opened pair between workloads of two namespaces; about the
      destinations.
    - ``all-ports``: an opened pair where NEW allows every port of a protocol (or everything)
      that OLD did not allow whole; about the destinations (toward an address, the sources).
    - ``namespace-open-to-all``: per namespace, its workloads (of both sides) that every other
      workload of NEW may reach on some connection while not every other workload of OLD could,
      when NEW has workloads in more than one namespace; the pairs opened toward them from
      other workloads.
    - ``default-deny-removed``: per namespace and direction, as ``removed_default_denies``
      says; the opened pairs into (ingress) or out of (egress) that namespace; its objects are
      the deny policies.

    ``objects`` of the others are the changed policies deciding the pairs (a rename decides
    nothing) or, when no policy changed, the workloads and namespaces that did.
    """
    gather = _Gatherer(diff, changes)
    scope = _Scope.of(diff)
    denies = removed_default_denies(changes)
    for dst, opened in enumerate(diff.opened):
        if opened:
            _destination(gather, scope, denies, dst, opened)
    found = [Finding("configuration-changed", 0, detail=change) for change in configuration]
    for kind in _FLOW_KINDS:
        found.extend(
            gather.finding(kind, namespace)
            for namespace in sorted(n for k, n in gather.found if k == kind)
        )
    for deny in denies:
        entry = gather.found.get(("default-deny-removed", f"{deny.direction} {deny.namespace}"))
        refs = tuple(ref for ref, _ in deny.policies)
        flows = entry.flows if entry else 0
        found.append(Finding("default-deny-removed", flows, refs, (), deny.namespace, deny))
    return found


@dataclass(frozen=True, slots=True)
class _Scope:
    """The endpoints of a diff as bitmasks: workloads, addresses, namespaces."""

    workloads: int
    externals: int
    namespaces: dict[str, int]
    several_namespaces: bool

    @classmethod
    def of(cls, diff: MatrixDiff) -> _Scope:
        workloads = 0
        namespaces: dict[str, int] = {}
        for index, endpoint in enumerate(diff.endpoints):
            if isinstance(endpoint, WorkloadEndpoint):
                workloads |= 1 << index
                namespaces[endpoint.namespace] = namespaces.get(endpoint.namespace, 0) | 1 << index
        externals = ((1 << len(diff.endpoints)) - 1) & ~workloads
        present = workloads & diff.new.present
        several = sum(1 for mask in namespaces.values() if mask & present) > 1
        return cls(workloads, externals, namespaces, several)


def _destination(
    gather: _Gatherer,
    scope: _Scope,
    denies: list[DefaultDenyRemoved],
    dst: int,
    opened: Column,
) -> None:
    """Gather the findings of the pairs opened toward one destination."""
    diff = gather.diff
    target = diff.endpoints[dst]
    sources = column_sources(opened)
    for deny in denies:
        members = scope.namespaces.get(deny.namespace, 0)
        key: tuple[FindingKind, str] = (
            "default-deny-removed",
            f"{deny.direction} {deny.namespace}",
        )
        if deny.direction == "egress":
            gather.add(key, sources & members, dst, ())
        elif members >> dst & 1:
            gather.add(key, sources, dst, ())
    every_port = _every_port_sources(opened, diff.old.columns[dst])
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
        opened_to_all: tuple[FindingKind, str] = ("namespace-open-to-all", target.namespace)
        gather.add(opened_to_all, sources & scope.workloads & ~(1 << dst), dst, (target,))
