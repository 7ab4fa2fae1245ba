"""Answers: which of a selection's answers a change of workloads or namespaces touches."""

from __future__ import annotations

import pytest

from netpoldiff.cluster import Cluster
from netpoldiff.evaluate.answers import (
    EVERY_WORKLOAD,
    ChangedAnswers,
    Changes,
    Query,
    Update,
    namespace_query,
    namespaces_query,
    pods_query,
)
from netpoldiff.evaluate.selection import Selection
from netpoldiff.evaluate.universe import Universe
from netpoldiff.selectors import LabelSelector
from tests.testing.builders import cluster, named, namespace, selector, workload

WEB = selector(app="web")
SHOP_BEFORE = cluster(
    namespace("shop", team="a"),
    namespace("bank", team="b"),
    workload("shop/web", {"app": "web"}),
    workload("bank/db", {"app": "db"}),
)
# shop/web relabelled in place, and shop moved from team a to team c; then bank/extra added.
SHOP_AFTER = cluster(
    namespace("shop", team="c"),
    namespace("bank", team="b"),
    workload("shop/web", {"app": "web2"}),
    workload("bank/db", {"app": "db"}),
)
GROWN = cluster(*SHOP_BEFORE.namespaces, *SHOP_BEFORE.workloads, workload("bank/extra"))
SHOP_NUMBER = Universe.of([SHOP_BEFORE, SHOP_AFTER, GROWN]).number


def changed_answers(after: Cluster) -> ChangedAnswers:
    """What changes from SHOP_BEFORE to ``after``, ``WEB`` and two namespace answers kept."""
    before = Selection.of(SHOP_BEFORE, SHOP_NUMBER)
    before.pods(WEB)
    before.in_namespaces(selector(team="a"))
    before.in_namespaces(selector(team="b"))
    removed = tuple(set(SHOP_BEFORE.workloads) - set(after.workloads))
    added = tuple(set(after.workloads) - set(SHOP_BEFORE.workloads))
    _, changed = before.updated(Changes(removed, added, after.namespaces), SHOP_NUMBER)
    return changed


@pytest.mark.parametrize(
    ("query", "touched"),
    [
        (pods_query(WEB, None), True),
        (pods_query(WEB, "shop"), True),
        (pods_query(WEB, "bank"), False),
        (pods_query(WEB, selector(team="a")), True),  # matched the namespace before
        (pods_query(WEB, selector(team="c")), True),  # and after
        (pods_query(WEB, selector(team="b")), False),
        (pods_query(selector(app="web2"), "shop"), True),  # not kept: worked out when asked
        (pods_query(selector(app="db"), None), False),
        (namespaces_query(selector(team="a")), True),
        (namespaces_query(selector(team="b")), False),
        (namespaces_query(selector(team="c")), True),  # not kept
        (namespaces_query(selector(team="d")), False),  # not kept
        (namespace_query("shop"), False),  # its workloads changed in place
        (EVERY_WORKLOAD, False),
    ],
    ids=[
        "pods-anywhere",
        "pods-in-the-namespace-they-changed-in",
        "pods-in-another-namespace",
        "pods-in-namespaces-matched-before",
        "pods-in-namespaces-matched-after",
        "pods-in-namespaces-never-matched",
        "pods-not-kept-that-changed",
        "pods-not-kept-that-did-not",
        "a-kept-namespace-answer-that-changed",
        "a-kept-namespace-answer-that-did-not",
        "a-namespace-answer-not-kept-that-may-change",
        "a-namespace-answer-not-kept-that-cannot",
        "a-namespace-whose-workloads-changed-in-place",
        "every-workload-unchanged",
    ],
)
def test_a_query_is_touched_only_where_its_answer_can_differ(query: Query, touched: bool) -> None:
    assert changed_answers(SHOP_AFTER).touches(query) is touched


def test_a_workload_that_comes_changes_its_namespace_and_every_workload() -> None:
    changed = changed_answers(GROWN)
    assert changed.touches(namespace_query("bank"))
    assert not changed.touches(namespace_query("shop"))
    assert changed.touches(EVERY_WORKLOAD)
    assert changed.touches(namespaces_query(selector(team="b")))
    assert not changed.touches(namespaces_query(selector(team="a")))


BEFORE = cluster(
    namespace("shop", team="a"),
    workload("shop/web", {"app": "web", "tier": "front"}, (named("http", 80),)),
    workload("shop/api", {"app": "api"}),
)
NUMBER = Universe.of([BEFORE]).number


def update(*changed: tuple[dict[str, str], dict[str, str]]) -> Update:
    """The update that relabels ``shop/web`` (in place) once per pair of label sets."""
    removed = tuple(workload("shop/web", old) for old, _ in changed)
    added = tuple(workload("shop/web", new) for _, new in changed)
    return Update.of(Changes(removed, added, BEFORE.namespaces), BEFORE.namespaces, NUMBER)


def test_labels_changed_in_place_name_the_keys_whose_values_changed() -> None:
    moved = update(({"app": "web", "tier": "front"}, {"app": "web", "env": "prod"}))
    assert moved.relabelled_keys == frozenset({"tier", "env"})
    assert update(({"app": "web"}, {"app": "web"})).relabelled_keys == frozenset()


def test_a_workload_that_comes_or_goes_may_change_any_answer() -> None:
    gone = Update.of(Changes((BEFORE.workloads[1],), (), BEFORE.namespaces), (), NUMBER)
    assert gone.relabelled_keys is None


def test_only_answers_that_read_a_changed_key_are_redone() -> None:
    moved = update(({"app": "web", "tier": "front"}, {"app": "web", "tier": "back"}))
    web = 1 << NUMBER[BEFORE.workloads[0].endpoint]
    by_app, by_tier = web, web
    answers = {selector(app="web"): by_app, selector(tier="front"): by_tier}
    result, changed = moved.pod_answers(answers, {})
    assert result[selector(app="web")] is by_app
    assert result[selector(tier="front")] == 0
    assert changed == {selector(tier="front"): frozenset({"shop"})}


def test_workloads_changed_in_place_change_no_namespace_answer() -> None:
    moved = update(({"app": "web"}, {"app": "web2"}))
    answers = {LabelSelector(): 0b11}
    assert moved.namespace_answers(answers, {"shop": 0b11}) == (answers, set())
