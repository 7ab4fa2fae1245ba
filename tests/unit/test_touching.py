"""Which changed pairs each changed object can touch."""

from __future__ import annotations

from netpoldiff.bitsets import iter_bits
from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.columns import column_sources
from netpoldiff.diff import diff_matrices
from netpoldiff.evaluate import evaluate_pair
from netpoldiff.reverts import changed_objects
from netpoldiff.touching import Touching
from tests.testing.builders import cluster, namespace, pods, policy, rule, workload

WEB, API, DB = (workload(f"shop/{n}", {"app": n}) for n in ("web", "api", "db"))
PROBE = workload("ops/probe")
SPACES = (namespace("shop"), namespace("ops"))


def touched(old: Cluster, new: Cluster) -> dict[str, set[tuple[str, str]]]:
    diff = diff_matrices(*evaluate_pair(old, new))
    changes = ChangeSet.between(old, new)
    touching = Touching.of(diff, changes, changed_objects(changes))
    changed = {
        dst: column_sources(o) | column_sources(c)
        for dst, (o, c) in enumerate(zip(diff.opened, diff.closed, strict=True))
        if o or c
    }
    names = [str(e).split("[")[0] for e in diff.endpoints]
    return {
        str(obj): {
            (names[src], names[dst])
            for dst, mask in touching.touched(obj, changed)
            for src in iter_bits(mask)
        }
        for obj in changed_objects(changes)
    }


def test_a_policy_touches_the_pairs_of_what_some_version_selects_in_its_direction() -> None:
    deny_api = policy("shop/deny-api", {"app": "api"}, ingress=())
    deny_db = policy("shop/deny-db", {"app": "db"}, ingress=())
    found = touched(
        cluster(*SPACES, WEB, API, DB, PROBE),
        cluster(*SPACES, WEB, API, DB, PROBE, deny_api, deny_db),
    )
    assert all(dst == "shop/api" for _, dst in found["shop/deny-api"])
    assert all(dst == "shop/db" for _, dst in found["shop/deny-db"])
    assert ("ops/probe", "shop/api") in found["shop/deny-api"]


def test_a_workload_touches_only_its_own_pairs() -> None:
    allow = policy("shop/api-in", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
    old = cluster(*SPACES, WEB, API, allow)
    new = cluster(*SPACES, workload("shop/web", {"app": "other"}), API, allow)
    found = touched(old, new)
    assert found["shop/web"] == {("shop/web", "shop/api")}


def test_a_policy_reaches_what_either_version_selects() -> None:
    old_version = policy("shop/deny", {"app": "api"}, ingress=())
    new_version = policy("shop/deny", {"app": "db"}, ingress=())
    old = cluster(*SPACES, WEB, API, DB, PROBE, old_version)
    new = cluster(*SPACES, WEB, API, DB, PROBE, new_version)
    changes = ChangeSet.between(old, new)
    objects = changed_objects(changes)
    touching = Touching.of(diff_matrices(*evaluate_pair(old, new)), changes, objects)
    (deny,) = (obj for obj in objects if str(obj) == "shop/deny")
    assert touching.reach(deny) == 2  # api in OLD, db in NEW
