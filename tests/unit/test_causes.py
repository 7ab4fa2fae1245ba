"""Causes: per changed pair, the changed objects that reverted alone in NEW change it.

Table-driven: each case is a small OLD and NEW, one changed pair, and the causes a reviewer
should read for it (the property test in tests/semantics checks the definition at random).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from netpoldiff.causes import EXHAUSTIVE_CANDIDATES, Cause, Causes
from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.diff import diff_matrices
from netpoldiff.evaluate import evaluate_pair
from netpoldiff.reverts import ChangedObject
from tests.testing.builders import (
    cluster,
    endpoint,
    named,
    namespace,
    pods,
    policy,
    port,
    rule,
    workload,
)


def causes_of(old: Cluster, new: Cluster) -> Causes:
    return Causes(diff_matrices(*evaluate_pair(old, new)), ChangeSet.between(old, new))


def pair_causes(found: Causes, src: str, dst: str) -> list[str]:
    """``kind ns/name change [fields] [joint]`` of each cause of one pair."""
    endpoints = found.diff.endpoints
    causes = found.of_pair(endpoints.index(endpoint(src)), endpoints.index(endpoint(dst)))
    return [words(c) for c in causes]


def words(cause: Cause) -> str:
    changed: ChangedObject = cause.object
    text = f"{changed.ref.kind} {changed.ref} {changed.change}"
    if changed.fields:
        text += " " + ",".join(changed.fields)
    return text + (" joint" if cause.joint else "")


WEB = workload("shop/web", {"app": "web"})
API = workload("shop/api", {"app": "api"}, ports=(named("http", 8080),))
DB = workload("shop/db", {"app": "db"})
API_FROM_WEB = policy("shop/api-in", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
DENY_API = policy("shop/deny-api", {"app": "api"}, ingress=())
WEB_OUT_DB = policy("shop/web-out", {"app": "web"}, egress=(rule(pods({"app": "db"})),))


@dataclass(frozen=True)
class Case:
    name: str
    old: Cluster
    new: Cluster
    pair: tuple[str, str]
    causes: list[str]


CASES = [
    Case(
        "an added allow policy opens its flow",
        cluster(namespace("shop"), WEB, API, DENY_API),
        cluster(namespace("shop"), WEB, API, DENY_API, API_FROM_WEB),
        ("shop/web", "shop/api"),
        ["NetworkPolicy shop/api-in added"],
    ),
    Case(
        # Policies selecting the destination did not change: the new workload is the cause.
        "an added workload is the cause of its flows, not the policies around it",
        cluster(namespace("shop"), WEB, DENY_API, API_FROM_WEB),
        cluster(namespace("shop"), WEB, API, DENY_API, API_FROM_WEB),
        ("shop/web", "shop/api"),
        ["Deployment shop/api added"],
    ),
    Case(
        "a removed workload is the cause of its closed flows",
        cluster(namespace("shop"), WEB, API),
        cluster(namespace("shop"), WEB),
        ("shop/api", "shop/web"),
        ["Deployment shop/api removed"],
    ),
    Case(
        "a relabelled source names its labels",
        cluster(namespace("shop"), WEB, API, API_FROM_WEB),
        cluster(namespace("shop"), workload("shop/web", {"app": "other"}), API, API_FROM_WEB),
        ("shop/web", "shop/api"),
        ["Deployment shop/web modified labels"],
    ),
    Case(
        "a renamed named port closes what the rule names by it",
        cluster(
            namespace("shop"),
            WEB,
            API,
            policy(
                "shop/api-in",
                {"app": "api"},
                ingress=(rule(pods({"app": "web"}), ports=(port(number="http"),)),),
            ),
        ),
        cluster(
            namespace("shop"),
            WEB,
            workload("shop/api", {"app": "api"}, ports=(named("web", 8080),)),
            policy(
                "shop/api-in",
                {"app": "api"},
                ingress=(rule(pods({"app": "web"}), ports=(port(number="http"),)),),
            ),
        ),
        ("shop/web", "shop/api"),
        ["Deployment shop/api modified ports"],
    ),
    Case(
        "a relabelled namespace is the cause of what a namespace selector lets in",
        cluster(
            namespace("shop"),
            namespace("ops"),
            API,
            workload("ops/probe"),
            policy("shop/api-in", {"app": "api"}, ingress=(rule(pods(namespaces={"t": "ops"})),)),
        ),
        cluster(
            namespace("shop"),
            namespace("ops", t="ops"),
            API,
            workload("ops/probe"),
            policy("shop/api-in", {"app": "api"}, ingress=(rule(pods(namespaces={"t": "ops"})),)),
        ),
        ("ops/probe", "shop/api"),
        ["Namespace ops modified labels"],
    ),
    Case(
        # Either new policy alone still allows web -> api: only both reverted close it.
        "two new policies that each allow the flow are joint causes",
        cluster(namespace("shop"), WEB, API, DENY_API),
        cluster(
            namespace("shop"),
            WEB,
            API,
            DENY_API,
            API_FROM_WEB,
            policy("shop/api-in-too", {"app": "api"}, ingress=(rule(pods({"app": "web"})),)),
        ),
        ("shop/web", "shop/api"),
        ["NetworkPolicy shop/api-in added joint", "NetworkPolicy shop/api-in-too added joint"],
    ),
    Case(
        # The added deny on db closes web -> db; the egress policy already allowed it.
        "a policy selecting the source but allowing the flow is no cause",
        cluster(namespace("shop"), WEB, DB, WEB_OUT_DB),
        cluster(
            namespace("shop"),
            WEB,
            DB,
            WEB_OUT_DB,
            policy("shop/deny-db", {"app": "db"}, ingress=()),
        ),
        ("shop/web", "shop/db"),
        ["NetworkPolicy shop/deny-db added"],
    ),
    Case(
        # The relabelled workload (one workload) is more specific than the policy (two).
        "causes are listed most specific first",
        cluster(namespace("shop"), WEB, API, DB),
        cluster(
            namespace("shop"),
            workload("shop/web", {"app": "web", "egress": "on"}),
            API,
            DB,
            policy("shop/out", {"egress": "on"}, egress=(rule(pods({"app": "db"})),)),
            policy("shop/out-db", {"app": "db"}, egress=()),
        ),
        ("shop/web", "shop/api"),
        ["Deployment shop/web modified labels", "NetworkPolicy shop/out added"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_causes_of_a_pair(case: Case) -> None:
    assert pair_causes(causes_of(case.old, case.new), *case.pair) == case.causes


def test_a_renamed_policy_and_a_reordered_one_are_never_causes() -> None:
    reordered = policy(
        "shop/web-out",
        {"app": "web"},
        egress=(rule(pods({"app": "api"})), rule(pods({"app": "db"}))),
    )
    old = cluster(namespace("shop"), WEB, API, DB, DENY_API, reordered)
    new = cluster(
        namespace("shop"),
        WEB,
        API,
        DB,
        policy("shop/deny-api-renamed", {"app": "api"}, ingress=()),
        policy(
            "shop/web-out",
            {"app": "web"},
            egress=(rule(pods({"app": "db"})), rule(pods({"app": "api"}))),
        ),
        policy("shop/deny-db", {"app": "db"}, ingress=()),
    )
    found = causes_of(old, new)
    assert pair_causes(found, "shop/web", "shop/db") == ["NetworkPolicy shop/deny-db added"]
    assert pair_causes(found, "shop/web", "shop/api") == []  # unchanged pair


def test_a_group_lists_the_causes_of_its_pairs_each_once() -> None:
    old = cluster(namespace("shop"), WEB, DB, DENY_API, API_FROM_WEB)
    new = cluster(namespace("shop"), WEB, API, DB, DENY_API, API_FROM_WEB)
    found = causes_of(old, new)
    endpoints = found.diff.endpoints
    sources = sum(1 << endpoints.index(endpoint(s)) for s in ("shop/web", "shop/db"))
    group = found.of_group(sources, [endpoints.index(endpoint("shop/api"))])
    assert [words(c) for c in group] == ["Deployment shop/api added"]
    assert found.of_group(0, [endpoints.index(endpoint("shop/api"))]) == ()


def test_beyond_the_exhaustive_limit_a_joint_set_is_one_no_object_can_leave() -> None:
    extra = EXHAUSTIVE_CANDIDATES + 1
    allowing = [
        policy(f"shop/allow-{i}", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
        for i in range(extra)
    ]
    old = cluster(namespace("shop"), WEB, API, DENY_API)
    new = cluster(namespace("shop"), WEB, API, DENY_API, *allowing)
    causes = pair_causes(causes_of(old, new), "shop/web", "shop/api")
    # Every one of them allows the flow: all must go for it to close.
    assert causes == [f"NetworkPolicy shop/allow-{i} added joint" for i in range(extra)]
