"""The evaluator against a naive oracle on random small clusters, and invariance properties.

Clusters are built directly as model objects: 2-3 namespaces, 2-6 workloads of any kind,
0-5 policies whose selectors, peers (selectors and ipBlocks, IPv4 and IPv6, with excepts),
ports (numbers, ranges, names, protocol-only) and policyTypes are all random. Labels come
from a small vocabulary so that selectors often match.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from netpoldiff.addresses import V4_SPACE, V6_SPACE, IPSet, parse_cidr
from netpoldiff.cluster import Cluster
from netpoldiff.evaluate import evaluate, external_partition, universe
from netpoldiff.matrix import Matrix
from netpoldiff.model import (
    NAMESPACE_NAME_LABEL,
    WORKLOAD_KINDS,
    ContainerPort,
    ExternalEndpoint,
    Namespace,
    ObjectRef,
    Workload,
    label_pairs,
)
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, Peer, PodPeer, PolicyPort, Rule
from netpoldiff.ports import ConnectionSet, Protocol
from netpoldiff.selectors import LabelSelector, Operator, Requirement
from tests.semantics.oracle import Pair, ip_block_addresses, oracle_matrix
from tests.semantics.oracle_addresses import PartitionError

NAMESPACE_NAMES = ("alpha", "beta", "gamma")
POD_KEYS = ("app", "tier", "env")
NAMESPACE_KEYS = ("team", "env")
VALUES = ("one", "two")
PORT_NAMES = ("http", "dns")
PORT_NUMBERS = (53, 80, 81, 443, 8080)
IP_BLOCK_POOL = (
    ("10.0.0.0/8", ()),
    ("10.0.0.0/8", ("10.1.0.0/16",)),
    ("10.1.0.0/16", ()),
    ("10.1.2.0/24", ()),
    ("0.0.0.0/0", ()),
    ("0.0.0.0/0", ("10.0.0.0/8", "192.168.0.0/16")),
    ("192.168.0.0/24", ("192.168.0.128/25", "192.168.0.0/28")),
    ("::/0", ()),
    ("2001:db8::/32", ("2001:db8:1::/48",)),
    ("2001:db8:1::/48", ()),
    ("fd00::/8", ()),
)


def deciding(matrix: Matrix) -> list[tuple[ObjectRef, ...]]:
    """The policies selecting each endpoint, ingress then egress, by name."""
    size = len(matrix.endpoints)
    return [matrix.ingress_refs(i) for i in range(size)] + [
        matrix.egress_refs(i) for i in range(size)
    ]


EXAMPLES = settings(max_examples=200, deadline=None)

# --- strategies ------------------------------------------------------------------------------
# Small values come from pools built once, so that one draw yields a whole selector, label set
# or port entry: generation stays cheap, and shrinking still heads for the first (simplest)
# entry of each pool.

protocols = st.sampled_from(tuple(Protocol))


def label_sets(keys: Sequence[str], values: Sequence[str]) -> list[dict[str, str]]:
    """Every label set over ``keys`` with ``values`` (each key absent or one value)."""
    sets: list[dict[str, str]] = [{}]
    for key in keys:
        sets = [*sets, *({**labels, key: value} for labels in sets for value in values)]
    return sorted(sets, key=len)


def requirement_pool(keys: Sequence[str], values: Sequence[str]) -> list[Requirement]:
    """Every requirement over ``keys`` with one or two ``values`` for In and NotIn."""
    value_sets = [(v,) for v in values] + list(itertools.combinations(values, 2))
    pool: list[Requirement] = []
    for key in keys:
        pool.extend(Requirement(key, Operator.IN, tuple(sorted(vs))) for vs in value_sets)
        pool.extend(Requirement(key, Operator.NOT_IN, tuple(sorted(vs))) for vs in value_sets)
        pool.append(Requirement(key, Operator.EXISTS))
        pool.append(Requirement(key, Operator.DOES_NOT_EXIST))
    return pool


def selectors(keys: Sequence[str], values: Sequence[str]) -> st.SearchStrategy[LabelSelector]:
    """The empty selector, one matchLabels pair or requirement, or a combination of two."""
    pairs = [{key: value} for key in keys for value in values]
    requirements = requirement_pool(keys, values)
    single = [LabelSelector.build(p) for p in pairs]
    single += [LabelSelector.build({}, (r,)) for r in requirements]
    double = [LabelSelector.build(p, (r,)) for p in pairs for r in requirements]
    double += [LabelSelector.build({**p, **q}) for p, q in itertools.combinations(pairs, 2)]
    double += [LabelSelector.build({}, (r, q)) for r, q in itertools.combinations(requirements, 2)]
    return st.one_of(st.just(LabelSelector()), st.sampled_from(single), st.sampled_from(double))


pod_selectors = selectors(POD_KEYS, VALUES)
namespace_selectors = selectors(
    (*NAMESPACE_KEYS, NAMESPACE_NAME_LABEL), (*VALUES, *NAMESPACE_NAMES)
)
pod_labels = st.sampled_from(label_sets(POD_KEYS, VALUES))
namespace_labels = st.sampled_from(label_sets(NAMESPACE_KEYS, VALUES))


def ip_block(cidr: str, excepts: tuple[str, ...]) -> IPBlockPeer:
    """An ipBlock peer as the loader builds it."""
    addresses = parse_cidr(cidr).addresses
    for excluded in excepts:
        addresses = addresses - parse_cidr(excluded).addresses
    return IPBlockPeer(cidr, excepts, addresses)


ip_blocks = st.sampled_from([ip_block(*block) for block in IP_BLOCK_POOL])

pod_peers = st.one_of(
    st.builds(PodPeer, namespace_selectors, st.none() | pod_selectors),
    st.builds(PodPeer, st.none(), pod_selectors),
)
peers: st.SearchStrategy[Peer] = st.one_of(pod_peers, ip_blocks)

RANGES = [
    (port, end)
    for port in PORT_NUMBERS
    for end in (None, *PORT_NUMBERS, 1000)
    if end is None or end >= port
]
NAMED_POLICY_PORTS = [PolicyPort(p, name) for p in Protocol for name in (*PORT_NAMES, "missing")]
policy_ports = st.one_of(
    st.sampled_from([PolicyPort(protocol) for protocol in Protocol]),
    st.sampled_from([PolicyPort(p, port, end) for p in Protocol for port, end in RANGES]),
    # Names, TCP ones more often, so that they meet the (mostly TCP) container ports.
    st.sampled_from([port for port in NAMED_POLICY_PORTS if port.protocol == Protocol.TCP]),
    st.sampled_from(NAMED_POLICY_PORTS),
)

rules = st.builds(
    Rule,
    st.none() | st.lists(peers, min_size=1, max_size=2).map(tuple),
    st.lists(policy_ports, max_size=2).map(tuple),
)

CONTAINER_PORTS = [
    ContainerPort(number, protocol, name)
    for name in (*PORT_NAMES, None)
    for number in PORT_NUMBERS
    for protocol in Protocol
]
container_ports = st.one_of(
    st.sampled_from([port for port in CONTAINER_PORTS if port.protocol == Protocol.TCP]),
    st.sampled_from(CONTAINER_PORTS),
)


def port_key(port: ContainerPort) -> tuple[int, str, str]:
    return (port.number, port.protocol.value, port.name or "")


@st.composite
def clusters(draw: st.DrawFn) -> Cluster:
    count = draw(st.integers(min_value=2, max_value=3))
    names = NAMESPACE_NAMES[:count]
    namespaces = tuple(
        Namespace(
            name,
            label_pairs({**draw(namespace_labels), NAMESPACE_NAME_LABEL: name}),
        )
        for name in names
    )
    workloads = tuple(
        Workload(
            namespace=draw(st.sampled_from(names)),
            kind=draw(st.sampled_from(WORKLOAD_KINDS)),
            name=f"w{index}",
            labels=label_pairs(draw(pod_labels)),
            ports=tuple(sorted(set(draw(st.lists(container_ports, max_size=4))), key=port_key)),
        )
        for index in range(draw(st.integers(min_value=2, max_value=6)))
    )
    policies = tuple(
        draw(policies_named(f"p{index}", names))
        for index in range(draw(st.integers(min_value=0, max_value=5)))
    )
    return Cluster(namespaces, workloads, policies)


@st.composite
def policies_named(
    draw: st.DrawFn, name: str, namespaces: Sequence[str], min_ingress: int = 0
) -> NetworkPolicy:
    return NetworkPolicy(
        ref=ObjectRef.network_policy(draw(st.sampled_from(namespaces)), name),
        pod_selector=draw(pod_selectors),
        affects_ingress=min_ingress > 0 or draw(st.booleans()),
        affects_egress=draw(st.booleans()),
        ingress=tuple(draw(st.lists(rules, min_size=min_ingress, max_size=max(2, min_ingress)))),
        egress=tuple(draw(st.lists(rules, max_size=2))),
    )


# --- comparison ------------------------------------------------------------------------------


def flows(matrix: Matrix) -> dict[Pair, ConnectionSet]:
    return {(flow.src, flow.dst): flow.connections for flow in matrix.flows()}


def describe_differences(
    observed: Mapping[Pair, ConnectionSet], expected: Mapping[Pair, ConnectionSet]
) -> str:
    lines = []
    for pair in sorted(observed.keys() | expected.keys(), key=str):
        got, want = observed.get(pair), expected.get(pair)
        if got != want:
            lines.append(f"  {pair[0]} -> {pair[1]}: engine {got}, oracle {want}")
    return "\n".join(lines)


def assert_matches_oracle(cluster: Cluster, matrix: Matrix) -> None:
    observed = flows(matrix)
    expected = dict(oracle_matrix(cluster, matrix.present_endpoints()))
    assert observed == expected, "engine and oracle differ:\n" + describe_differences(
        observed, expected
    )


def assert_exact_atoms(matrix: Matrix, blocks: Sequence[IPSet]) -> None:
    """The external atoms partition every address, and are exactly the classes of addresses
    that the same ipBlocks hold: none cut by a block, no two mergeable.
    """
    atoms = [endpoint.addresses for endpoint in matrix.externals()]
    union = IPSet()
    for atom in atoms:
        assert atom
        assert not (union & atom), f"{atom} overlaps another atom"
        union = union | atom
    assert union == IPSet(V4_SPACE, V6_SPACE)
    signatures = []
    for atom in atoms:
        signature = []
        for block in blocks:
            assert atom.issubset(block) or not (atom & block), f"{atom} is cut by {block}"
            signature.append(atom.issubset(block))
        signatures.append(tuple(signature))
    assert len(set(signatures)) == len(signatures), "two atoms could be one"


def effective_ip_blocks(cluster: Cluster) -> list[IPSet]:
    blocks: list[IPSet] = []
    for policy in cluster.policies:
        effective = (policy.ingress if policy.affects_ingress else ()) + (
            policy.egress if policy.affects_egress else ()
        )
        blocks.extend(
            ip_block_addresses(peer)
            for rule in effective
            for peer in rule.peers or ()
            if isinstance(peer, IPBlockPeer)
        )
    return blocks


# --- properties ------------------------------------------------------------------------------


@EXAMPLES
@given(clusters())
def test_evaluate_agrees_with_the_naive_oracle_over_exact_external_atoms(cluster: Cluster) -> None:
    matrix = evaluate(cluster)
    assert matrix.workloads() == sorted(w.endpoint for w in cluster.workloads)
    assert_exact_atoms(matrix, effective_ip_blocks(cluster))
    assert_matches_oracle(cluster, matrix)


@EXAMPLES
@given(clusters(), st.data())
def test_the_order_of_namespaces_workloads_policies_rules_peers_and_ports_does_not_matter(
    cluster: Cluster, data: st.DataObject
) -> None:
    def shuffled_rule(rule: Rule) -> Rule:
        peers = None if rule.peers is None else tuple(data.draw(st.permutations(rule.peers)))
        return Rule(peers, tuple(data.draw(st.permutations(rule.ports))))

    def shuffled_policy(policy: NetworkPolicy) -> NetworkPolicy:
        return dataclasses.replace(
            policy,
            ingress=tuple(shuffled_rule(r) for r in data.draw(st.permutations(policy.ingress))),
            egress=tuple(shuffled_rule(r) for r in data.draw(st.permutations(policy.egress))),
        )

    shuffled = Cluster(
        tuple(data.draw(st.permutations(cluster.namespaces))),
        tuple(data.draw(st.permutations(cluster.workloads))),
        tuple(shuffled_policy(p) for p in data.draw(st.permutations(cluster.policies))),
    )
    original, reordered = evaluate(cluster), evaluate(shuffled)
    assert reordered.endpoints == original.endpoints
    assert flows(reordered) == flows(original)
    assert deciding(reordered) == deciding(original)


@EXAMPLES
@given(clusters(), st.data())
def test_renaming_a_policy_does_not_change_any_flow(cluster: Cluster, data: st.DataObject) -> None:
    assume(cluster.policies)
    index = data.draw(st.integers(min_value=0, max_value=len(cluster.policies) - 1))
    target = cluster.policies[index]
    renamed = dataclasses.replace(
        target, ref=ObjectRef.network_policy(target.namespace, "zz-renamed")
    )
    policies = (*cluster.policies[:index], renamed, *cluster.policies[index + 1 :])
    before = evaluate(cluster)
    after = evaluate(dataclasses.replace(cluster, policies=policies))
    assert flows(after) == flows(before)
    # The selecting-policy lists change by the name only.
    for ids_before, ids_after in zip(deciding(before), deciding(after), strict=True):
        assert len(ids_before) == len(ids_after)
        assert (target.ref in ids_before) == (renamed.ref in ids_after)


@EXAMPLES
@given(clusters(), st.data())
def test_splitting_a_policy_between_two_with_the_same_selector_does_not_change_any_flow(
    cluster: Cluster, data: st.DataObject
) -> None:
    names = tuple(namespace.name for namespace in cluster.namespaces)
    whole = data.draw(policies_named("whole", names, min_ingress=2))
    cut = data.draw(st.integers(min_value=1, max_value=len(whole.ingress) - 1))
    egress_cut = data.draw(st.integers(min_value=0, max_value=len(whole.egress)))
    first = dataclasses.replace(
        whole,
        ref=ObjectRef.network_policy(whole.namespace, "part-1"),
        ingress=whole.ingress[:cut],
        egress=whole.egress[:egress_cut],
    )
    second = dataclasses.replace(
        whole,
        ref=ObjectRef.network_policy(whole.namespace, "part-2"),
        ingress=whole.ingress[cut:],
        egress=whole.egress[egress_cut:],
    )
    joined = evaluate(dataclasses.replace(cluster, policies=(*cluster.policies, whole)))
    split = evaluate(dataclasses.replace(cluster, policies=(*cluster.policies, first, second)))
    assert flows(split) == flows(joined)
    assert split.endpoints == joined.endpoints


@EXAMPLES
@given(clusters(), clusters())
def test_atoms_shared_with_another_cluster_are_exact_and_still_agree_with_the_oracle(
    cluster: Cluster, other: Cluster
) -> None:
    # A diff evaluates both sides over one numbering and atoms cut by both sides' ipBlocks:
    # finer atoms and foreign workloads must not change what this cluster allows.
    externals = external_partition([cluster, other])
    endpoints = universe([cluster, other], externals)
    shared = evaluate(cluster, externals=externals, endpoints=endpoints)
    assert shared.endpoints == endpoints
    assert_exact_atoms(shared, effective_ip_blocks(cluster) + effective_ip_blocks(other))
    assert_matches_oracle(cluster, shared)
    mine = {w.endpoint for w in cluster.workloads}
    foreign = {w.endpoint for w in other.workloads} - mine
    assert set(shared.workloads()) == mine
    assert not any(flow.src in foreign or flow.dst in foreign for flow in shared.flows())


def test_the_oracle_sees_a_partial_ip_block_overlap_as_a_broken_partition() -> None:
    cluster = Cluster(
        (Namespace.implicit("alpha"),),
        (Workload("alpha", "Pod", "a", ()),),
        (
            NetworkPolicy(
                ObjectRef.network_policy("alpha", "p"),
                LabelSelector(),
                affects_ingress=True,
                affects_egress=False,
                ingress=(Rule((ip_block("10.0.0.0/8", ()),)),),
            ),
        ),
    )
    whole_world = ExternalEndpoint(IPSet(V4_SPACE, V6_SPACE))
    with pytest.raises(PartitionError, match="only partly inside"):
        oracle_matrix(cluster, [whole_world, cluster.workloads[0].endpoint])
