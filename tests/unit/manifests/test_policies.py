"""policies: NetworkPolicy manifests defaulted and validated as the API server does."""

from __future__ import annotations

import pytest

from netpoldiff.addresses import IPSet
from netpoldiff.errors import Location
from netpoldiff.intervals import IntervalSet
from netpoldiff.model import ObjectRef
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, PodPeer, PolicyPort, Rule
from netpoldiff.selectors import LabelSelector, Operator, Requirement
from tests.unit.manifests.loading import (
    PATH,
    SCTP,
    TCP,
    UDP,
    Bad,
    assert_refused,
    load,
    netpol,
)

EVERYTHING = LabelSelector()
WEB = LabelSelector(match_labels=(("app", "web"),))
PROD = LabelSelector(match_labels=(("env", "prod"),))


def v4(text: str) -> int:
    a, b, c, d = (int(part) for part in text.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def only_policy(text: str) -> NetworkPolicy:
    loaded = load(text)
    assert len(loaded.cluster.policies) == 1
    return loaded.cluster.policies[0]


def expected_policy(
    *,
    ingress_affected: bool = True,
    egress_affected: bool = False,
    pod_selector: LabelSelector = EVERYTHING,
    ingress: tuple[Rule, ...] = (),
    egress: tuple[Rule, ...] = (),
) -> NetworkPolicy:
    return NetworkPolicy(
        ref=ObjectRef.network_policy("default", "p"),
        pod_selector=pod_selector,
        affects_ingress=ingress_affected,
        affects_egress=egress_affected,
        ingress=ingress,
        egress=egress,
    )


POLICY_CASES: dict[str, tuple[str, NetworkPolicy]] = {
    "policy-types-absent-no-rules": ("podSelector: {}", expected_policy()),
    "policy-types-absent-ingress-rules": (
        "ingress: [{}]",
        expected_policy(ingress=(Rule(None),)),
    ),
    "policy-types-absent-egress-rules-imply-egress": (
        "egress: [{}]",
        expected_policy(egress_affected=True, egress=(Rule(None),)),
    ),
    "policy-types-absent-empty-egress-is-not-egress": ("egress: []", expected_policy()),
    "policy-types-absent-null-egress-is-not-egress": ("egress: null", expected_policy()),
    "policy-types-empty-list-same-as-absent": (
        "policyTypes: []\negress: [{}]",
        expected_policy(egress_affected=True, egress=(Rule(None),)),
    ),
    "policy-types-null-same-as-absent": ("policyTypes: null", expected_policy()),
    "policy-types-egress-only": (
        "policyTypes: [Egress]",
        expected_policy(ingress_affected=False, egress_affected=True),
    ),
    "policy-types-both-no-rules": (
        "policyTypes: [Ingress, Egress]",
        expected_policy(egress_affected=True),
    ),
    # Two entries pass validation, repeated or not ("may not specify more than two").
    "policy-types-ingress-twice": ("policyTypes: [Ingress, Ingress]", expected_policy()),
    "policy-types-ingress-keeps-unlisted-egress-rules": (
        "policyTypes: [Ingress]\negress: [{}]",
        expected_policy(egress=(Rule(None),)),
    ),
    "ingress-empty-list-no-rules": ("ingress: []", expected_policy()),
    "ingress-null-no-rules": ("ingress: null", expected_policy()),
    "ingress-missing-no-rules": ("policyTypes: [Ingress]", expected_policy()),
    "ingress-empty-rule-matches-everything": (
        "ingress: [{}]",
        expected_policy(ingress=(Rule(None, ()),)),
    ),
    "from-empty-list-means-every-peer": (
        "ingress: [{from: [], ports: [{port: 80}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, 80),)),)),
    ),
    "from-null-means-every-peer": (
        "ingress: [{from: null}]",
        expected_policy(ingress=(Rule(None),)),
    ),
    "from-missing-means-every-peer": (
        "ingress: [{ports: [{port: 443, protocol: TCP}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, 443),)),)),
    ),
    "ports-empty-list-means-every-port": (
        "ingress: [{from: [{podSelector: {}}], ports: []}]",
        expected_policy(ingress=(Rule((PodPeer(None, EVERYTHING),), ()),)),
    ),
    "protocol-defaults-to-tcp": (
        "ingress: [{ports: [{port: 80}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, 80),)),)),
    ),
    "protocol-null-defaults-to-tcp": (
        "ingress: [{ports: [{port: 80, protocol: null}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, 80),)),)),
    ),
    "protocols-udp-sctp-kept": (
        "ingress: [{ports: [{port: 53, protocol: UDP}, {port: 9, protocol: SCTP}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(UDP, 53), PolicyPort(SCTP, 9))),)),
    ),
    "port-with-only-protocol-is-every-port": (
        "ingress: [{ports: [{protocol: UDP}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(UDP, None),)),)),
    ),
    "empty-port-entry-is-every-tcp-port": (
        "ingress: [{ports: [{}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, None),)),)),
    ),
    "end-port-kept": (
        "egress: [{ports: [{port: 32000, endPort: 32768}]}]",
        expected_policy(
            egress_affected=True, egress=(Rule(None, (PolicyPort(TCP, 32000, 32768),)),)
        ),
    ),
    "end-port-equal-to-port": (
        "ingress: [{ports: [{port: 80, endPort: 80, protocol: UDP}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(UDP, 80, 80),)),)),
    ),
    "named-port": (
        "ingress: [{ports: [{port: http}, {port: metrics-9090, protocol: UDP}]}]",
        expected_policy(
            ingress=(Rule(None, (PolicyPort(TCP, "http"), PolicyPort(UDP, "metrics-9090"))),)
        ),
    ),
    "port-bounds": (
        "ingress: [{ports: [{port: 1}, {port: 65535}]}]",
        expected_policy(ingress=(Rule(None, (PolicyPort(TCP, 1), PolicyPort(TCP, 65535))),)),
    ),
    "pod-selector-missing-selects-everything": ("policyTypes: [Ingress]", expected_policy()),
    "pod-selector-null-selects-everything": ("podSelector: null", expected_policy()),
    "pod-selector-match-labels-sorted": (
        "podSelector: {matchLabels: {tier: db, app: web}}",
        expected_policy(pod_selector=LabelSelector((("app", "web"), ("tier", "db")))),
    ),
    "match-expressions-values-sorted-and-deduplicated": (
        "podSelector:\n  matchExpressions:\n  - {key: tier, operator: In, values: [web, api, web]}",
        expected_policy(
            pod_selector=LabelSelector(
                expressions=(Requirement("tier", Operator.IN, ("api", "web")),)
            )
        ),
    ),
    "match-expressions-every-operator": (
        (
            "podSelector:\n  matchExpressions:\n"
            "  - {key: a, operator: NotIn, values: [z, x]}\n"
            "  - {key: b, operator: Exists}\n"
            "  - {key: c, operator: DoesNotExist, values: []}\n"
        ),
        expected_policy(
            pod_selector=LabelSelector(
                expressions=(
                    Requirement("a", Operator.NOT_IN, ("x", "z")),
                    Requirement("b", Operator.EXISTS),
                    Requirement("c", Operator.DOES_NOT_EXIST),
                )
            )
        ),
    ),
    "peer-pod-selector-only": (
        "ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]",
        expected_policy(ingress=(Rule((PodPeer(None, WEB),)),)),
    ),
    "peer-namespace-selector-only": (
        "ingress: [{from: [{namespaceSelector: {matchLabels: {env: prod}}}]}]",
        expected_policy(ingress=(Rule((PodPeer(PROD, None),)),)),
    ),
    "peer-both-selectors": (
        (
            "ingress:\n- from:\n  - namespaceSelector: {matchLabels: {env: prod}}\n"
            "    podSelector: {matchLabels: {app: web}}\n"
        ),
        expected_policy(ingress=(Rule((PodPeer(PROD, WEB),)),)),
    ),
    "peer-empty-selectors-are-not-missing": (
        "ingress: [{from: [{podSelector: {}}, {namespaceSelector: {}}]}]",
        expected_policy(ingress=(Rule((PodPeer(None, EVERYTHING), PodPeer(EVERYTHING, None))),)),
    ),
    "peer-null-selector-beside-a-real-one": (
        "ingress: [{from: [{podSelector: {}, namespaceSelector: null}]}]",
        expected_policy(ingress=(Rule((PodPeer(None, EVERYTHING),)),)),
    ),
    "ipblock-except-subtracted": (
        "egress: [{to: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.0/25]}}]}]",
        expected_policy(
            egress_affected=True,
            egress=(
                Rule(
                    (
                        IPBlockPeer(
                            "10.0.0.0/24",
                            ("10.0.0.0/25",),
                            IPSet(v4=IntervalSet.of((v4("10.0.0.128"), v4("10.0.0.255")))),
                        ),
                    )
                ),
            ),
        ),
    ),
    "ipblock-several-excepts": (
        (
            "ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/24,"
            " except: [10.0.0.0/26, 10.0.0.192/26, 10.0.0.64/32]}}]}]"
        ),
        expected_policy(
            ingress=(
                Rule(
                    (
                        IPBlockPeer(
                            "10.0.0.0/24",
                            ("10.0.0.0/26", "10.0.0.192/26", "10.0.0.64/32"),
                            IPSet(v4=IntervalSet.of((v4("10.0.0.65"), v4("10.0.0.191")))),
                        ),
                    )
                ),
            )
        ),
    ),
    "ipblock-without-except": (
        "ingress: [{from: [{ipBlock: {cidr: 192.168.1.7/32}}]}]",
        expected_policy(
            ingress=(
                Rule(
                    (
                        IPBlockPeer(
                            "192.168.1.7/32",
                            (),
                            IPSet(v4=IntervalSet.of((v4("192.168.1.7"), v4("192.168.1.7")))),
                        ),
                    )
                ),
            )
        ),
    ),
    "ipblock-ipv6-except": (
        "ingress: [{from: [{ipBlock: {cidr: 'fd00::/64', except: ['fd00::/65']}}]}]",
        expected_policy(
            ingress=(
                Rule(
                    (
                        IPBlockPeer(
                            "fd00::/64",
                            ("fd00::/65",),
                            IPSet(
                                v6=IntervalSet.of(
                                    ((0xFD00 << 112) | (1 << 63), (0xFD00 << 112) | (2**64 - 1))
                                )
                            ),
                        ),
                    )
                ),
            )
        ),
    ),
    "ipblock-host-bits-read-as-network": (
        "ingress: [{from: [{ipBlock: {cidr: 10.0.0.1/24}}]}]",
        expected_policy(
            ingress=(
                Rule(
                    (
                        IPBlockPeer(
                            "10.0.0.1/24",
                            (),
                            IPSet(v4=IntervalSet.of((v4("10.0.0.0"), v4("10.0.0.255")))),
                        ),
                    )
                ),
            )
        ),
    ),
}


@pytest.mark.parametrize(("spec", "expected"), POLICY_CASES.values(), ids=list(POLICY_CASES))
def test_network_policy_defaulting(spec: str, expected: NetworkPolicy) -> None:
    found = only_policy(netpol(spec))
    assert found == expected
    assert found.origin == Location(PATH, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {}\n",
    ],
    ids=["spec-missing", "spec-null", "spec-empty"],
)
def test_policy_without_spec_denies_all_ingress_of_every_pod(text: str) -> None:
    assert only_policy(text) == expected_policy()


