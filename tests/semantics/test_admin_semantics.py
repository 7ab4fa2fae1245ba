"""Admin policy semantics, rule by rule, from manifests read by the real loader.

Each row is one branch of the API text, written twice: as policy.networking.k8s.io/v1alpha1
(AdminNetworkPolicy, BaselineAdminNetworkPolicy: ``Allow``, ``ports``) and as v1alpha2
(ClusterNetworkPolicy with ``tier: Admin`` or ``tier: Baseline``: ``Accept``, ``protocols``),
with the connections one pair may use. Where a branch exists in one version only, the other is
None. The two versions of each row must also give the same whole matrix.

The cluster: namespaces ``front`` (team=front) and ``back`` (team=back); pods ``front/web``,
``back/db`` (ports ``sql`` 5432/TCP and ``dns`` 53/UDP) and ``back/cache`` (``sql`` 6432/TCP).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from textwrap import dedent
from typing import Final

import pytest

from netpoldiff.evaluate import evaluate
from netpoldiff.intervals import IntervalSet
from netpoldiff.manifests import load_cluster
from netpoldiff.matrix import Matrix
from netpoldiff.model import Endpoint, WorkloadEndpoint
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet, Protocol
from netpoldiff.sources import SourceFile

BASE: Final = """
apiVersion: v1
kind: Namespace
metadata: {name: front, labels: {team: front}}
---
apiVersion: v1
kind: Namespace
metadata: {name: back, labels: {team: back}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: front, labels: {app: web}}
spec: {containers: [{name: main, image: web}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: back, labels: {app: db}}
spec:
  containers:
  - name: main
    image: db
    ports: [{name: sql, containerPort: 5432}, {name: dns, containerPort: 53, protocol: UDP}]
---
apiVersion: v1
kind: Pod
metadata: {name: cache, namespace: back, labels: {app: cache}}
spec: {containers: [{name: main, image: cache, ports: [{name: sql, containerPort: 6432}]}]}
"""


def docs(*documents: str) -> str:
    """Manifests as one multi-document YAML text."""
    return "\n---\n".join(dedent(document).strip("\n") for document in documents)


def at(document: str, priority: int) -> str:
    """An admin policy written at ``priority: 10``, moved to another priority."""
    assert document.count("priority: 10") == 1
    return document.replace("priority: 10", f"priority: {priority}")


# --- the policies of each case, in both versions ----------------------------------------------

ANP_DENY_INTO_BACK = """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: b-deny}
    spec:
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - {action: Deny, from: [namespaces: {}]}
"""
CNP_DENY_INTO_BACK = """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: b-deny}
    spec:
      tier: Admin
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - {action: Deny, from: [namespaces: {}]}
"""
ANP_ALLOW_FRONT = """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: a-allow}
    spec:
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - {action: Allow, from: [namespaces: {matchLabels: {team: front}}]}
"""
CNP_ALLOW_FRONT = """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: a-allow}
    spec:
      tier: Admin
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - {action: Accept, from: [namespaces: {matchLabels: {team: front}}]}
"""


def priorities(allow: int, deny: int) -> tuple[str, str]:
    """Allow from front at ``allow``, deny everyone at ``deny``, both into back; both versions."""
    return (
        docs(at(ANP_DENY_INTO_BACK, deny), at(ANP_ALLOW_FRONT, allow)),
        docs(at(CNP_DENY_INTO_BACK, deny), at(CNP_ALLOW_FRONT, allow)),
    )


RULE_ORDER = (
    """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: sql-only}
    spec:
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - action: Allow
        from: [namespaces: {matchLabels: {team: front}}]
        ports: [portNumber: {port: 5432}]
      - {action: Deny, from: [namespaces: {}]}
""",
    """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: sql-only}
    spec:
      tier: Admin
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - action: Accept
        from: [namespaces: {matchLabels: {team: front}}]
        protocols: [tcp: {destinationPort: {number: 5432}}]
      - {action: Deny, from: [namespaces: {}]}
