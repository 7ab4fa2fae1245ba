"""NetworkPolicy v1 semantics as truth tables over the upstream e2e model (x,y,z x a,b,c).

Cases mirror kubernetes test/e2e/network/netpol/network_policy.go and the corner cases of the
research notes (CC-nn), grouped like cyclonus's tags: target, direction, peer-pods,
peer-ipblock, port, protocol, policy-stack. Each case is a set of policies, the model
(optionally relabelled) and, per probe, the expected table written as edits to "all allowed".
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.semantics.grid import (
    ALLOWED,
    SCTP80,
    SCTP81,
    STANDARD_MODEL,
    TCP80,
    TCP81,
    UDP80,
    UDP81,
    Expectations,
    GridModel,
    check_grids,
    evaluate_grid,
    join,
    netpol,
    on,
)

MAIN_PROBES = (TCP80, TCP81, UDP80, SCTP80)


@dataclass(frozen=True, slots=True)
class Case:
    """One row of a table: policies, expected tables per probe, model and loader warnings."""

    id: str
    policies: str
    expect: Expectations
    model: GridModel = STANDARD_MODEL
    warnings: tuple[str, ...] = ()


def run(case: Case) -> None:
    result = evaluate_grid(case.policies, case.model)
    assert result.loaded.errors == ()
    assert result.warning_codes() == case.warnings
    check_grids(result, case.expect)


def ids(cases: list[Case]) -> list[str]:
    return [case.id for case in cases]


DENY_ALL_INGRESS_X = netpol(
    "deny-all-ingress",
    """
    podSelector: {}
    policyTypes: [Ingress]
    """,
)

# --- target: which pods a policy selects -----------------------------------------------------

TARGET = [
    Case(
        "default-deny-ingress isolates every pod of the namespace, all protocols",
        DENY_ALL_INGRESS_X,
        on(ALLOWED.deny_to("x/*"), *MAIN_PROBES, UDP81, SCTP81),
    ),
    Case(
        "ingress: [] without policyTypes is deny-all ingress (CC-03)",
        netpol("deny", "podSelector: {}\ningress: []\n"),
        on(ALLOWED.deny_to("x/*"), *MAIN_PROBES),
    ),
    Case(
        "no rules and no policyTypes is deny-all ingress only, egress stays open (CC-01)",
        netpol("deny", "podSelector: {}\n"),
        on(ALLOWED.deny_to("x/*"), *MAIN_PROBES),
    ),
    Case(
        "ingress: [{}] allows every source on every protocol (CC-03)",
        netpol("allow-all", "podSelector: {}\ningress: [{}]\n"),
        on(ALLOWED, *MAIN_PROBES, UDP81, SCTP81),
    ),
    Case(
        "from: [] and ports: [] mean every source and every port, as if omitted (CC-04)",
        netpol("allow-all", "podSelector: {}\ningress: [{from: [], ports: []}]\n"),
        on(ALLOWED, *MAIN_PROBES),
    ),
    Case(
        "egress to: [] means every destination",
        netpol("allow-all", "podSelector: {}\npolicyTypes: [Egress]\negress: [{to: []}]\n"),
        on(ALLOWED, *MAIN_PROBES),
    ),
    Case(
        "podSelector matchLabels isolates only the matching pod",
        netpol("deny-a", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress]\n"),
        on(ALLOWED.deny_to("x/a"), *MAIN_PROBES),
    ),
    Case(
        "podSelector matchExpressions In selects each listed value",
        netpol(
            "deny-ab",
            """
            podSelector:
              matchExpressions: [{key: pod, operator: In, values: [a, b]}]
            policyTypes: [Ingress]
            """,
        ),
        on(ALLOWED.deny_to("x/a").deny_to("x/b"), TCP80, UDP80),
    ),
    Case(
        "podSelector matchExpressions NotIn selects every other pod",
        netpol(
            "deny-not-a",
            """
            podSelector:
              matchExpressions: [{key: pod, operator: NotIn, values: [a]}]
            policyTypes: [Ingress]
            """,
        ),
        on(ALLOWED.deny_to("x/b").deny_to("x/c"), TCP80, UDP80),
    ),
    Case(
        "podSelector Exists selects the pods carrying the key",
        netpol(
            "deny-role",
            """
            podSelector:
              matchExpressions: [{key: role, operator: Exists}]
            policyTypes: [Ingress]
            """,
        ),
        on(ALLOWED.deny_to("x/a").deny_to("x/c"), TCP80),
        model=GridModel(pod_labels={"x/a": {"role": "server"}, "x/c": {"role": "db"}}),
    ),
    Case(
        "podSelector DoesNotExist selects the pods lacking the key (CC-23)",
        netpol(
            "deny-no-role",
            """
            podSelector:
              matchExpressions: [{key: role, operator: DoesNotExist}]
            policyTypes: [Ingress]
            """,
        ),
        on(ALLOWED.deny_to("x/b"), TCP80),
        model=GridModel(pod_labels={"x/a": {"role": "server"}, "x/c": {"role": "db"}}),
    ),
    Case(
        "a policy selects pods only in its own namespace (CC-24)",
        netpol(
            "deny-a-in-y",
            "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress]\n",
            namespace="y",
        ),
        on(ALLOWED.deny_to("y/a"), *MAIN_PROBES),
    ),
    Case(
        "a policy selecting no pod changes nothing (CC-45)",
        netpol(
            "deny-nobody", "podSelector: {matchLabels: {pod: nobody}}\npolicyTypes: [Ingress]\n"
        ),
        on(ALLOWED, *MAIN_PROBES),
    ),
    Case(
        "selection by a label the pod lacks leaves it open",
        netpol("deny-isolated", "podSelector: {matchLabels: {target: isolated}}\ningress: []\n"),
        on(ALLOWED, TCP80, UDP80),
    ),
    Case(
        "the same policy isolates the pod once it carries the label (updated pod)",
        netpol("deny-isolated", "podSelector: {matchLabels: {target: isolated}}\ningress: []\n"),
        on(ALLOWED.deny_to("x/a"), TCP80, UDP80),
        model=GridModel(pod_labels={"x/a": {"target": "isolated"}}),
    ),
]

# --- direction: ingress, egress, policyTypes ------------------------------------------------

DIRECTION = [
    Case(
        "default-deny-egress blocks every pod of the namespace as a source",
        netpol("deny-egress", "podSelector: {}\npolicyTypes: [Egress]\n"),
        on(ALLOWED.deny_from("x/*"), *MAIN_PROBES),
    ),
    Case(
        "egress deny for one pod blocks only that source",
        netpol("deny-egress-a", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\n"),
        on(ALLOWED.deny_from("x/a"), *MAIN_PROBES),
    ),
    Case(
        "default-deny-all blocks the namespace both ways",
        netpol("deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]\n"),
        on(ALLOWED.deny_to("x/*").deny_from("x/*"), *MAIN_PROBES),
    ),
    Case(
        "an egress section without policyTypes also isolates ingress (CC-01)",
        netpol(
            "egress-to-b",
            """
            podSelector: {matchLabels: {pod: a}}
            egress:
            - to: [{podSelector: {matchLabels: {pod: b}}}]
            """,
        ),
        on(ALLOWED.deny_to("x/a").deny_from("x/a").allow("x/a", "x/b"), TCP80, UDP80),
    ),
    Case(
        "policyTypes: [] is inferred like a missing one (CC-04)",
        netpol(
            "egress-to-b",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: []
            egress:
            - to: [{podSelector: {matchLabels: {pod: b}}}]
            """,
        ),
        on(ALLOWED.deny_to("x/a").deny_from("x/a").allow("x/a", "x/b"), TCP80),
    ),
    Case(
        "ingress: null and egress: null read as missing: deny-all ingress only (CC-04)",
        netpol("nulls", "podSelector: {matchLabels: {pod: a}}\ningress: null\negress: null\n"),
        on(ALLOWED.deny_to("x/a"), TCP80, UDP80),
    ),
    Case(
        "ingress rules without policyTypes leave egress open (CC-01)",
        netpol(
            "ingress-from-b",
            """
            podSelector: {matchLabels: {pod: a}}
            ingress:
            - from: [{podSelector: {matchLabels: {pod: b}}}]
            """,
        ),
        on(ALLOWED.deny_to("x/a").allow("x/b", "x/a"), TCP80, UDP80),
    ),
    Case(
        "policyTypes [Egress] ignores ingress rules that are present (CC-02)",
        netpol(
            "egress-only",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            ingress:
            - from: [{podSelector: {matchLabels: {pod: b}}}]
            egress:
            - {}
            """,
        ),
        on(ALLOWED, *MAIN_PROBES),
        warnings=("NPD003",),
    ),
    Case(
        "policyTypes [Egress] with ignored ingress rules still enforces egress (CC-02)",
        netpol(
            "egress-only",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            ingress:
            - {}
            """,
        ),
        on(ALLOWED.deny_from("x/a"), *MAIN_PROBES),
        warnings=("NPD003",),
    ),
    Case(
        "policyTypes [Ingress] ignores egress rules that are present",
        netpol(
            "ingress-only",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Ingress]
            ingress:
            - {}
            egress:
            - to: [{podSelector: {matchLabels: {pod: b}}}]
            """,
        ),
        on(ALLOWED, *MAIN_PROBES),
        warnings=("NPD003",),
    ),
    Case(
        "ingress and egress together: ingress from x/b, egress on TCP/80 only",
        netpol(
            "ingress-egress",
            """
            podSelector: {}
            ingress:
            - from: [{podSelector: {matchLabels: {pod: b}}}]
            egress:
            - ports: [{protocol: TCP, port: 80}]
            """,
        ),
        on(ALLOWED.deny_to("x/*").allow("x/b", "x/*"), TCP80)
        + on(ALLOWED.deny_to("x/*").deny_from("x/*"), TCP81, UDP80),
    ),
    Case(
        "egress TCP/80 only and ingress TCP/81 only share no port: no flow on either (CC-15)",
        join(
            netpol(
                "a-egress-80",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                - ports: [{port: 80}]
                """,
            ),
            netpol(
                "b-ingress-81",
                """
                podSelector: {matchLabels: {pod: b}}
                ingress:
                - ports: [{port: 81}]
                """,
            ),
        ),
        on(ALLOWED.deny_to("x/b"), TCP80)
        + on(ALLOWED.deny_from("x/a"), TCP81)
        + on(ALLOWED.deny_from("x/a").deny_to("x/b"), UDP80, SCTP80),
    ),
    Case(
        "the client's egress policy denies even where the server's ingress allows",
        join(
            netpol(
                "a-egress-to-y",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                - to: [{namespaceSelector: {matchLabels: {ns: 'y'}}}]
                """,
            ),
            netpol(
                "z-from-x-a",
                """
                podSelector: {}
                ingress:
                - from:
                  - namespaceSelector: {matchLabels: {ns: x}}
                    podSelector: {matchLabels: {pod: a}}
                """,
                namespace="z",
            ),
        ),
        on(ALLOWED.deny_from("x/a").allow("x/a", "y/*").deny_to("z/*"), TCP80, UDP80),
    ),
    Case(
        "egress deny-all and ingress allow-all on one pod are independent",
        netpol(
            "a-no-egress",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Ingress, Egress]
            ingress:
            - {}
            """,
        ),
        on(ALLOWED.deny_from("x/a"), *MAIN_PROBES),
    ),
    Case(
        "egress to a pod in another namespace by namespaceSelector and podSelector",
        netpol(
            "a-to-y-b",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress:
            - to:
              - namespaceSelector: {matchLabels: {ns: 'y'}}
                podSelector: {matchLabels: {pod: b}}
            """,
        ),
        on(ALLOWED.deny_from("x/a").allow("x/a", "y/b"), TCP80, UDP80),
    ),
    Case(
        "egress: [{}] allows every destination",
        netpol(
            "a-egress-all",
            "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress: [{}]\n",
        ),
        on(ALLOWED, *MAIN_PROBES),
    ),
]

# --- peer-pods: podSelector and namespaceSelector peers -------------------------------------


def from_peers(peers: str, name: str = "allow", target: str = "{matchLabels: {pod: a}}") -> str:
    """A policy in x selecting ``target`` whose one ingress rule has ``from: <peers>``."""
    return netpol(name, f"podSelector: {target}\ningress:\n- from: {peers}\n")


PEER_PODS = [
    Case(
        "a podSelector peer alone means pods of the policy's namespace (CC-17)",
        from_peers("[{podSelector: {matchLabels: {pod: b}}}]"),
        on(ALLOWED.deny_to("x/a").allow("x/b", "x/a"), *MAIN_PROBES),
    ),
    Case(
        "an empty podSelector peer means every pod of the policy's namespace only",
        from_peers("[{podSelector: {}}]", target="{}"),
        on(ALLOWED.deny_to("x/*").allow("x/*", "x/*"), TCP80, UDP80),
    ),
    Case(
        "a namespaceSelector peer alone means every pod of the selected namespaces",
        from_peers("[{namespaceSelector: {matchLabels: {ns: 'y'}}}]"),
        on(ALLOWED.deny_to("x/a").allow("y/*", "x/a"), *MAIN_PROBES),
    ),
    Case(
        "an empty namespaceSelector peer means every pod of every namespace (CC-17)",
        from_peers("[{namespaceSelector: {}}]"),
        on(ALLOWED, *MAIN_PROBES),
    ),
    Case(
        "both selectors empty in one peer mean every pod of the cluster",
        from_peers("[{namespaceSelector: {}, podSelector: {}}]"),
        on(ALLOWED, TCP80, UDP80),
    ),
    Case(
        "namespaceSelector {} with a podSelector picks that pod in every namespace",
        from_peers("[{namespaceSelector: {}, podSelector: {matchLabels: {pod: b}}}]"),
        on(ALLOWED.deny_to("x/a").allow("*/b", "x/a"), TCP80, UDP80),
    ),
    Case(
        "namespaceSelector and podSelector in one peer are ANDed (CC-16)",
        from_peers(
            """
  - namespaceSelector:
      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]
    podSelector: {matchLabels: {pod: b}}
"""
        ),
        on(ALLOWED.deny_to("x/a").allow("y/b", "x/a").allow("z/b", "x/a"), *MAIN_PROBES),
    ),
    Case(
        "namespaceSelector and podSelector as separate peers are ORed (CC-16)",
        from_peers(
            """
  - namespaceSelector:
      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]
  - podSelector: {matchLabels: {pod: b}}
"""
        ),
        on(
            ALLOWED.deny_to("x/a").allow("y/*", "x/a").allow("z/*", "x/a").allow("x/b", "x/a"),
            TCP80,
        ),
    ),
    Case(
        "several podSelector peers: any of them",
        from_peers(
            "[{podSelector: {matchLabels: {pod: b}}}, {podSelector: {matchLabels: {pod: c}}}]"
        ),
        on(ALLOWED.deny_to("x/a").allow("x/b", "x/a").allow("x/c", "x/a"), TCP80, UDP80),
    ),
    Case(
        "multiple pod and namespace values in one peer",
        from_peers(
            """
  - namespaceSelector:
      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]
    podSelector:
      matchExpressions: [{key: pod, operator: In, values: [b, c]}]
