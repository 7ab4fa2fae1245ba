"""Answers: which of a selection's answers a change of workloads or namespaces touches."""

from __future__ import annotations

import pytest

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
from netpoldiff.evaluate.universe import Universe
from netpoldiff.selectors import LabelSelector
from tests.testing.builders import cluster, named, namespace, selector, workload

WEB = selector(app="web")
TEAM_A = selector(team="a")
CHANGED = ChangedAnswers(
    pods={WEB: frozenset({"shop"})},
    namespaces=frozenset({TEAM_A}),
    namespace=frozenset({"bank"}),
    every=False,
    old_labels={"shop": {"team": "a"}, "bank": {"team": "b"}},
    new_labels={"shop": {"team": "c"}, "bank": {"team": "b"}},
)


@pytest.mark.parametrize(
    ("query", "touched"),
    [
        (pods_query(WEB, None), True),
        (pods_query(WEB, "shop"), True),
        (pods_query(WEB, "bank"), False),
        (pods_query(WEB, selector(team="a")), True),  # matched the namespace before
        (pods_query(WEB, selector(team="c")), True),  # and after
        (pods_query(WEB, selector(team="b")), False),
        (pods_query(selector(app="db"), None), False),
        (namespaces_query(TEAM_A), True),
        (namespaces_query(selector(team="b")), False),
        (namespace_query("bank"), True),
        (namespace_query("shop"), False),
        (EVERY_WORKLOAD, False),
    ],
    ids=[
        "pods-anywhere",
        "pods-in-the-namespace-they-changed-in",
        "pods-in-another-namespace",
        "pods-in-namespaces-matched-before",
        "pods-in-namespaces-matched-after",
        "pods-in-namespaces-never-matched",
        "another-pod-selector",
        "a-changed-namespace-selector",
        "another-namespace-selector",
        "a-namespace-whose-workloads-changed",
        "another-namespace",
        "every-workload-unchanged",
    ],
)
def test_a_query_is_touched_only_where_its_answer_can_differ(query: Query, touched: bool) -> None:
    assert CHANGED.touches(query) is touched


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
