"""Random admin policies, clusters that hold them, and edits of them, for property tests.

Policies of every kind: AdminNetworkPolicy and ClusterNetworkPolicy of the Admin tier (small
priorities, so that ties are common), ClusterNetworkPolicy of the Baseline tier, and at most one
BaselineAdminNetworkPolicy, named ``default``. They are built as the loader builds them: a
named port is one PolicyPort per protocol, a BaselineAdminNetworkPolicy never passes, ingress
peers are namespaces or pods only. Selectors and labels come from the NetworkPolicy pools.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Final

from hypothesis import strategies as st

from netpoldiff.addresses import IPSet, parse_cidr
from netpoldiff.admin_policies import (
    ADMIN_NETWORK_POLICY,
    BASELINE_ADMIN_NETWORK_POLICY,
    CLUSTER_NETWORK_POLICY,
    AdminAction,
    AdminPeer,
    AdminPolicy,
    AdminRule,
    AdminTier,
    NamespacesPeer,
    NetworksPeer,
    PodsPeer,
    UnresolvedPeer,
)
from netpoldiff.cluster import Cluster
from netpoldiff.model import (
    NAMESPACE_NAME_LABEL,
    WORKLOAD_KINDS,
    Namespace,
    ObjectRef,
    Workload,
    label_pairs,
)
from netpoldiff.policies import PolicyPort
from netpoldiff.ports import Protocol
from netpoldiff.selectors import LabelSelector
from tests.semantics.test_diff_properties import EDITS, POLICY_EDITS, edited
from tests.semantics.test_oracle_equivalence import (
    NAMESPACE_KEYS,
    NAMESPACE_NAMES,
    POD_KEYS,
    PORT_NAMES,
    PORT_NUMBERS,
    VALUES,
    container_ports,
    namespace_labels,
    namespace_selectors,
    pod_labels,
    pod_selectors,
    policies_named,
    port_key,
)

PRIORITIES: Final = (0, 1, 1000)  # few, so that two policies often share one
NETWORKS: Final = (
    ("0.0.0.0/0",),
    ("::/0",),
    ("10.1.0.0/16",),
    ("2001:db8:1:2::/64",),
    ("0.0.0.0/0", "::/0"),
    ("0.0.0.0/1", "128.0.0.0/1"),  # all of IPv4, in two halves
    ("10.1.2.0/24", "2001:db8:1:2::/64"),
)
# Kinds as (kind, tier): the BaselineAdminNetworkPolicy is drawn apart (it is a singleton).
KINDS: Final = (
    (ADMIN_NETWORK_POLICY, AdminTier.ADMIN),
    (CLUSTER_NETWORK_POLICY, AdminTier.ADMIN),
    (CLUSTER_NETWORK_POLICY, AdminTier.BASELINE),
)
ADMIN_EDITS: Final = (
    "add-admin",
    "remove-admin",
    "reprioritise-admin",
    "swap-admin-rules",
    "change-admin-action",
    "rename-admin",
    "rewrite-admin",
)


def networks_peer(cidrs: tuple[str, ...]) -> NetworksPeer:
    """A networks peer as the loader builds it."""
    addresses = IPSet()
    for cidr in cidrs:
        addresses = addresses | parse_cidr(cidr).addresses
    return NetworksPeer(cidrs, addresses)


def simple_selectors(keys: Sequence[str], values: Sequence[str]) -> list[LabelSelector]:
    """The empty selector and every single matchLabels pair: selectors that often match."""
    return [LabelSelector(), *(LabelSelector.build({k: v}) for k in keys for v in values)]


# Admin rules decide by precedence, which shows only where several match one pair: broad
# selectors (empty, one label) twice as often as the whole pool.
admin_namespace_selectors = st.one_of(
    st.just(LabelSelector()),
    st.just(LabelSelector()),
    st.sampled_from(
        simple_selectors((*NAMESPACE_KEYS, NAMESPACE_NAME_LABEL), (*VALUES, *NAMESPACE_NAMES))
    ),
    namespace_selectors,
)
admin_pod_selectors = st.one_of(
    st.just(LabelSelector()),
    st.just(LabelSelector()),
    st.sampled_from(simple_selectors(POD_KEYS, VALUES)),
    pod_selectors,
)
subjects: st.SearchStrategy[NamespacesPeer | PodsPeer] = st.one_of(
    st.builds(NamespacesPeer, admin_namespace_selectors),
    st.builds(PodsPeer, admin_namespace_selectors, admin_pod_selectors),
)
ingress_peers: st.SearchStrategy[AdminPeer] = subjects
egress_peers: st.SearchStrategy[AdminPeer] = st.one_of(
    subjects,
    st.sampled_from([networks_peer(cidrs) for cidrs in NETWORKS]),
    st.just(UnresolvedPeer("nodes", ("{}",))),
)

NUMBERED = [PolicyPort(p, n) for p in Protocol for n in PORT_NUMBERS]
RANGED = [
    PolicyPort(p, start, end)
    for p in Protocol
    for start in PORT_NUMBERS
    for end in (*PORT_NUMBERS, 1000)
    if end > start
]
NAMED = [tuple(PolicyPort(p, name) for p in Protocol) for name in (*PORT_NAMES, "missing")]
port_entries: st.SearchStrategy[tuple[PolicyPort, ...]] = st.one_of(
    st.sampled_from(NUMBERED).map(lambda port: (port,)),
    st.sampled_from(RANGED).map(lambda port: (port,)),
    st.sampled_from(NAMED),
)
rule_ports: st.SearchStrategy[tuple[PolicyPort, ...] | None] = st.none() | st.lists(
    port_entries, min_size=1, max_size=2
).map(lambda entries: tuple(port for entry in entries for port in entry))


@st.composite
def admin_rules(draw: st.DrawFn, *, egress: bool, baseline: bool) -> AdminRule:
    """One rule; a BaselineAdminNetworkPolicy's (``baseline``) allows or denies only."""
    actions = [AdminAction.ALLOW, AdminAction.DENY] if baseline else list(AdminAction)
    peers = egress_peers if egress else ingress_peers
    return AdminRule(
        draw(st.sampled_from(actions)),
        tuple(draw(st.lists(peers, min_size=1, max_size=2))),
        draw(rule_ports),
    )


