"""The endpoints clusters are evaluated over: their workloads, and the address atoms outside.

Clusters compared with each other (the two sides of a diff, the states of a plan) are numbered
alike, over the atoms that every ipBlock of any of them treats alike: their matrices then
share endpoints, and comparing them is per-cell set arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Final

from netpoldiff.addresses import IPSet, Partition, partition_of
from netpoldiff.admin_policies import NetworksPeer
from netpoldiff.bitsets import mask_of
from netpoldiff.cluster import Cluster
from netpoldiff.model import Endpoint, ExternalEndpoint, endpoint_sort_key
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, Rule


def effective_rules(policy: NetworkPolicy) -> Iterable[Rule]:
    """The rules that take effect: those of the directions the policy's policyTypes list."""
    # "policyTypes ... If this field is not specified, it will default based on the existence
    # of ingress or egress rules" -- defaulting happens on load; here rules of a direction the
    # policy does not list are ignored, as the API server's consumers do.
    if policy.affects_ingress:
        yield from policy.ingress
    if policy.affects_egress:
        yield from policy.egress


def ip_blocks(clusters: Iterable[Cluster]) -> list[IPSet]:
    """The address sets of every ipBlock and networks peer that takes effect in these clusters."""
    clusters = list(clusters)
    # The sides of a diff share most policies as one object each: read each object once.
    policies = {id(policy): policy for cluster in clusters for policy in cluster.policies}
    blocks = [
        peer.addresses
        for policy in policies.values()
        for rule in effective_rules(policy)
        for peer in rule.peers or ()
        if isinstance(peer, IPBlockPeer)
    ]
    blocks.extend(
        peer.addresses
        for cluster in clusters
        for admin in cluster.admin_policies
        for rule in admin.egress
        for peer in rule.peers
        if isinstance(peer, NetworksPeer)
    )
    return blocks


def external_partition(clusters: Iterable[Cluster]) -> Partition:
    """External address atoms exact for every ipBlock of these clusters (for a diff: both)."""
    return partition_of(ip_blocks(clusters))


def universe(clusters: Iterable[Cluster], externals: Partition) -> tuple[Endpoint, ...]:
    """Every workload of these clusters plus every external atom, in report order."""
    workloads = {w.endpoint for c in clusters for w in c.workloads}
    # Workloads come first in report order (endpoint_sort_key), so they are sorted apart, by
    # a key read in C: at 100,000 workloads a key function of Python code took half the time.
    ordered: list[Endpoint] = sorted(workloads, key=_workload_order)
    externals_found = {ExternalEndpoint(atom) for atom in externals.atoms}
    ordered.extend(sorted(externals_found, key=endpoint_sort_key))
    return tuple(ordered)


# A workload endpoint's part of endpoint_sort_key.
_workload_order: Final = attrgetter("namespace", "name", "kind")


@dataclass(frozen=True, slots=True)
class Universe:
    """A numbering of endpoints, and the external atoms among them."""

    endpoints: tuple[Endpoint, ...]
    externals: Partition
    number: dict[Endpoint, int] = field(compare=False)
    external_positions: tuple[int, ...] = field(compare=False)
    all_externals: int = field(compare=False)

    @classmethod
    def of(cls, clusters: Iterable[Cluster]) -> Universe:
        """The universe of these clusters: their workloads and the atoms their ipBlocks cut."""
        clusters = list(clusters)
        externals = external_partition(clusters)
        return cls.over(universe(clusters, externals), externals)

    @classmethod
    def over(cls, endpoints: tuple[Endpoint, ...], externals: Partition) -> Universe:
        """A universe of given endpoints (which must hold every atom of ``externals``)."""
        number = {endpoint: i for i, endpoint in enumerate(endpoints)}
        positions = tuple(number[ExternalEndpoint(atom)] for atom in externals.atoms)
        return cls(endpoints, externals, number, positions, mask_of(positions))

    def __len__(self) -> int:
        return len(self.endpoints)
