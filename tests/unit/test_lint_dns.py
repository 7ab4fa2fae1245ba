"""lint_dns: egress isolation that lets workloads reach no DNS server, or not over TCP."""

from __future__ import annotations

import pytest

from netpoldiff.admin_policies import AdminPolicy, AdminRule
from netpoldiff.errors import Location
from netpoldiff.evaluate import evaluate
from netpoldiff.lint_dns import dns_checks
from netpoldiff.model import Namespace, Workload
from netpoldiff.policies import NetworkPolicy, Rule
from tests.testing.builders import (
    TCP,
    UDP,
    admin,
    admin_pods,
    admin_rule,
    cluster,
    in_namespaces,
    ip_block,
    named,
    namespace,
    networks,
    pods,
    policy,
    port,
    rule,
    workload,
)

WEB = workload("shop/web", {"app": "web"})
API = workload("shop/api", {"app": "api"})
BATCH = workload("jobs/batch", {"app": "batch"})
COREDNS = workload(
    "kube-system/coredns", {"k8s-app": "kube-dns"}, (named("dns", 53, UDP), named("dns-tcp", 53))
)
DNS_PORTS = (port(UDP, 53), port(TCP, 53))
KUBE_DNS = pods({"k8s-app": "kube-dns"}, namespaces={"kubernetes.io/metadata.name": "kube-system"})
DENY_EGRESS = policy("shop/deny-egress", egress=())
OPENSHIFT_DNS = workload(
    "openshift-dns/dns-default",
    {"dns.operator.openshift.io/daemonset-dns": "default"},
    (named("dns", 5353, UDP), named("dns-tcp", 5353)),
)
OPENSHIFT_PODS = pods(
    {"dns.operator.openshift.io/daemonset-dns": "default"},
    namespaces={"kubernetes.io/metadata.name": "openshift-dns"},
)
BLOCKED = (
    "shop/deny-egress isolates 2 workloads for egress (shop/api[Deployment], "
    "shop/web[Deployment]) and none of them may reach a DNS server over UDP: neither the "
    "cluster's DNS (kube-dns, OpenShift's) nor any address on UDP/53, so names do not resolve"
)
TCP_BLOCKED = (
    "shop/deny-egress isolates 2 workloads for egress (shop/api[Deployment], "
    "shop/web[Deployment]) and lets them reach DNS over UDP but not TCP: answers too large for "
    "UDP (asked again over TCP) fail"
)

Objects = tuple[Namespace | Workload | NetworkPolicy | AdminPolicy, ...]


def warnings_of(*objects: Namespace | Workload | NetworkPolicy | AdminPolicy) -> list[str]:
    state = cluster(*objects)
    return [d.message for d in dns_checks(state, evaluate(state))]


