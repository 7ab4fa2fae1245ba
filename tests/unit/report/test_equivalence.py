"""``--equivalent``'s verdict: the same flows over the same endpoints, and only when complete."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from netpoldiff.cluster import Cluster
from netpoldiff.errors import InputError, Location
from netpoldiff.model import ObjectRef
from netpoldiff.report.equivalence import (
    EQUIVALENT_LINE,
    Equivalence,
    equivalence,
    verdict_line,
)
from netpoldiff.unevaluated import Unevaluated
from tests.testing.builders import cluster, pods, policy, port, rule, workload
from tests.unit.report.reporting import diff_report

WEB = workload("shop/web", {"app": "web"})
API = workload("shop/api", {"app": "api"})
DB = workload("shop/db", {"app": "db"})
DENY = policy("shop/deny", ingress=(), egress=())
WEB_TO_API = policy("shop/api-from-web", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
API_TO_DB = policy(
    "shop/db-from-api", {"app": "db"}, ingress=(rule(pods({"app": "api"}), ports=(port(),)),)
)
API_FROM_ITSELF = dataclasses.replace(WEB_TO_API, ingress=(rule(pods({"app": "api"})),))
BOTH = policy(
    "shop/shop-ingress",
    {"app": "api"},
    ingress=(rule(pods({"app": "web"})), rule(pods({"app": "api"}))),
)


def _found(old: Cluster, new: Cluster, **report: Any) -> Equivalence:
    return equivalence(dataclasses.replace(diff_report(old, new), **report))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            cluster(WEB, API, DB, WEB_TO_API, API_TO_DB),
            cluster(WEB, API, DB, API_TO_DB, WEB_TO_API),
        ),
        (
            cluster(WEB, API, WEB_TO_API, policy("shop/api-self", {"app": "api"}, ingress=())),
            cluster(WEB, API, WEB_TO_API),
        ),
        (
            cluster(WEB, API, WEB_TO_API),
            cluster(WEB, API, dataclasses.replace(WEB_TO_API, ref=BOTH.ref)),
        ),
    ],
    ids=["same-policies-in-another-order", "a-policy-that-adds-nothing-dropped", "renamed"],
)
def test_policies_rewritten_without_changing_a_flow_are_equivalent(
    old: Cluster, new: Cluster
) -> None:
    found = _found(old, new)
    assert found.verdict == "equivalent"
    assert verdict_line(found) == EQUIVALENT_LINE


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (cluster(WEB, API), cluster(WEB, API, WEB_TO_API), "not equivalent: 2 flows closed"),
        (cluster(WEB, API, WEB_TO_API), cluster(WEB, API), "not equivalent: 2 flows opened"),
        (
            cluster(WEB, API, WEB_TO_API),
            cluster(WEB, API, BOTH),
            "not equivalent: 1 flow opened",
        ),
        (
            cluster(WEB, API, WEB_TO_API),
            cluster(WEB, API, API_FROM_ITSELF),
            "not equivalent: 1 flow opened, 1 closed",
        ),
    ],
    ids=["closed", "opened", "one-opened", "opened-and-closed"],
)
def test_flows_opened_or_closed_make_it_not_equivalent_and_are_counted(
    old: Cluster,
    new: Cluster,
    line: str,
) -> None:
    found = _found(old, new)
    assert found.verdict == "not equivalent"
    assert verdict_line(found) == line


def test_a_workload_added_or_removed_is_not_equivalent_even_without_a_flow() -> None:
    # Denied every way, the new workload has no flow at all: only its endpoint differs.
    before, after = cluster(WEB, DENY), cluster(WEB, DB, DENY)
    added = _found(before, after)
    assert (added.opened, added.closed) == (0, 0)
    assert verdict_line(added) == "not equivalent: workload added: shop/db[Deployment]"
    removed = _found(after, before)
    assert verdict_line(removed) == "not equivalent: workload removed: shop/db[Deployment]"


def test_a_moved_workload_is_another_endpoint_whose_flows_are_not_counted_twice() -> None:
    moved = workload("front/web", {"app": "web"})
    found = _found(cluster(WEB, API), cluster(moved, API))
    assert (found.opened, found.closed) == (0, 0)
    assert verdict_line(found) == (
        "not equivalent: workload moved or renamed (another endpoint): "
        "shop/web[Deployment] to front/web[Deployment]"
    )


_TYPO = Unevaluated(ObjectRef.network_policy("shop", "p"), "added", "selects-nothing", None)
_ADMIN = Unevaluated(
    ObjectRef("AdminNetworkPolicy", None, "deny-all"), "added", "kind-not-evaluated", None
)
_TEMPLATE = Unevaluated(None, "modified", "not-read", Location("chart/x.yaml"))
_BROKEN = InputError(Location("k8s/bad.yaml", 2, 7), "invalid YAML")


@pytest.mark.parametrize(
    ("gaps", "line"),
    [
        (
            {"unevaluated": (_TYPO,)},
            "cannot tell: shop/p (NetworkPolicy, added) selects no workload in the input",
        ),
        (
            {"unevaluated": (_ADMIN,)},
            (
                "cannot tell: deny-all (AdminNetworkPolicy, added) is of a kind netpoldiff does "
                "not evaluate"
            ),
        ),
        (
            {"unevaluated": (_TEMPLATE,)},
            "cannot tell: chart/x.yaml (modified) was not read (a template)",
        ),
        (
            {"errors": (_BROKEN,), "error_sides": ("old",)},
            "cannot tell: k8s/bad.yaml (document 2, line 7) in OLD was skipped",
        ),
        ({"nothing_read": ("new",)}, "cannot tell: nothing was read in NEW"),
        (
            {"unevaluated": (_TYPO,), "nothing_read": ("old", "new")},
            (
                "cannot tell: shop/p (NetworkPolicy, added) selects no workload in the input; "
                "nothing was read in OLD; nothing was read in NEW"
            ),
        ),
    ],
    ids=["selects-nothing", "kind-not-evaluated", "not-read", "skipped", "nothing-read", "several"],
)
def test_what_was_not_evaluated_makes_it_cannot_tell_never_equivalent(
    gaps: dict[str, Any], line: str
) -> None:
    same = cluster(WEB, API, WEB_TO_API)
    found = _found(same, same, **gaps)
    assert found.verdict == "cannot tell"
    assert verdict_line(found) == line


def test_cannot_tell_wins_over_a_difference_that_the_unevaluated_could_undo() -> None:
    found = _found(cluster(WEB, API), cluster(WEB, API, WEB_TO_API), unevaluated=(_ADMIN,))
    assert found.differs
    assert found.verdict == "cannot tell"


def test_names_are_written_as_asked_and_long_lists_say_how_many_more() -> None:
    many = cluster(*(workload(f"shop/w{i}") for i in range(7)), DENY)
    found = _found(cluster(DENY), many)
    line = verdict_line(found, name=lambda text: f"`{text}`")
    assert line == (
        "not equivalent: workloads added: `shop/w0[Deployment]`, `shop/w1[Deployment]`, "
        "`shop/w2[Deployment]`, `shop/w3[Deployment]`, `shop/w4[Deployment]` and 2 more"
    )
    admin = _found(cluster(WEB), cluster(WEB), unevaluated=(_ADMIN,))
    assert verdict_line(admin, name=lambda text: f"`{text}`") == (
        "cannot tell: `deny-all` (`AdminNetworkPolicy`, added) is of a kind netpoldiff does "
        "not evaluate"
    )