WARNING_CASES: dict[str, tuple[str, list[tuple[str, int]]]] = {
    "clean-policy-no-warning": (
        netpol("ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]"),
        [],
    ),
    "host-bits-in-cidr": (
        netpol("ingress:\n- from:\n  - ipBlock:\n      cidr: 10.0.0.1/8\n"),
        [("NPD002", 8)],
    ),
    "host-bits-in-except": (
        netpol(
            "egress:\n- to:\n  - ipBlock:\n      cidr: 10.0.0.0/8\n      except: [10.1.0.1/16]\n"
        ),
        [("NPD002", 9)],
    ),
    "host-bits-ipv6": (
        netpol("ingress: [{from: [{ipBlock: {cidr: 'fd00::1/64'}}]}]"),
        [("NPD002", 5)],
    ),
    "ingress-rules-not-in-policy-types": (
        netpol("policyTypes: [Egress]\ningress:\n- from: [{podSelector: {}}]\n"),
        [("NPD003", 6)],
    ),
    "egress-rules-not-in-policy-types": (
        netpol("policyTypes: [Ingress]\ningress: [{}]\negress: [{}]\n"),
        [("NPD003", 7)],
    ),
    "empty-ingress-not-in-policy-types-no-warning": (
        netpol("policyTypes: [Egress]\ningress: []\n"),
        [],
    ),
}