def allowing(*rules: Rule) -> tuple[Workload | NetworkPolicy, ...]:
    """The two shop workloads, isolated for egress, and a policy of theirs with ``rules``."""
    return (WEB, API, DENY_EGRESS, policy("shop/dns", egress=rules))


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        pytest.param((WEB, API, DENY_EGRESS), [BLOCKED], id="default-deny-without-dns"),
        pytest.param((WEB, API, COREDNS, DENY_EGRESS), [BLOCKED], id="kube-dns-in-the-input"),
        pytest.param(
            (
                WEB,
                API,
                COREDNS,
                DENY_EGRESS,
                policy("shop/dns", egress=(rule(KUBE_DNS, ports=(port(UDP, 53),)),)),
            ),
            [TCP_BLOCKED],
            id="udp-to-kube-dns",
        ),
        pytest.param(
            (WEB, API, COREDNS, DENY_EGRESS, policy("shop/dns", egress=(rule(KUBE_DNS),))),
            [],
            id="every-port-to-kube-dns",
        ),
        pytest.param(
            (
                WEB,
                API,
                COREDNS,
                DENY_EGRESS,
                policy("shop/dns", egress=(rule(KUBE_DNS, ports=(port(TCP, 9153),)),)),
            ),
            [BLOCKED],
            id="kube-dns-on-another-port",
        ),
        pytest.param(
            (
                WEB,
                API,
                DENY_EGRESS,
                policy("shop/dns", egress=(rule(ip_block("10.96.0.10/32"), ports=DNS_PORTS),)),
            ),
            [],
            id="the-dns-service-address",
        ),
        pytest.param(
            (WEB, API, policy("shop/deny-egress", egress=(rule(ports=(port(TCP, 53),)),))),
            [BLOCKED],
            id="tcp-to-any-address",
        ),
        pytest.param(
            (WEB, API, DENY_EGRESS, policy("shop/dns", egress=(rule(KUBE_DNS, ports=DNS_PORTS),))),
            [],
            id="kube-dns-not-in-the-input-but-selected",
        ),
        pytest.param(
            (
                WEB,
                API,
                DENY_EGRESS,
                policy(
                    "shop/dns",
                    egress=(rule(KUBE_DNS, ports=(port(UDP, "dns"), port(TCP, "dns-tcp"))),),
                ),
            ),
            [],
            id="kube-dns-not-in-the-input-by-port-name",
        ),
        pytest.param(
            (
                WEB,
                API,
                DENY_EGRESS,
                policy("shop/dns", egress=(rule(pods({"app": "dns"}), ports=DNS_PORTS),)),
            ),
            [BLOCKED],
            id="kube-dns-not-in-the-input-and-not-selected",
        ),
        pytest.param(
            (WEB, API, BATCH, policy("shop/deny-egress", {"app": "web"}, egress=())),
            [
                (
                    "shop/deny-egress isolates 1 workload for egress (shop/web[Deployment]) and "
                    "it may not reach a DNS server over UDP: neither the cluster's DNS "
                    "(kube-dns, OpenShift's) nor any address on UDP/53, so names do not resolve"
                )
            ],
            id="only-the-isolated-ones",
        ),
        pytest.param((WEB, API, policy("shop/deny-ingress", ingress=())), [], id="not-isolated"),
    ],
)
def test_egress_isolation_without_dns_is_warned_about(
    objects: Objects, expected: list[str]
) -> None:
    assert warnings_of(*objects) == expected


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        pytest.param(allowing(rule(ports=DNS_PORTS)), [], id="udp-and-tcp-to-any-address"),
        pytest.param(
            allowing(rule(ports=(port(UDP, 53),))), [TCP_BLOCKED], id="udp-to-any-address"
        ),
        pytest.param(
            (COREDNS, *allowing(rule(KUBE_DNS, ports=(port(TCP, 53),)))),
            [BLOCKED],
            id="tcp-only-to-kube-dns",  # resolvers ask over UDP first
        ),
        pytest.param(
            (
                COREDNS,
                *allowing(rule(KUBE_DNS, ports=(port(UDP, 53),)), rule(ports=(port(TCP, 53),))),
            ),
            [],
            id="udp-to-kube-dns-tcp-to-any-address",
        ),
        pytest.param(
            allowing(rule(KUBE_DNS, ports=(port(UDP, "dns"),))),
            [TCP_BLOCKED],
            id="kube-dns-not-in-the-input-udp-by-name",
        ),
        pytest.param(
            (
                workload("kube-system/coredns", {"k8s-app": "kube-dns"}),
                *allowing(rule(KUBE_DNS, ports=DNS_PORTS)),
            ),
            [],
            id="kube-dns-declaring-no-ports-answers-on-53",
        ),
        pytest.param(
            (
                OPENSHIFT_DNS,
                *allowing(rule(OPENSHIFT_PODS, ports=(port(UDP, "dns"), port(TCP, "dns-tcp")))),
            ),
            [],
            id="openshift-dns-by-port-names",
        ),
        pytest.param(
            (
                OPENSHIFT_DNS,
                *allowing(rule(OPENSHIFT_PODS, ports=(port(UDP, 5353), port(TCP, 5353)))),
            ),
            [],
            id="openshift-dns-on-5353",
        ),
        pytest.param(
            (OPENSHIFT_DNS, *allowing(rule(OPENSHIFT_PODS, ports=DNS_PORTS))),
            [BLOCKED],
            id="openshift-dns-on-53",  # its pods answer on 5353: policies see the pod's port
        ),
        pytest.param(
            (OPENSHIFT_DNS, *allowing(rule(OPENSHIFT_PODS, ports=(port(UDP, 5353),)))),
            [TCP_BLOCKED],
            id="openshift-dns-udp-only",
        ),
        pytest.param(
            allowing(
                rule(
                    pods(namespaces={"kubernetes.io/metadata.name": "openshift-dns"}),
                    ports=(port(UDP, "dns"), port(TCP, "dns-tcp")),
                )
            ),
            [],
            id="openshift-dns-not-in-the-input-but-selected",
        ),
        pytest.param(
            allowing(rule(OPENSHIFT_PODS, ports=(port(UDP, 5353),))),
            [TCP_BLOCKED],
            id="openshift-dns-not-in-the-input-udp-only",
        ),
        pytest.param(
            allowing(rule(OPENSHIFT_PODS, ports=DNS_PORTS)),
            [BLOCKED],
            id="openshift-dns-not-in-the-input-on-53",
        ),
        pytest.param(
            (
                workload("openshift-dns/other", {"app": "dns"}, (named("dns", 5353, UDP),)),
                *allowing(
                    rule(
                        pods(
                            {"app": "dns"},
                            namespaces={"kubernetes.io/metadata.name": "openshift-dns"},
                        ),
                        ports=(port(UDP, 5353),),
                    )
                ),
            ),
            [BLOCKED],
            id="a-port-named-dns-makes-no-server",
        ),
    ],
)
def test_dns_is_asked_over_udp_and_tcp_on_the_servers_own_ports(
    objects: Objects, expected: list[str]
) -> None:
    assert warnings_of(*objects) == expected


