"""source: each kind of SOURCE is its own immutable value, shown as the SOURCE is written."""

from __future__ import annotations

import dataclasses

import pytest

from netpoldiff.sources.source import (
    HEAD,
    INDEX,
    WORKING_TREE,
    Index,
    MergeBase,
    OnDisk,
    Revision,
    Source,
    WorkingTree,
)


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (Revision("HEAD~1"), "HEAD~1"),
        (Revision("refs/tags/v1.0^{commit}"), "refs/tags/v1.0^{commit}"),
        (MergeBase("main", "feature"), "main...feature"),
        (MergeBase("", "feature"), "...feature"),
        (MergeBase("main", ""), "main..."),
        (Index(), "index"),
        (WorkingTree(), "working tree"),
        (OnDisk("k8s/"), "k8s/"),
        (OnDisk("./index"), "./index"),
        (HEAD, "HEAD"),
    ],
)
def test_each_source_shows_as_it_is_written(source: Source, shown: str) -> None:
    assert str(source) == shown


def test_the_same_text_in_two_kinds_is_two_sources() -> None:
    spelled_index = [Revision("index"), OnDisk("index"), INDEX]
    spelled_tree = [Revision("working tree"), OnDisk("working tree"), WORKING_TREE]

    assert len(set(spelled_index)) == 3
    assert len(set(spelled_tree)) == 3
    assert len({Revision("HEAD"), OnDisk("HEAD")}) == 2
    assert MergeBase("a", "b") != MergeBase("b", "a")


def test_equal_sources_are_one_value() -> None:
    assert Revision("HEAD") == HEAD
    assert Index() == INDEX
    assert WorkingTree() == WORKING_TREE
    assert hash(MergeBase("a", "")) == hash(MergeBase("a", ""))
    assert {OnDisk("k8s"), OnDisk("k8s")} == {OnDisk("k8s")}


@pytest.mark.parametrize(
    ("source", "field"),
    [(Revision("HEAD"), "name"), (MergeBase("a", "b"), "left"), (OnDisk("k8s"), "path")],
)
def test_a_source_cannot_be_changed_once_built(source: Source, field: str) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(source, field, "other")