@st.composite
def admin_policies(draw: st.DrawFn, name: str, *, banp: bool = False) -> AdminPolicy:
    """An admin policy of a random kind named ``name``; the BaselineAdminNetworkPolicy if
    ``banp`` (then named ``default``).
    """
    if banp:
        kind, tier, priority, name = (
            BASELINE_ADMIN_NETWORK_POLICY,
            AdminTier.BASELINE,
            None,
            "default",
        )
    else:
        kind, tier = draw(st.sampled_from(KINDS))
        priority = draw(st.sampled_from(PRIORITIES))
    # Rules in one direction at least, most of the time: a policy decides through its rules.
    least = draw(st.sampled_from(((1, 0), (0, 1), (2, 2), (0, 0))))
    return AdminPolicy(
        ObjectRef(kind, None, name),
        tier,
        priority,
        draw(subjects),
        tuple(
            draw(st.lists(admin_rules(egress=False, baseline=banp), min_size=least[0], max_size=3))
        ),
        tuple(
            draw(st.lists(admin_rules(egress=True, baseline=banp), min_size=least[1], max_size=3))
        ),
    )


@st.composite
def admin_sets(draw: st.DrawFn) -> tuple[AdminPolicy, ...]:
    """0 to 4 admin policies of any kinds, in a random order, names all distinct."""
    # None at all only now and then: the NetworkPolicy oracle test has those.
    count = draw(st.sampled_from((1, 2, 3, 4, 0)))
    # Names in a random order, so that a tie is broken against the order of drawing.
    names = draw(st.permutations(["k", "c", "x", "m", "e", "t"]))
    banp = count > 0 and draw(st.booleans())
    policies = [draw(admin_policies(names[i])) for i in range(count - banp)]
    if banp:
        policies.append(draw(admin_policies("default", banp=True)))
    return tuple(draw(st.permutations(policies)))


@st.composite
def admin_clusters(draw: st.DrawFn) -> Cluster:
    """2-3 labelled namespaces, 2-5 workloads, 0-3 NetworkPolicies, 0-4 admin policies."""
    count = draw(st.integers(min_value=2, max_value=3))
    names = NAMESPACE_NAMES[:count]
    namespaces = tuple(
        Namespace(name, label_pairs({**draw(namespace_labels), NAMESPACE_NAME_LABEL: name}))
        for name in names
    )
    workloads = tuple(
        Workload(
            namespace=draw(st.sampled_from(names)),
            kind=draw(st.sampled_from(WORKLOAD_KINDS)),
            name=f"w{index}",
            labels=label_pairs(draw(pod_labels)),
            ports=tuple(sorted(set(draw(st.lists(container_ports, max_size=3))), key=port_key)),
        )
        for index in range(draw(st.integers(min_value=2, max_value=5)))
    )
    policies = tuple(
        draw(policies_named(f"p{index}", names))
        for index in range(draw(st.integers(min_value=0, max_value=3)))
    )
    return Cluster(namespaces, workloads, policies, admin_policies=draw(admin_sets()))


