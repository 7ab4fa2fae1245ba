"""``explain``: the decisions about one pair, against the matrix and a naive oracle."""

from __future__ import annotations

import dataclasses
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.cluster import Cluster
from netpoldiff.errors import Location
from netpoldiff.evaluate import evaluate
from netpoldiff.explain import (
    Decision,
    DirectionVerdict,
    Explanation,
    Port,
    explain,
    port_connections,
)
from netpoldiff.matrix import Matrix
from netpoldiff.model import Endpoint, ObjectRef, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy, Rule
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, Protocol
from tests.semantics.oracle import Oracle
from tests.semantics.test_oracle_equivalence import PORT_NUMBERS, clusters
from tests.testing.builders import (
    TCP,
    UDP,
    cluster,
    endpoint,
    ip_block,
    named,
    pods,
    policy,
    port,
    rule,
    tcp,
    udp,
    workload,
)

WEB = workload("shop/web", {"app": "web"})
API = workload("shop/api", {"app": "api"}, (named("http", 8080),))
NOT_ISOLATED = DirectionVerdict(isolated=False, decided_by=(), allowed=ALL_CONNECTIONS)


def _at(line: int) -> Location:
    return Location("k8s/shop.yaml", 1, line)


def _written(written: NetworkPolicy, line: int) -> NetworkPolicy:
    """The policy at ``line``, its ingress rules from ``line + 10``, egress from ``line + 20``."""

    def placed(rules: tuple[Rule, ...], first: int) -> tuple[Rule, ...]:
        return tuple(dataclasses.replace(r, origin=_at(first + i)) for i, r in enumerate(rules))

    return dataclasses.replace(
        written,
        origin=_at(line),
        ingress=placed(written.ingress, line + 10),
        egress=placed(written.egress, line + 20),
    )


def _explained(
    source: Cluster, src: Endpoint | str, dst: Endpoint | str, at: Port | None = None
) -> Explanation:
    ends = [endpoint(e) if isinstance(e, str) else e for e in (src, dst)]
    return explain(evaluate(source), source, ends[0], ends[1], at)


def _ref(name: str) -> ObjectRef:
    return ObjectRef.network_policy("shop", name)


def test_nothing_selecting_either_end_allows_everything_and_names_no_policy() -> None:
    explained = _explained(cluster(WEB, API), "shop/web", "shop/api")
    assert (explained.egress, explained.ingress) == (NOT_ISOLATED, NOT_ISOLATED)
    assert (explained.allowed, explained.exempt) == (ALL_CONNECTIONS, None)


def test_a_policy_with_no_matching_rule_isolates_at_its_own_line() -> None:
    deny = _written(policy("shop/deny", ingress=()), line=5)
    explained = _explained(cluster(WEB, API, deny), "shop/web", "shop/api")
    isolate = Decision(_ref("deny"), None, "isolate", NO_CONNECTIONS, _at(5))
    assert explained.ingress == DirectionVerdict(True, (isolate,), NO_CONNECTIONS)
    assert explained.egress == NOT_ISOLATED
    assert explained.allowed == NO_CONNECTIONS


def test_each_matching_rule_allows_its_ports_named_ones_resolved_on_the_destination() -> None:
    allow = _written(
        policy(
            "shop/allow",
            {"app": "api"},
            ingress=(
                rule(pods({"app": "other"}), ports=(port(TCP, 1),)),  # not web: not listed
                rule(pods({"app": "web"}), ports=(port(TCP, "http"),)),
                rule(ports=(port(UDP, 53),)),
            ),
        ),
        line=30,
    )
    explained = _explained(cluster(WEB, API, allow), "shop/web", "shop/api")
    assert explained.ingress.decided_by == (
        Decision(_ref("allow"), 1, "allow", tcp(8080), _at(41)),
        Decision(_ref("allow"), 2, "allow", udp(53), _at(42)),
    )
    assert explained.allowed == tcp(8080) | udp(53)


def test_a_named_port_the_destination_lacks_is_listed_allowing_nothing() -> None:
    allow = _written(policy("shop/allow", ingress=(rule(ports=(port(TCP, "grpc"),)),)), line=1)
    explained = _explained(cluster(WEB, API, allow), "shop/web", "shop/api")
    assert explained.ingress.decided_by == (
        Decision(_ref("allow"), 0, "allow", NO_CONNECTIONS, _at(11)),
    )
    assert explained.allowed == NO_CONNECTIONS


def test_egress_rules_to_an_ip_block_decide_for_the_external_block_inside_it() -> None:
    out = _written(
        policy("shop/out", {"app": "web"}, egress=(rule(ip_block("10.0.0.0/8"), ports=(port(),)),)),
        line=50,
    )
    source = cluster(WEB, API, out)
    matrix = evaluate(source)
    inside, outside = sorted(matrix.externals(), key=lambda e: "10.0.0.0/8" not in str(e))
    to_inside = explain(matrix, source, endpoint("shop/web"), inside)
    assert to_inside.egress.decided_by == (Decision(_ref("out"), 0, "allow", tcp(), _at(70)),)
    assert to_inside.ingress == NOT_ISOLATED  # no NetworkPolicy governs an outside address
    assert to_inside.allowed == tcp()
    to_outside = explain(matrix, source, endpoint("shop/web"), outside)
    assert to_outside.egress.decided_by == (
        Decision(_ref("out"), None, "isolate", NO_CONNECTIONS, _at(50)),
    )
    to_api = explain(matrix, source, endpoint("shop/web"), endpoint("shop/api"))
    assert to_api.allowed == NO_CONNECTIONS  # ipBlocks never match workloads


