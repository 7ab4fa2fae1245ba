"""unevaluated: the changed objects whose effect a diff cannot show, and why."""

from __future__ import annotations

import pytest

from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.errors import Location
from netpoldiff.evaluate import evaluate_pair
from netpoldiff.model import ObjectRef, UnevaluatedPolicy
from netpoldiff.policies import NetworkPolicy
from netpoldiff.unevaluated import Unevaluated, unevaluated_changes, unread_files
from tests.testing.builders import namespace, policy, workload

WEB = workload("shop/web", {"app": "web"})
NAMESPACES = (namespace("shop"),)
TYPO = policy("shop/p", {"app": "webs"}, ingress=())
ON_WEB = policy("shop/p", {"app": "web"}, ingress=())
TYPO_EGRESS = policy("shop/p", {"app": "webs"}, egress=())
ANP = ObjectRef("AdminNetworkPolicy", None, "deny-all")
ANP_V1 = UnevaluatedPolicy(ANP, "v1", Location("anp.yaml", 1, 1))
ANP_V2 = UnevaluatedPolicy(ANP, "v2", Location("anp.yaml", 1, 1))


def entries(
    old: tuple[NetworkPolicy, ...],
    new: tuple[NetworkPolicy, ...],
    old_other: tuple[UnevaluatedPolicy, ...] = (),
    new_other: tuple[UnevaluatedPolicy, ...] = (),
) -> list[tuple[str, str, str]]:
    before = Cluster(NAMESPACES, (WEB,), old, old_other)
    after = Cluster(NAMESPACES, (WEB,), new, new_other)
    old_matrix, new_matrix = evaluate_pair(before, after)
    changes = ChangeSet.between(before, after)
    found = unevaluated_changes(changes, old_matrix, new_matrix, before, after)
    return [(str(e.ref), e.change, e.reason) for e in found]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param((), (TYPO,), [("shop/p", "added", "selects-nothing")], id="typo-added"),
        pytest.param((TYPO,), (), [("shop/p", "removed", "selects-nothing")], id="typo-removed"),
        pytest.param(
            (TYPO,), (TYPO_EGRESS,), [("shop/p", "modified", "selects-nothing")], id="typo-edited"
        ),
        pytest.param((), (ON_WEB,), [], id="added-selecting-web"),
        # Fixing the typo selects web in NEW: the matrix shows the effect.
        pytest.param((TYPO,), (ON_WEB,), [], id="typo-fixed"),
        pytest.param((ON_WEB,), (TYPO,), [], id="typo-introduced"),
        pytest.param((TYPO,), (TYPO,), [], id="unchanged"),
    ],
)
def test_a_changed_policy_selecting_nothing_on_either_side_is_unevaluated(
    old: tuple[NetworkPolicy, ...],
    new: tuple[NetworkPolicy, ...],
    expected: list[tuple[str, str, str]],
) -> None:
    assert entries(old, new) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param((), (ANP_V1,), [("deny-all", "added", "kind-not-evaluated")], id="added"),
        pytest.param((ANP_V1,), (), [("deny-all", "removed", "kind-not-evaluated")], id="removed"),
        pytest.param(
            (ANP_V1,), (ANP_V2,), [("deny-all", "modified", "kind-not-evaluated")], id="modified"
        ),
        pytest.param((ANP_V1,), (ANP_V1,), [], id="unchanged"),
    ],
)
def test_a_changed_policy_of_a_kind_not_evaluated_is_unevaluated(
    old: tuple[UnevaluatedPolicy, ...],
    new: tuple[UnevaluatedPolicy, ...],
    expected: list[tuple[str, str, str]],
) -> None:
    assert entries((), (), old, new) == expected


def test_entries_keep_where_the_object_is_written_on_its_newest_side() -> None:
    moved = UnevaluatedPolicy(ANP, "v2", Location("elsewhere.yaml", 2, 5))
    before = Cluster(NAMESPACES, (WEB,), (), (ANP_V1,))
    after = Cluster(NAMESPACES, (WEB,), (), (moved,))
    old_matrix, new_matrix = evaluate_pair(before, after)
    [entry] = unevaluated_changes(
        ChangeSet.between(before, after), old_matrix, new_matrix, before, after
    )
    assert entry.origin == Location("elsewhere.yaml", 2, 5)


def test_a_skipped_file_counts_when_its_content_differs_and_has_no_kind() -> None:
    found = unread_files(
        {"same.yaml": "1", "gone.yaml": "2", "edited.yaml": "3"},
        {"same.yaml": "1", "edited.yaml": "4", "new.yaml": "5"},
        {"edited.yaml": "new/edited.yaml"},
    )
    assert [(u.name, u.change, u.reason) for u in found] == [
        ("new/edited.yaml", "modified", "not-read"),
        ("gone.yaml", "removed", "not-read"),
        ("new.yaml", "added", "not-read"),
    ]
    assert (found[0].kind, found[0].namespace, found[0].ref) == (None, None, None)
    assert found[0] == Unevaluated(None, "modified", "not-read", Location("new/edited.yaml"))