"""
        ),
        on(
            ALLOWED.deny_to("x/a")
            .allow("y/b", "x/a")
            .allow("y/c", "x/a")
            .allow("z/b", "x/a")
            .allow("z/c", "x/a"),
            TCP80,
        ),
    ),
    Case(
        "a pod in another namespace by namespaceSelector and podSelector",
        from_peers(
            "[{namespaceSelector: {matchLabels: {ns: 'y'}}, podSelector: {matchLabels: {pod: a}}}]"
        ),
        on(ALLOWED.deny_to("x/a").allow("y/a", "x/a"), TCP80, UDP80),
    ),
    Case(
        "podSelector matchExpressions In",
        from_peers("[{podSelector: {matchExpressions: [{key: pod, operator: In, values: [b]}]}}]"),
        on(ALLOWED.deny_to("x/a").allow("x/b", "x/a"), TCP80),
    ),
    Case(
        "namespaceSelector matchExpressions In",
        from_peers(
            "[{namespaceSelector: {matchExpressions: [{key: ns, operator: In, values: ['y']}]}}]"
        ),
        on(ALLOWED.deny_to("x/a").allow("y/*", "x/a"), TCP80),
    ),
    Case(
        "NotIn matches pods that lack the key (CC-23)",
        from_peers(
            "[{podSelector: {matchExpressions: [{key: role, operator: NotIn, values: [client]}]}}]"
        ),
        on(ALLOWED.deny_to("x/a").allow("x/c", "x/a"), TCP80),
        model=GridModel(pod_labels={"x/b": {"role": "client"}}),
    ),
    Case(
        "DoesNotExist matches pods that lack the key (CC-23)",
        from_peers("[{podSelector: {matchExpressions: [{key: role, operator: DoesNotExist}]}}]"),
        on(ALLOWED.deny_to("x/a").allow("x/c", "x/a"), TCP80),
        model=GridModel(pod_labels={"x/b": {"role": "client"}}),
    ),
    Case(
        "Exists matches only pods carrying the key",
        from_peers("[{podSelector: {matchExpressions: [{key: role, operator: Exists}]}}]"),
        on(ALLOWED.deny_to("x/a").allow("x/b", "x/a"), TCP80),
        model=GridModel(pod_labels={"x/b": {"role": "client"}}),
    ),
    Case(
        "NotIn on a namespace key matches namespaces lacking it",
        from_peers(
            """
  - namespaceSelector:
      matchExpressions: [{key: team, operator: NotIn, values: [red]}]
