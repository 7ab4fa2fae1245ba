"""``explain`` with admin policies: each tier's decisions in order, and the matrix's answer.

The small cases use two namespaces (``a``: team=a with ``web``, whose port ``http`` is 8080;
``b``: team=b with ``db``), as tests/unit/evaluate/test_admin_tiers.py does.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Final

from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.admin_policies import (
    BASELINE_ADMIN_NETWORK_POLICY,
    CLUSTER_NETWORK_POLICY,
    AdminAction,
    AdminPeer,
    AdminPolicy,
    AdminRule,
    AdminTier,
    NamespacesPeer,
    PodsPeer,
)
from netpoldiff.cluster import Cluster
from netpoldiff.errors import Location
from netpoldiff.evaluate import evaluate
from netpoldiff.explain import Decision, DirectionVerdict, Explanation, explain, port_connections
from netpoldiff.model import Endpoint, ExternalEndpoint, ObjectRef
from netpoldiff.policies import NetworkPolicy
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, Protocol
from tests.semantics.test_oracle_equivalence import (
    PORT_NUMBERS,
    clusters,
    namespace_selectors,
    pod_selectors,
    policy_ports,
)
from tests.testing.builders import (
    UDP,
    admin,
    admin_named,
    admin_rule,
    cluster,
    endpoint,
    in_namespaces,
    named,
    namespace,
    networks,
    policy,
    port,
    rule,
    tcp,
    udp,
    workload,
)

WEB, DB = endpoint("a/web"), endpoint("b/db")
BASE: Final = (
    namespace("a", team="a"),
    namespace("b", team="b"),
    workload("a/web", {"app": "web"}, (named("http", 8080),)),
    workload("b/db", {"app": "db"}, (named("http", 5432),)),
)
FROM_A, TO_B, EVERYONE = in_namespaces(team="a"), in_namespaces(team="b"), in_namespaces()
NOT_ISOLATED = DirectionVerdict(isolated=False, decided_by=(), allowed=ALL_CONNECTIONS)
ANP, BANP = "AdminNetworkPolicy", BASELINE_ADMIN_NETWORK_POLICY


def _at(line: int) -> Location:
    return Location("k8s/admin.yaml", 1, line)


def _placed(written: AdminPolicy, line: int, *names: str) -> AdminPolicy:
    """The policy at ``line``, its rules (ingress, then egress) on the lines after it, named."""
    rules = [*written.ingress, *written.egress]
    labels = [*names, *([""] * len(rules))]
    placed = [
        dataclasses.replace(r, origin=_at(line + 1 + i), name=labels[i])
        for i, r in enumerate(rules)
    ]
    count = len(written.ingress)
    return dataclasses.replace(
        written, origin=_at(line), ingress=tuple(placed[:count]), egress=tuple(placed[count:])
    )


def _explained(*objects: NetworkPolicy | AdminPolicy, src: Endpoint = WEB) -> Explanation:
    source = cluster(*BASE, *objects)
    return explain(evaluate(source), source, src, DB)


def _admin(kind: str, name: str) -> ObjectRef:
    return ObjectRef(kind, None, name)


def test_an_admin_deny_decides_everything_and_hides_the_networkpolicies_below() -> None:
    deny = _placed(admin("deny-b", 10, TO_B, ingress=(admin_rule("deny", EVERYONE),)), 1, "all")
    allow_all = policy("b/allow-all", ingress=(rule(),))
    explained = _explained(deny, allow_all)
    assert explained.ingress == DirectionVerdict(
        True,
        (Decision(_admin(ANP, "deny-b"), 0, "deny", ALL_CONNECTIONS, _at(2), "admin", "all"),),
        NO_CONNECTIONS,
    )
    assert explained.egress == NOT_ISOLATED
    assert explained.allowed == NO_CONNECTIONS


def test_each_admin_rule_takes_what_the_rules_before_it_left_of_its_ports() -> None:
    rules = (
        admin_rule("allow", FROM_A, ports=(port(number=5432),)),
        admin_rule("deny", EVERYONE, ports=(port(number=5432), port(number=22))),
        admin_rule("pass", EVERYONE),
    )
    guard = _placed(admin("guard", 10, TO_B, ingress=rules), 10)
    only_80 = policy("b/only-80", ingress=(rule(ports=(port(number=80), port(number=22))),))
    explained = _explained(guard, only_80)
    ref = _admin(ANP, "guard")
    passed = ALL_CONNECTIONS - tcp(22, 5432)
    assert explained.ingress.decided_by == (
        Decision(ref, 0, "allow", tcp(5432), _at(11), "admin"),
        Decision(ref, 1, "deny", tcp(22), _at(12), "admin"),  # 5432 was decided above
        Decision(ref, 2, "pass", passed, _at(13), "admin"),
        # The NetworkPolicy decides only what was passed: its TCP/22 was denied above.
        Decision(ObjectRef.network_policy("b", "only-80"), 0, "allow", tcp(80), None),
    )
    assert explained.ingress.allowed == explained.allowed == tcp(80, 5432)


def test_what_no_admin_rule_matches_goes_to_the_baseline_when_no_networkpolicy_selects() -> None:
    other = admin("other", 5, TO_B, ingress=(admin_rule("deny", in_namespaces(team="c")),))
    banp = _placed(
        admin("default", None, TO_B, ingress=(admin_rule("deny", FROM_A, ports=(port(UDP),)),)), 40
    )
    explained = _explained(other, banp)
    assert explained.ingress == DirectionVerdict(
        True,
        (Decision(_admin(BANP, "default"), 0, "deny", udp(), _at(41), "baseline"),),
        ALL_CONNECTIONS - udp(),  # the rest: the default allow
    )


def test_the_baseline_is_not_asked_when_a_networkpolicy_selects_the_pod() -> None:
    banp = admin("default", None, TO_B, ingress=(admin_rule("allow", EVERYONE),))
    deny = policy("b/deny", ingress=())
    explained = _explained(banp, deny)
    assert [d.tier for d in explained.ingress.decided_by] == ["networkpolicy"]
    assert explained.allowed == NO_CONNECTIONS


def test_a_pass_with_nothing_below_is_not_isolated_and_allows_by_default() -> None:
    passing = admin("pass-b", 1, TO_B, ingress=(admin_rule("pass", EVERYONE),))
    explained = _explained(passing)
    assert not explained.ingress.isolated
    assert [d.action for d in explained.ingress.decided_by] == ["pass"]
    assert explained.allowed == ALL_CONNECTIONS


def test_egress_rules_decide_by_the_source_subject_and_the_destination_peers() -> None:
    to_b = admin(
        "web-out",
        3,
        FROM_A,
        egress=(admin_rule("deny", in_namespaces(team="a")), admin_rule("allow", TO_B)),
        kind=CLUSTER_NETWORK_POLICY,
    )
    explained = _explained(to_b, policy("a/deny-out", egress=()))
    # The allow decides every connection: the NetworkPolicy below that denies is not asked.
    web_out = _admin(CLUSTER_NETWORK_POLICY, "web-out")
    assert explained.egress.decided_by == (
        Decision(web_out, 1, "allow", ALL_CONNECTIONS, None, "admin"),
    )
    # The other way round, web is the peer of db's egress: no rule's subjects hold db.
    back = _explained(to_b, src=DB)
    assert back.egress == NOT_ISOLATED


def test_a_named_port_resolves_on_the_destination_and_a_network_holds_externals() -> None:
    rules = (
        admin_rule("deny", EVERYONE, ports=admin_named("http")),
        admin_rule("allow", networks("0.0.0.0/0")),
    )
    guard = admin("guard", 1, FROM_A, egress=rules)
    source = cluster(*BASE, guard)
    matrix = evaluate(source)
    to_db = explain(matrix, source, WEB, DB)
    assert [(d.rule, d.action, d.connections) for d in to_db.egress.decided_by] == [
        (0, "deny", tcp(5432)),  # db's http
        (1, "allow", ALL_CONNECTIONS - tcp(5432)),  # 0.0.0.0/0 holds every IPv4 pod
    ]
    outside = next(e for e in matrix.externals() if "0.0.0.0/0" in str(e))
    to_world = explain(matrix, source, WEB, outside)
    assert [(d.rule, d.action, d.connections) for d in to_world.egress.decided_by] == [
        (1, "allow", ALL_CONNECTIONS)  # no container there: a named port matches nothing
    ]


# ---- against the matrix, on random clusters with admin policies ----------------------------

ACTIONS = (AdminAction.ALLOW, AdminAction.DENY, AdminAction.PASS)
subjects: st.SearchStrategy[NamespacesPeer | PodsPeer] = st.one_of(
    st.builds(NamespacesPeer, namespace_selectors),
    st.builds(PodsPeer, namespace_selectors, pod_selectors),
)
NETWORK_POOL = ("0.0.0.0/0", "::/0", "10.0.0.0/8", "2001:db8::/32", "192.168.0.0/24")
egress_peers: st.SearchStrategy[AdminPeer] = st.one_of(
    subjects, st.sampled_from([networks(c) for c in NETWORK_POOL])
)
admin_ports = st.none() | st.lists(policy_ports, min_size=1, max_size=2).map(tuple)


def _rules(
    peers: st.SearchStrategy[AdminPeer], actions: tuple[AdminAction, ...]
) -> st.SearchStrategy[tuple[AdminRule, ...]]:
    return st.lists(
        st.builds(
            AdminRule,
            st.sampled_from(actions),
            st.lists(peers, min_size=1, max_size=2).map(tuple),
            admin_ports,
        ),
        max_size=3,
    ).map(tuple)


# (kind, tier): AdminNetworkPolicy, ClusterNetworkPolicy in either tier; the baseline one apart.
KINDS = (
    (ANP, AdminTier.ADMIN),
    (CLUSTER_NETWORK_POLICY, AdminTier.ADMIN),
    (CLUSTER_NETWORK_POLICY, AdminTier.BASELINE),
)


@st.composite
def admin_policies(draw: st.DrawFn) -> tuple[AdminPolicy, ...]:
    """0-4 admin policies of every kind and tier, priorities that often tie."""
    found = []
    for index in range(draw(st.integers(min_value=0, max_value=4))):
        kind, tier = draw(st.sampled_from(KINDS))
        found.append(
            AdminPolicy(
                ObjectRef(kind, None, f"a{index}"),
                tier,
                draw(st.integers(min_value=0, max_value=2)),
                draw(subjects),
                draw(_rules(subjects, ACTIONS)),
                draw(_rules(egress_peers, ACTIONS)),
            )
        )
    if draw(st.booleans()):
        # "Only one baseline admin network policy with metadata.name="default"": Allow, Deny.
        actions = (AdminAction.ALLOW, AdminAction.DENY)
        found.append(
            AdminPolicy(
                ObjectRef(BASELINE_ADMIN_NETWORK_POLICY, None, "default"),
                AdminTier.BASELINE,
                None,
                draw(subjects),
                draw(_rules(subjects, actions)),
                draw(_rules(egress_peers, actions)),
            )
        )
    return tuple(found)


TIER_ORDER = {"admin": 0, "networkpolicy": 1, "baseline": 2}


def _check_direction(verdict: DirectionVerdict) -> None:
    """Tiers in order, admin decisions disjoint and non-empty, allowed as the decisions say."""
    ranks = [TIER_ORDER[d.tier] for d in verdict.decided_by]
    assert ranks == sorted(ranks)
    assert not ({"networkpolicy", "baseline"} <= {d.tier for d in verdict.decided_by})
    taken = NO_CONNECTIONS
    for decision in verdict.decided_by:
        if decision.tier != "networkpolicy":
            assert decision.connections
            assert decision.rule is not None
            assert not (decision.connections & taken), "an admin rule took a decided connection"
            if decision.action != "pass":
                taken = taken | decision.connections
    for decision in verdict.decided_by:
        if decision.action == "deny":
            assert not (verdict.allowed & decision.connections)
    assert verdict.isolated == any(d.action != "pass" for d in verdict.decided_by)


@settings(max_examples=150, deadline=None)
@given(
    clusters(),
    admin_policies(),
    st.sampled_from(list(Protocol)),
    st.sampled_from(PORT_NUMBERS),
)
def test_every_explanation_with_admin_tiers_agrees_with_the_matrix(
    base: Cluster, admins: tuple[AdminPolicy, ...], protocol: Protocol, number: int
) -> None:
    source = dataclasses.replace(base, admin_policies=admins)
    matrix = evaluate(source)
    present = matrix.present_endpoints()
    for src, dst in itertools.product(present, present):
        explained = explain(matrix, source, src, dst)
        assert explained.connections == matrix.get(src, dst), (src, dst)
        _check_direction(explained.egress)
        _check_direction(explained.ingress)
        if isinstance(src, ExternalEndpoint):
            assert explained.egress == NOT_ISOLATED  # no policy's subject is outside
        at_port = explain(matrix, source, src, dst, (protocol, number))
        assert at_port.allowed == matrix.get(src, dst) & port_connections((protocol, number))
