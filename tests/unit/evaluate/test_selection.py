"""Selection: every selector answered as a mask, checked workload by workload."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.bitsets import mask_of
from netpoldiff.cluster import Cluster
from netpoldiff.evaluate.selection import Selection
from netpoldiff.model import Endpoint, Workload
from netpoldiff.policies import PodPeer
from netpoldiff.selectors import LabelSelector, Operator, Requirement
from tests.semantics.test_oracle_equivalence import (
    NAMESPACE_NAMES,
    clusters,
    namespace_selectors,
    pod_peers,
    pod_selectors,
)
from tests.testing.builders import namespace, pods, workload

EXAMPLES = settings(max_examples=150, deadline=None)


def selection_of(cluster: Cluster) -> tuple[Selection, list[Workload]]:
    """A selection numbering the workloads in order, as an engine numbers a universe."""
    number: dict[Endpoint, int] = {w.endpoint: i for i, w in enumerate(cluster.workloads)}
    return Selection.of(cluster, number), list(cluster.workloads)


def mask_where(workloads: list[Workload], test: Callable[[Workload], bool]) -> int:
    return mask_of(i for i, w in enumerate(workloads) if test(w))


@EXAMPLES
@given(clusters(), pod_selectors)
def test_pods_are_the_workloads_whose_labels_match_in_any_namespace(
    cluster: Cluster, selector: LabelSelector
) -> None:
    selection, workloads = selection_of(cluster)
    expected = mask_where(workloads, lambda w: selector.matches(dict(w.labels)))
    assert selection.pods(selector) == expected
    assert selection.pods(selector) == expected  # answered again from what it kept


@EXAMPLES
@given(clusters(), namespace_selectors)
def test_in_namespaces_are_the_workloads_of_matching_namespaces(
    cluster: Cluster, selector: LabelSelector
) -> None:
    selection, workloads = selection_of(cluster)
    labels = cluster.namespace_labels()
    expected = mask_where(workloads, lambda w: selector.matches(dict(labels[w.namespace])))
    assert selection.in_namespaces(selector) == expected
    assert selection.in_namespaces(selector) == expected


@EXAMPLES
@given(clusters(), pod_selectors, st.sampled_from(NAMESPACE_NAMES))
def test_subjects_are_the_matching_workloads_of_the_policy_s_namespace(
    cluster: Cluster, selector: LabelSelector, policy_namespace: str
) -> None:
    # "podSelector selects the pods to which this NetworkPolicy object applies ... An empty
    # podSelector matches all pods in this namespace."
    selection, workloads = selection_of(cluster)
    expected = mask_where(
        workloads,
        lambda w: w.namespace == policy_namespace and selector.matches(dict(w.labels)),
    )
    assert selection.subjects(selector, policy_namespace) == expected


@EXAMPLES
@given(clusters(), pod_peers, st.sampled_from(NAMESPACE_NAMES))
def test_a_peer_selects_pods_of_its_namespaces(
    cluster: Cluster, peer: PodPeer, policy_namespace: str
) -> None:
    selection, workloads = selection_of(cluster)
    labels = cluster.namespace_labels()

    def selected(w: Workload) -> bool:
        if peer.namespace_selector is None:
            in_namespace = w.namespace == policy_namespace
        else:
            in_namespace = peer.namespace_selector.matches(dict(labels[w.namespace]))
        return in_namespace and (
            peer.pod_selector is None or peer.pod_selector.matches(dict(w.labels))
        )

    assert selection.peer(peer, policy_namespace) == mask_where(workloads, selected)


SHOP = Cluster(
    (namespace("shop", team="a"), namespace("bank", team="b"), namespace("empty", team="a")),
    (
        workload("shop/web", {"app": "web", "tier": "front"}),
        workload("shop/api", {"app": "api"}),
        workload("bank/web", {"app": "web"}),
        workload("bank/db", {"tier": "data"}),
    ),
)


@pytest.mark.parametrize(
    ("peer", "selected"),
    [
        (pods({"app": "web"}), {"shop/web"}),
        (pods({}), {"shop/web", "shop/api"}),
        (pods(namespaces={"team": "b"}), {"bank/web", "bank/db"}),
        (pods({"app": "web"}, namespaces={}), {"shop/web", "bank/web"}),
        (pods({}, namespaces={}), {"shop/web", "shop/api", "bank/web", "bank/db"}),
        (pods({"app": "db"}, namespaces={}), set()),
        (pods(namespaces={"team": "c"}), set()),
    ],
    ids=[
        "pod-selector-alone-means-own-namespace (CC-17)",
        "empty-pod-selector-alone-means-all-of-own-namespace",
        "namespace-selector-alone-means-all-their-pods",
        "both-are-anded (CC-16)",
        "both-empty-means-every-pod-of-the-cluster (CC-17)",
        "no-pod-matches",
        "no-namespace-matches",
    ],
)
def test_a_peer_by_example(peer: PodPeer, selected: set[str]) -> None:
    selection, workloads = selection_of(SHOP)
    found = selection.peer(peer, "shop")
    assert {f"{w.namespace}/{w.name}" for i, w in enumerate(workloads) if found >> i & 1} == (
        selected
    )


@pytest.mark.parametrize(
    ("requirement", "selected"),
    [
        (Requirement("app", Operator.IN, ("web", "db")), {"shop/web", "bank/web"}),
        (Requirement("app", Operator.NOT_IN, ("web",)), {"shop/api", "bank/db"}),
        (Requirement("tier", Operator.EXISTS), {"shop/web", "bank/db"}),
        (Requirement("tier", Operator.DOES_NOT_EXIST), {"shop/api", "bank/web"}),
    ],
    ids=["in", "not-in-matches-pods-without-the-key (CC-23)", "exists", "does-not-exist"],
)
def test_each_operator_by_example(requirement: Requirement, selected: set[str]) -> None:
    selection, workloads = selection_of(SHOP)
    found = selection.pods(LabelSelector.build({}, (requirement,)))
    assert {f"{w.namespace}/{w.name}" for i, w in enumerate(workloads) if found >> i & 1} == (
        selected
    )


def test_every_workload_is_known_and_nothing_else() -> None:
    selection, _ = selection_of(SHOP)
    assert selection.all_workloads == 0b1111
    assert selection.by_namespace == {"shop": 0b0011, "bank": 0b1100}


def test_selections_built_apart_keep_their_answers_apart() -> None:
    number: dict[Endpoint, int] = {w.endpoint: i for i, w in enumerate(SHOP.workloads)}
    web = LabelSelector.build({"app": "web"})
    assert Selection.of(SHOP, number).pods(web) == 0b0101
    fewer = Cluster(SHOP.namespaces, SHOP.workloads[1:])
    assert Selection.of(fewer, number).pods(web) == 0b0100
