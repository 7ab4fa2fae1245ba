"""Semantics the pod grid cannot show: external address atoms, workload kinds, port names.

Each test loads a few manifests through ``load_cluster``, evaluates them and asserts on the
matrix: which endpoints exist and what each ordered pair may use.
"""

from __future__ import annotations

import ipaddress
from textwrap import dedent

import pytest

from netpoldiff.addresses import IPSet
from netpoldiff.errors import InputError
from netpoldiff.evaluate import evaluate
from netpoldiff.intervals import IntervalSet
from netpoldiff.manifests import Loaded, load_cluster
from netpoldiff.matrix import Matrix
from netpoldiff.model import NAMESPACE_NAME_LABEL, ExternalEndpoint, WorkloadEndpoint
from netpoldiff.ports import ALL_CONNECTIONS, NO_CONNECTIONS, ConnectionSet, Protocol
from netpoldiff.sources import SourceFile

# --- helpers ---------------------------------------------------------------------------------


def load(text: str, *, default_namespace: str = "default") -> Loaded:
    loaded = load_cluster(
        [SourceFile("manifests.yaml", dedent(text).encode())], default_namespace=default_namespace
    )
    assert loaded.errors == ()
    return loaded


def run(text: str) -> Matrix:
    return evaluate(load(text).cluster)


def ep(spec: str) -> WorkloadEndpoint:
    """``ns/name`` (a Pod) or ``ns/name[Kind]``."""
    namespace, _, rest = spec.partition("/")
    name, _, kind = rest.partition("[")
    return WorkloadEndpoint(namespace, name, kind.rstrip("]") or "Pod")


def addresses(*cidrs: str) -> tuple[IntervalSet, IntervalSet]:
    """(v4, v6) interval sets of some CIDRs, computed with the standard library."""
    v4: list[tuple[int, int]] = []
    v6: list[tuple[int, int]] = []
    for cidr in cidrs:
        network = ipaddress.ip_network(cidr)
        block = (int(network.network_address), int(network.broadcast_address))
        (v4 if network.version == 4 else v6).append(block)
    return IntervalSet.from_ranges(v4), IntervalSet.from_ranges(v6)


def atom_of(matrix: Matrix, address: str) -> ExternalEndpoint:
    """The external atom holding one address (there is exactly one)."""
    ip = ipaddress.ip_address(address)
    found = [
        atom
        for atom in matrix.externals()
        if int(ip) in (atom.addresses.v4 if ip.version == 4 else atom.addresses.v6)
    ]
    assert len(found) == 1, f"{address} is in {len(found)} atoms"
    return found[0]


def addresses_set(cidr: str, minus: tuple[str, ...] = ()) -> IPSet:
    v4, v6 = addresses(cidr)
    cut4, cut6 = addresses(*minus)
    return IPSet(v4 - cut4, v6 - cut6)


def complement_of(endpoint: ExternalEndpoint) -> IPSet:
    all4, all6 = addresses("0.0.0.0/0", "::/0")
    return IPSet(all4 - endpoint.addresses.v4, all6 - endpoint.addresses.v6)


def workload_flows(matrix: Matrix) -> set[tuple[str, str]]:
    """The allowed (source, destination) pairs between workloads, as text."""
    return {
        (str(flow.src), str(flow.dst))
        for flow in matrix.flows()
        if isinstance(flow.src, WorkloadEndpoint) and isinstance(flow.dst, WorkloadEndpoint)
    }


def tcp(*ports: int) -> ConnectionSet:
    return ConnectionSet.of(Protocol.TCP, IntervalSet.from_ranges((p, p) for p in ports))


def pod(name: str, namespace: str = "x", labels: str = "{}", ports: str = "[]") -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {namespace!r}, labels: {labels}}}
spec:
  containers: [{{name: main, image: busybox, ports: {ports}}}]
---
"""


def policy(name: str, spec: str, namespace: str = "x") -> str:
    return f"""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: {namespace!r}}}
