"""Selectors answered as bitmasks over the numbered workloads of one cluster.

A cluster that differs from another by a few workloads or namespace labels gets its selection
by ``updated``: every mask and every answer kept is redone at the changed positions only, and
the answers that changed are named, so that only what read them is redone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from netpoldiff.admin_policies import NamespacesPeer, PodsPeer
from netpoldiff.bitsets import mask_of
from netpoldiff.cluster import Cluster
from netpoldiff.evaluate.answers import ChangedAnswers, Changes, Update
from netpoldiff.model import Endpoint, Namespace
from netpoldiff.policies import PodPeer
from netpoldiff.selectors import LabelSelector, Operator


class Selection:
    """Which numbered workloads each selector matches; each distinct selector answered once."""

    def __init__(
        self,
        *,
        namespaces: tuple[Namespace, ...],
        by_pair: dict[tuple[str, str], int],
        by_key: dict[str, int],
        by_namespace: dict[str, int],
        all_workloads: int,
        answers: tuple[dict[LabelSelector, int], dict[LabelSelector, int]] | None = None,
        keys: dict[LabelSelector, frozenset[str]] | None = None,
    ) -> None:
        self.namespaces = namespaces
        self.by_pair = by_pair
        self.by_key = by_key
        self.by_namespace = by_namespace
        self.all_workloads = all_workloads
        # Answers kept: of pod selectors, and of namespace selectors.
        self._pods, self._namespaces = ({}, {}) if answers is None else answers
        # The label keys each selector reads: pure, so shared with every selection updated
        # from this one.
        self._keys = {} if keys is None else keys

    @classmethod
    def of(cls, cluster: Cluster, number: Mapping[Endpoint, int]) -> Selection:
        """The selection of a cluster's workloads, numbered by ``number``."""
        by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_key: dict[str, list[int]] = defaultdict(list)
        by_namespace: dict[str, list[int]] = defaultdict(list)
        positions = []
        for workload in cluster.workloads:
            position = number[workload.endpoint]
            positions.append(position)
            by_namespace[workload.namespace].append(position)
            for key, value in workload.labels:
                by_pair[key, value].append(position)
                by_key[key].append(position)
        return cls(
            namespaces=cluster.namespaces,
            by_pair={pair: mask_of(members) for pair, members in by_pair.items()},
            by_key={key: mask_of(members) for key, members in by_key.items()},
            by_namespace={name: mask_of(members) for name, members in by_namespace.items()},
            all_workloads=mask_of(positions),
        )

    def pods(self, selector: LabelSelector) -> int:
        """Workloads (any namespace) whose pod labels match."""
        cached = self._pods.get(selector)
        if cached is not None:
            return cached
        mask = self.all_workloads
        for pair in selector.match_labels:
            mask &= self.by_pair.get(pair, 0)
        for requirement in selector.expressions:
            match requirement.operator:
                case Operator.IN:
                    mask &= self._any_value(requirement.key, requirement.values)
                case Operator.NOT_IN:
                    # NotIn matches pods without the key too.
                    mask &= ~self._any_value(requirement.key, requirement.values)
                case Operator.EXISTS:
                    mask &= self.by_key.get(requirement.key, 0)
                case Operator.DOES_NOT_EXIST:
                    mask &= ~self.by_key.get(requirement.key, 0)
        self._pods[selector] = mask
        return mask

    def _any_value(self, key: str, values: Iterable[str]) -> int:
        mask = 0
        for value in values:
            mask |= self.by_pair.get((key, value), 0)
        return mask

    def in_namespaces(self, selector: LabelSelector) -> int:
        """Workloads of the namespaces whose labels match."""
        cached = self._namespaces.get(selector)
        if cached is not None:
            return cached
        mask = 0
        for namespace in self.namespaces:
            if selector.matches(dict(namespace.labels)):
                mask |= self.by_namespace.get(namespace.name, 0)
        self._namespaces[selector] = mask
        return mask

    def subjects(self, selector: LabelSelector, namespace: str) -> int:
        """Workloads of one namespace that a policy's podSelector selects."""
        # "podSelector selects the pods to which this NetworkPolicy object applies ...
        # An empty podSelector matches all pods in this namespace."
        return self.pods(selector) & self.by_namespace.get(namespace, 0)

    def peer(self, peer: PodPeer, policy_namespace: str) -> int:
        """Workloads a selector peer of a policy in ``policy_namespace`` matches."""
        # "If namespaceSelector is also set, then the NetworkPolicyPeer as a whole selects the
        # pods matching podSelector in the Namespaces selected by NamespaceSelector. Otherwise
        # it selects the Pods matching podSelector in the policy's own Namespace."
        if peer.namespace_selector is None:
            namespaces = self.by_namespace.get(policy_namespace, 0)
        else:
            namespaces = self.in_namespaces(peer.namespace_selector)
        # "If podSelector is also set, ... Otherwise it selects all Pods in the Namespaces
        # selected by namespaceSelector."
        if peer.pod_selector is None:
            return namespaces
        return namespaces & self.pods(peer.pod_selector)

    def cluster_wide(self, peer: NamespacesPeer | PodsPeer) -> int:
        """Workloads an admin policy's subject, or a selector peer of its rules, matches."""
        # "Namespaces defines a way to select all pods within a set of Namespaces" ... "Pods
        # defines a way to select a set of pods in a set of namespaces": both by labels, and
        # an empty selector selects every namespace (every pod).
        namespaces = self.in_namespaces(peer.namespace_selector)
        if isinstance(peer, NamespacesPeer):
            return namespaces
        return namespaces & self.pods(peer.pod_selector)

    def updated(
        self, changes: Changes, number: Mapping[Endpoint, int]
    ) -> tuple[Selection, ChangedAnswers]:
        """The selection of the cluster ``changes`` lead to, and the answers that differ.

        Masks and kept answers are redone at the changed positions only (a selector's answer
        elsewhere cannot change); an answer not kept here is computed when first asked.
        """
        update = Update.of(changes, self.namespaces, number)
        added = update.added
        by_pair, _ = update.masks(
            self.by_pair,
            (pair for w in changes.removed for pair in w.labels),
            [(position, pair) for position, w in added for pair in w.labels],
        )
        by_key, _ = update.masks(
            self.by_key,
            (key for w in changes.removed for key, _ in w.labels),
            [(position, key) for position, w in added for key, _ in w.labels],
        )
        by_namespace, moved = update.masks(
            self.by_namespace,
            (w.namespace for w in changes.removed),
            [(position, w.namespace) for position, w in added],
        )
        all_workloads = (self.all_workloads & ~update.touched) | update.present
        pods, pods_changed = update.pod_answers(self._pods, self._keys)
        namespaces, namespaces_changed = update.namespace_answers(self._namespaces, by_namespace)
        new = Selection(
            namespaces=changes.namespaces,
            by_pair=by_pair,
            by_key=by_key,
            by_namespace=by_namespace,
            all_workloads=all_workloads,
            answers=(pods, namespaces),
            keys=self._keys,
        )
        return new, ChangedAnswers(
            update,
            frozenset(self._pods),
            pods_changed,
            frozenset(self._namespaces),
            frozenset(namespaces_changed),
            frozenset(moved),
            all_workloads != self.all_workloads,
        )