""",
)

ANP_PASSING_FRONT = """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: pass-front}
    spec:
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - {action: Pass, from: [namespaces: {matchLabels: {team: front}}]}
"""
CNP_PASSING_FRONT = """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: pass-front}
    spec:
      tier: Admin
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - {action: Pass, from: [namespaces: {matchLabels: {team: front}}]}
"""
NP_SQL_FROM_FRONT = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: db-sql-from-front, namespace: back}
    spec:
      podSelector: {matchLabels: {app: db}}
      ingress:
      - from: [namespaceSelector: {matchLabels: {team: front}}]
        ports: [port: 5432]
"""
# The Allow after the Pass is skipped (here), the Deny after it too (for the baseline below).
PASS_TO_NETWORK_POLICY = (
    docs(ANP_PASSING_FRONT, at(ANP_ALLOW_FRONT, 20), NP_SQL_FROM_FRONT),
    docs(CNP_PASSING_FRONT, at(CNP_ALLOW_FRONT, 20), NP_SQL_FROM_FRONT),
)

BANP_SQL_FROM_FRONT = """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: BaselineAdminNetworkPolicy
    metadata: {name: default}
    spec:
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - action: Allow
        from: [namespaces: {matchLabels: {team: front}}]
        ports: [portNumber: {protocol: TCP, port: 5432}]
      - {action: Deny, from: [namespaces: {}]}
"""
BASELINE_CNP_SQL_FROM_FRONT = """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: baseline-sql}
    spec:
      tier: Baseline
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - action: Accept
        from: [namespaces: {matchLabels: {team: front}}]
        protocols: [tcp: {destinationPort: {number: 5432}}]
      - {action: Deny, from: [namespaces: {}]}
"""
PASS_TO_BASELINE = (
    docs(ANP_PASSING_FRONT, at(ANP_DENY_INTO_BACK, 20), BANP_SQL_FROM_FRONT),
    docs(CNP_PASSING_FRONT, at(CNP_DENY_INTO_BACK, 20), BASELINE_CNP_SQL_FROM_FRONT),
)

NP_ALLOW_ALL_INTO_BACK = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: allow-all, namespace: back}
    spec:
      podSelector: {}
      ingress: [{}]
"""
DENY_ABOVE_NETWORK_POLICY = (
    docs(ANP_DENY_INTO_BACK, NP_ALLOW_ALL_INTO_BACK),
    docs(CNP_DENY_INTO_BACK, NP_ALLOW_ALL_INTO_BACK),
)

NP_NO_EGRESS_FROM_FRONT = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: no-egress, namespace: front}
    spec:
      podSelector: {}
      policyTypes: [Egress]
"""
ALLOW_ABOVE_NETWORK_POLICY = (
    docs(
        """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: front-to-back}
    spec:
      priority: 10
      subject: {namespaces: {matchLabels: {team: front}}}
      egress:
      - {action: Allow, to: [namespaces: {matchLabels: {team: back}}]}
""",
        NP_NO_EGRESS_FROM_FRONT,
    ),
    docs(
        """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: front-to-back}
    spec:
      tier: Admin
      priority: 10
      subject: {namespaces: {matchLabels: {team: front}}}
      egress:
      - {action: Accept, to: [namespaces: {matchLabels: {team: back}}]}
""",
        NP_NO_EGRESS_FROM_FRONT,
    ),
)

BASELINE_DENY = (
    docs(
        """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: BaselineAdminNetworkPolicy
    metadata: {name: default}
    spec:
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - {action: Deny, from: [namespaces: {}]}
""",
        NP_SQL_FROM_FRONT,
    ),
    docs(
        """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: baseline-deny}
    spec:
      tier: Baseline
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - {action: Deny, from: [namespaces: {}]}
""",
        NP_SQL_FROM_FRONT,
    ),
)

IPV6_NETWORKS = (
    """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: v6-egress}
    spec:
      priority: 10
      subject: {namespaces: {matchLabels: {team: front}}}
      egress:
      - action: Allow
        to: [networks: ["2001:db8::/32"]]
        ports: [portNumber: {port: 443}]
      - {action: Deny, to: [networks: ["::/0"]]}
""",
    """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: v6-egress}
    spec:
      tier: Admin
      priority: 10
      subject: {namespaces: {matchLabels: {team: front}}}
      egress:
      - action: Accept
        to: [networks: ["2001:db8::/32"]]
        protocols: [tcp: {destinationPort: {number: 443}}]
      - {action: Deny, to: [networks: ["::/0"]]}
""",
)