spec: {spec}
---
"""


TWO_PODS = pod("a", labels="{app: a}") + pod("b", labels="{app: b}")

# --- ipBlock peers and external atoms --------------------------------------------------------


def test_ip_block_with_except_cuts_externals_into_two_atoms() -> None:
    matrix = run(
        TWO_PODS
        + policy(
            "a-egress",
            """
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
""",
        )
    )
    inside = ExternalEndpoint(addresses_set("10.0.0.0/8", minus=("10.1.0.0/16",)))
    outside = ExternalEndpoint(complement_of(inside))
    assert len(matrix.externals()) == 2
    assert set(matrix.externals()) == {outside, inside}
    assert atom_of(matrix, "10.1.2.3") == outside
    assert atom_of(matrix, "2001:db8::1") == outside
    assert matrix.get(ep("x/a"), inside) == ALL_CONNECTIONS
    assert matrix.get(ep("x/a"), outside) == NO_CONNECTIONS
    # The other pod is not selected: it may send anywhere, and externals may reach both.
    assert matrix.get(ep("x/b"), outside) == ALL_CONNECTIONS
    assert matrix.get(inside, ep("x/a")) == ALL_CONNECTIONS
    assert matrix.get(outside, ep("x/b")) == ALL_CONNECTIONS


def test_externals_never_reach_each_other() -> None:
    matrix = run(
        TWO_PODS
        + policy("a-in", "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]}")
    )
    externals = matrix.externals()
    assert len(externals) == 2
    for src in externals:
        for dst in externals:
            assert matrix.get(src, dst) == NO_CONNECTIONS
    assert all(
        isinstance(flow.src, WorkloadEndpoint) or isinstance(flow.dst, WorkloadEndpoint)
        for flow in matrix.flows()
    )


def test_without_ip_blocks_the_world_is_one_external_atom_open_to_unselected_pods() -> None:
    matrix = run(TWO_PODS + policy("deny-a", "{podSelector: {matchLabels: {app: a}}}"))
    (world,) = matrix.externals()
    assert world.addresses == complement_of(ExternalEndpoint(IPSet()))
    assert matrix.get(world, ep("x/a")) == NO_CONNECTIONS
    assert matrix.get(world, ep("x/b")) == ALL_CONNECTIONS
    assert matrix.get(ep("x/a"), world) == ALL_CONNECTIONS


def test_ip_blocks_never_match_workloads() -> None:
    matrix = run(
        TWO_PODS
        + policy(
            "a-from-anywhere",
            """
  podSelector: {matchLabels: {app: a}}
  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}, {ipBlock: {cidr: '::/0'}}]}]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}, {ipBlock: {cidr: '::/0'}}]}]
""",
        )
    )
    assert matrix.get(ep("x/b"), ep("x/a")) == NO_CONNECTIONS
    assert matrix.get(ep("x/a"), ep("x/b")) == NO_CONNECTIONS
    assert matrix.get(atom_of(matrix, "192.0.2.1"), ep("x/a")) == ALL_CONNECTIONS
    assert matrix.get(ep("x/a"), atom_of(matrix, "2001:db8::1")) == ALL_CONNECTIONS


def test_ipv4_all_addresses_does_not_cover_ipv6() -> None:
    matrix = run(
        TWO_PODS
        + policy(
            "a-from-v4",
            """
  podSelector: {matchLabels: {app: a}}
  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
""",
        )
    )
    v4 = atom_of(matrix, "203.0.113.9")
    v6 = atom_of(matrix, "::1")
    assert v4 != v6
    assert (v4.addresses.v4, v4.addresses.v6) == addresses("0.0.0.0/0")
    assert v6.addresses.v4 == IntervalSet()
    assert matrix.get(v4, ep("x/a")) == ALL_CONNECTIONS
    assert matrix.get(v6, ep("x/a")) == NO_CONNECTIONS


def test_ipv4_only_except_leaves_ipv6_open() -> None:
    matrix = run(
        TWO_PODS
        + policy(
            "a-egress",
            """
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}, {ipBlock: {cidr: '::/0'}}]
""",
        )
    )
    a = ep("x/a")
    assert matrix.get(a, atom_of(matrix, "10.9.9.9")) == NO_CONNECTIONS
    assert matrix.get(a, atom_of(matrix, "11.0.0.1")) == ALL_CONNECTIONS
    assert matrix.get(a, atom_of(matrix, "fd00::1")) == ALL_CONNECTIONS


def test_ipv6_ip_block_with_except() -> None:
    matrix = run(
        TWO_PODS
        + policy(
            "a-egress",
            """
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: '2001:db8::/32', except: ['2001:db8:1::/48']}}]
    ports: [{port: 443}]