@given(st.sampled_from([(TCP, 8080), (TCP, 9), (UDP, 8080)]))
def test_a_port_narrows_what_is_allowed_and_keeps_what_the_pair_allows(at: Port) -> None:
    allow = policy("shop/allow", {"app": "api"}, ingress=(rule(ports=(port(TCP, "http"),)),))
    explained = _explained(cluster(WEB, API, allow), "shop/web", "shop/api", at)
    assert explained.connections == tcp(8080)
    assert explained.allowed == (tcp(8080) if at == (TCP, 8080) else NO_CONNECTIONS)


def test_a_bare_pod_to_itself_is_loopback_and_a_controller_to_itself_is_evaluated() -> None:
    deny = policy("shop/deny", ingress=())
    pod = workload("shop/one[Pod]")
    source = cluster(pod, WEB, deny)
    looped = _explained(source, "shop/one[Pod]", "shop/one[Pod]")
    assert (looped.exempt, looped.allowed) == ("loopback", NO_CONNECTIONS)
    assert looped.ingress.isolated  # the policy still selects it: said, not applied
    open_pod = _explained(cluster(pod), "shop/one[Pod]", "shop/one[Pod]")
    assert (open_pod.exempt, open_pod.allowed) == ("loopback", NO_CONNECTIONS)
    replicas = _explained(cluster(WEB), "shop/web", "shop/web")
    assert (replicas.exempt, replicas.allowed) == (None, ALL_CONNECTIONS)


def test_two_addresses_outside_are_not_the_clusters_traffic() -> None:
    source = cluster(WEB)
    matrix = evaluate(source)
    (world,) = matrix.externals()
    explained = explain(matrix, source, world, world)
    assert (explained.exempt, explained.allowed) == ("outside", NO_CONNECTIONS)
    assert (explained.egress, explained.ingress) == (NOT_ISOLATED, NOT_ISOLATED)


def test_port_connections_is_one_port_or_everything() -> None:
    assert port_connections((TCP, 443)) == tcp(443)
    assert port_connections(None) == ALL_CONNECTIONS


# ---- against the matrix and the oracle, on random clusters ---------------------------------


def _check_direction(
    oracle: Oracle,
    verdict: DirectionVerdict,
    subject: Endpoint,
    peer: Endpoint,
    destination: Endpoint,
    *,
    ingress: bool,
) -> None:
    """The decisions as the oracle reads the policies: selection, matching rules, ports."""
    if not isinstance(subject, WorkloadEndpoint):
        assert verdict == NOT_ISOLATED
        return
    workload_ = oracle.workloads[subject]
    selecting = [
        p
        for p in sorted(oracle.cluster.policies, key=lambda p: p.ref)
        if (p.affects_ingress if ingress else p.affects_egress) and oracle.selects(p, workload_)
    ]
    expected: list[tuple[ObjectRef, int | None, object]] = []
    for selected in selecting:
        rules = selected.ingress if ingress else selected.egress
        matching = [i for i, r in enumerate(rules) if oracle.rule_matches(r, selected, peer)]
        if not matching:
            expected.append((selected.ref, None, NO_CONNECTIONS))
        expected.extend(
            (selected.ref, i, oracle.rule_connections(rules[i], destination)) for i in matching
        )
    observed = [(d.policy, d.rule, d.connections) for d in verdict.decided_by]
    assert observed == expected
    assert verdict.isolated == bool(selecting)
    assert all((d.action == "isolate") == (d.rule is None) for d in verdict.decided_by)


def _pairs(matrix: Matrix) -> list[tuple[Endpoint, Endpoint]]:
    present = matrix.present_endpoints()
    return list(itertools.product(present, present))


@settings(max_examples=100, deadline=None)
@given(clusters(), st.sampled_from(list(Protocol)), st.sampled_from(PORT_NUMBERS))
def test_every_explanation_agrees_with_the_matrix_and_the_oracle(
    source: Cluster, protocol: Protocol, number: int
) -> None:
    matrix = evaluate(source)
    oracle = Oracle(source)
    for src, dst in _pairs(matrix):
        explained = explain(matrix, source, src, dst)
        assert explained.allowed == matrix.get(src, dst), (src, dst)
        assert explained.allowed == oracle.connections(src, dst), (src, dst)
        assert explained.egress.allowed == oracle.egress(src, dst)
        assert explained.ingress.allowed == oracle.ingress(src, dst)
        _check_direction(oracle, explained.egress, src, dst, dst, ingress=False)
        _check_direction(oracle, explained.ingress, dst, src, dst, ingress=True)
        at_port = explain(matrix, source, src, dst, (protocol, number))
        assert at_port.allowed == matrix.get(src, dst) & port_connections((protocol, number))
