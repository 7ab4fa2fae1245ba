"""unmatched: policies, peers and named ports that match nothing in the input are warned about."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from netpoldiff.bitsets import iter_bits, mask_of
from netpoldiff.check_memo import CheckMemo
from netpoldiff.cluster import Cluster
from netpoldiff.errors import InputError, Location
from netpoldiff.evaluate import Engine, Universe, evaluate
from netpoldiff.manifests import load_cluster
from netpoldiff.matrix import Matrix
from netpoldiff.model import Namespace, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy
from netpoldiff.sources import SourceFile
from netpoldiff.unmatched import unmatched
from tests.conftest import FIXTURES
from tests.semantics.test_oracle_equivalence import clusters
from tests.testing.builders import (
    TCP,
    UDP,
    ip_block,
    named,
    namespace,
    pods,
    policy,
    port,
    rule,
    workload,
)

WEB = workload("shop/web", {"app": "web"}, (named("http", 8080),))
DB = workload("data/db", {"app": "db"}, (named("sql", 5432),))
NAMESPACES = (namespace("shop", team="shop"), namespace("data", team="data"))
SUBJECT_WARNING = (
    "shop/p: spec.podSelector selects no workload of namespace shop in the input, so its "
    "effect is not shown"
)
UDP_HTTP_WARNING = (
    "shop/p: spec.ingress[0].ports[0]: no workload the policy selects declares a UDP port named "
    "http, so it matches nothing"
)
SQL_TO_ADDRESSES_WARNING = (
    "shop/p: spec.egress[0].ports[0]: no workload of its peers declares a TCP port named sql, "
    "so it matches nothing"
)


# What matches nothing; the checks unmatched() runs after these are tested in their own files.
MATCHES_NOTHING = {"NPD006", "NPD007", "NPD008"}


def warnings_of(
    *policies: NetworkPolicy, namespaces: tuple[Namespace, ...] = NAMESPACES
) -> list[tuple[str, str]]:
    cluster = Cluster(namespaces, (WEB, DB), policies)
    found = unmatched(cluster, evaluate(cluster))
    return [(w.code, w.message) for w in found if w.code in MATCHES_NOTHING]


@pytest.mark.parametrize(
    ("policies", "expected"),
    [
        pytest.param(
            (policy("shop/p", {"app": "webs"}, ingress=()),),
            [
                (
                    "NPD006",
                    SUBJECT_WARNING,
                )
            ],
            id="typo-in-the-subject",
        ),
        pytest.param(
            (policy("shop/p", {"app": "db"}, ingress=()),),
            [
                (
                    "NPD006",
                    SUBJECT_WARNING,
                )
            ],
            id="subject-in-another-namespace",
        ),
        pytest.param((policy("shop/p", {"app": "web"}, ingress=()),), [], id="selects-web"),
        pytest.param(
            (policy("shop/p", ingress=(rule(pods({"app": "webb"})),)),),
            [("NPD007", "shop/p: spec.ingress[0].from[0] selects no workload in the input")],
            id="peer-typo-own-namespace",
        ),
        pytest.param(
            (policy("shop/p", ingress=(rule(pods({"app": "db"})),)),),
            [("NPD007", "shop/p: spec.ingress[0].from[0] selects no workload in the input")],
            id="peer-in-own-namespace-only",
        ),
        pytest.param(
            (policy("shop/p", ingress=(rule(pods({"app": "db"}, namespaces={})),)),),
            [],
            id="peer-in-every-namespace",
        ),
        pytest.param(
            (
                policy(
                    "shop/p", egress=(rule(ip_block("10.0.0.0/8"), pods(namespaces={"team": "x"})),)
                ),
            ),
            [("NPD007", "shop/p: spec.egress[0].to[1] selects no workload in the input")],
            id="egress-peer-after-an-ipblock",
        ),
        pytest.param(
            (policy("shop/p", ingress=(rule(ports=(port(TCP, "http"),)),)),),
            [],
            id="named-port-the-subject-declares",
        ),
        pytest.param(
            (policy("shop/p", ingress=(rule(ports=(port(UDP, "http"),)),)),),
            [("NPD008", UDP_HTTP_WARNING)],
            id="named-port-of-another-protocol",
        ),
        pytest.param(
            (
                policy(
                    "shop/p",
                    egress=(rule(pods({"app": "db"}, namespaces={}), ports=(port(TCP, "sql"),)),),
                ),
            ),
            [],
            id="egress-named-port-its-peers-declare",
        ),
        pytest.param(
            (policy("shop/p", egress=(rule(ip_block("0.0.0.0/0"), ports=(port(TCP, "sql"),)),)),),
            [("NPD008", SQL_TO_ADDRESSES_WARNING)],
            id="egress-named-port-toward-addresses-only",
        ),
        pytest.param(
            (policy("shop/p", egress=(rule(ports=(port(TCP, "http"),)),)),),
            [],
            id="egress-named-port-to-every-peer",
        ),
        pytest.param(
            (
                policy(
                    "shop/p",
                    {"app": "none"},
                    ingress=(rule(pods({"app": "none"}), ports=(port(TCP, "x"),)),),
                ),
            ),
            [
                (
                    "NPD006",
                    SUBJECT_WARNING,
                )
            ],
            id="rules-of-a-policy-selecting-nothing-are-not-checked",
        ),
    ],
)
def test_what_matches_nothing_is_warned_about(
    policies: tuple[NetworkPolicy, ...], expected: list[tuple[str, str]]
) -> None:
    assert warnings_of(*policies) == expected


def test_a_direction_the_policy_types_leave_out_is_not_checked() -> None:
    ignored = policy("shop/p", ingress=())
    ignored = NetworkPolicy(
        ignored.ref, ignored.pod_selector, True, False, (), (rule(pods({"app": "x"})),)
    )
    assert warnings_of(ignored) == []


def test_the_subject_warning_points_at_the_pod_selector() -> None:
    typo = policy("shop/p", {"app": "webs"}, ingress=())
    at = Location("p.yaml", 1, 6)
    typo = NetworkPolicy(
        typo.ref,
        typo.pod_selector,
        True,
        False,
        origin=Location("p.yaml", 1, 1),
        selector_origin=at,
    )
    cluster = Cluster(NAMESPACES, (WEB,), (typo,))
    [warning] = unmatched(cluster, evaluate(cluster))
    assert warning.location == at


def test_the_checks_of_likely_mistakes_run_with_it() -> None:
    # One policy for each module of checks: a ports-only rule, egress with no DNS, and a rule
    # repeated (the ports-only rule allows no DNS: port 80 only).
    open_port = policy("shop/p", ingress=(rule(ports=(port(TCP, 80),)),))
    no_dns = policy("shop/q", egress=(rule(pods({"app": "web"})), rule(pods({"app": "web"}))))
    cluster = Cluster(NAMESPACES, (WEB, DB), (open_port, no_dns))
    codes = [w.code for w in unmatched(cluster, evaluate(cluster))]
    assert codes == ["NPD016", "NPD017", "NPD019"]


def _lint_fixture_clusters() -> list[Cluster]:
    """Each case of fixtures/lint that reads: together, every code of the checks."""
    found = []
    for case in sorted((FIXTURES / "lint").iterdir()):
        files = [SourceFile(p.name, p.read_bytes()) for p in sorted(case.glob("*.yaml"))]
        try:
            loaded = load_cluster(files)
        except InputError:
            continue  # the mistakes that are errors, not warnings
        found.append(loaded.cluster)
    return found


@pytest.mark.parametrize("state", _lint_fixture_clusters())
def test_asked_for_some_codes_the_checks_give_all_of_those(state: Cluster) -> None:
    """What a diff asks of OLD: skipping the checks of other codes loses none of these."""
    matrix = evaluate(state)
    every = unmatched(state, matrix)
    for code in {warning.code for warning in every}:
        asked = unmatched(state, matrix, {code})
        assert [w for w in asked if w.code == code] == [w for w in every if w.code == code]
    # Asked for none, the checks that read more than what matches nothing do not run.
    assert not {warning.code for warning in unmatched(state, matrix, set())} & SKIPPABLE


SKIPPABLE = {"NPD016", "NPD017", "NPD018", "NPD019", "NPD020", "NPD021"}


def test_the_lint_fixtures_hold_every_code_a_diff_may_skip_in_old() -> None:
    states = _lint_fixture_clusters()
    found = {w.code for state in states for w in unmatched(state, evaluate(state))}
    assert found >= SKIPPABLE


def test_a_shared_policy_naming_ports_is_checked_again_where_the_ports_changed() -> None:
    # The policy is the same object on both sides, and so is its compiled form (the labels
    # did not change); only the port its workload declares did.
    shared = policy("shop/p", ingress=(rule(ports=(port(TCP, "http"),)),))
    renamed = workload("shop/web", {"app": "web"}, (named("web", 8080),))
    old, new = (
        Cluster(NAMESPACES, (WEB, DB), (shared,)),
        Cluster(NAMESPACES, (renamed, DB), (shared,)),
    )
    engine = Engine(Universe.of([old, new]))
    old_matrix, new_matrix = engine.evaluate(old), engine.evaluate(new)
    assert old_matrix.policies == new_matrix.policies
    memo = CheckMemo()
    new_codes = [w.code for w in unmatched(new, new_matrix, memo=memo)]
    old_codes = [w.code for w in unmatched(old, old_matrix, memo=memo)]
    assert "NPD008" in new_codes
    assert "NPD008" not in old_codes


def undeclared_by_listing(cluster: Cluster, matrix: Matrix) -> list[str]:
    """NPD008's fields, found the straightforward way: every destination's ports listed."""
    assert matrix.port_maps is not None
    workloads = mask_of(
        p for p in iter_bits(matrix.present) if isinstance(matrix.endpoints[p], WorkloadEndpoint)
    )
    policies = {each.ref: each for each in cluster.policies}
    found: list[str] = []
    for compiled in matrix.policies:
        written = policies[compiled.ref]
        if not compiled.subjects:
            continue
        for direction, rules, compiled_rules in (
            ("ingress", written.ingress, compiled.ingress),
            ("egress", written.egress, compiled.egress),
        ):
            for rule_, compiled_rule in zip(rules, compiled_rules or (), strict=False):
                mask = compiled.subjects if direction == "ingress" else compiled_rule.peers
                declared = {
                    (name, protocol)
                    for position in iter_bits(mask & workloads)
                    for name, protocol, _ in matrix.port_maps.get(position, ())
                }
                found.extend(
                    f"{compiled.ref}: spec.{direction}[{compiled_rule.index}].ports[{i}]"
                    for i, each in enumerate(rule_.ports)
                    if isinstance(each.port, str) and (each.port, each.protocol) not in declared
                )
    return found


@settings(max_examples=200, deadline=None)
@given(clusters())
def test_a_named_port_is_undeclared_when_no_destination_lists_it(cluster: Cluster) -> None:
    matrix = evaluate(cluster)
    found = [w.message for w in unmatched(cluster, matrix) if w.code == "NPD008"]
    assert [message.split(": no ")[0] for message in found] == undeclared_by_listing(
        cluster, matrix
    )