""",
        )
    )
    a = ep("x/a")
    assert matrix.get(a, atom_of(matrix, "2001:db8::1")) == tcp(443)
    assert matrix.get(a, atom_of(matrix, "2001:db8:1::1")) == NO_CONNECTIONS
    assert matrix.get(a, atom_of(matrix, "10.0.0.1")) == NO_CONNECTIONS
    assert matrix.get(a, atom_of(matrix, "2001:db9::1")) == NO_CONNECTIONS


OVERLAP_SAME_RULE = policy(
    "p",
    """
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {ipBlock: {cidr: 10.1.0.0/16}}]
""",
)
OVERLAP_TWO_RULES = policy(
    "p",
    """
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
  - to: [{ipBlock: {cidr: 10.1.2.0/24}}]
""",
)
OVERLAP_TWO_POLICIES = policy(
    "p1",
    """
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]}]
""",
) + policy(
    "p2",
    """
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.1.2.0/24}}]}]
""",
)


@pytest.mark.parametrize(
    "policies",
    [OVERLAP_SAME_RULE, OVERLAP_TWO_RULES, OVERLAP_TWO_POLICIES],
    ids=["two peers of one rule", "two rules", "two policies"],
)
def test_an_address_in_one_except_but_allowed_elsewhere_is_allowed(policies: str) -> None:
    matrix = run(TWO_PODS + policies)
    a = ep("x/a")
    assert matrix.get(a, atom_of(matrix, "10.1.2.3")) == ALL_CONNECTIONS
    assert matrix.get(a, atom_of(matrix, "10.200.0.1")) == ALL_CONNECTIONS
    assert matrix.get(a, atom_of(matrix, "11.0.0.1")) == NO_CONNECTIONS


def test_a_sub_range_of_an_allowed_cidr_is_allowed() -> None:
    matrix = run(
        TWO_PODS
        + policy(
            "p",
            """
  podSelector: {matchLabels: {app: a}}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
    ports: [{port: 80}]
  - from: [{ipBlock: {cidr: 10.2.0.0/16}}]
    ports: [{port: 81}]
""",
        )
    )
    a = ep("x/a")
    assert matrix.get(atom_of(matrix, "10.2.3.4"), a) == tcp(80, 81)
    assert matrix.get(atom_of(matrix, "10.3.0.1"), a) == tcp(80)
    assert matrix.get(atom_of(matrix, "9.9.9.9"), a) == NO_CONNECTIONS


def test_a_named_port_toward_an_external_never_matches() -> None:
    matrix = run(
        pod("a", labels="{app: a}")
        + pod("web", labels="{app: web}", ports="[{containerPort: 8080, name: http}]")
        + policy(
            "a-egress",
            """
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress:
  - ports: [{port: http}]
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{port: http}, {port: 443}]
""",
        )
    )
    a = ep("x/a")
    assert matrix.get(a, ep("x/web")) == tcp(8080)
    assert matrix.get(a, atom_of(matrix, "192.0.2.1")) == tcp(443)
    assert matrix.get(a, atom_of(matrix, "2001:db8::1")) == NO_CONNECTIONS


# --- workloads: kinds, loopback, replicas, hostNetwork ---------------------------------------

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: main, image: nginx}]}
---
"""


def test_a_deployment_paired_with_itself_is_replica_to_replica_traffic() -> None:
    matrix = run(DEPLOYMENT.replace("REPLICAS", "3") + TWO_PODS)
    web = ep("x/web[Deployment]")
    assert matrix.get(web, web) == ALL_CONNECTIONS
    assert any(flow.src == flow.dst == web for flow in matrix.flows())


def test_deny_all_ingress_closes_replica_to_replica_traffic() -> None:
    matrix = run(
        DEPLOYMENT.replace("REPLICAS", "3") + policy("deny", "{podSelector: {}, ingress: []}")
    )
    web = ep("x/web[Deployment]")
    assert matrix.get(web, web) == NO_CONNECTIONS


def test_an_egress_rule_toward_its_own_labels_opens_replica_to_replica_traffic() -> None:
    matrix = run(
        DEPLOYMENT.replace("REPLICAS", "2")
        + policy(
            "self",
            """
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 7000}]}]
  egress: [{to: [{podSelector: {matchLabels: {app: web}}}]}]
""",
        )
    )
    web = ep("x/web[Deployment]")
    assert matrix.get(web, web) == tcp(7000)


