"""Admin policy manifests: both API versions read into one model, refused as the API server does."""

from __future__ import annotations

import textwrap

import pytest

from netpoldiff.admin_policies import (
    AdminAction,
    AdminPolicy,
    AdminTier,
    NamespacesPeer,
    NetworksPeer,
    PodsPeer,
    UnresolvedPeer,
)
from netpoldiff.policies import PolicyPort
from netpoldiff.ports import Protocol
from netpoldiff.selectors import LabelSelector
from tests.unit.manifests.loading import Bad, assert_refused, load

V1 = "policy.networking.k8s.io/v1alpha1"
V2 = "policy.networking.k8s.io/v1alpha2"


def manifest(kind: str, spec: str, *, name: str = "p", version: str = V1) -> str:
    """An admin policy whose ``spec`` starts on line 5."""
    header = f"apiVersion: {version}\nkind: {kind}\nmetadata: {{name: {name}}}\n"
    return header + "spec:\n" + textwrap.indent(textwrap.dedent(spec).strip("\n") + "\n", "  ")


def only(text: str) -> AdminPolicy:
    loaded = load(text)
    [policy] = loaded.cluster.admin_policies
    assert loaded.cluster.unevaluated == ()
    return policy


ANP = manifest(
    "AdminNetworkPolicy",
    """
    priority: 10
    subject: {namespaces: {matchLabels: {team: a}}}
    ingress:
    - name: first
      action: Pass
      from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]
      ports: [{portNumber: {port: 80}}, {portRange: {protocol: UDP, start: 5000, end: 6000}}]
    - action: Deny
      from: [{namespaces: {}}]
    egress:
    - action: Allow
      to: [{networks: [10.0.0.0/8, "fd00::/8"]}]
      ports: [{portNumber: {port: 443}}]
    - action: Allow
      to: [{namespaces: {}}]
      ports: [{namedPort: http}]
    """,
)
CNP = manifest(
    "ClusterNetworkPolicy",
    """
    tier: Admin
    priority: 10
    subject: {namespaces: {matchLabels: {team: a}}}
    ingress:
    - name: renamed-rules-decide-nothing
      action: Pass
      from: [{pods: {podSelector: {matchLabels: {app: web}}}}]
      protocols:
      - tcp: {destinationPort: {number: 80}}
      - udp: {destinationPort: {range: {start: 5000, end: 6000}}}
    - action: Deny
      from: [{namespaces: {}}]
    egress:
    - action: Accept
      to: [{networks: [10.0.0.0/8, "fd00::/8"]}]
      protocols: [{tcp: {destinationPort: {number: 443}}}]
    - action: Accept
      to: [{namespaces: {}}]
      protocols: [{destinationNamedPort: http}]
    """,
    version=V2,
)


def test_an_admin_network_policy_reads_as_its_tier_priority_subject_and_ordered_rules() -> None:
    policy = only(ANP)
    assert (policy.ref.kind, policy.ref.namespace, policy.ref.name) == (
        "AdminNetworkPolicy",
        None,
        "p",
    )
    assert (policy.tier, policy.priority) == (AdminTier.ADMIN, 10)
    assert policy.subject == NamespacesPeer(LabelSelector.build({"team": "a"}))
    first, second = policy.ingress
    assert (first.action, first.name, second.action) == (
        AdminAction.PASS,
        "first",
        AdminAction.DENY,
    )
    assert first.peers == (PodsPeer(LabelSelector(), LabelSelector.build({"app": "web"})),)
    assert first.ports == (
        PolicyPort(Protocol.TCP, 80),  # "If not specified, this field defaults to TCP."
        PolicyPort(Protocol.UDP, 5000, 6000),
    )
    assert second.ports is None  # "If Ports is not set then the rule does not filter traffic"
    to_networks, to_pods = policy.egress
    [peer] = to_networks.peers
    assert isinstance(peer, NetworksPeer)
    assert peer.cidrs == ("10.0.0.0/8", "fd00::/8")
    assert to_networks.ports == (PolicyPort(Protocol.TCP, 443),)
    # A named port carries no protocol: kept once per protocol, so it matches whichever.
    assert to_pods.ports == tuple(PolicyPort(p, "http") for p in Protocol)