NAMED_INGRESS = (
    """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: named}
    spec:
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - action: Allow
        from: [namespaces: {matchLabels: {team: front}}]
        ports: [namedPort: sql, namedPort: dns]
      - {action: Deny, from: [namespaces: {}]}
""",
    """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: named}
    spec:
      tier: Admin
      priority: 10
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - action: Accept
        from: [namespaces: {matchLabels: {team: front}}]
        protocols: [destinationNamedPort: sql, destinationNamedPort: dns]
      - {action: Deny, from: [namespaces: {}]}
""",
)
NAMED_EGRESS = (
    """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: named-egress}
    spec:
      priority: 10
      subject: {namespaces: {matchLabels: {team: front}}}
      egress:
      - action: Allow
        to: [namespaces: {matchLabels: {team: back}}]
        ports: [namedPort: sql]
      - {action: Deny, to: [namespaces: {}]}
""",
    """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: named-egress}
    spec:
      tier: Admin
      priority: 10
      subject: {namespaces: {matchLabels: {team: front}}}
      egress:
      - action: Accept
        to: [namespaces: {matchLabels: {team: back}}]
        protocols: [destinationNamedPort: sql]
      - {action: Deny, to: [namespaces: {}]}
""",
)

BASELINE_PASS = docs(
    """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: pass-front}
    spec:
      tier: Baseline
      priority: 1
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - {action: Pass, from: [namespaces: {matchLabels: {team: front}}]}
""",
    """
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata: {name: baseline-deny}
    spec:
      tier: Baseline
      priority: 2
      subject: {namespaces: {matchLabels: {team: back}}}
      ingress:
      - {action: Deny, from: [namespaces: {}]}
""",
)


# --- the table ---------------------------------------------------------------------------------


def tcp(port: int) -> ConnectionSet:
    return ConnectionSet.of(Protocol.TCP, IntervalSet.of((port, port)))


def udp(port: int) -> ConnectionSet:
    return ConnectionSet.of(Protocol.UDP, IntervalSet.of((port, port)))


@dataclass(frozen=True)
class Case:
    """One branch: its policies in each version (None: not in that version), one pair."""

    name: str
    v1alpha1: str | None
    v1alpha2: str | None
    src: str
    dst: str
    expected: ConnectionSet


WEB, DB, CACHE = "front/web", "back/db", "back/cache"


def case(name: str, policies: tuple[str, str], src: str, dst: str, expected: ConnectionSet) -> Case:
    """A row whose branch exists in both versions."""
    return Case(name, policies[0], policies[1], src, dst, expected)