def test_both_warnings_at_once_each_at_its_policy() -> None:
    jobs_deny = policy("jobs/deny-egress", egress=(rule(ports=(port(UDP, 53),)),))
    found = warnings_of(WEB, API, BATCH, DENY_EGRESS, jobs_deny)
    assert [message.split(" isolates ")[0] for message in found] == [
        "shop/deny-egress",
        "jobs/deny-egress",
    ]
    assert "so names do not resolve" in found[0]
    assert "lets it reach DNS over UDP but not TCP" in found[1]


def test_a_peer_in_kube_system_by_its_own_namespace() -> None:
    # A policy of kube-system whose peer names no namespace selects kube-dns there.
    own = policy("kube-system/dns", egress=(rule(pods({"k8s-app": "kube-dns"}), ports=DNS_PORTS),))
    agent = workload("kube-system/agent", {"app": "agent"})
    assert warnings_of(agent, own) == []
    elsewhere = policy("shop/dns", egress=(rule(pods({"k8s-app": "kube-dns"}), ports=DNS_PORTS),))
    assert len(warnings_of(WEB, elsewhere)) == 1


def test_one_warning_at_the_policy_isolating_the_most_then_the_rest() -> None:
    wide = DENY_EGRESS
    narrow = policy("shop/web-out", {"app": "web"}, egress=(rule(pods({"app": "api"})),))
    jobs = policy("jobs/deny-egress", egress=())
    found = warnings_of(WEB, API, BATCH, narrow, wide, jobs)
    assert [message.split(" isolates ")[0] for message in found] == [
        "shop/deny-egress",
        "jobs/deny-egress",
    ]


def test_many_workloads_are_counted_and_a_few_named() -> None:
    many = [workload(f"shop/w{i}", {"app": "web"}) for i in range(5)]
    [message] = warnings_of(*many, DENY_EGRESS)
    assert message.startswith(
        "shop/deny-egress isolates 5 workloads for egress (shop/w0[Deployment], "
        "shop/w1[Deployment], shop/w2[Deployment] and 2 more)"
    )


def test_an_admin_deny_of_all_egress_blocks_dns_too() -> None:
    deny = admin(
        "lockdown",
        5,
        in_namespaces(**{"kubernetes.io/metadata.name": "shop"}),
        egress=(admin_rule("deny", networks("0.0.0.0/0", "::/0")),),
    )
    found = warnings_of(namespace("shop"), WEB, COREDNS, deny)
    assert [message.split(" isolates ")[0] for message in found] == ["AdminNetworkPolicy lockdown"]


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (admin_rule("allow", in_namespaces(**{"kubernetes.io/metadata.name": "kube-system"})), 0),
        (admin_rule("pass", admin_pods({"k8s-app": "kube-dns"}), ports=DNS_PORTS), 0),
        (admin_rule("allow", admin_pods({"k8s-app": "other"})), 1),
        (admin_rule("deny", in_namespaces(**{"kubernetes.io/metadata.name": "kube-system"})), 1),
    ],
    ids=["allow-kube-system", "pass-kube-dns-on-dns", "allow-other-pods", "deny-kube-system"],
)
def test_an_admin_policy_may_let_the_standard_kube_dns_through(
    first: AdminRule, expected: int
) -> None:
    everything = admin_rule("deny", networks("0.0.0.0/0", "::/0"))
    lockdown = admin("lockdown", 5, in_namespaces(), egress=(first, everything))
    assert len(warnings_of(WEB, lockdown)) == expected


def test_the_warning_points_at_the_policy() -> None:
    at = Location("deny.yaml", 2, 1)
    located = NetworkPolicy(DENY_EGRESS.ref, DENY_EGRESS.pod_selector, False, True, origin=at)
    state = cluster(WEB, located)
    [warning] = dns_checks(state, evaluate(state))
    assert warning.location == at