def test_a_cluster_network_policy_saying_the_same_is_the_same_but_for_its_kind() -> None:
    before, after = only(ANP), only(CNP)
    assert after.ref.kind == "ClusterNetworkPolicy"
    assert (after.tier, after.priority, after.subject) == (before.tier, 10, before.subject)
    # Accept is Allow; an absent namespaceSelector selects every namespace; rule names decide
    # nothing (they are kept to be shown).
    assert [(r.action, r.peers, r.ports) for r in after.ingress] == [
        (r.action, r.peers, r.ports) for r in before.ingress
    ]
    assert after.egress == before.egress


def test_the_baseline_admin_network_policy_has_no_priority_and_comes_last() -> None:
    policy = only(
        manifest(
            "BaselineAdminNetworkPolicy",
            "subject: {namespaces: {}}\negress: [{action: Deny, to: [{namespaces: {}}]}]",
            name="default",
        )
    )
    assert (policy.tier, policy.priority) == (AdminTier.BASELINE, None)
    assert policy.order_key() > (1000, "ClusterNetworkPolicy", "z")


def test_a_baseline_tier_cluster_network_policy_has_a_priority() -> None:
    policy = only(
        manifest(
            "ClusterNetworkPolicy",
            "tier: Baseline\npriority: 3\nsubject: {namespaces: {}}",
            version=V2,
        )
    )
    assert (policy.tier, policy.priority) == (AdminTier.BASELINE, 3)


def test_nodes_and_domain_names_match_nothing_and_are_warned_about() -> None:
    loaded = load(
        manifest(
            "AdminNetworkPolicy",
            """
            priority: 1
            subject: {namespaces: {}}
            egress:
            - action: Deny
              to: [{nodes: {matchLabels: {role: control}}}, {domainNames: [b.example, a.example]}]
            """,
        )
    )
    [policy] = loaded.cluster.admin_policies
    nodes, names = policy.egress[0].peers
    assert isinstance(nodes, UnresolvedPeer)
    assert (nodes.kind, names) == (
        "nodes",
        UnresolvedPeer("domainNames", ("a.example", "b.example")),
    )
    assert [w.code for w in loaded.warnings] == ["NPD012", "NPD012"]


def test_an_admin_policy_of_another_version_is_read_but_not_evaluated() -> None:
    loaded = load(
        manifest("AdminNetworkPolicy", "priority: 1", version="policy.networking.k8s.io/v1beta9")
    )
    assert loaded.cluster.admin_policies == ()
    assert [w.code for w in loaded.warnings] == ["NPD010"]


SUBJECT = "subject: {namespaces: {}}"
ANYONE = "[{namespaces: {}}]"


def anp(*lines: str) -> str:
    return manifest("AdminNetworkPolicy", "\n".join(lines))


def cnp(*lines: str) -> str:
    return manifest("ClusterNetworkPolicy", "\n".join(("tier: Admin", *lines)), version=V2)


def banp(*lines: str, name: str = "default") -> str:
    return manifest("BaselineAdminNetworkPolicy", "\n".join(lines), name=name)


def egress_ports(ports: str) -> str:
    return f"egress: [{{action: Deny, to: {ANYONE}, ports: [{ports}]}}]"


def egress_protocols(protocols: str) -> str:
    return f"egress: [{{action: Deny, to: {ANYONE}, protocols: [{protocols}]}}]"