"""
        ),
        on(ALLOWED.deny_to("x/a").allow("x/*", "x/a").allow("z/*", "x/a"), TCP80),
        model=GridModel(namespace_labels={"y": {"team": "red"}, "z": {"team": "blue"}}),
    ),
    Case(
        "namespaceSelector on the automatic kubernetes.io/metadata.name label (CC-20)",
        from_peers("[{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: 'y'}}}]"),
        on(ALLOWED.deny_to("x/a").allow("y/*", "x/a"), TCP80, UDP80),
    ),
    Case(
        "matchExpressions on kubernetes.io/metadata.name",
        from_peers(
            """
  - namespaceSelector:
      matchExpressions:
      - {key: kubernetes.io/metadata.name, operator: In, values: ['y', z]}
"""
        ),
        on(ALLOWED.deny_to("x/a").allow("y/*", "x/a").allow("z/*", "x/a"), TCP80),
    ),
    Case(
        "a namespaceSelector on a label no namespace has admits nobody",
        from_peers("[{namespaceSelector: {matchLabels: {ns2: updated}}}]"),
        on(ALLOWED.deny_to("x/a"), TCP80, UDP80),
    ),
    Case(
        "adding the label to a Namespace manifest admits its pods (CC-21)",
        from_peers("[{namespaceSelector: {matchLabels: {ns2: updated}}}]"),
        on(ALLOWED.deny_to("x/a").allow("y/*", "x/a"), TCP80, UDP80),
        model=GridModel(namespace_labels={"y": {"ns2": "updated"}}),
    ),
    Case(
        "adding the label to a pod admits it (updated pod)",
        from_peers("[{namespaceSelector: {}, podSelector: {matchLabels: {pod2: updated}}}]"),
        on(ALLOWED.deny_to("x/a").allow("z/b", "x/a"), TCP80),
        model=GridModel(pod_labels={"z/b": {"pod2": "updated"}}),
    ),
    Case(
        "a peer selecting no pod admits nobody (CC-45)",
        from_peers("[{podSelector: {matchLabels: {pod: nobody}}}]"),
        on(ALLOWED.deny_to("x/a"), TCP80),
    ),
    Case(
        "an egress podSelector peer means pods of the policy's namespace",
        netpol(
            "a-to-b",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress:
            - to: [{podSelector: {matchLabels: {pod: b}}}]
            """,
        ),
        on(ALLOWED.deny_from("x/a").allow("x/a", "x/b"), TCP80, UDP80),
    ),
]

