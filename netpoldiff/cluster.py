"""A cluster as one source declares it: its namespaces, workloads and policies."""

from __future__ import annotations

from dataclasses import dataclass

from netpoldiff.admin_policies import AdminPolicy
from netpoldiff.model import LabelPairs, Namespace, UnevaluatedPolicy, Workload, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy


@dataclass(frozen=True, slots=True)
class Cluster:
    """Everything one source declares: namespaces (declared or implied), workloads, policies.

    ``admin_policies`` are the cluster-scoped ones (AdminNetworkPolicy and its kin);
    ``unevaluated`` are the policy objects of kinds netpoldiff reads but does not evaluate;
    ``host_network`` the workloads left out of the matrix (policies do not govern them).
    """

    namespaces: tuple[Namespace, ...] = ()
    workloads: tuple[Workload, ...] = ()
    policies: tuple[NetworkPolicy, ...] = ()
    unevaluated: tuple[UnevaluatedPolicy, ...] = ()
    host_network: tuple[WorkloadEndpoint, ...] = ()
    admin_policies: tuple[AdminPolicy, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether the source declares no workload and no policy: nothing to evaluate."""
        return not (
            self.workloads
            or self.policies
            or self.admin_policies
            or self.unevaluated
            or self.host_network
        )

    def namespace_labels(self) -> dict[str, LabelPairs]:
        """Labels of every namespace by name."""
        return {namespace.name: namespace.labels for namespace in self.namespaces}