CASES: Final = (
    # ANP: "Policies with lower priority values have higher precedence, and are checked before
    # policies with higher priority values."
    case(
        "lower priority first: allow at 5, deny at 10", priorities(5, 10), WEB, DB, ALL_CONNECTIONS
    ),
    case(
        "lower priority first: allow at 10, deny at 5", priorities(10, 5), WEB, DB, NO_CONNECTIONS
    ),
    # "If two (or more) policies with the same priority could both match a connection, then the
    # implementation can apply any of the matching policies": netpoldiff asks them by kind,
    # then name (a-allow before b-deny), and warns.
    case("equal priority: by kind, then name", priorities(10, 10), WEB, DB, ALL_CONNECTIONS),
    # "The relative precedence of ingress rules within a single ANP object ... will be
    # determined by the order in which the rule is written."
    case("rule order: the first match decides, port by port", RULE_ORDER, WEB, DB, tcp(5432)),
    # Pass "instructs the selected traffic to skip any remaining ANP rules, and then pass
    # execution to any NetworkPolicies that select the pod."
    case("pass to NetworkPolicy", PASS_TO_NETWORK_POLICY, WEB, DB, tcp(5432)),
    # "If the pod is not selected by any NetworkPolicies then execution is passed to any
    # BaselineAdminNetworkPolicies that select the pod."
    case("pass to the baseline", PASS_TO_BASELINE, WEB, DB, tcp(5432)),
    # Deny: "Pods will never receive traffic which has been matched by a "Deny" rule in an
    # AdminNetworkPolicy."
    case("deny above a NetworkPolicy allow", DENY_ABOVE_NETWORK_POLICY, WEB, DB, NO_CONNECTIONS),
    # Allow: "allows the selected traffic (even if it would otherwise have been denied by
    # NetworkPolicy)".
    case("allow above a NetworkPolicy deny", ALLOW_ABOVE_NETWORK_POLICY, WEB, DB, ALL_CONNECTIONS),
    # CNP: "v1.NetworkPolicy always makes a final decision for selected pods. Further
    # evaluation only happens for Pods not selected by a v1.NetworkPolicy."
    case("no baseline where a NetworkPolicy selects", BASELINE_DENY, WEB, DB, tcp(5432)),
    case("the baseline where no NetworkPolicy selects", BASELINE_DENY, WEB, CACHE, NO_CONNECTIONS),
    # networks: "should be IPv4 or IPv6, for example "10.0.0.0/8" or "fd00::/8"".
    case("IPv6 networks: inside the allowed /32", IPV6_NETWORKS, WEB, "2001:db8::1", tcp(443)),
    case("IPv6 networks: elsewhere in ::/0", IPV6_NETWORKS, WEB, "2001:db9::1", NO_CONNECTIONS),
    case("IPv6 networks: IPv4 is not in ::/0", IPV6_NETWORKS, WEB, "192.0.2.1", ALL_CONNECTIONS),
    # "So if you Allow or Deny traffic to "0.0.0.0/0", that will allow or deny all IPv4
    # pod-to-pod traffic as well": ::/0 holds every pod's IPv6 address.
    case("IPv6 networks: ::/0 holds the pods too", IPV6_NETWORKS, WEB, DB, NO_CONNECTIONS),
    # "NamedPort selects a port on a pod(s) based on name": the destination's, whatever its
    # protocol (the API names none).
    case("named ports: on the destination", NAMED_INGRESS, WEB, DB, tcp(5432) | udp(53)),
    case("named ports: on each destination", NAMED_INGRESS, WEB, CACHE, tcp(6432)),
    case("named ports: in egress rules", NAMED_EGRESS, WEB, CACHE, tcp(6432)),
    # CNP Pass: "Skips all further ClusterNetworkPolicy rules in the current tier for the
    # selected traffic, and passes evaluation to the next tier": after Baseline, the default.
    Case("baseline pass skips the rest of the tier", None, BASELINE_PASS, WEB, DB, ALL_CONNECTIONS),
    Case("baseline pass: what it does not match", None, BASELINE_PASS, CACHE, DB, NO_CONNECTIONS),
    # Ingress peers are namespaces or pods only: an address outside is no peer of a rule.
    case(
        "ingress rules never match sources outside",
        (ANP_DENY_INTO_BACK, CNP_DENY_INTO_BACK),
        "192.0.2.1",
        DB,
        ALL_CONNECTIONS,
    ),
)


def evaluated(policies: str) -> Matrix:
    """The matrix of the base cluster with these policies, read by the loader."""
    text = docs(BASE, policies)
    loaded = load_cluster([SourceFile("cluster.yaml", text.encode())])
    assert loaded.errors == ()
    return evaluate(loaded.cluster)


def endpoint(matrix: Matrix, spec: str) -> Endpoint:
    """``ns/name`` (a Pod), or an address: the external atom that holds it."""
    if "/" in spec:
        namespace, name = spec.split("/")
        return WorkloadEndpoint(namespace, name, "Pod")
    address = ipaddress.ip_address(spec)
    (atom,) = [
        atom
        for atom in matrix.externals()
        if int(address) in (atom.addresses.v4 if address.version == 4 else atom.addresses.v6)
    ]
    return atom


def versions() -> list[object]:
    """Every row in each version it has."""
    return [
        pytest.param(text, row, id=f"{row.name} [{version}]")
        for row in CASES
        for version, text in (("v1alpha1", row.v1alpha1), ("v1alpha2", row.v1alpha2))
        if text is not None
    ]


@pytest.mark.parametrize(("policies", "case"), versions())
def test_each_branch_of_the_api_text_in_each_version(policies: str, case: Case) -> None:
    matrix = evaluated(policies)
    got = matrix.get(endpoint(matrix, case.src), endpoint(matrix, case.dst))
    assert got == case.expected


BOTH: Final = {
    (row.v1alpha1, row.v1alpha2): row.name
    for row in CASES
    if row.v1alpha1 is not None and row.v1alpha2 is not None
}


@pytest.mark.parametrize(("v1alpha1", "v1alpha2"), list(BOTH), ids=list(BOTH.values()))
def test_the_two_api_versions_give_the_same_matrix(v1alpha1: str, v1alpha2: str) -> None:
    old, new = evaluated(v1alpha1), evaluated(v1alpha2)
    assert new.endpoints == old.endpoints
    assert list(new.flows()) == list(old.flows())