REFUSED = {
    "priority-above-1000": Bad(
        anp("priority: 1001", SUBJECT), 1, 5, ("spec.priority", "1001 is not between 0 and 1000")
    ),
    "priority-missing": Bad(anp(SUBJECT), 1, 5, ("spec.priority", "is required")),
    "baseline-not-named-default": Bad(banp(SUBJECT, name="mine"), 1, 3, ('"default"',)),
    "subject-with-two-fields": Bad(
        anp(
            "priority: 1",
            "subject: {namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}",
        ),
        1,
        6,
        ("spec.subject", "exactly one of namespaces, pods"),
    ),
    "v1alpha1-pods-need-both-selectors": Bad(
        anp("priority: 1", "subject: {pods: {podSelector: {}}}"),
        1,
        6,
        ("namespaceSelector", "is required"),
    ),
    "pass-in-the-baseline": Bad(
        banp(SUBJECT, f"ingress: [{{action: Pass, from: {ANYONE}}}]"),
        1,
        6,
        ("'Pass' is not an action here", "Allow, Deny"),
    ),
    "v1alpha2-says-accept": Bad(
        cnp("priority: 1", SUBJECT, f"ingress: [{{action: Allow, from: {ANYONE}}}]"),
        1,
        8,
        ("'Allow' is not an action here", "Accept"),
    ),
    "rule-without-peers": Bad(
        anp("priority: 1", SUBJECT, "ingress: [{action: Deny, from: []}]"),
        1,
        7,
        ("from", "at least one peer"),
    ),
    "networks-is-no-ingress-peer": Bad(
        anp("priority: 1", SUBJECT, "ingress: [{action: Deny, from: [{networks: [10.0.0.0/8]}]}]"),
        1,
        7,
        ("unknown field 'networks'", "namespaces, pods"),
    ),
    "networks-with-a-bad-cidr": Bad(
        anp("priority: 1", SUBJECT, "egress: [{action: Deny, to: [{networks: [10.0.0.0/33]}]}]"),
        1,
        7,
        ("networks", "10.0.0.0/33"),
    ),
    "v1alpha1-range-ending-before-it-starts": Bad(
        anp("priority: 1", SUBJECT, egress_ports("{portRange: {start: 9, end: 8}}")),
        1,
        7,
        ("end", "start (9) must be at most end"),
    ),
    "v1alpha2-range-of-one-port": Bad(
        cnp(
            "priority: 1",
            SUBJECT,
            egress_protocols("{tcp: {destinationPort: {range: {start: 8, end: 8}}}}"),
        ),
        1,
        8,
        ("start (8) must be less than end",),
    ),
    "v1alpha2-protocol-without-port": Bad(
        cnp("priority: 1", SUBJECT, egress_protocols("{tcp: {}}")),
        1,
        8,
        ("destinationPort", "is required"),
    ),
    "unknown-tier": Bad(
        manifest("ClusterNetworkPolicy", f"tier: Middle\npriority: 1\n{SUBJECT}", version=V2),
        1,
        5,
        ("spec.tier", "Admin or Baseline"),
    ),
    "v1alpha1-named-port-to-networks": Bad(
        anp(
            "priority: 1",
            SUBJECT,
            "egress: [{action: Deny, to: [{networks: [10.0.0.0/8]}, {namespaces: {}}],"
            " ports: [{portNumber: {port: 53, protocol: UDP}}, {namedPort: dns}]}]",
        ),
        1,
        7,
        ("spec.egress[0].ports", "networks, nodes or domainNames"),
    ),
    "v1alpha2-named-port-to-nodes": Bad(
        cnp(
            "priority: 1",
            SUBJECT,
            "egress: [{action: Deny, to: [{nodes: {}}], protocols: [{destinationNamedPort: ssh}]}]",
        ),
        1,
        8,
        ("spec.egress[0].protocols", "networks, nodes or domainNames"),
    ),
    "port-zero": Bad(
        anp("priority: 1", SUBJECT, egress_ports("{portNumber: {port: 0}}")),
        1,
        7,
        ("port", "0 is not between 1 and 65535"),
    ),
}


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_what_the_api_server_refuses_is_a_one_line_error_at_its_place(case: Bad) -> None:
    assert_refused(case)