@st.composite
def admin_edited(draw: st.DrawFn, policies: tuple[AdminPolicy, ...]) -> tuple[AdminPolicy, ...]:
    """``policies`` after one to three edits: added, removed, re-prioritised, rules swapped,
    an action changed, renamed, rewritten in the other API version.
    """
    result = list(policies)

    def index() -> int:
        return draw(st.integers(min_value=0, max_value=len(result) - 1))

    for step in range(draw(st.integers(min_value=1, max_value=3))):
        edit = draw(st.sampled_from(ADMIN_EDITS))
        if edit == "add-admin":
            result.append(draw(admin_policies(f"added{step}")))
        elif not result:
            continue
        elif edit == "remove-admin":
            del result[index()]
        elif edit == "reprioritise-admin":
            i = index()
            if result[i].priority is not None:
                priority = draw(st.sampled_from(PRIORITIES))
                result[i] = dataclasses.replace(result[i], priority=priority)
        elif edit == "swap-admin-rules":
            i = index()
            result[i] = dataclasses.replace(
                result[i], ingress=result[i].ingress[::-1], egress=result[i].egress[::-1]
            )
        elif edit == "change-admin-action":
            i = index()
            result[i] = draw(_action_changed(result[i]))
        elif edit == "rename-admin":
            i = index()
            if result[i].priority is not None:
                # A new first letter: the name breaks ties of priority, so it may move.
                name = f"{draw(st.sampled_from('adnz'))}-r{step}"
                result[i] = dataclasses.replace(
                    result[i], ref=ObjectRef(result[i].ref.kind, None, name)
                )
        elif edit == "rewrite-admin":
            i = index()
            result[i] = draw(_rewritten(result[i]))
    return tuple(result)


@st.composite
def _rewritten(draw: st.DrawFn, policy: AdminPolicy) -> AdminPolicy:
    """``policy`` in the other API version: AdminNetworkPolicy and ClusterNetworkPolicy of the
    Admin tier one for the other, the BaselineAdminNetworkPolicy as a Baseline-tier one.
    """
    kind = policy.ref.kind
    if kind == BASELINE_ADMIN_NETWORK_POLICY:
        ref = ObjectRef(CLUSTER_NETWORK_POLICY, None, policy.ref.name)
        return dataclasses.replace(policy, ref=ref, priority=draw(st.sampled_from(PRIORITIES)))
    if policy.tier is AdminTier.BASELINE:
        return policy  # a v1alpha1 baseline has no priority and one name: not a rewrite
    other = CLUSTER_NETWORK_POLICY if kind == ADMIN_NETWORK_POLICY else ADMIN_NETWORK_POLICY
    return dataclasses.replace(policy, ref=ObjectRef(other, None, policy.ref.name))


@st.composite
def _action_changed(draw: st.DrawFn, policy: AdminPolicy) -> AdminPolicy:
    """``policy`` with one of its rules' action changed (itself when it has no rule)."""
    rules = [*policy.ingress, *policy.egress]
    if not rules:
        return policy
    at = draw(st.integers(min_value=0, max_value=len(rules) - 1))
    banp = policy.ref.kind == BASELINE_ADMIN_NETWORK_POLICY
    actions = [AdminAction.ALLOW, AdminAction.DENY] if banp else list(AdminAction)
    others = [action for action in actions if action is not rules[at].action]
    rules[at] = dataclasses.replace(rules[at], action=draw(st.sampled_from(others)))
    count = len(policy.ingress)
    return dataclasses.replace(policy, ingress=tuple(rules[:count]), egress=tuple(rules[count:]))


@st.composite
def admin_cluster_pairs(draw: st.DrawFn) -> tuple[Cluster, Cluster]:
    """(old, new) with admin policies: new edits old's admin policies, and often its other
    objects too; or (less often) new is unrelated to old.
    """
    old = draw(admin_clusters())
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        return old, draw(admin_clusters())
    new = old
    choice = draw(st.integers(min_value=0, max_value=2))
    if choice:
        edits: Sequence[str] = POLICY_EDITS if choice == 1 else EDITS
        new = draw(edited(old, edits))
    return old, dataclasses.replace(new, admin_policies=draw(admin_edited(old.admin_policies)))
