"""A modified policy's edits in its manifest's words: rules, peers and ports matched by meaning."""

from __future__ import annotations

import textwrap

import pytest

from netpoldiff.policies import NetworkPolicy
from netpoldiff.policy_edits import describe_policy_edits
from tests.unit.manifests.loading import load, netpol

FRONTEND = "{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: 8080}]}"
CHECKOUT = "{from: [{podSelector: {matchLabels: {app: checkout}}}], ports: [{port: 8080}]}"
ADSERVICE = "{from: [{podSelector: {matchLabels: {app: adservice}}}], ports: [{port: 9555}]}"
TWO_RULES = f"ingress: [{FRONTEND}, {CHECKOUT}]"
INTERNET = "{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}], ports: [{port: 443}]}"


def spec_policy(spec: str) -> NetworkPolicy:
    """The policy ``default/p`` with this spec, selecting ``app=web`` unless it says otherwise."""
    text = textwrap.dedent(spec)
    if not text.startswith("podSelector:"):
        text = "podSelector: {matchLabels: {app: web}}\n" + text
    (found,) = load(netpol(text)).cluster.policies
    return found


def edits(old: str, new: str) -> list[str]:
    return describe_policy_edits(spec_policy(old), spec_policy(new))


# Each case: the spec in OLD and in NEW, and the edits read.
CASES: dict[str, tuple[str, str, list[str]]] = {
    "rule-inserted-at-the-top": (
        TWO_RULES,
        f"ingress: [{ADSERVICE}, {FRONTEND}, {CHECKOUT}]",
        ["ingress rule added: from app=adservice on TCP/9555"],
    ),
    "rule-appended": (
        TWO_RULES,
        f"ingress: [{FRONTEND}, {CHECKOUT}, {ADSERVICE}]",
        ["ingress rule added: from app=adservice on TCP/9555"],
    ),
    "rule-removed-from-the-middle": (
        f"ingress: [{FRONTEND}, {ADSERVICE}, {CHECKOUT}]",
        TWO_RULES,
        ["ingress rule removed: from app=adservice on TCP/9555"],
    ),
    "rules-reordered": (TWO_RULES, f"ingress: [{CHECKOUT}, {FRONTEND}]", ["same rules, reordered"]),
    "peers-and-ports-reordered": (
        (
            "ingress: [{from: [{podSelector: {}}, {ipBlock: {cidr: 10.0.0.0/8}}],"
            " ports: [{port: 80}, {port: 443}]}]"
        ),
        (
            "ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}, {podSelector: {}}],"
            " ports: [{port: 443}, {port: 80}]}]"
        ),
        ["same rules, reordered"],
    ),
    "rule-repeated": (
        f"ingress: [{FRONTEND}]",
        f"ingress: [{FRONTEND}, {FRONTEND}]",
        ["same rules, repeated entries added or removed"],
    ),
    "one-peer-changed": (
        (
            "ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}},"
            " {podSelector: {matchLabels: {app: checkout}}}], ports: [{port: 8080}]}]"
        ),
        (
            "ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}},"
            " {podSelector: {matchLabels: {app: cart}}}], ports: [{port: 8080}]}]"
        ),
        ["ingress rule on TCP/8080: from app=checkout -> app=cart"],
    ),
    "one-port-added": (
        TWO_RULES,
        (
            "ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}],"
            f" ports: [{{port: 8080}}, {{port: 8443}}]}}, {CHECKOUT}]"
        ),
        ["ingress rule from app=frontend: port TCP/8443 added"],
    ),
    "one-port-changed": (
        f"ingress: [{FRONTEND}]",
        "ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: 9090}]}]",
        ["ingress rule from app=frontend: port TCP/8080 -> TCP/9090"],
    ),
    "ports-removed-so-every-port": (
        f"ingress: [{FRONTEND}]",
        "ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]",
        ["ingress rule from app=frontend: port TCP/8080 -> all"],
    ),
    "named-port": (
        f"ingress: [{FRONTEND}]",
        (
            "ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}],"
            " ports: [{port: http, protocol: TCP}]}]"
        ),
        ["ingress rule from app=frontend: port TCP/8080 -> TCP/http"],
    ),
    "port-range-end": (
        "ingress: [{ports: [{port: 8000, endPort: 8080}, {port: 53, protocol: UDP}]}]",
        (
            "ingress: [{ports: [{port: 8000, endPort: 9090}, {port: 53, protocol: UDP},"
            " {port: dns, protocol: UDP}]}]"
        ),
        [
            "ingress rule from anywhere: port TCP/8000-8080 -> TCP/8000-9090",
            "ingress rule from anywhere: port UDP/dns added",
        ],
    ),
    "pod-selector-match-labels": (
        "ingress: []",
        "podSelector: {matchLabels: {app: shop}}\ningress: []",
        ["podSelector: app=web -> app=shop"],
    ),
    "pod-selector-match-expressions": (
        "ingress: []",
        (
            "podSelector:\n  matchLabels: {app: web}\n"
            "  matchExpressions: [{key: tier, operator: In, values: [web, api]}]\ningress: []"
        ),
        ["podSelector: app=web -> app=web,tier in (api,web)"],
    ),
    "peer-match-expressions": (
        f"ingress: [{FRONTEND}]",
        (
            "ingress: [{from: [{podSelector: {matchExpressions: [{key: env, operator: NotIn,"
            " values: [dev]}, {key: app, operator: Exists}]}}], ports: [{port: 8080}]}]"
        ),
        ["ingress rule on TCP/8080: from app=frontend -> app,env notin (dev)"],
    ),
    "ip-block-except-added": (
        f"policyTypes: [Egress]\negress: [{INTERNET}]",
        (
            "policyTypes: [Egress]\negress: [{to: [{ipBlock: {cidr: 0.0.0.0/0,"
            " except: [10.0.0.0/8, 192.168.0.0/16]}}], ports: [{port: 443}]}]"
        ),
        [
            (
                "egress rule on TCP/443: to 0.0.0.0/0 except 10.0.0.0/8"
                " -> 0.0.0.0/0 except 10.0.0.0/8,192.168.0.0/16"
            )
        ],
    ),
    "ip-block-paired-by-cidr-among-several": (
        (
            "policyTypes: [Egress]\negress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}},"
            " {ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]"
        ),
        (
            "policyTypes: [Egress]\negress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}},"
            " {ipBlock: {cidr: 172.16.0.0/12}}]}]"
        ),
        [
            "egress rule on all ports: to 0.0.0.0/0 except 10.0.0.0/8 -> 0.0.0.0/0",
            "egress rule on all ports: to 172.16.0.0/12 added",
            "egress rule on all ports: to 10.0.0.0/8 removed",
        ],
    ),
    "egress-rule-removed": (
        f"policyTypes: [Egress]\negress: [{INTERNET}]",
        "policyTypes: [Egress]\negress: []",
        ["egress rule removed: to 0.0.0.0/0 except 10.0.0.0/8 on TCP/443"],
    ),
    "policy-types-egress-added": (
        TWO_RULES,
        f"policyTypes: [Ingress, Egress]\n{TWO_RULES}",
        ["policyTypes: Egress added"],
    ),
    "policy-types-ingress-removed": (
        "policyTypes: [Ingress, Egress]\ningress: []\negress: []",
        "policyTypes: [Egress]\negress: []",
        ["policyTypes: Ingress removed"],
    ),
    "namespace-and-pod-selector-in-one-peer": (
        f"ingress: [{FRONTEND}]",
        (
            "ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}},"
            " {namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchLabels: {app: x}}}],"
            " ports: [{port: 8080}]}]"
        ),
        ["ingress rule on TCP/8080: from app=x in namespaces team=a added"],
    ),
    "one-peer-split-into-two-is-wider": (
        (
            "ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}},"
            " podSelector: {matchLabels: {app: x}}}]}]"
        ),
        (
            "ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}},"
            " {podSelector: {matchLabels: {app: x}}}]}]"
        ),
        [
            "ingress rule on all ports: from namespaces team=a added",
            "ingress rule on all ports: from app=x added",
            "ingress rule on all ports: from app=x in namespaces team=a removed",
        ],
    ),
    "namespace-by-name-and-every-namespace": (
        (
            "ingress: [{from: [{namespaceSelector: {matchLabels:"
            " {kubernetes.io/metadata.name: shop}}}]}]"
        ),
        "ingress: [{from: [{namespaceSelector: {}, podSelector: {}}]}]",
        ["ingress rule on all ports: from namespace shop -> any pod in any namespace"],
    ),
    "rule-read-with-peers-ored-and-ports-by-protocol": (
        "ingress: []",
        (
            "ingress: [{from: [{namespaceSelector: {matchLabels: {team: a, env: prod}}},"
            " {ipBlock: {cidr: 10.0.0.0/8}}], ports: [{port: dns, protocol: UDP}, {protocol: SCTP},"
            " {port: 53, protocol: UDP}, {port: 443}]}]"
        ),
        [
            (
                "ingress rule added: from namespaces env=prod,team=a or 10.0.0.0/8"
                " on TCP/443 UDP/53,dns SCTP/all"
            )
        ],
    ),
    # Both mean "all sources": one model, so no edit (not even "reordered").
    "empty-from-is-missing-from": (
        "ingress: [{from: [], ports: [{port: 8080}]}]",
        "ingress: [{ports: [{port: 8080}]}]",
        [],
    ),
    "every-peer-narrowed": (
        "ingress: [{ports: [{port: 8080}]}]",
        f"ingress: [{FRONTEND}]",
        ["ingress rule on TCP/8080: from anywhere -> app=frontend"],
    ),
    "peers-and-ports-both-changed-but-shared": (
        (
            "ingress: [{from: [{podSelector: {matchLabels: {app: a}}},"
            " {podSelector: {matchLabels: {app: b}}}], ports: [{port: 80}, {port: 443}]}]"
        ),
        "ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: 80}]}]",
        [
            "ingress rule from app=a or app=b on TCP/80,443: from app=b removed",
            "ingress rule from app=a or app=b on TCP/80,443: port TCP/443 removed",
        ],
    ),
    "every-peer-shares-no-peer-with-some": (
        "ingress: [{ports: [{port: 80}, {port: 443}]}]",
        "ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: 80}]}]",
        [
            "ingress rule added: from app=a on TCP/80",
            "ingress rule removed: from anywhere on TCP/80,443",
        ],
    ),
    "nothing-shared-is-one-rule-out-one-in": (
        f"ingress: [{FRONTEND}]",
        f"ingress: [{ADSERVICE}]",
        [
            "ingress rule added: from app=adservice on TCP/9555",
            "ingress rule removed: from app=frontend on TCP/8080",
        ],
    ),
}


@pytest.mark.parametrize(("old", "new", "expected"), CASES.values(), ids=CASES.keys())
def test_edits_match_rules_peers_and_ports_by_meaning(
    old: str, new: str, expected: list[str]
) -> None:
    assert edits(old, new) == expected


def test_a_rule_named_by_many_peers_names_a_few_and_counts_the_rest() -> None:
    many = ", ".join(f"{{podSelector: {{matchLabels: {{app: a{i}}}}}}}" for i in range(5))
    old = f"ingress: [{{from: [{many}], ports: [{{port: 80}}]}}]"
    new = f"ingress: [{{from: [{many}], ports: [{{port: 81}}]}}]"
    assert edits(old, new) == [
        "ingress rule from app=a0 or app=a1 or app=a2 and 2 more: port TCP/80 -> TCP/81"
    ]


def test_an_edit_reads_the_same_both_ways_but_for_its_verb() -> None:
    wide = f"ingress: [{ADSERVICE}, {FRONTEND}, {CHECKOUT}]"
    assert edits(TWO_RULES, wide) == ["ingress rule added: from app=adservice on TCP/9555"]
    assert edits(wide, TWO_RULES) == ["ingress rule removed: from app=adservice on TCP/9555"]
