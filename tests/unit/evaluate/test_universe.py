"""The universe: which rules take effect, the address atoms they cut, and the numbering."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.addresses import ALL_ADDRESSES, IPSet, parse_cidr, partition_of
from netpoldiff.bitsets import iter_bits
from netpoldiff.cluster import Cluster
from netpoldiff.evaluate.universe import (
    Universe,
    effective_rules,
    external_partition,
    ip_blocks,
    universe,
)
from netpoldiff.model import Endpoint, ExternalEndpoint, WorkloadEndpoint, endpoint_sort_key
from netpoldiff.policies import IPBlockPeer, Rule
from tests.testing.builders import endpoint, ip_block, pods, policy, rule, workload

FROM_API = rule(pods({"app": "api"}))
TO_NET = rule(ip_block("10.0.0.0/8"))


def addresses(*cidrs: str) -> IPSet:
    result = IPSet()
    for cidr in cidrs:
        result = result | parse_cidr(cidr).addresses
    return result


@pytest.mark.parametrize(
    ("ingress", "egress", "effective"),
    [
        ((FROM_API,), None, (FROM_API,)),
        (None, (TO_NET,), (TO_NET,)),
        ((FROM_API,), (TO_NET,), (FROM_API, TO_NET)),
        ((), (), ()),
    ],
    ids=["ingress-only", "egress-only", "both", "deny-both"],
)
def test_the_rules_of_the_listed_directions_take_effect(
    ingress: tuple[Rule, ...] | None, egress: tuple[Rule, ...] | None, effective: tuple[Rule, ...]
) -> None:
    assert tuple(effective_rules(policy("x/p", ingress=ingress, egress=egress))) == effective


def test_rules_of_a_direction_policy_types_leave_out_are_ignored() -> None:
    # "policyTypes ... Valid options are ["Ingress"], ["Egress"], or ["Ingress", "Egress"]":
    # an ingress list beside policyTypes [Egress] is stored but never enforced (CC-02).
    stray = dataclasses.replace(policy("x/p", egress=(TO_NET,)), ingress=(FROM_API,))
    assert tuple(effective_rules(stray)) == (TO_NET,)


def test_ip_blocks_are_those_of_rules_that_take_effect() -> None:
    ignored = dataclasses.replace(
        policy("x/stray", ingress=()), egress=(rule(ip_block("192.168.0.0/16")),)
    )
    cluster = Cluster(
        policies=(
            policy("x/a", ingress=(rule(ip_block("10.0.0.0/8", "10.1.0.0/16"), pods()),)),
            policy("x/b", egress=(rule(), TO_NET)),
            ignored,
        )
    )
    assert ip_blocks([cluster]) == [
        addresses("10.0.0.0/8") - addresses("10.1.0.0/16"),
        addresses("10.0.0.0/8"),
    ]


def test_both_sides_of_a_diff_are_cut_into_one_set_of_atoms() -> None:
    """CC-26: CIDRs compare as sets once both revisions share one partition."""
    old = Cluster(policies=(policy("x/p", egress=(rule(ip_block("10.0.0.0/8")),)),))
    new = Cluster(policies=(policy("x/p", egress=(rule(ip_block("10.1.0.0/16")),)),))
    atoms = external_partition([old, new]).atoms
    assert set(atoms) == {
        addresses("10.1.0.0/16"),
        addresses("10.0.0.0/8") - addresses("10.1.0.0/16"),
        ALL_ADDRESSES - addresses("10.0.0.0/8"),
    }


def test_the_whole_ipv4_space_leaves_every_ipv6_address_apart() -> None:
    """CC-28: 0.0.0.0/0 does not cover IPv6."""
    cluster = Cluster(policies=(policy("x/p", egress=(rule(ip_block("0.0.0.0/0")),)),))
    assert set(external_partition([cluster]).atoms) == {
        addresses("0.0.0.0/0"),
        addresses("::/0"),
    }


def test_no_ip_block_leaves_one_atom_of_every_address() -> None:
    assert external_partition([Cluster()]).atoms == (ALL_ADDRESSES,)


def test_the_universe_lists_each_workload_once_then_the_atoms() -> None:
    old = Cluster(workloads=(workload("b/web"), workload("a/db[StatefulSet]")))
    new = Cluster(
        workloads=(workload("b/web"), workload("a/api")),
        policies=(policy("a/p", egress=(TO_NET,)),),
    )
    externals = external_partition([old, new])
    assert universe([old, new], externals) == (
        endpoint("a/api"),
        endpoint("a/db[StatefulSet]"),
        endpoint("b/web"),
        ExternalEndpoint(ALL_ADDRESSES - addresses("10.0.0.0/8")),  # from 0.0.0.0
        ExternalEndpoint(addresses("10.0.0.0/8")),
    )


CIDRS = ("10.0.0.0/8", "10.1.0.0/16", "0.0.0.0/0", "::/0", "2001:db8::/32", "192.168.0.0/24")
clusters = st.builds(
    lambda names, cidrs: Cluster(
        workloads=tuple(workload(f"{ns}/{name}") for ns, name in names),
        policies=tuple(
            policy(f"x/p{i}", egress=(rule(ip_block(cidr)),)) for i, cidr in enumerate(cidrs)
        ),
    ),
    st.sets(st.tuples(st.sampled_from("ab"), st.sampled_from("uvw")), max_size=4),
    st.lists(st.sampled_from(CIDRS), max_size=3),
)


@given(st.lists(clusters, min_size=1, max_size=3))
def test_a_universe_numbers_every_endpoint_and_knows_its_atoms(found: list[Cluster]) -> None:
    numbered = Universe.of(found)
    assert numbered == Universe.over(
        universe(found, external_partition(found)), external_partition(found)
    )
    assert len(numbered) == len(numbered.endpoints)
    assert {e: i for i, e in enumerate(numbered.endpoints)} == numbered.number
    workloads = {w.endpoint for c in found for w in c.workloads}
    assert {e for e in numbered.endpoints if isinstance(e, WorkloadEndpoint)} == workloads
    positions = numbered.external_positions
    assert [numbered.endpoints[i] for i in positions] == [
        ExternalEndpoint(atom) for atom in numbered.externals.atoms
    ]
    assert list(iter_bits(numbered.all_externals)) == sorted(positions)
    covered = IPSet()
    for atom in numbered.externals.atoms:
        assert not covered & atom, "atoms are disjoint"
        covered = covered | atom
    assert covered == ALL_ADDRESSES


@given(st.lists(clusters, min_size=1, max_size=3))
def test_the_universe_is_every_endpoint_once_in_report_order(found: list[Cluster]) -> None:
    externals = external_partition(found)
    every: set[Endpoint] = {w.endpoint for c in found for w in c.workloads}
    every.update(ExternalEndpoint(atom) for atom in externals.atoms)
    assert universe(found, externals) == tuple(sorted(every, key=endpoint_sort_key))


@given(st.lists(clusters, min_size=1, max_size=3))
def test_policies_the_sides_share_cut_the_atoms_they_cut_apart(found: list[Cluster]) -> None:
    # A diff's sides hold an unchanged policy as one object, read once for its ipBlocks.
    shared = [found[0], *(dataclasses.replace(c, policies=found[0].policies) for c in found)]
    written = [
        rule_peer.addresses
        for cluster in shared
        for each in cluster.policies
        for rule_ in effective_rules(each)
        for rule_peer in rule_.peers or ()
        if isinstance(rule_peer, IPBlockPeer)
    ]
    assert external_partition(shared) == partition_of(written)