@pytest.mark.parametrize(("text", "expected"), WARNING_CASES.values(), ids=list(WARNING_CASES))
def test_warnings(text: str, expected: list[tuple[str, int]]) -> None:
    loaded = load(text)
    assert [(w.code, w.location) for w in loaded.warnings] == [
        (code, Location(PATH, 1, line)) for code, line in expected
    ]


def test_host_bits_warning_names_the_network() -> None:
    (warning,) = load(netpol("ingress: [{from: [{ipBlock: {cidr: 10.0.0.1/8}}]}]")).warnings
    assert "10.0.0.1/8" in warning.message
    assert "10.0.0.0/8" in warning.message


def test_unlisted_policy_type_warning_names_the_direction() -> None:
    (warning,) = load(netpol("policyTypes: [Egress]\ningress: [{}]\n")).warnings
    assert "spec.ingress" in warning.message
    assert "Ingress" in warning.message


def ip_block(block: str) -> str:
    """A policy whose single ipBlock peer is on line 7."""
    return netpol(f"ingress:\n- from:\n  - ipBlock: {block}\n")


def policy_port(port: str) -> str:
    """A policy whose single port entry is on line 7."""
    return netpol(f"ingress:\n- ports:\n  - {port}\n")


def expression(text: str) -> str:
    """A policy whose single matchExpressions entry is on line 7."""
    return netpol(f"podSelector:\n  matchExpressions:\n  - {text}\n")