# --- peer-ipblock: addresses never match pods (CC-27) ---------------------------------------

PEER_IPBLOCK = [
    Case(
        "ingress from ipBlock 0.0.0.0/0 admits no pod",
        from_peers("[{ipBlock: {cidr: 0.0.0.0/0}}, {ipBlock: {cidr: '::/0'}}]"),
        on(ALLOWED.deny_to("x/a"), *MAIN_PROBES),
    ),
    Case(
        "egress to ipBlock 0.0.0.0/0 reaches no pod",
        netpol(
            "a-to-world",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress:
            - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
            """,
        ),
        on(ALLOWED.deny_from("x/a"), *MAIN_PROBES),
    ),
    Case(
        "an ipBlock peer next to a podSelector peer: only the pod",
        from_peers("[{ipBlock: {cidr: 10.0.0.0/8}}, {podSelector: {matchLabels: {pod: b}}}]"),
        on(ALLOWED.deny_to("x/a").allow("x/b", "x/a"), TCP80),
    ),
]

# --- port: numbers, ranges, names, protocol-only entries ------------------------------------


def ingress_to_a(rule: str, name: str = "allow") -> str:
    """A policy in x selecting pod a with one ingress rule (YAML flow mapping)."""
    return netpol(name, f"podSelector: {{matchLabels: {{pod: a}}}}\ningress:\n- {rule}\n")


ONLY_TO_A_DENIED = ALLOWED.deny_to("x/a")

PORT = [
    Case(
        "a numeric port opens it for the selected peers only",
        ingress_to_a(
            "{from: [{namespaceSelector: {matchLabels: {ns: 'y'}}}], ports: [{port: 81}]}"
        ),
        on(ONLY_TO_A_DENIED, TCP80, UDP81, SCTP81)
        + on(ONLY_TO_A_DENIED.allow("y/*", "x/a"), TCP81),
    ),
    Case(
        "ports: [{}] means every TCP port (CC-05)",
        ingress_to_a("{ports: [{}]}"),
        on(ALLOWED, TCP80, TCP81) + on(ONLY_TO_A_DENIED, UDP80, SCTP80),
    ),
    Case(
        "ports: [{protocol: UDP}] means every UDP port (CC-05)",
        ingress_to_a("{ports: [{protocol: UDP}]}"),
        on(ALLOWED, UDP80, UDP81) + on(ONLY_TO_A_DENIED, TCP80, SCTP80),
    ),
    Case(
        "endPort 80-81 opens both ends of the range (CC-07)",
        ingress_to_a("{ports: [{port: 80, endPort: 81}]}"),
        on(ALLOWED, TCP80, TCP81) + on(ONLY_TO_A_DENIED, UDP80, SCTP80),
    ),
    Case(
        "endPort equal to port opens that port only",
        ingress_to_a("{ports: [{port: 80, endPort: 80}]}"),
        on(ALLOWED, TCP80) + on(ONLY_TO_A_DENIED, TCP81, UDP80),
    ),
    Case(
        "endPort range on UDP opens UDP only",
        ingress_to_a("{ports: [{protocol: UDP, port: 1, endPort: 100}]}"),
        on(ALLOWED, UDP80, UDP81) + on(ONLY_TO_A_DENIED, TCP80, TCP81, SCTP80),
    ),
    Case(
        "a range below the served ports opens neither",
        ingress_to_a("{ports: [{port: 70, endPort: 79}]}"),
        on(ONLY_TO_A_DENIED, TCP80, TCP81),
    ),
    Case(
        "port entries are ORed, each with its own protocol",
        ingress_to_a("{ports: [{port: 80}, {protocol: UDP, port: 81}]}"),
        on(ALLOWED, TCP80, UDP81) + on(ONLY_TO_A_DENIED, TCP81, UDP80, SCTP80),
    ),
    Case(
        "a named port opens the destination's port of that name",
        ingress_to_a("{ports: [{port: serve-81-tcp}]}"),
        on(ALLOWED, TCP81) + on(ONLY_TO_A_DENIED, TCP80, UDP81, SCTP81),
    ),
    Case(
        "a named port resolves by name and protocol: serve-80-udp opens UDP/80 only (CC-09)",
        ingress_to_a("{ports: [{protocol: UDP, port: serve-80-udp}]}"),
        on(ALLOWED, UDP80) + on(ONLY_TO_A_DENIED, TCP80, TCP81, UDP81, SCTP80),
    ),
    Case(
        "a named port with the wrong protocol opens nothing (CC-09)",
        ingress_to_a("{ports: [{port: serve-80-udp}]}"),
        on(ONLY_TO_A_DENIED, *MAIN_PROBES, UDP81),
    ),
    Case(
        "a named port the destination lacks opens nothing (CC-10)",
        ingress_to_a("{ports: [{port: serve-443-tcp}]}"),
        on(ONLY_TO_A_DENIED, *MAIN_PROBES),
    ),
    Case(
        "a named SCTP port opens SCTP only",
        ingress_to_a("{ports: [{protocol: SCTP, port: serve-81-sctp}]}"),
        on(ALLOWED, SCTP81) + on(ONLY_TO_A_DENIED, SCTP80, TCP81, UDP81),
    ),
    Case(
        "a named port from a namespace",
        ingress_to_a(
            "{from: [{namespaceSelector: {matchLabels: {ns: 'y'}}}], ports: [{port: serve-81-tcp}]}"
        ),
        on(ONLY_TO_A_DENIED.allow("y/*", "x/a"), TCP81) + on(ONLY_TO_A_DENIED, TCP80, UDP81),
    ),
    Case(
        "an egress named port resolves on each destination",
        netpol(
            "a-egress-named",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress:
            - ports: [{port: serve-80-tcp}]
            """,
        ),
        on(ALLOWED, TCP80) + on(ALLOWED.deny_from("x/a"), TCP81, UDP80, SCTP80),
    ),
    Case(
        "an egress port range",
        netpol(
            "a-egress-range",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress:
            - ports: [{protocol: SCTP, port: 80, endPort: 81}]
            """,
        ),
        on(ALLOWED, SCTP80, SCTP81) + on(ALLOWED.deny_from("x/a"), TCP80, UDP81),
    ),
]

# --- protocol: one protocol never opens another (CC-06) ------------------------------------

PROTOCOL = [
    Case(
        "an SCTP-only allow does not open TCP or UDP on the same port",
        join(
            DENY_ALL_INGRESS_X,
            ingress_to_a("{ports: [{protocol: SCTP, port: 80}]}", name="allow-sctp"),
        ),
        on(ALLOWED.deny_to("x/*").allow_to("x/a"), SCTP80)
        + on(ALLOWED.deny_to("x/*"), TCP80, UDP80, SCTP81),
    ),
    Case(
        "a UDP-only allow does not open TCP",
        ingress_to_a("{ports: [{protocol: UDP, port: 81}]}"),
        on(ALLOWED, UDP81) + on(ONLY_TO_A_DENIED, TCP81, TCP80, UDP80, SCTP81),
    ),
    Case(
        "protocol TCP without a port opens every TCP port, nothing else",
        ingress_to_a("{ports: [{protocol: TCP}]}"),
        on(ALLOWED, TCP80, TCP81) + on(ONLY_TO_A_DENIED, UDP80, SCTP80),
    ),
    Case(
        "protocol SCTP without a port opens every SCTP port, nothing else",
        ingress_to_a("{ports: [{protocol: SCTP}]}"),
        on(ALLOWED, SCTP80, SCTP81) + on(ONLY_TO_A_DENIED, TCP80, UDP80),
    ),
    Case(
        "a port without protocol defaults to TCP",
        ingress_to_a("{ports: [{port: 80}]}"),
        on(ALLOWED, TCP80) + on(ONLY_TO_A_DENIED, UDP80, SCTP80, TCP81),
    ),
    Case(
        "an egress UDP-only allow does not open TCP",
        netpol(
            "a-egress-udp",
            """
            podSelector: {matchLabels: {pod: a}}
            policyTypes: [Egress]
            egress:
            - ports: [{protocol: UDP, port: 80}]
            """,
        ),
        on(ALLOWED, UDP80) + on(ALLOWED.deny_from("x/a"), TCP80, UDP81, SCTP80),
    ),
]

# --- policy-stack: several policies on the same pods ----------------------------------------

PEER_B = "{from: [{podSelector: {matchLabels: {pod: b}}}]}"

POLICY_STACK = [
    Case(
        "an allow-all ingress policy beats a restrictive one (CC-33)",
        join(ingress_to_a(PEER_B, name="only-b"), ingress_to_a("{}", name="allow-all")),
        on(ALLOWED, *MAIN_PROBES),
    ),
    Case(
        "an allow-all egress policy beats a restrictive one",
        join(
            netpol(
                "a-to-b",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                - to: [{podSelector: {matchLabels: {pod: b}}}]
                """,
            ),
            netpol("a-to-all", "podSelector: {}\npolicyTypes: [Egress]\negress: [{}]\n"),
        ),
        on(ALLOWED, *MAIN_PROBES),
    ),
    Case(
        "stacked policies with overlapping selectors add their ports",
        join(
            ingress_to_a(
                "{from: [{namespaceSelector: {matchLabels: {ns: 'y'}}}], ports: [{port: 80}]}",
                name="y-80",
            ),
            netpol(
                "y-81",
                """
                podSelector: {matchExpressions: [{key: pod, operator: In, values: [a, b]}]}
                ingress:
                - from: [{namespaceSelector: {matchLabels: {ns: 'y'}}}]
                  ports: [{port: 81}]
                """,
            ),
        ),
        on(ALLOWED.deny_to("x/a").deny_to("x/b").allow("y/*", "x/a"), TCP80)
        + on(ALLOWED.deny_to("x/a").deny_to("x/b").allow("y/*", "x/a").allow("y/*", "x/b"), TCP81)
        + on(ALLOWED.deny_to("x/a").deny_to("x/b"), UDP80),
    ),
    Case(
        "stacked policies add their peers",
        join(
            ingress_to_a(PEER_B, name="only-b"),
            ingress_to_a("{from: [{podSelector: {matchLabels: {pod: c}}}]}", name="only-c"),
        ),
        on(ALLOWED.deny_to("x/a").allow("x/b", "x/a").allow("x/c", "x/a"), TCP80, UDP80),
    ),
    Case(
        "default-deny plus a specific allow",
        join(DENY_ALL_INGRESS_X, ingress_to_a(PEER_B, name="only-b")),
        on(ALLOWED.deny_to("x/*").allow("x/b", "x/a"), TCP80, SCTP80),
    ),
    Case(
        "stacked policies add their protocols",
        join(
            ingress_to_a("{ports: [{port: 80}]}", name="tcp-80"),
            ingress_to_a("{ports: [{protocol: UDP, port: 80}]}", name="udp-80"),
        ),
        on(ALLOWED, TCP80, UDP80) + on(ONLY_TO_A_DENIED, TCP81, UDP81, SCTP80),
    ),
    Case(
        "ports of one rule do not extend to the peers of another rule",
        netpol(
            "two-rules",
            """
            podSelector: {matchLabels: {pod: a}}
            ingress:
            - from: [{podSelector: {matchLabels: {pod: b}}}]
              ports: [{port: 80}]
            - from: [{podSelector: {matchLabels: {pod: c}}}]
              ports: [{port: 81}]
            """,
        ),
        on(ONLY_TO_A_DENIED.allow("x/b", "x/a"), TCP80)
        + on(ONLY_TO_A_DENIED.allow("x/c", "x/a"), TCP81)
        + on(ONLY_TO_A_DENIED, UDP80),
    ),
    Case(
        "policies of different namespaces act on their own pods",
        join(
            DENY_ALL_INGRESS_X,
            netpol("deny-egress", "podSelector: {}\npolicyTypes: [Egress]\n", namespace="y"),
            netpol("deny-c", "podSelector: {matchLabels: {pod: c}}\ningress: []\n", namespace="z"),
        ),
        on(ALLOWED.deny_to("x/*").deny_from("y/*").deny_to("z/c"), TCP80, UDP80),
    ),
    Case(
        "the pods no policy selects stay open both ways",
        join(
            ingress_to_a(PEER_B, name="only-b"),
            netpol("b-no-egress", "podSelector: {matchLabels: {pod: b}}\npolicyTypes: [Egress]\n"),
        ),
        on(ALLOWED.deny_to("x/a").deny_from("x/b"), TCP80, UDP80),
    ),
]


@pytest.mark.parametrize("case", TARGET, ids=ids(TARGET))
def test_target(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", DIRECTION, ids=ids(DIRECTION))
def test_direction(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", PEER_PODS, ids=ids(PEER_PODS))
def test_peer_pods(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", PEER_IPBLOCK, ids=ids(PEER_IPBLOCK))
def test_peer_ipblock(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", PORT, ids=ids(PORT))
def test_port(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", PROTOCOL, ids=ids(PROTOCOL))
def test_protocol(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", POLICY_STACK, ids=ids(POLICY_STACK))
def test_policy_stack(case: Case) -> None:
    run(case)


def test_no_policy_leaves_every_pair_open() -> None:
    result = evaluate_grid("")
    check_grids(result, on(ALLOWED, TCP80, TCP81, UDP80, UDP81, SCTP80, SCTP81))


def test_case_ids_are_unique() -> None:
    every = TARGET + DIRECTION + PEER_PODS + PEER_IPBLOCK + PORT + PROTOCOL + POLICY_STACK
    names = [case.id for case in every]
    assert len(names) == len(set(names))
