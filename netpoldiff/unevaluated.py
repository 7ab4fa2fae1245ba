"""Changed objects whose effect a diff cannot show, and why: what "no change" must not hide.

A policy that selects no workload on either side changes nothing in the matrix, whatever it
says; a policy of a kind netpoldiff does not evaluate may change flows the matrix cannot
show; a file skipped as a template may hold anything. Either way the diff is silent about
it, so the report names it instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.errors import Location
from netpoldiff.matrix import Matrix
from netpoldiff.model import ObjectRef, UnevaluatedPolicy

Reason = Literal["selects-nothing", "kind-not-evaluated", "not-read"]
ObjectChange = Literal["added", "removed", "modified"]
Unread = Literal["template", "not-followed"]  # why a file was not read


@dataclass(frozen=True, slots=True)
class Unevaluated:
    """A changed object whose effect is not shown, how it changed, why, and where it is.

    A changed file that was not read (``not-read``: a template skipped under the paths) has
    no ``ref``: what objects it holds is unknown. Its ``kind`` is then None and its ``name``
    the file's path (``origin``), as the JSON report writes it.
    """

    ref: ObjectRef | None
    change: ObjectChange
    reason: Reason
    origin: Location | None
    # Why a file was not read: a template, or a symbolic link or submodule, not followed.
    unread: Unread = "template"

    @property
    def kind(self) -> str | None:
        """The object's kind; None for a file not read."""
        return None if self.ref is None else self.ref.kind

    @property
    def namespace(self) -> str | None:
        """The object's namespace; None for a cluster-scoped object or a file not read."""
        return None if self.ref is None else self.ref.namespace

    @property
    def name(self) -> str:
        """The object's name, or the path of a file not read."""
        if self.ref is not None:
            return self.ref.name
        return "" if self.origin is None else self.origin.path


def unevaluated_changes(
    changes: ChangeSet, old: Matrix, new: Matrix, old_cluster: Cluster, new_cluster: Cluster
) -> tuple[Unevaluated, ...]:
    """Every changed object whose effect the diff of ``old`` and ``new`` cannot show."""
    found = [*_selecting_nothing(changes, old, new), *_not_evaluated(old_cluster, new_cluster)]
    return tuple(sorted(found, key=lambda entry: (entry.ref, entry.reason)))


def unread_files(
    old: Mapping[str, str],
    new: Mapping[str, str],
    shown: Mapping[str, str],
    unread: Unread = "template",
) -> tuple[Unevaluated, ...]:
    """Every file skipped on a side that differs between the sides, by path.

    ``old`` and ``new`` map each such file, by its path within its source, to its content's
    identity on that side (no entry: the side does not hold it); ``shown`` maps it to the
    path a report names. A skipped file the same on both sides changes nothing. ``unread``
    says why they were skipped.
    """
    found = []
    for key in sorted(old.keys() | new.keys()):
        change = _change(old.get(key), new.get(key))
        if change is not None:
            where = Location(shown.get(key, key))
            found.append(Unevaluated(None, change, "not-read", where, unread))
    return tuple(found)


def _selecting_nothing(changes: ChangeSet, old: Matrix, new: Matrix) -> Iterator[Unevaluated]:
    changed = changes.changed_policies
    if not changed:
        return
    wanted = {ref for ref, _ in changed}
    old_subjects = _subjects(old, wanted)
    new_subjects = _subjects(new, wanted)
    for ref, change in changed:
        if change == "unchanged" or old_subjects.get(ref) or new_subjects.get(ref):
            continue  # it selects a workload on one side at least: the matrix shows its effect
        policy = changes.new_policies.get(ref) or changes.old_policies[ref]
        yield Unevaluated(ref, change, "selects-nothing", policy.origin)


def _subjects(matrix: Matrix, wanted: set[ObjectRef]) -> dict[ObjectRef, bool]:
    """Whether each ``wanted`` policy of any kind (the changed ones) selects some workload."""
    found = {p.ref: p.selects_anything for p in matrix.policies if p.ref in wanted}
    found.update((p.ref, bool(p.subjects)) for p in matrix.admin_policies if p.ref in wanted)
    return found


def _not_evaluated(old: Cluster, new: Cluster) -> Iterator[Unevaluated]:
    before = {policy.ref: policy for policy in old.unevaluated}
    after = {policy.ref: policy for policy in new.unevaluated}
    for ref in before.keys() | after.keys():
        old_policy, new_policy = before.get(ref), after.get(ref)
        change = _change(old_policy, new_policy)
        if change is not None:
            shown = new_policy or old_policy
            yield Unevaluated(ref, change, "kind-not-evaluated", shown.origin if shown else None)


def _change(
    old: UnevaluatedPolicy | str | None, new: UnevaluatedPolicy | str | None
) -> ObjectChange | None:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "modified" if old != new else None