def test_a_bare_pod_loopback_is_not_listed_even_when_open() -> None:
    matrix = run(TWO_PODS)
    a = ep("x/a")
    assert matrix.get(a, a) == NO_CONNECTIONS
    assert matrix.get(a, ep("x/b")) == ALL_CONNECTIONS
    assert not any(flow.src == flow.dst for flow in matrix.flows())
    assert workload_flows(matrix) == {("x/a[Pod]", "x/b[Pod]"), ("x/b[Pod]", "x/a[Pod]")}


ZERO_PODS = {
    "Deployment": DEPLOYMENT.replace("REPLICAS", "0"),
    "StatefulSet": DEPLOYMENT.replace("REPLICAS", "0").replace("Deployment", "StatefulSet"),
    "Job": """
apiVersion: batch/v1
kind: Job
metadata: {name: web, namespace: x}
spec:
  parallelism: 0
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: main, image: nginx}], restartPolicy: Never}
---
""",
}


@pytest.mark.parametrize("kind", sorted(ZERO_PODS))
def test_a_workload_scaled_to_zero_still_counts(kind: str) -> None:
    matrix = run(
        ZERO_PODS[kind]
        + TWO_PODS
        + policy(
            "web-from-a",
            """
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]
""",
        )
    )
    web = WorkloadEndpoint("x", "web", kind)
    assert web in matrix.workloads()
    assert matrix.get(ep("x/a"), web) == ALL_CONNECTIONS
    assert matrix.get(ep("x/b"), web) == NO_CONNECTIONS


def test_host_network_pods_are_left_out_with_a_warning() -> None:
    loaded = load(
        TWO_PODS
        + """
apiVersion: v1
kind: Pod
metadata: {name: node-agent, namespace: x, labels: {app: a}}
spec:
  hostNetwork: true
  containers: [{name: main, image: busybox}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: proxy, namespace: x}
spec:
  selector: {matchLabels: {app: proxy}}
  template:
    metadata: {labels: {app: proxy}}
    spec: {hostNetwork: true, containers: [{name: main, image: busybox}]}
"""
    )
    assert [w.name for w in loaded.cluster.workloads] == ["a", "b"]
    assert [w.code for w in loaded.warnings] == ["NPD001", "NPD001"]
    assert "node-agent" in loaded.warnings[0].message
    matrix = evaluate(loaded.cluster)
    assert [str(e) for e in matrix.workloads()] == ["x/a[Pod]", "x/b[Pod]"]


def test_host_network_false_is_an_ordinary_pod() -> None:
    loaded = load(
        """
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x}
spec: {hostNetwork: false, containers: [{name: main, image: busybox}]}
"""
    )
    assert [w.name for w in loaded.cluster.workloads] == ["a"]
    assert loaded.warnings == ()


# --- named ports -----------------------------------------------------------------------------


def ingress_on_named_port(name: str) -> str:
    return policy(
        "named",
        f"""
  podSelector: {{matchLabels: {{app: server}}}}
  ingress: [{{ports: [{{port: {name}}}]}}]
""",
    )


SIDECAR_SERVER = """
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: x, labels: {app: server}}
spec:
  initContainers:
  - name: mesh
    image: proxy
    restartPolicy: Always
    ports: [{containerPort: 15090, name: metrics}]
  - name: setup
    image: busybox
    ports: [{containerPort: 7000, name: setup}]
  containers: [{name: main, image: nginx, ports: [{containerPort: 80, name: http}]}]
---
"""


def test_a_native_sidecar_named_port_resolves() -> None:
    matrix = run(SIDECAR_SERVER + pod("client") + ingress_on_named_port("metrics"))
    assert matrix.get(ep("x/client"), ep("x/server")) == tcp(15090)


def test_a_plain_init_container_named_port_opens_nothing() -> None:
    matrix = run(SIDECAR_SERVER + pod("client") + ingress_on_named_port("setup"))
    assert matrix.get(ep("x/client"), ep("x/server")) == NO_CONNECTIONS


def test_two_containers_sharing_a_port_name_open_both_numbers() -> None:
    matrix = run(
        """
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: x, labels: {app: server}}
spec:
  containers:
  - {name: one, image: nginx, ports: [{containerPort: 8080, name: web}]}
  - {name: two, image: nginx, ports: [{containerPort: 9090, name: web}]}
  - {name: three, image: nginx, ports: [{containerPort: 9091, name: web, protocol: UDP}]}
---
"""
        + pod("client")
        + ingress_on_named_port("web")
    )
    assert matrix.get(ep("x/client"), ep("x/server")) == tcp(8080, 9090)


