"""Cluster: what one source declares, and its namespaces' labels by name."""

from __future__ import annotations

from netpoldiff.cluster import Cluster
from netpoldiff.model import NAMESPACE_NAME_LABEL, Namespace
from tests.testing.builders import namespace


def test_an_empty_source_declares_nothing() -> None:
    assert Cluster() == Cluster((), (), ())
    assert Cluster().namespace_labels() == {}


def test_namespace_labels_are_found_by_name() -> None:
    cluster = Cluster((namespace("shop", team="a"), Namespace.implicit("bank")))
    assert cluster.namespace_labels() == {
        "shop": ((NAMESPACE_NAME_LABEL, "shop"), ("team", "a")),
        "bank": ((NAMESPACE_NAME_LABEL, "bank"),),
    }
