"""Which changed pairs of a diff each changed object can touch, as bitmasks.

A pair's connections depend on its two endpoints, their namespaces and the policies there:
so a policy touches the pairs of the workloads some version of it selects, a workload its own
pairs, a namespace the pairs of its workloads. Causes test only the pairs an object touches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from netpoldiff.admin_policies import AdminPolicy
from netpoldiff.bitsets import iter_bits
from netpoldiff.changes import ChangeSet
from netpoldiff.compiled import CompiledAdminPolicy, CompiledPolicy
from netpoldiff.diff import MatrixDiff
from netpoldiff.matrix import workload_masks
from netpoldiff.model import ObjectRef, WorkloadEndpoint
from netpoldiff.reverts import ChangedObject

PairPart = tuple[int, int]
"""A destination and a mask of its sources."""


@dataclass(frozen=True, slots=True)
class Touching:
    """Endpoints of a diff as bitmasks, and which changed pairs each changed object can touch."""

    diff: MatrixDiff
    changes: ChangeSet
    workloads: int
    workload_count: int
    namespaces: dict[str, int]
    positions: dict[WorkloadEndpoint, int]
    subjects: dict[ObjectRef, int]  # by policy: whom either side's version selects there
    counterparts: dict[WorkloadEndpoint, WorkloadEndpoint]  # each end of a move: the other

    @classmethod
    def of(cls, diff: MatrixDiff, changes: ChangeSet, objects: Iterable[ChangedObject]) -> Touching:
        """The masks of one diff's endpoints, and the subjects of ``objects``' policies."""
        positions = {
            endpoint: index
            for index, endpoint in enumerate(diff.endpoints)
            if isinstance(endpoint, WorkloadEndpoint)
        }
        workloads, namespaces = workload_masks(diff.endpoints, positions.values())
        # Only the changed objects' policies are asked about: a mask spans up to its highest
        # member, so OR-ing every policy's subjects over a large cluster is quadratic.
        wanted = {ref for changed in objects for ref in changed.policies}
        subjects: dict[ObjectRef, int] = {}
        for matrix in (diff.old, diff.new):
            compiled: list[CompiledPolicy | CompiledAdminPolicy] = [*matrix.policies]
            compiled += matrix.admin_policies
            for policy in compiled:
                if policy.ref in wanted:
                    subjects[policy.ref] = subjects.get(policy.ref, 0) | policy.subjects
        counterparts = {**changes.workload_moves}
        counterparts.update((old, new) for new, old in changes.workload_moves.items())
        return cls(
            diff,
            changes,
            workloads,
            len(changes.new_workloads),
            namespaces,
            positions,
            subjects,
            counterparts,
        )

    def _endpoint(self, position: int) -> WorkloadEndpoint:
        endpoint = self.diff.endpoints[position]
        assert isinstance(endpoint, WorkloadEndpoint)  # noqa: S101 - masks hold workloads only
        return endpoint

    def reach(self, changed: ChangedObject) -> int:
        """How many workloads an object touches: fewer is more specific."""
        if changed.policies:
            mask = 0
            for ref in changed.policies:
                mask |= self.subjects.get(ref, 0)
            return mask.bit_count()
        return sum(self.namespaces.get(name, 0).bit_count() for name in changed.namespaces) + len(
            changed.workloads
        )

    def _selected(self, changed: ChangedObject) -> tuple[int, int]:
        """Workloads NEW's labels let some version of a policy select: (ingress, egress)."""
        ingress = egress = 0
        for ref in changed.policies:
            namespace = ref.namespace or ""
            for side in (self.changes.old_policies, self.changes.new_policies):
                policy = side.get(ref)
                if policy is None:
                    continue
                if isinstance(policy, AdminPolicy):
                    # Cluster-wide, and its peers decide too: any workload, either way.
                    ingress |= self.workloads
                    egress |= self.workloads
                    continue
                subjects = 0
                for position in iter_bits(self.namespaces.get(namespace, 0)):
                    workload = self.changes.new_workloads.get(self._endpoint(position))
                    if workload is not None and policy.pod_selector.matches(dict(workload.labels)):
                        subjects |= 1 << position
                if policy.affects_ingress:
                    ingress |= subjects
                if policy.affects_egress:
                    egress |= subjects
        return ingress, egress

    def touched(self, changed: ChangedObject, changed_sources: dict[int, int]) -> list[PairPart]:
        """The changed pairs that reverting ``changed`` alone in NEW could change.

        A policy: pairs whose destination some version selects for ingress, or whose source
        some version selects for egress (on NEW's labels: only the policy is reverted). A
        workload: its own pairs. A namespace: the pairs of its workloads.
        """
        if changed.policies:
            ingress, egress = self._selected(changed)
        else:
            ingress = egress = self._holders(changed)
        parts = []
        for dst, sources in changed_sources.items():
            mask = sources if (ingress >> dst) & 1 else sources & egress
            if mask:
                parts.append((dst, mask))
        return parts

    def _holders(self, changed: ChangedObject) -> int:
        mask = 0
        for name in changed.namespaces:
            mask |= self.namespaces.get(name, 0)
        for endpoint in changed.workloads:
            mask |= 1 << self.positions[endpoint]
        return mask

    def candidates(
        self, objects: Sequence[ChangedObject], dst: int, sources: int
    ) -> Iterable[tuple[list[ChangedObject], int]]:
        """Sources of ``dst`` grouped by the objects that could touch them in any mixture.

        Those of either endpoint, their namespaces, and the policies of the source's
        namespace (egress) and of the destination's (ingress), whatever they select: with
        labels also reverted, a policy may select what it does not select in NEW.
        """
        endpoints = self.diff.endpoints
        destination = endpoints[dst]
        held = {endpoint for changed in objects for endpoint in changed.workloads}
        by_key: dict[tuple[str | None, int | None], int] = defaultdict(int)
        for src in iter_bits(sources):
            source = endpoints[src]
            key = (
                source.namespace if isinstance(source, WorkloadEndpoint) else None,
                src if source in held else None,
            )
            by_key[key] |= 1 << src
        for members in by_key.values():
            source = endpoints[next(iter_bits(members))]
            yield [c for c in objects if self._may_touch(c, source, destination)], members

    def _spaces(self, endpoint: object) -> set[str]:
        """The namespaces an endpoint lives in across the states: both, for a moved one."""
        if not isinstance(endpoint, WorkloadEndpoint):
            return set()
        spaces = {endpoint.namespace}
        other = self.counterparts.get(endpoint)
        if other is not None:
            spaces.add(other.namespace)
        return spaces

    def _may_touch(self, changed: ChangedObject, source: object, destination: object) -> bool:
        source_spaces, destination_spaces = self._spaces(source), self._spaces(destination)
        if source in changed.workloads or destination in changed.workloads:
            return True
        if any(name in source_spaces | destination_spaces for name in changed.namespaces):
            return True
        for ref in changed.policies:
            for side in (self.changes.old_policies, self.changes.new_policies):
                policy = side.get(ref)
                if policy is None:
                    continue
                if isinstance(policy, AdminPolicy):
                    return True  # cluster-wide
                if policy.affects_egress and policy.namespace in source_spaces:
                    return True
                if policy.affects_ingress and policy.namespace in destination_spaces:
                    return True
        return False

    def moves_of(self, objects: Sequence[ChangedObject]) -> dict[int, int]:
        """OLD's position -> NEW's of every moved workload among ``objects``."""
        return {
            self.positions[changed.moved[0]]: self.positions[changed.moved[1]]
            for changed in objects
            if changed.moved is not None
        }