def test_a_port_declared_both_unnamed_and_named_loads_and_the_name_resolves() -> None:
    # Two containers may both declare containerPort 80 (the API server only warns), one of
    # them naming it. Loading must not fail, and the name must still resolve.
    matrix = run(
        """
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: x, labels: {app: server}}
spec:
  containers:
  - {name: app, image: nginx, ports: [{containerPort: 80}]}
  - {name: proxy, image: envoy, ports: [{containerPort: 80, name: http}]}
---
"""
        + pod("client")
        + ingress_on_named_port("http")
    )
    assert matrix.get(ep("x/client"), ep("x/server")) == tcp(80)


def test_a_named_port_resolves_per_destination() -> None:
    matrix = run(
        pod("client", labels="{app: client}")
        + pod("s1", labels="{app: s}", ports="[{containerPort: 8080, name: http}]")
        + pod("s2", labels="{app: s}", ports="[{containerPort: 9090, name: http}]")
        + pod("s3", labels="{app: s}", ports="[{containerPort: 8080, name: other}]")
        + policy(
            "client-egress",
            """
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress: [{ports: [{port: http}]}]
""",
        )
    )
    client = ep("x/client")
    assert matrix.get(client, ep("x/s1")) == tcp(8080)
    assert matrix.get(client, ep("x/s2")) == tcp(9090)
    assert matrix.get(client, ep("x/s3")) == NO_CONNECTIONS


def test_an_ingress_named_port_resolves_on_the_destination_not_the_source() -> None:
    matrix = run(
        pod("client", ports="[{containerPort: 9090, name: http}]")
        + pod("server", labels="{app: server}", ports="[{containerPort: 8080, name: http}]")
        + ingress_on_named_port("http")
    )
    assert matrix.get(ep("x/client"), ep("x/server")) == tcp(8080)


def test_a_named_port_needs_name_and_protocol() -> None:
    matrix = run(
        pod("client")
        + pod(
            "server",
            labels="{app: server}",
            ports="[{containerPort: 53, name: dns, protocol: UDP}]",
        )
        + policy(
            "dns",
            """
  podSelector: {matchLabels: {app: server}}
  ingress: [{ports: [{port: dns}, {port: dns, protocol: SCTP}]}]
""",
        )
    )
    assert matrix.get(ep("x/client"), ep("x/server")) == NO_CONNECTIONS


def test_dns_allowed_on_udp_only_leaves_tcp_53_closed() -> None:
    matrix = run(
        pod("app", labels="{app: app}")
        + pod("dns", namespace="kube-system", labels="{k8s-app: kube-dns}")
        + policy(
            "dns-egress",
            """
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}]
""",
        )
    )
    allowed = matrix.get(ep("x/app"), ep("kube-system/dns"))
    assert allowed == ConnectionSet.of(Protocol.UDP, IntervalSet.of((53, 53)))
    assert 53 not in allowed.ports(Protocol.TCP)


# --- labels: pod templates, CronJobs, namespaces ---------------------------------------------

WORKLOAD_TEMPLATES = {
    "Deployment": ("apps/v1", "spec: {template: TEMPLATE}"),
    "StatefulSet": ("apps/v1", "spec: {template: TEMPLATE}"),
    "DaemonSet": ("apps/v1", "spec: {template: TEMPLATE}"),
    "ReplicaSet": ("apps/v1", "spec: {template: TEMPLATE}"),
    "ReplicationController": ("v1", "spec: {template: TEMPLATE}"),
    "Job": ("batch/v1", "spec: {template: TEMPLATE}"),
    "CronJob": (
        "batch/v1",
        "spec: {schedule: '* * * * *', jobTemplate: {spec: {template: TEMPLATE}}}",
    ),
}
TEMPLATE = "{metadata: {labels: {app: template}}, spec: {containers: [{name: main, image: x}]}}"


def workload_manifest(kind: str) -> str:
    api_version, spec = WORKLOAD_TEMPLATES[kind]
    return (
        f"apiVersion: {api_version}\nkind: {kind}\n"
        "metadata: {name: w, namespace: x, labels: {app: metadata}}\n"
        f"{spec.replace('TEMPLATE', TEMPLATE)}\n---\n"
    )


