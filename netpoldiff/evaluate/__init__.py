"""Evaluate clusters into reachability matrices, compiling each policy and rule once.

Selectors become bitmasks over numbered endpoints (selection.py); policies become masks
(compile.py); each direction is decided by ordered tiers (tiers.py); the engine computes one
column per destination, shared by the destinations the same inputs decide, and reuses its work
across the clusters it evaluates (engine.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from netpoldiff.addresses import Partition
from netpoldiff.cluster import Cluster
from netpoldiff.evaluate.engine import Engine
from netpoldiff.evaluate.universe import Universe, external_partition, ip_blocks, universe
from netpoldiff.matrix import Matrix
from netpoldiff.model import Endpoint


def evaluate(
    cluster: Cluster,
    *,
    externals: Partition | None = None,
    endpoints: tuple[Endpoint, ...] | None = None,
) -> Matrix:
    """The reachability matrix of a cluster.

    ``externals`` (default: cut by this cluster's ipBlocks) and ``endpoints`` (default: this
    cluster's workloads and the external atoms) let clusters share one numbering.
    """
    if externals is None:
        externals = external_partition([cluster])
    if endpoints is None:
        endpoints = universe([cluster], externals)
    return Engine(Universe.over(endpoints, externals)).evaluate(cluster)


def evaluate_states(clusters: Iterable[Cluster]) -> list[Matrix]:
    """The matrices of several clusters over one numbering, each reusing the others' work."""
    clusters = list(clusters)
    engine = Engine(Universe.of(clusters))
    return [engine.evaluate(cluster) for cluster in clusters]


def evaluate_pair(old: Cluster, new: Cluster) -> tuple[Matrix, Matrix]:
    """The matrices of two clusters over one numbering, for a diff."""
    before, after = evaluate_states([old, new])
    return before, after


__all__ = [
    "Engine",
    "Universe",
    "evaluate",
    "evaluate_pair",
    "evaluate_states",
    "external_partition",
    "ip_blocks",
    "universe",
]