ERROR_CASES: dict[str, Bad] = {
    # ipBlock
    "cidr-prefix-too-long": Bad(
        ip_block("{cidr: 10.0.0.0/33}"), 1, 7, ("invalid CIDR", "10.0.0.0/33")
    ),
    "cidr-without-prefix": Bad(ip_block("{cidr: 10.0.0.0}"), 1, 7, ("invalid CIDR",)),
    "cidr-netmask-notation": Bad(ip_block("{cidr: 10.0.0.0/255.0.0.0}"), 1, 7, ("invalid CIDR",)),
    "cidr-bad-octet": Bad(ip_block("{cidr: 300.0.0.0/8}"), 1, 7, ("invalid CIDR",)),
    "cidr-not-an-address": Bad(ip_block("{cidr: everywhere}"), 1, 7, ("invalid CIDR",)),
    "cidr-missing": Bad(ip_block("{except: [10.0.0.0/8]}"), 1, 7, ("ipBlock.cidr", "required")),
    "cidr-a-number": Bad(ip_block("{cidr: 10}"), 1, 7, ("cidr", "must be a string")),
    "except-outside-cidr": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: [10.1.0.0/24]}"), 1, 7, ("strict subset",)
    ),
    "except-equal-to-cidr": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: [10.0.0.0/16]}"), 1, 7, ("strict subset",)
    ),
    "except-wider-than-cidr": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: [10.0.0.0/8]}"), 1, 7, ("strict subset",)
    ),
    "except-of-another-family": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: ['fd00::/64']}"), 1, 7, ("strict subset",)
    ),
    "except-ipv4-in-ipv6-cidr": Bad(
        ip_block("{cidr: '::/0', except: [10.0.0.0/8]}"), 1, 7, ("strict subset",)
    ),
    "except-not-a-cidr": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: [10.0.0.x/24]}"), 1, 7, ("invalid CIDR",)
    ),
    "except-not-a-list": Bad(
        ip_block("{cidr: 10.0.0.0/16, except: 10.0.1.0/24}"), 1, 7, ("except", "must be a list")
    ),
    # ports
    "end-port-without-port": Bad(policy_port("{endPort: 90}"), 1, 7, ("endPort", "without")),
    "end-port-with-named-port": Bad(
        policy_port("{port: http, endPort: 90}"), 1, 7, ("endPort", "named port")
    ),
    "end-port-below-port": Bad(
        policy_port("{port: 80, endPort: 79}"), 1, 7, ("endPort", "greater than or equal")
    ),
    "end-port-above-range": Bad(
        policy_port("{port: 80, endPort: 65536}"), 1, 7, ("endPort", "65536")
    ),
    "end-port-quoted": Bad(
        policy_port("{port: 80, endPort: '90'}"), 1, 7, ("endPort", "must be an integer")
    ),
    "port-zero": Bad(policy_port("{port: 0}"), 1, 7, ("port", "0 is not between 1 and 65535")),
    "port-65536": Bad(policy_port("{port: 65536}"), 1, 7, ("65536 is not between 1 and 65535",)),
    "port-negative": Bad(policy_port("{port: -1}"), 1, 7, ("-1 is not between",)),
    "port-quoted-number": Bad(policy_port("{port: '80'}"), 1, 7, ("'80'", "quoted number")),
    "port-name-uppercase": Bad(policy_port("{port: HTTP}"), 1, 7, ("port name 'HTTP'",)),
    "port-name-too-long": Bad(
        policy_port("{port: abcdefghijklmnop}"), 1, 7, ("port name 'abcdefghijklmnop'",)
    ),
    "port-name-double-dash": Bad(policy_port("{port: http--alt}"), 1, 7, ("'http--alt'",)),
    "port-name-leading-dash": Bad(policy_port("{port: '-http'}"), 1, 7, ("'-http'",)),
    "port-name-trailing-dash": Bad(policy_port("{port: 'http-'}"), 1, 7, ("'http-'",)),
    "port-name-underscore": Bad(policy_port("{port: my_port}"), 1, 7, ("'my_port'",)),
    "port-name-empty": Bad(policy_port("{port: ''}"), 1, 7, ("port name ''",)),
    "port-boolean": Bad(policy_port("{port: true}"), 1, 7, ("port", "a boolean")),
    "port-float": Bad(policy_port("{port: 80.5}"), 1, 7, ("port", "a number or a port name")),
    "protocol-lowercase": Bad(
        policy_port("{port: 80, protocol: tcp}"), 1, 7, ("'tcp' is not a supported protocol",)
    ),
    "protocol-icmp": Bad(policy_port("{protocol: ICMP}"), 1, 7, ("'ICMP'", "TCP, UDP or SCTP")),
    "protocol-empty": Bad(policy_port("{protocol: ''}"), 1, 7, ("'' is not a supported protocol",)),
    # peers
    "ipblock-with-pod-selector": Bad(
        netpol("ingress:\n- from:\n  - ipBlock: {cidr: 10.0.0.0/8}\n    podSelector: {}\n"),
        1,
        7,
        ("ipBlock may not be combined",),
    ),
    "ipblock-with-namespace-selector": Bad(
        netpol("egress:\n- to:\n  - namespaceSelector: {}\n    ipBlock: {cidr: 10.0.0.0/8}\n"),
        1,
        7,
        ("spec.egress[0].to[0]", "ipBlock may not be combined"),
    ),
    "peer-empty": Bad(
        netpol("ingress:\n- from:\n  - {}\n"),
        1,
        7,
        ("spec.ingress[0].from[0]", "must specify a peer"),
    ),
    "peer-only-null-fields": Bad(
        netpol("ingress:\n- from:\n  - podSelector: null\n    namespaceSelector: null\n"),
        1,
        7,
        ("must specify a peer",),
    ),
    "peer-unknown-field-only": Bad(
        netpol("ingress:\n- from:\n  - pods: {app: web}\n"), 1, 7, ("must specify a peer",)
    ),
    "peer-not-a-mapping": Bad(
        netpol("ingress:\n- from: [web]\n"), 1, 6, ("spec.ingress[0].from[0]", "must be a mapping")
    ),
    # selectors
    "operator-unknown": Bad(
        expression("{key: app, operator: Equals, values: [a]}"), 1, 7, ("'Equals'", "operator")
    ),
    "operator-lowercase": Bad(
        expression("{key: app, operator: in, values: [a]}"), 1, 7, ("'in'", "not a valid operator")
    ),
    "operator-missing": Bad(
        expression("{key: app, values: [a]}"), 1, 7, ("matchExpressions[0].operator", "required")
    ),
    "key-missing": Bad(
        expression("{operator: Exists}"), 1, 7, ("matchExpressions[0].key", "required")
    ),
    "in-with-empty-values": Bad(
        expression("{key: app, operator: In, values: []}"), 1, 7, ("values", "non-empty")
    ),
    "notin-without-values": Bad(
        expression("{key: app, operator: NotIn}"), 1, 7, ("values", "non-empty")
    ),
    "exists-with-values": Bad(
        expression("{key: app, operator: Exists, values: [a]}"), 1, 7, ("values", "must be empty")
    ),
    "does-not-exist-with-values": Bad(
        expression("{key: app, operator: DoesNotExist, values: [a]}"),
        1,
        7,
        ("values", "must be empty"),
    ),
    "expression-value-invalid": Bad(
        expression("{key: app, operator: In, values: ['a b']}"), 1, 7, ("label value 'a b'",)
    ),
    "expression-value-not-a-string": Bad(
        expression("{key: app, operator: In, values: [on]}"), 1, 7, ("values", "a boolean")
    ),
    "expression-key-invalid": Bad(
        expression("{key: 'bad key!', operator: Exists}"), 1, 7, ("'bad key!'",)
    ),
    "expression-key-prefix-invalid": Bad(
        expression("{key: 'Example.com/app', operator: Exists}"), 1, 7, ("'Example.com/app'",)
    ),
    "match-labels-value-invalid": Bad(
        netpol("podSelector:\n  matchLabels:\n    app: 'a b'\n"), 1, 7, ("label value 'a b'",)
    ),
    "match-labels-key-invalid": Bad(
        netpol("ingress:\n- from:\n  - namespaceSelector:\n      matchLabels: {'-env': prod}\n"),
        1,
        8,
        ("label key '-env'",),
    ),
    "match-labels-value-boolean": Bad(
        netpol("podSelector:\n  matchLabels:\n    enabled: yes\n"),
        1,
        7,
        ("a boolean", "unquoted yes"),
    ),
    # policyTypes and shapes
    "policy-type-lowercase": Bad(
        netpol("policyTypes: [ingress]"), 1, 5, ("'ingress' is not a policy type",)
    ),
    "policy-types-three": Bad(
        netpol("policyTypes: [Ingress, Ingress, Egress]"),
        1,
        5,
        ("spec.policyTypes", "may not specify more than two policyTypes"),
    ),
    "policy-types-not-a-list": Bad(
        netpol("policyTypes: Ingress"), 1, 5, ("spec.policyTypes", "must be a list")
    ),
    "spec-a-list": Bad(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: []\n",
        1,
        4,
        ("spec: must be a mapping, not a list",),
    ),
    "ingress-a-mapping": Bad(
        netpol("ingress: {from: []}"), 1, 5, ("spec.ingress", "must be a list, not a mapping")
    ),
    "rule-a-string": Bad(
        netpol("ingress: [allow]"), 1, 5, ("spec.ingress[0]", "must be a mapping")
    ),
    "pod-selector-a-string": Bad(
        netpol("podSelector: app=web"),
        1,
        5,
        ("spec.podSelector", "must be a mapping, not a string"),
    ),
    "ports-a-mapping": Bad(
        netpol("ingress:\n- ports: {port: 80}\n"), 1, 6, ("ports", "must be a list")
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_invalid_input_raises_input_error(case: Bad) -> None:
    assert_refused(case)
