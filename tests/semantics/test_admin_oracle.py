"""The tiered evaluator against the naive oracle, on random small clusters with admin policies.

Clusters hold 2-3 labelled namespaces, 2-5 workloads with named ports, 0-3 NetworkPolicies and
0-4 admin policies of every kind (AdminNetworkPolicy with tied priorities, the
BaselineAdminNetworkPolicy, ClusterNetworkPolicy of both tiers) whose rules allow, deny or pass
namespaces, pods and networks (whole families, narrow CIDRs, IPv6) on numbered, ranged, named
or all ports. Every ordered pair is compared, connection by connection.
"""

from __future__ import annotations

from hypothesis import given, settings

from netpoldiff.cluster import Cluster
from netpoldiff.evaluate import evaluate, external_partition, universe
from tests.semantics.admin_strategies import admin_clusters
from tests.semantics.test_oracle_equivalence import assert_matches_oracle

EXAMPLES = settings(max_examples=300, deadline=None)
SHARED = settings(max_examples=100, deadline=None)


@EXAMPLES
@given(admin_clusters())
def test_tiered_evaluation_agrees_with_the_naive_oracle_on_every_pair(cluster: Cluster) -> None:
    matrix = evaluate(cluster)
    assert matrix.workloads() == sorted(w.endpoint for w in cluster.workloads)
    assert_matches_oracle(cluster, matrix)


@SHARED
@given(admin_clusters(), admin_clusters())
def test_atoms_cut_by_another_cluster_s_networks_still_agree_with_the_oracle(
    cluster: Cluster, other: Cluster
) -> None:
    # A diff evaluates both sides over atoms cut by both sides' CIDRs.
    externals = external_partition([cluster, other])
    shared = evaluate(cluster, externals=externals, endpoints=universe([cluster, other], externals))
    assert_matches_oracle(cluster, shared)