@pytest.mark.parametrize("kind", sorted(WORKLOAD_TEMPLATES))
def test_policies_select_pod_template_labels_not_workload_labels(kind: str) -> None:
    isolate_template = policy("t", "{podSelector: {matchLabels: {app: template}}, ingress: []}")
    isolate_metadata = policy("m", "{podSelector: {matchLabels: {app: metadata}}, ingress: []}")
    w = WorkloadEndpoint("x", "w", kind)
    by_template = run(workload_manifest(kind) + pod("client") + isolate_template)
    by_metadata = run(workload_manifest(kind) + pod("client") + isolate_metadata)
    assert by_template.get(ep("x/client"), w) == NO_CONNECTIONS
    assert by_metadata.get(ep("x/client"), w) == ALL_CONNECTIONS


def test_cron_job_labels_come_from_the_job_template_as_a_peer() -> None:
    matrix = run(
        workload_manifest("CronJob")
        + pod("server", labels="{app: server}")
        + policy(
            "from-template",
            """
  podSelector: {matchLabels: {app: server}}
  ingress: [{from: [{podSelector: {matchLabels: {app: template}}}]}]
""",
        )
    )
    assert matrix.get(ep("x/w[CronJob]"), ep("x/server")) == ALL_CONNECTIONS


def test_a_namespace_without_a_manifest_has_only_the_name_label() -> None:
    loaded = load(pod("a", namespace="w") + pod("b", namespace="v"))
    namespaces = {n.name: n.labels for n in loaded.cluster.namespaces}
    assert namespaces == {"v": ((NAMESPACE_NAME_LABEL, "v"),), "w": ((NAMESPACE_NAME_LABEL, "w"),)}


@pytest.mark.parametrize(
    ("namespace_selector", "admitted"),
    [
        ("{}", True),
        ("{matchLabels: {kubernetes.io/metadata.name: w}}", True),
        ("{matchLabels: {team: blue}}", False),
        ("{matchExpressions: [{key: team, operator: DoesNotExist}]}", True),
    ],
)
def test_a_namespace_without_a_manifest_is_selected_by_its_name_label_only(
    namespace_selector: str, admitted: bool
) -> None:
    matrix = run(
        pod("client", namespace="w")
        + pod("server", labels="{app: server}")
        + policy(
            "from-ns",
            f"""
  podSelector: {{matchLabels: {{app: server}}}}
  ingress: [{{from: [{{namespaceSelector: {namespace_selector}}}]}}]
""",
        )
    )
    expected = ALL_CONNECTIONS if admitted else NO_CONNECTIONS
    assert matrix.get(ep("w/client"), ep("x/server")) == expected


def test_a_declared_namespace_keeps_its_labels_and_gains_the_name_label() -> None:
    loaded = load(
        """
apiVersion: v1
kind: Namespace
metadata: {name: w, labels: {team: blue}}
"""
    )
    (namespace,) = loaded.cluster.namespaces
    assert dict(namespace.labels) == {"team": "blue", NAMESPACE_NAME_LABEL: "w"}


def test_a_missing_metadata_namespace_means_the_default_namespace() -> None:
    loaded = load(
        """
apiVersion: v1
kind: Pod
metadata: {name: a}
spec: {containers: [{name: main, image: busybox}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}}
""",
        default_namespace="team",
    )
    assert [str(w.endpoint) for w in loaded.cluster.workloads] == ["team/a[Pod]"]
    assert [str(p.ref) for p in loaded.cluster.policies] == ["team/deny"]
    matrix = evaluate(loaded.cluster)
    assert matrix.ingress_refs(matrix.index()[ep("team/a")]) == (loaded.cluster.policies[0].ref,)


def test_the_policies_selecting_a_pod_are_recorded_even_when_they_only_isolate() -> None:
    matrix = run(
        TWO_PODS
        + policy("deny-in", "{podSelector: {matchLabels: {app: a}}, ingress: []}")
        + policy("deny-out", "{podSelector: {}, policyTypes: [Egress]}")
    )
    index = matrix.index()
    assert [str(p) for p in matrix.ingress_refs(index[ep("x/a")])] == ["x/deny-in"]
    assert [str(p) for p in matrix.ingress_refs(index[ep("x/b")])] == []
    assert [str(p) for p in matrix.egress_refs(index[ep("x/b")])] == ["x/deny-out"]
    # Only the world may still reach b; every pod's egress and a's ingress are closed.
    (world,) = matrix.externals()
    assert {(str(f.src), str(f.dst)) for f in matrix.flows()} == {(str(world), "x/b[Pod]")}


