"""Tiers: each direction decided by an ordered pipeline, checked source by source.

Columns are compared with a brute-force model: per source, the connections a tier allows or
passes are computed from the compiled policies one rule at a time, as the API text reads.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.columns import Column
from netpoldiff.compiled import CompiledPolicy, CompiledPorts, CompiledRule, PortMap
from netpoldiff.evaluate.tiers import (
    DefaultAllow,
    EgressGroup,
    GroupCache,
    NetworkPolicyEgress,
    NetworkPolicyIngress,
    Tier,
    Verdict,
    decide,
    restricted,
    within,
)
from netpoldiff.model import ObjectRef
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet
from tests.testing.builders import TCP, UDP, tcp, udp
from tests.unit.test_columns import SOURCES, column_of, columns, function_of

EXAMPLES = settings(max_examples=300, deadline=None)
Function = dict[int, ConnectionSet]


def at(column: Column, source: int) -> ConnectionSet:
    return function_of(column).get(source, NO_CONNECTIONS)


# --- restricted and within -------------------------------------------------------------------


@given(columns, st.integers(0, 2**SOURCES - 1))
def test_restricted_keeps_the_given_sources_only(column: Column, sources: int) -> None:
    expected = {s: c for s, c in function_of(column).items() if sources >> s & 1}
    assert restricted(column, sources) == column_of(expected)


@given(columns, columns)
def test_within_cuts_each_source_to_what_is_undecided_for_it(
    column: Column, undecided: Column
) -> None:
    """Some connections of a source may be decided above and the rest not: cut per source."""
    expected = {s: at(column, s) & at(undecided, s) for s in range(SOURCES)}
    assert within(column, undecided) == column_of(expected)


@given(columns, st.integers(0, 2**SOURCES - 1))
def test_within_all_of_some_sources_is_restricted_to_them(column: Column, sources: int) -> None:
    undecided = {ALL_CONNECTIONS: sources} if sources else {}
    assert within(column, undecided) == restricted(column, sources)


# --- the pipeline ----------------------------------------------------------------------------


@dataclass
class Scripted:
    """A tier that allows ``allow`` and passes ``passes`` (per source), denying the rest."""

    allow: Column
    passes: Column
    asked: list[Column] = field(default_factory=list)
    keys: Sequence[Hashable] = ()
    names: Sequence[bool] = ()

    def decide(self, dst: int, port_map: PortMap | None, undecided: Column) -> Verdict:  # noqa: ARG002
        self.asked.append(undecided)
        allowed = within(self.allow, undecided)
        passed = {
            s: (at(undecided, s) & at(self.passes, s)) - at(self.allow, s) for s in range(SOURCES)
        }
        return Verdict(allowed, column_of(passed))


def test_each_tier_decides_only_what_the_one_above_passed() -> None:
    first = Scripted(allow={tcp(80): 0b001}, passes={ALL_CONNECTIONS: 0b110})
    second = Scripted(allow={tcp(): 0b111}, passes={})
    allowed = decide((first, second, DefaultAllow()), 0, None, {ALL_CONNECTIONS: 0b111})
    # Source 0: TCP/80 allowed above, the rest denied above (neither allowed nor passed).
    # Sources 1 and 2: passed whole; the second tier allows TCP and denies the rest.
    assert second.asked == [{ALL_CONNECTIONS: 0b110}]
    assert allowed == {tcp(80): 0b001, tcp(): 0b110}


def test_what_no_tier_decides_is_allowed_by_the_last() -> None:
    above = Scripted(allow={}, passes={udp(): 0b11})
    allowed = decide((above, DefaultAllow()), 0, None, {ALL_CONNECTIONS: 0b11})
    assert allowed == {udp(): 0b11}


def test_once_everything_is_decided_no_tier_below_is_asked() -> None:
    first = Scripted(allow={ALL_CONNECTIONS: 0b1}, passes={})
    second = Scripted(allow={ALL_CONNECTIONS: 0b1}, passes={})
    assert decide((first, second), 0, None, {ALL_CONNECTIONS: 0b1}) == {ALL_CONNECTIONS: 0b1}
    assert second.asked == []


tiers = st.builds(Scripted, columns, columns)


@given(st.lists(tiers, max_size=4), columns)
def test_the_pipeline_agrees_with_asking_each_source_down_the_tiers(
    pipeline: list[Scripted], undecided: Column
) -> None:
    expected: Function = {}
    for source in range(SOURCES):
        left, allowed = at(undecided, source), NO_CONNECTIONS
        for tier in pipeline:
            allow = at(tier.allow, source)
            allowed = allowed | (left & allow)
            left = (left & at(tier.passes, source)) - allow
        expected[source] = allowed
    tiers_: Sequence[Tier] = pipeline
    assert decide(tiers_, 0, None, undecided) == column_of(expected)


# --- the NetworkPolicy tiers against the API text, source by source -------------------------

SIZE: Final = SOURCES
PORT_MAPS: Final[tuple[PortMap | None, ...]] = (
    None,
    (),
    (("http", TCP, 8080),),
    (("http", TCP, 9090), ("dns", UDP, 53)),
    (("http", TCP, 8080), ("http", TCP, 8081)),
)
PORTS: Final = (
    CompiledPorts(ALL_CONNECTIONS, ()),
    CompiledPorts(tcp(80), ()),
    CompiledPorts(tcp(80, 8080) | udp(53), ()),
    CompiledPorts(NO_CONNECTIONS, (("http", TCP),)),
    CompiledPorts(tcp(443), (("http", TCP), ("dns", UDP))),
)
masks = st.integers(0, 2**SIZE - 1)
rules = st.builds(lambda peers, ports: (peers, ports), masks, st.sampled_from(PORTS))


@st.composite
def compiled_policies(draw: st.DrawFn) -> list[CompiledPolicy]:
    """Policies as the compiler makes them: one that selects nothing governs nothing."""
    found = []
    for index in range(draw(st.integers(0, 4))):
        subjects = draw(masks)
        directions: list[tuple[CompiledRule, ...] | None] = []
        for _ in ("ingress", "egress"):
            if not subjects or not draw(st.booleans()):
                directions.append(None)
                continue
            drawn = draw(st.lists(rules, max_size=3))
            directions.append(
                tuple(CompiledRule(i, None, p, ports) for i, (p, ports) in enumerate(drawn))
            )
        ref = ObjectRef.network_policy("x", f"p{index}")
        found.append(CompiledPolicy.of(ref, None, subjects, directions[0], directions[1]))
    return found


def expected_ingress(
    policies: list[CompiledPolicy], dst: int, port_map: PortMap | None, undecided: Column
) -> tuple[Function, Function]:
    selecting = [p for p in policies if p.ingress is not None and p.subjects >> dst & 1]
    if not selecting:
        # "a pod is isolated for ingress if there is any NetworkPolicy that both selects the
        # pod and has "Ingress" in its policyTypes": not isolated, not decided here.
        return {}, function_of(undecided)
    allowed: Function = {}
    for source in range(SIZE):
        # "... the only allowed connections into the pod are ... those allowed by the
        # ingress list of some NetworkPolicy that applies to the pod for ingress."
        connections = NO_CONNECTIONS
        for policy in selecting:
            for rule in policy.ingress or ():
                if rule.peers >> source & 1:
                    connections = connections | rule.ports.resolve(port_map)
        allowed[source] = connections & at(undecided, source)
    return allowed, {}


def expected_egress(
    policies: list[CompiledPolicy], dst: int, port_map: PortMap | None, undecided: Column
) -> tuple[Function, Function]:
    allowed: Function = {}
    passed: Function = {}
    for source in range(SIZE):
        selecting = [p for p in policies if p.egress is not None and p.subjects >> source & 1]
        if not selecting:
            passed[source] = at(undecided, source)
            continue
        connections = NO_CONNECTIONS
        for policy in selecting:
            for rule in policy.egress or ():
                if rule.peers >> dst & 1:
                    connections = connections | rule.ports.resolve(port_map)
        allowed[source] = connections & at(undecided, source)
    return allowed, passed


def assert_verdict(verdict: Verdict, expected: tuple[Function, Function]) -> None:
    assert (verdict.allowed, verdict.passed) == (column_of(expected[0]), column_of(expected[1]))


@EXAMPLES
@given(
    compiled_policies(),
    st.integers(0, SIZE - 1),
    st.sampled_from(PORT_MAPS),
    columns,
)
def test_ingress_allows_what_a_rule_of_a_selecting_policy_allows(
    policies: list[CompiledPolicy], dst: int, port_map: PortMap | None, undecided: Column
) -> None:
    tier = NetworkPolicyIngress.of(policies, SIZE)
    assert_verdict(
        tier.decide(dst, port_map, undecided),
        expected_ingress(policies, dst, port_map, undecided),
    )
    selecting = [p for p in policies if p.ingress is not None and p.subjects >> dst & 1]
    assert tier.names[dst] == any(r.ports.named for p in selecting for r in p.ingress or ())


@EXAMPLES
@given(
    compiled_policies(),
    st.integers(0, SIZE - 1),
    st.sampled_from(PORT_MAPS),
    columns,
)
def test_egress_allows_isolated_sources_what_their_rules_allow_and_passes_the_rest(
    policies: list[CompiledPolicy], dst: int, port_map: PortMap | None, undecided: Column
) -> None:
    tier = NetworkPolicyEgress.of(policies, SIZE, {})
    assert_verdict(
        tier.decide(dst, port_map, undecided),
        expected_egress(policies, dst, port_map, undecided),
    )
    toward = [r for p in policies for r in p.egress or () if r.peers >> dst & 1]
    assert tier.names[dst] == any(r.ports.named for r in toward)


@EXAMPLES
@given(compiled_policies(), st.sampled_from(PORT_MAPS), columns)
def test_destinations_with_equal_keys_get_equal_verdicts(
    policies: list[CompiledPolicy], port_map: PortMap | None, undecided: Column
) -> None:
    """What lets the engine share one column between destinations."""
    for tier in (
        NetworkPolicyIngress.of(policies, SIZE),
        NetworkPolicyEgress.of(policies, SIZE, {}),
    ):
        first: dict[Hashable, Verdict] = {}
        for dst in range(SIZE):
            verdict = tier.decide(dst, port_map, undecided)
            assert first.setdefault(tier.keys[dst], verdict) == verdict


# --- by example ------------------------------------------------------------------------------

WEB: Final = ObjectRef.network_policy("x", "web")


def ingress_policy(subjects: int, *rules_: tuple[int, CompiledPorts]) -> CompiledPolicy:
    compiled = tuple(CompiledRule(i, None, p, ports) for i, (p, ports) in enumerate(rules_))
    return CompiledPolicy.of(WEB, None, subjects, compiled, None)


EVERYONE: Final = {ALL_CONNECTIONS: 0b111}


@pytest.mark.parametrize(
    ("policies", "allowed"),
    [
        ([], EVERYONE),
        ([ingress_policy(0b010)], {}),
        ([ingress_policy(0b001)], EVERYONE),
        ([ingress_policy(0b010, (0b001, CompiledPorts(tcp(80), ())))], {tcp(80): 0b001}),
        (
            [
                ingress_policy(0b010, (0b001, CompiledPorts(tcp(80), ()))),
                ingress_policy(0b010, (0b111, CompiledPorts(ALL_CONNECTIONS, ()))),
            ],
            EVERYONE,
        ),
        (
            [ingress_policy(0b010, (0b101, CompiledPorts(NO_CONNECTIONS, (("http", TCP),))))],
            {tcp(8080): 0b101},
        ),
        ([ingress_policy(0b010, (0, CompiledPorts(ALL_CONNECTIONS, ())))], {}),
    ],
    ids=[
        "no-policy-selects-the-destination-so-all-is-allowed",
        "selected-with-no-rule-denies-all (CC-03)",
        "a-policy-selecting-another-pod-changes-nothing",
        "a-rule-allows-its-peers-on-its-ports",
        "policies-are-additive (CC-33)",
        "a-named-port-resolves-on-the-destination (CC-11)",
        "a-rule-whose-peers-select-nobody-allows-nothing",
    ],
)
def test_ingress_of_destination_1_by_example(
    policies: list[CompiledPolicy], allowed: Column
) -> None:
    """Ingress toward destination 1 (its http port is 8080), from sources 0 to 2.

    The API: "If no NetworkPolicy objects select a pod ... [its] traffic is allowed."
    """
    pipeline = (NetworkPolicyIngress.of(policies, 3), DefaultAllow())
    assert decide(pipeline, 1, (("http", TCP, 8080),), EVERYONE) == allowed


def test_externals_and_unselected_sources_are_never_isolated_for_egress() -> None:
    # Source 0 is selected for egress and may reach destination 2 on TCP/80 only; sources 1
    # (a workload no policy selects) and 2 (an address outside) are not isolated.
    only_web = CompiledPolicy.of(
        WEB, None, 0b001, None, (CompiledRule(0, None, 0b100, CompiledPorts(tcp(80), ())),)
    )
    tier = NetworkPolicyEgress.of([only_web], 3, {})
    assert tier.isolated == 0b001
    assert tier.decide(2, None, EVERYONE) == Verdict({tcp(80): 0b001}, {ALL_CONNECTIONS: 0b110})
    assert tier.decide(1, None, EVERYONE) == Verdict({}, {ALL_CONNECTIONS: 0b110})


def test_an_egress_group_merges_numbers_and_keeps_names_apart() -> None:
    http = CompiledPorts(tcp(443), (("http", TCP),))
    group = EgressGroup.of(
        0b1,
        [
            (0b01, CompiledPorts(tcp(80), ())),
            (0b10, CompiledPorts(udp(53), ())),
            (0b01, http),
            (0b11, CompiledPorts(NO_CONNECTIONS, ())),  # allows nothing: adds nothing
        ],
    )
    assert group.numeric == {tcp(80): 0b01, udp(53): 0b10}
    assert group.named == ((0b01, http),)


def test_equal_grants_toward_equal_peers_share_one_group() -> None:
    def egress(name: str) -> CompiledPolicy:
        rule = CompiledRule(0, None, 0b110, CompiledPorts(tcp(80), ()))
        return CompiledPolicy.of(ObjectRef.network_policy("x", name), None, 0b001, None, (rule,))

    groups: GroupCache = {}
    first = NetworkPolicyEgress.of([egress("a")], 3, groups)
    second = NetworkPolicyEgress.of([egress("b")], 3, groups)
    assert first.keys[1] == (first.keys[1][0],)
    assert second.keys[1][0] is first.keys[1][0]
    assert first.keys[2] == first.keys[1]
    assert first.keys[0] == ()


def test_the_default_tier_allows_everything_it_is_given() -> None:
    for column in ({}, EVERYONE, {tcp(80): 0b1, udp(): 0b10}):
        assert DefaultAllow().decide(0, None, column) == Verdict(column, {})
    # The same everywhere: it takes no part in telling destinations apart.
    assert (DefaultAllow().keys, DefaultAllow().names) == ((), ())
