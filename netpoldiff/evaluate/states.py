"""A cluster's workloads and namespaces over a universe: its selection, each workload's place.

A state is made once per distinct set of workloads and namespaces. One that differs from a
state already made by a few workloads or namespace labels is derived from it: its selection
updated at the changed positions, with the answers that changed named, so that the engine
recompiles only the policies that read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from netpoldiff.bitsets import mask_of
from netpoldiff.cluster import Cluster
from netpoldiff.compiled import PortMap
from netpoldiff.evaluate.answers import ChangedAnswers, Changes
from netpoldiff.evaluate.selection import Selection
from netpoldiff.model import Endpoint, Namespace, ObjectRef, Workload

# Deriving costs per changed workload, building per workload: past this share, build.
_DERIVE_AT_MOST: int = 8  # 1 / 8 of the workloads
_DERIVE_ALWAYS: int = 64  # this many changed workloads or fewer


@dataclass(frozen=True, slots=True)
class Subjects:
    """A cluster's workloads and namespaces: what every selection is answered from."""

    workloads: frozenset[Workload]  # sets: the order a source lists them in decides nothing
    namespaces: frozenset[Namespace]

    @classmethod
    def of(cls, cluster: Cluster) -> Subjects:
        """The subjects of ``cluster``."""
        return cls(frozenset(cluster.workloads), frozenset(cluster.namespaces))


@dataclass(slots=True, eq=False)
class State:
    """One set of workloads and namespaces: its selection, workloads and named ports by place.

    A derived state keeps its ``base``, the positions whose workload differs from the base's
    (``touched``) and the selection's answers that differ (``changed``). ``affected`` are the
    objects whose compilation read a changed answer: the engine fills it in, as it learns
    what each object reads.
    """

    subjects: Subjects
    selection: Selection
    workload_at: dict[int, Workload]
    port_maps: dict[int, PortMap]
    base: State | None = None
    touched: int = 0
    changed: ChangedAnswers | None = None
    affected: set[ObjectRef] = field(default_factory=set)
    # Positions that more than one workload holds: manifests cannot define one object twice,
    # but a caller's cluster can. A change there is left to a fresh build.
    shared: frozenset[int] = frozenset()

    @classmethod
    def of(cls, cluster: Cluster, subjects: Subjects, number: Mapping[Endpoint, int]) -> State:
        """The state of ``cluster``, built from scratch."""
        workload_at: dict[int, Workload] = {}
        shared = set()
        for workload in cluster.workloads:
            position = number[workload.endpoint]
            if workload_at.setdefault(position, workload) != workload:
                shared.add(position)
            workload_at[position] = workload  # the last one, as the selection reads them all
        return cls(
            subjects,
            Selection.of(cluster, number),
            workload_at,
            {i: w.named_ports() for i, w in workload_at.items()},
            shared=frozenset(shared),
        )

    def derived(
        self, cluster: Cluster, subjects: Subjects, number: Mapping[Endpoint, int]
    ) -> State | None:
        """The state of ``cluster`` made from this one; None when building it costs less."""
        # One pass over the workloads: what only one side has is few, and sorted cheaply.
        either = self.subjects.workloads ^ subjects.workloads
        if len(either) > max(_DERIVE_ALWAYS, len(subjects.workloads) // _DERIVE_AT_MOST):
            return None
        removed = [w for w in either if w in self.subjects.workloads]
        added = [w for w in either if w not in self.subjects.workloads]
        if not self._one_per_endpoint(removed, added, number):
            return None
        selection, changed = self.selection.updated(
            Changes(tuple(removed), tuple(added), cluster.namespaces), number
        )
        workload_at = dict(self.workload_at)
        port_maps = dict(self.port_maps)
        for workload in removed:
            position = number[workload.endpoint]
            del workload_at[position], port_maps[position]
        for workload in added:
            position = number[workload.endpoint]
            workload_at[position] = workload
            port_maps[position] = workload.named_ports()
        touched = mask_of(number[w.endpoint] for w in (*removed, *added))
        return State(
            subjects, selection, workload_at, port_maps, self, touched, changed, shared=self.shared
        )

    def _one_per_endpoint(
        self, removed: list[Workload], added: list[Workload], number: Mapping[Endpoint, int]
    ) -> bool:
        """Whether each changed workload is the only one at its endpoint, before and after."""
        gone = {number[w.endpoint] for w in removed}
        came = {number[w.endpoint] for w in added}
        return (
            len(gone) == len(removed)
            and len(came) == len(added)
            and not (gone | came) & self.shared
            and all(p in gone or p not in self.workload_at for p in came)
        )
