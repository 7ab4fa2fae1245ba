"""The answers a selection gives, by name, and how one cluster's answers differ from another's.

A query names one answer that compiling a policy reads: the pods a selector matches within a
scope (one namespace, the namespaces a selector matches, or anywhere), the workloads of the
namespaces a selector matches, of one namespace, or every workload. When a few workloads or
namespace labels change, each answer can change only at their positions; ``Update`` redoes
the answers there, and ``ChangedAnswers`` says which queries they touch, so that only the
policies that read one are compiled again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeVar

from netpoldiff.bitsets import mask_of
from netpoldiff.model import Endpoint, Namespace, Workload
from netpoldiff.selectors import LabelSelector

Scope = str | LabelSelector | None
"""Where pods are selected: one namespace, the namespaces a selector matches, or anywhere."""

Query = tuple[str, object, Scope]
"""One answer of a selection: its kind, what it is about, and (for pods) its scope."""

EVERY_WORKLOAD: Final[Query] = ("all", None, None)

K = TypeVar("K", bound=Hashable)


def pods_query(selector: LabelSelector, scope: Scope) -> Query:
    """The pods ``selector`` matches, read within ``scope``."""
    return ("pods", selector, scope)


def namespaces_query(selector: LabelSelector) -> Query:
    """The workloads of the namespaces ``selector`` matches."""
    return ("namespaces", selector, None)


def namespace_query(name: str) -> Query:
    """The workloads of one namespace."""
    return ("namespace", name, None)


def selector_keys(selector: LabelSelector) -> frozenset[str]:
    """The label keys whose values decide whether ``selector`` matches."""
    return frozenset(
        [key for key, _ in selector.match_labels] + [r.key for r in selector.expressions]
    )


def _member_of(mask: int) -> Callable[[int], bool]:
    return lambda position: bool((mask >> position) & 1)


@dataclass(frozen=True, slots=True)
class Changes:
    """How a cluster's workloads and namespaces differ from those a selection was made of.

    A workload whose labels or ports changed is in both: its old version in ``removed``, its
    new one in ``added``, at one position. ``namespaces`` are the new cluster's, all of them.
    """

    removed: tuple[Workload, ...]
    added: tuple[Workload, ...]
    namespaces: tuple[Namespace, ...]


@dataclass(frozen=True, slots=True)
class ChangedAnswers:
    """Which answers differ between two selections, and where.

    The answers the first selection had kept were redone, and those that changed are listed;
    any other answer is worked out when asked, from the workloads and namespaces that changed.
    """

    update: Update
    kept_pods: frozenset[LabelSelector]
    pods: Mapping[LabelSelector, frozenset[str]]  # of the kept: where each that changed did
    kept_namespaces: frozenset[LabelSelector]
    namespaces: frozenset[LabelSelector]  # of the kept: those that changed
    namespace: frozenset[str]  # namespaces whose workloads changed
    every: bool
    _asked: dict[LabelSelector, frozenset[str]] = field(default_factory=dict, compare=False)

    def may_change(self, kind: str, subject: object) -> bool:
        """Whether some answer of this kind about ``subject`` (in some scope) may differ."""
        if kind == "pods":
            return subject not in self.kept_pods or subject in self.pods
        if kind == "namespaces":
            return subject not in self.kept_namespaces or subject in self.namespaces
        if kind == "namespace":
            return subject in self.namespace
        return self.every

    def touches(self, query: Query) -> bool:
        """Whether the answer ``query`` names may differ."""
        kind, subject, scope = query
        if kind == "pods" and isinstance(subject, LabelSelector):
            return self._touches_pods(subject, scope)
        if kind == "namespaces" and isinstance(subject, LabelSelector):
            if subject in self.kept_namespaces:
                return subject in self.namespaces
            return self.update.namespace_answer_may_change(subject)
        if kind == "namespace":
            return subject in self.namespace
        return self.every

    def _touches_pods(self, selector: LabelSelector, scope: Scope) -> bool:
        if selector in self.kept_pods:
            changed_in = self.pods.get(selector, frozenset())
        elif selector in self._asked:
            changed_in = self._asked[selector]
        else:
            changed_in = self._asked[selector] = self.update.pods_changed_in(selector)
        if not changed_in:
            return False
        if scope is None:
            return True
        if isinstance(scope, str):
            return scope in changed_in
        # Pods of the namespaces a selector matches: where the pods changed, did it match the
        # namespace before or after?
        return any(
            scope.matches(labels)
            for name in changed_in
            for labels in (self.update.old_labels.get(name), self.update.new_labels.get(name))
            if labels is not None
        )


@dataclass(frozen=True, slots=True)
class Update:
    """The changed positions of an update, and what is at them now."""

    touched: int  # every position whose workload was removed, added or changed
    present: int  # the touched positions that hold a workload now
    positions: tuple[int, ...]  # the touched ones, listed
    added: tuple[tuple[int, Workload], ...]
    labels: Mapping[int, dict[str, str]]  # the added workloads' labels
    old_workload_labels: Mapping[int, dict[str, str]]  # the removed ones'
    namespace_of: Mapping[int, str]
    relabelled_keys: frozenset[str] | None  # in place, the keys that changed; None: not in place
    old_labels: Mapping[str, dict[str, str]]
    new_labels: Mapping[str, dict[str, str]]
    checked_namespaces: frozenset[str]  # whose workloads' namespace answers may change
    moved_namespaces: frozenset[str]  # relabelled, or with a workload that came or went

    @classmethod
    def of(
        cls, changes: Changes, namespaces: Iterable[Namespace], number: Mapping[Endpoint, int]
    ) -> Update:
        """The update from a selection of ``namespaces`` by ``changes``."""
        removed = {number[w.endpoint]: w for w in changes.removed}
        added = tuple((number[w.endpoint], w) for w in changes.added)
        labels = {position: dict(w.labels) for position, w in added}
        relabelled_keys: frozenset[str] | None = None
        if labels.keys() == removed.keys():
            # Only labels or ports changed, in place: a pod selector's answer can change only
            # if it reads a key whose value changed.
            relabelled_keys = frozenset(
                key
                for position, w in added
                for key, _ in set(w.labels) ^ set(removed[position].labels)
            )
        old_labels = {n.name: dict(n.labels) for n in namespaces}
        new_labels = {n.name: dict(n.labels) for n in changes.namespaces}
        relabelled = {
            name
            for name in old_labels.keys() | new_labels.keys()
            if old_labels.get(name) != new_labels.get(name)
        }
        namespace_of = {position: w.namespace for position, w in removed.items()}
        namespace_of.update((position, w.namespace) for position, w in added)
        came_or_went = {namespace_of[p] for p in namespace_of if (p in removed) != (p in labels)}
        return cls(
            touched=mask_of(namespace_of),
            present=mask_of(labels),
            positions=tuple(namespace_of),
            added=added,
            labels=labels,
            old_workload_labels={position: dict(w.labels) for position, w in removed.items()},
            namespace_of=namespace_of,
            relabelled_keys=relabelled_keys,
            old_labels=old_labels,
            new_labels=new_labels,
            checked_namespaces=frozenset(relabelled | set(namespace_of.values())),
            moved_namespaces=frozenset(relabelled | came_or_went),
        )

    def masks(
        self, masks: Mapping[K, int], stale: Iterable[K], fresh: Sequence[tuple[int, K]]
    ) -> tuple[dict[K, int], set[K]]:
        """``masks`` redone at the touched positions, where ``fresh`` lists who is now."""
        members: dict[K, list[int]] = defaultdict(list)
        for position, key in fresh:
            members[key].append(position)
        result = dict(masks)
        changed: set[K] = set()
        for key in {*stale, *members}:
            old = masks.get(key, 0)
            mask = (old & ~self.touched) | mask_of(members.get(key, ()))
            if mask != old:
                changed.add(key)
                if mask:
                    result[key] = mask
                else:
                    del result[key]
        return result, changed

    def pod_answers(
        self, answers: Mapping[LabelSelector, int], keys: dict[LabelSelector, frozenset[str]]
    ) -> tuple[dict[LabelSelector, int], dict[LabelSelector, frozenset[str]]]:
        """Pod selectors' answers redone, and where each that changed changed."""
        result = dict(answers)
        moved: dict[LabelSelector, frozenset[str]] = {}
        for selector in self._pod_candidates(answers, keys):
            old = answers[selector]
            flips = self._flips(selector, _member_of(old))
            if flips:
                result[selector] = old ^ mask_of(flips)
                moved[selector] = frozenset(self.namespace_of[p] for p in flips)
        return result, moved

    def pods_changed_in(self, selector: LabelSelector) -> frozenset[str]:
        """The namespaces where the pods ``selector`` matches changed (an answer not kept)."""
        before = self.old_workload_labels
        flips = self._flips(
            selector, lambda position: position in before and selector.matches(before[position])
        )
        return frozenset(self.namespace_of[p] for p in flips)

    def _flips(self, selector: LabelSelector, was: Callable[[int], bool]) -> list[int]:
        """The touched positions where ``selector`` matches now and not before, or before only."""
        now = self.labels
        return [
            position
            for position in self.positions
            if was(position) != (position in now and selector.matches(now[position]))
        ]

    def namespace_answer_may_change(self, selector: LabelSelector) -> bool:
        """Whether the workloads of the namespaces ``selector`` matches may differ."""
        # A workload changed in place stays in its namespace: only a namespace whose labels
        # changed, or that a workload came to or left, can change the answer, if it matches.
        return any(
            selector.matches(labels)
            for name in self.moved_namespaces
            for labels in (self.old_labels.get(name), self.new_labels.get(name))
            if labels is not None
        )

    def _pod_candidates(
        self, answers: Mapping[LabelSelector, int], keys: dict[LabelSelector, frozenset[str]]
    ) -> list[LabelSelector]:
        """The pod selectors whose answer may change."""
        if self.relabelled_keys is None:
            return list(answers)
        if not self.relabelled_keys:
            return []
        found = []
        for selector in answers:
            read = keys.get(selector)
            if read is None:
                read = keys[selector] = selector_keys(selector)
            if not read.isdisjoint(self.relabelled_keys):
                found.append(selector)
        return found

    def namespace_answers(
        self, answers: Mapping[LabelSelector, int], by_namespace: Mapping[str, int]
    ) -> tuple[dict[LabelSelector, int], set[LabelSelector]]:
        """Namespace selectors' answers redone where workloads or namespace labels changed."""
        result = dict(answers)
        changed: set[LabelSelector] = set()
        if self.relabelled_keys is not None and self.old_labels == self.new_labels:
            return result, changed  # workloads changed in place: none changed namespace
        redo = self.touched
        for name in self.checked_namespaces:
            redo |= by_namespace.get(name, 0)
        for selector, old in answers.items():
            mask = old & ~redo
            for name in self.checked_namespaces:
                labels = self.new_labels.get(name)
                if labels is not None and selector.matches(labels):
                    mask |= by_namespace.get(name, 0) & redo
            if mask != old:
                result[selector] = mask
                changed.add(selector)
        return result, changed
