"""A cluster as one source declares it: its namespaces, workloads and policies."""

from __future__ import annotations

from dataclasses import dataclass

from netpoldiff.model import LabelPairs, Namespace, Workload
from netpoldiff.policies import NetworkPolicy


@dataclass(frozen=True, slots=True)
class Cluster:
    """Everything one source declares: namespaces (declared or implied), workloads, policies."""

    namespaces: tuple[Namespace, ...] = ()
    workloads: tuple[Workload, ...] = ()
    policies: tuple[NetworkPolicy, ...] = ()

    def namespace_labels(self) -> dict[str, LabelPairs]:
        """Labels of every namespace by name."""
        return {namespace.name: namespace.labels for namespace in self.namespaces}