# --- what the API server rejects (CC-07, CC-18, CC-19) ---------------------------------------


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{ports: [{port: 81, endPort: 80}]}", "endPort"),
        ("{ports: [{port: http, endPort: 90}]}", "endPort"),
        ("{ports: [{endPort: 90}]}", "endPort"),
        ("{from: [{}]}", "must specify a peer"),
        ("{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}", "ipBlock may not be combined"),
        ("{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]}", "strict subset"),
        ("{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]}", "strict subset"),
        ("{from: [{ipBlock: {cidr: 10.0.0.0}}]}", "invalid CIDR"),
        ("{ports: [{port: 80, protocol: ICMP}]}", "protocol"),
    ],
    ids=[
        "endPort below port",
        "endPort with a named port",
        "endPort without port",
        "empty peer",
        "ipBlock with a selector",
        "except outside cidr",
        "except equal to cidr",
        "cidr without prefix length",
        "unknown protocol",
    ],
)
def test_rules_the_api_server_rejects_raise(rule: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load(policy("bad", f"{{podSelector: {{}}, ingress: [{rule}]}}"))


def test_a_policy_type_in_lower_case_is_rejected() -> None:
    with pytest.raises(InputError, match="policy type"):
        load(policy("bad", "{podSelector: {}, policyTypes: [ingress]}"))


def test_a_cidr_with_host_bits_is_read_as_its_network_with_a_warning() -> None:
    loaded = load(
        TWO_PODS
        + policy("p", "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.1/8}}]}]}")
    )
    assert [w.code for w in loaded.warnings] == ["NPD002"]
    matrix = evaluate(loaded.cluster)
    assert matrix.get(atom_of(matrix, "10.200.0.1"), ep("x/a")) == ALL_CONNECTIONS


def test_a_namespace_selector_null_next_to_a_pod_selector_is_valid() -> None:
    matrix = run(
        TWO_PODS
        + pod("b", namespace="y", labels="{app: b}")
        + policy(
            "p",
            """
  podSelector: {matchLabels: {app: a}}
  ingress: [{from: [{namespaceSelector: null, podSelector: {matchLabels: {app: b}}}]}]
""",
        )
    )
    assert matrix.get(ep("x/b"), ep("x/a")) == ALL_CONNECTIONS
    assert matrix.get(ep("y/b"), ep("x/a")) == NO_CONNECTIONS


def test_a_network_policy_list_is_read_item_by_item() -> None:
    matrix = run(
        TWO_PODS
        + """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicyList
items:
- metadata: {name: deny-a, namespace: x}
  spec: {podSelector: {matchLabels: {app: a}}}
- metadata: {name: deny-b-egress, namespace: x}
  spec: {podSelector: {matchLabels: {app: b}}, policyTypes: [Egress]}
"""
    )
    assert [str(p) for p in matrix.ingress_refs(matrix.index()[ep("x/a")])] == ["x/deny-a"]
    assert workload_flows(matrix) == {("x/a[Pod]", "x/b[Pod]")}


def test_two_policies_with_one_name_are_an_error_not_last_wins() -> None:
    with pytest.raises(InputError, match="defined twice"):
        load(policy("p", "{podSelector: {}}") + policy("p", "{podSelector: {}, ingress: [{}]}"))


def test_two_namespace_manifests_with_different_labels_are_an_error() -> None:
    with pytest.raises(InputError, match="defined twice"):
        load(
            """
apiVersion: v1
kind: Namespace
metadata: {name: w, labels: {team: blue}}
---
apiVersion: v1
kind: Namespace
metadata: {name: w, labels: {team: red}}
"""
        )


def test_a_json_manifest_reads_like_yaml() -> None:
    document = (
        '{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",'
        ' "metadata": {"name": "deny-a", "namespace": "x"},'
        ' "spec": {"podSelector": {"matchLabels": {"app": "a"}},'
        ' "ingress": [{"ports": [{"port": 80}]}]}}'
    )
    loaded = load_cluster(
        [
            SourceFile("pods.yaml", TWO_PODS.encode()),
            SourceFile("policy.json", document.encode()),
        ]
    )
    matrix = evaluate(loaded.cluster)
    assert matrix.get(ep("x/b"), ep("x/a")) == tcp(80)
