"""``evaluate_pair``: the second side reuses the first's work, and must answer as if alone.

Each case is a base cluster and an edit of it; the pair is evaluated together and each side
alone (over the same numbering), and the two must agree. The edits are the ones a reuse could
get wrong: grants that change under an unchanged peer mask, isolation that appears, named
ports and labels that move under unchanged policies.
"""

from __future__ import annotations

from textwrap import dedent

import pytest

from netpoldiff.cluster import Cluster
from netpoldiff.diff import diff_matrices
from netpoldiff.evaluate import (
    Engine,
    Universe,
    evaluate,
    evaluate_pair,
    evaluate_states,
    external_partition,
    universe,
)
from netpoldiff.manifests import load_cluster
from netpoldiff.matrix import Matrix
from netpoldiff.model import ObjectRef, WorkloadEndpoint
from netpoldiff.sources import SourceFile

BASE = """
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: bank, labels: {team: b}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 9090}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: bank, labels: {app: db}}
spec: {containers: [{name: c, ports: [{name: sql, containerPort: 5432}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 9090}]
  - to: [{ipBlock: {cidr: 10.0.0.0/8}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: bank}
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: a}}}]
    ports: [{port: sql}]
"""

# (name, text replaced in BASE, its replacement)
EDITS = [
    ("egress port under the same peers", "    ports: [{port: 9090}]", "    ports: [{port: 9091}]"),
    ("egress protocol under the same peers", "[{port: 9090}]", "[{port: 9090, protocol: UDP}]"),
    (
        "ingress peers widened",
        "from: [{podSelector: {matchLabels: {app: web}}}]",
        "from: [{podSelector: {}}]",
    ),
    ("ingress named port to number", "ports: [{port: http}]", "ports: [{port: 8080}]"),
    (
        "policy made to isolate egress too",
        "  podSelector: {}\n  ingress:",
        "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  ingress:",
    ),
    ("workload relabelled", "labels: {app: api}", "labels: {app: api2}"),
    ("named port renumbered", "containerPort: 9090", "containerPort: 9999"),
    ("namespace relabelled", "labels: {team: a}", "labels: {team: c}"),
    (
        "policy selects nobody now",
        "podSelector: {matchLabels: {app: web}}\n  policyTypes",
        "podSelector: {matchLabels: {app: nobody}}\n  policyTypes",
    ),
    ("ipBlock narrowed", "cidr: 10.0.0.0/8", "cidr: 10.0.0.0/9"),
    ("policy removed", BASE[BASE.rindex("---") :], ""),  # db-ingress, the last document
]


def cluster(text: str) -> Cluster:
    loaded = load_cluster([SourceFile("m.yaml", dedent(text).encode())])
    assert loaded.errors == ()
    return loaded.cluster


@pytest.mark.parametrize(
    ("old_text", "new_text"),
    [pytest.param(BASE, BASE.replace(before, after, 1), id=name) for name, before, after in EDITS]
    + [
        pytest.param(BASE.replace(before, after, 1), BASE, id=f"{name}, reversed")
        for name, before, after in EDITS
    ],
)
def test_a_pair_evaluated_together_answers_as_each_side_alone(old_text: str, new_text: str) -> None:
    assert old_text != new_text
    old, new = cluster(old_text), cluster(new_text)
    externals = external_partition([old, new])
    endpoints = universe([old, new], externals)
    alone = (
        evaluate(old, externals=externals, endpoints=endpoints),
        evaluate(new, externals=externals, endpoints=endpoints),
    )
    together = evaluate_pair(old, new)
    assert together == alone
    # Every edit here changes reachability: a reuse that hid it would show as no change.
    assert not diff_matrices(*together).is_empty()


def test_a_sequence_of_states_answers_as_each_state_alone() -> None:
    # A migration plan evaluates many states with one engine: each edit, undone, redone.
    states = [cluster(BASE)]
    for _name, before, after in EDITS:
        states.append(cluster(BASE.replace(before, after, 1)))
        states.append(cluster(BASE))
    externals = external_partition(states)
    endpoints = universe(states, externals)
    alone = [evaluate(state, externals=externals, endpoints=endpoints) for state in states]
    together = evaluate_states(states)
    assert together == alone
    assert [deciding(m) for m in together] == [deciding(m) for m in alone]


def test_a_state_met_again_gets_the_very_columns_it_had() -> None:
    # Work is kept by what it was computed from: the base, met again after every edit, is
    # answered from what was computed for it the first time, untouched by the edits between.
    base = cluster(BASE)
    states = [base] + [cluster(BASE.replace(b, a, 1)) for _n, b, a in EDITS] + [base]
    engine = Engine(Universe.of(states))
    first, *_, last = [engine.evaluate(state) for state in states]
    for endpoint, before, after in zip(first.endpoints, first.columns, last.columns, strict=True):
        if isinstance(endpoint, WorkloadEndpoint) and endpoint.kind == "Pod":
            assert before == after  # a bare pod's own column leaves out the pod itself
        else:
            assert before is after, endpoint


def deciding(matrix: Matrix) -> list[tuple[ObjectRef, ...]]:
    """The policies selecting each endpoint, ingress then egress, by name."""
    size = len(matrix.endpoints)
    return [matrix.ingress_refs(i) for i in range(size)] + [
        matrix.egress_refs(i) for i in range(size)
    ]
