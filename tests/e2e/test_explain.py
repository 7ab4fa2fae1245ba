"""``netpoldiff explain`` end to end, one case per kind of peer and port rule.

The cluster is the upstream e2e netpol model (namespaces x, y, z, pods a, b, c serving ports 80
and 81 on TCP, UDP and SCTP, each port named ``serve-<port>-<protocol>``), written as manifests
beside a file of policies. Each case runs the command line on them and checks the verdict, and
per direction the deciding policies and rules with the file and line each is written at: a
rule's line is marked by a ``# <mark>`` comment in the policies, an isolating policy's is the
first line of its document.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from tests.conftest import REPO_ROOT, CliRunner, assert_one_line_error
from tests.semantics.grid import STANDARD_MODEL, join, netpol
from tests.testing.gitrepo import GitRepo

POLICIES: Final = "policies.yaml"
Expected = tuple[str, int | None, str | None, object]
"""A decision: policy name, rule index (None: isolate), the rule's mark, its connections."""


def tcp(*ranges: tuple[int, int]) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "ports": [list(r) for r in ranges]}]


@dataclass(frozen=True, slots=True)
class Case:
    """Policies, one pair (and port), the verdict and the decisions expected per direction."""

    id: str
    policies: str
    pair: tuple[str, ...]  # FROM TO [--port P]
    verdict: str
    allowed: object
    egress: tuple[Expected, ...] = ()
    ingress: tuple[Expected, ...] = ()


# ---- the policies, one per kind of peer and port rule -----------------------------------------

FROM_POD_B = netpol(
    "from-pod-b",
    """
    podSelector: {matchLabels: {pod: a}}
    ingress:
      - from: [{podSelector: {matchLabels: {pod: b}}}]  # from-pod-b
    """,
)
FROM_NAMESPACE_Y = netpol(
    "from-ns-y",
    """
    podSelector: {matchLabels: {pod: a}}
    ingress:
      - from: [{namespaceSelector: {matchLabels: {ns: 'y'}}}]  # from-ns-y
    """,
)
FROM_POD_B_IN_Y = netpol(
    "from-y-b",
    """
    podSelector: {matchLabels: {pod: a}}
    ingress:
      - from:  # from-y-b
          - namespaceSelector: {matchLabels: {ns: 'y'}}
            podSelector: {matchLabels: {pod: b}}
    """,
)
TO_BLOCK_EXCEPT = netpol(
    "to-ten",
    """
    podSelector: {matchLabels: {pod: a}}
    policyTypes: [Egress]
    egress:
      - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]  # to-ten
    """,
)
FROM_BLOCK = netpol(
    "from-lan",
    """
    podSelector: {matchLabels: {pod: a}}
    ingress:
      - from: [{ipBlock: {cidr: 192.168.0.0/16}}]  # from-lan
    """,
)
EMPTY_PEERS = netpol(
    "any-peer",
    """
    podSelector: {}
    policyTypes: [Ingress, Egress]
    ingress:
      - from: []  # any-in
    egress:
      - to: []  # any-out
    """,
)
DENY_ALL = netpol("deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]\n")
PORT_80 = netpol(
    "port-80",
    """
    podSelector: {matchLabels: {pod: a}}
    ingress:
      - ports: [{port: 80}]  # port-80
    """,
)
NAMED_PORT = netpol(
    "named",
    """
    podSelector: {matchLabels: {pod: a}}
    ingress:
      - ports: [{port: serve-81-tcp}]  # named
    """,
)
PORT_RANGE = netpol(
    "range",
    """
    podSelector: {matchLabels: {pod: a}}
    ingress:
      - ports: [{port: 80, endPort: 81}]  # range
    """,
)
UDP_80 = netpol(
    "udp-80",
    """
    podSelector: {matchLabels: {pod: a}}
    ingress:
      - ports: [{protocol: UDP, port: 80}]  # udp-80
    """,
)
SCTP_ALL = netpol(
    "sctp",
    """
    podSelector: {matchLabels: {pod: a}}
    ingress:
      - ports: [{protocol: SCTP}]  # sctp
    """,
)
EGRESS_ONLY = netpol(
    "egress-only",
    """
    podSelector: {matchLabels: {pod: a}}
    policyTypes: [Egress]
    ingress:
      - from: [{podSelector: {matchLabels: {pod: nobody}}}]
    egress:
      - to: [{podSelector: {matchLabels: {pod: b}}}]  # egress-only
    """,
)

CASES = [
    Case(
        "podSelector: the matching pod is allowed by the rule",
        FROM_POD_B,
        ("x/b", "x/a"),
        "allowed on every port",
        "all",
        ingress=(("from-pod-b", 0, "from-pod-b", "all"),),
    ),
    Case(
        "podSelector: another pod is denied, the policy only isolates",
        FROM_POD_B,
        ("x/c", "x/a"),
        "denied by ingress",
        [],
        ingress=(("from-pod-b", None, None, []),),
    ),
    Case(
        "podSelector: a pod of that name in another namespace is denied",
        FROM_POD_B,
        ("y/b", "x/a"),
        "denied by ingress",
        [],
        ingress=(("from-pod-b", None, None, []),),
    ),
    Case(
        "namespaceSelector: every pod of the namespace is allowed",
        FROM_NAMESPACE_Y,
        ("y/c", "x/a"),
        "allowed on every port",
        "all",
        ingress=(("from-ns-y", 0, "from-ns-y", "all"),),
    ),
    Case(
        "namespaceSelector: a pod of another namespace is denied",
        FROM_NAMESPACE_Y,
        ("z/c", "x/a"),
        "denied by ingress",
        [],
        ingress=(("from-ns-y", None, None, []),),
    ),
    Case(
        "namespaceSelector and podSelector: that pod of that namespace is allowed",
        FROM_POD_B_IN_Y,
        ("y/b", "x/a"),
        "allowed on every port",
        "all",
        ingress=(("from-y-b", 0, "from-y-b", "all"),),
    ),
    Case(
        "namespaceSelector and podSelector: another pod of that namespace is denied",
        FROM_POD_B_IN_Y,
        ("y/c", "x/a"),
        "denied by ingress",
        [],
        ingress=(("from-y-b", None, None, []),),
    ),
    Case(
        "ipBlock: an address in the block is allowed by the egress rule",
        TO_BLOCK_EXCEPT,
        ("x/a", "10.2.3.4"),
        "allowed on every port",
        "all",
        egress=(("to-ten", 0, "to-ten", "all"),),
    ),
    Case(
        "ipBlock: an address in the except is denied",
        TO_BLOCK_EXCEPT,
        ("x/a", "10.1.2.3"),
        "denied by egress",
        [],
        egress=(("to-ten", None, None, []),),
    ),
    Case(
        "ipBlock: never matches a pod",
        TO_BLOCK_EXCEPT,
        ("x/a", "x/b"),
        "denied by egress",
        [],
        egress=(("to-ten", None, None, []),),
    ),
    Case(
        "ipBlock: an address as FROM is allowed into the pod",
        FROM_BLOCK,
        ("192.168.7.7", "x/a"),
        "allowed on every port",
        "all",
        ingress=(("from-lan", 0, "from-lan", "all"),),
    ),
    Case(
        "empty from and to: every peer, both directions",
        EMPTY_PEERS,
        ("x/b", "x/a"),
        "allowed on every port",
        "all",
        egress=(("any-peer", 0, "any-out", "all"),),
        ingress=(("any-peer", 0, "any-in", "all"),),
    ),
    Case(
        "no rules: deny all, each direction isolated by the policy",
        DENY_ALL,
        ("x/b", "x/a"),
        "denied by egress and ingress",
        [],
        egress=(("deny-all", None, None, []),),
        ingress=(("deny-all", None, None, []),),
    ),
    Case(
        "port number: that port is allowed",
        PORT_80,
        ("x/b", "x/a", "--port", "TCP/80"),
        "allowed on TCP/80",
        tcp((80, 80)),
        ingress=(("port-80", 0, "port-80", tcp((80, 80))),),
    ),
    Case(
        "port number: another port is denied, the rule still listed",
        PORT_80,
        ("x/b", "x/a", "--port", "TCP/81"),
        "denied on TCP/81 by ingress (allowed on TCP/80)",
        [],
        ingress=(("port-80", 0, "port-80", tcp((80, 80))),),
    ),
    Case(
        "named port: resolved on the destination's containers",
        NAMED_PORT,
        ("x/b", "x/a"),
        "allowed on TCP/81",
        tcp((81, 81)),
        ingress=(("named", 0, "named", tcp((81, 81))),),
    ),
    Case(
        "endPort: the whole range",
        PORT_RANGE,
        ("x/b", "x/a"),
        "allowed on TCP/80-81",
        tcp((80, 81)),
        ingress=(("range", 0, "range", tcp((80, 81))),),
    ),
    Case(
        "protocol UDP: allowed on UDP",
        UDP_80,
        ("x/b", "x/a", "--port", "UDP/80"),
        "allowed on UDP/80",
        [{"protocol": "UDP", "ports": [[80, 80]]}],
        ingress=(("udp-80", 0, "udp-80", [{"protocol": "UDP", "ports": [[80, 80]]}]),),
    ),
    Case(
        "protocol UDP: the same port on TCP is denied",
        UDP_80,
        ("x/b", "x/a", "--port", "TCP/80"),
        "denied on TCP/80 by ingress (allowed on UDP/80)",
        [],
        ingress=(("udp-80", 0, "udp-80", [{"protocol": "UDP", "ports": [[80, 80]]}]),),
    ),
    Case(
        "protocol SCTP without a port: every SCTP port",
        SCTP_ALL,
        ("x/b", "x/a"),
        "allowed on SCTP/all",
        [{"protocol": "SCTP", "ports": "all"}],
        ingress=(("sctp", 0, "sctp", [{"protocol": "SCTP", "ports": "all"}]),),
    ),
    Case(
        "policyTypes Egress only: the egress rule decides",
        EGRESS_ONLY,
        ("x/a", "x/b"),
        "allowed on every port",
        "all",
        egress=(("egress-only", 0, "egress-only", "all"),),
    ),
    Case(
        "policyTypes Egress only: ingress rules do not isolate",
        EGRESS_ONLY,
        ("x/c", "x/a"),
        "allowed on every port",
        "all",
    ),
]


def _line_of(text: str, fragment: str) -> int:
    (line,) = [n for n, row in enumerate(text.splitlines(), 1) if fragment in row]
    return line


def _expected_decisions(policies: str, expected: tuple[Expected, ...]) -> list[dict[str, Any]]:
    decisions = []
    for name, rule, mark, connections in expected:
        # A rule is written on its marked line; an isolating policy at its document's first,
        # three lines above its name (apiVersion, kind, metadata, name).
        line = _line_of(policies, f"# {mark}") if mark else _line_of(policies, f"name: {name}") - 3
        decisions.append(
            {
                "kind": "NetworkPolicy",
                "namespace": "x",
                "name": name,
                "tier": "networkpolicy",
                "rule": rule,
                "action": "isolate" if rule is None else "allow",
                "connections": connections,
                "file": POLICIES,
                "line": line,
            }
        )
    return decisions


@pytest.fixture
def model(tmp_path: Path) -> Path:
    (tmp_path / "model.yaml").write_text(STANDARD_MODEL.to_yaml(), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_explain_names_the_verdict_and_the_rules_deciding_each_direction(
    run_cli: CliRunner, model: Path, case: Case
) -> None:
    (model / POLICIES).write_text(case.policies, encoding="utf-8")
    args = ("-C", str(model), "explain", ".", *case.pair, "--no-cache")
    document = json.loads(run_cli(*args, "--format", "json").out)
    assert document["allowed"] == case.allowed
    for direction, expected in (("egress", case.egress), ("ingress", case.ingress)):
        assert document[direction] == {
            "isolated": bool(expected),
            "decided_by": _expected_decisions(case.policies, expected),
        }, direction
    text = run_cli(*args)
    assert text.status == 0
    assert text.out.splitlines()[1] == case.verdict


def test_several_policies_list_every_rule_that_matches_and_every_one_that_only_isolates(
    run_cli: CliRunner, model: Path
) -> None:
    policies = join(DENY_ALL, FROM_POD_B, PORT_80, NAMED_PORT)
    (model / POLICIES).write_text(policies, encoding="utf-8")
    result = run_cli("-C", str(model), "explain", ".", "x/b", "x/a", "--no-cache")
    lines = result.out.splitlines()
    assert lines[:2] == ["x/b[Pod] -> x/a[Pod] in .", "denied by egress"]
    assert lines[3] == "Egress of x/b[Pod]: isolated by 1 policy; allows nothing"
    # Denied by egress (deny-all has no egress rule), even though ingress allows it all.
    ingress = lines[lines.index("Ingress of x/a[Pod]: isolated by 4 policies; allows every port") :]
    assert [row.split()[0] for row in ingress[1 : ingress.index("")]] == [
        "x/deny-all",
        "x/from-pod-b",
        "x/named",
        "x/port-80",
    ]


def test_the_json_document_has_the_contract_shape(run_cli: CliRunner) -> None:
    result = run_cli(
        "explain",
        "fixtures/demo/new",
        "frontend/web",
        "shop/cart",
        "--port",
        "TCP/9090",
        "--format",
        "json",
    )
    document = json.loads(result.out)
    assert document["schema_version"] == 1
    assert document["source"] == "fixtures/demo/new"
    assert document["port"] == {"protocol": "TCP", "port": 9090}
    for end in ("from", "to"):
        assert set(document[end]) == {"type", "namespace", "kind", "name"}
    for direction in ("egress", "ingress"):
        assert set(document[direction]) == {"isolated", "decided_by"}
        for decision in document[direction]["decided_by"]:
            assert set(decision) == {
                "kind",
                "namespace",
                "name",
                "tier",
                "rule",
                "action",
                "connections",
                "file",
                "line",
            }
            assert isinstance(decision["line"], int)
            assert decision["file"] == "fixtures/demo/new/shop.yaml"
            assert (decision["rule"] is None) == (decision["action"] == "isolate")


def test_explain_at_a_git_revision_names_files_in_the_repository(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("new")
    repo.commit("policies")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "netpoldiff",
            "explain",
            "HEAD",
            "frontend/web",
            "shop/cart",
            "--port",
            "TCP/9090",
        ],
        cwd=repo.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    lines = completed.stdout.splitlines()
    assert lines[:2] == [
        "frontend/web[Deployment] -> shop/cart[Deployment] in HEAD",
        "allowed on TCP/9090",
    ]
    assert any(line.endswith("k8s/shop.yaml:106") for line in lines)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("fixtures/demo/new", "shop/cart"), ("Missing argument 'TO'",)),
        (("fixtures/demo/new", "shop/nope", "shop/cart"), ("FROM shop/nope: no such workload",)),
        (("fixtures/demo/new", "shop/cart", "0.0.0.0/0"), ("give one IP address",)),
        (
            ("fixtures/demo/new", "shop/cart", "shop/cache", "--port", "TCP/99999"),
            ("between 1 and 65535",),
        ),
        (("no-such-revision", "shop/cart", "shop/cache"), ("no-such-revision",)),
    ],
    ids=["missing-to", "unknown-workload", "address-block", "port-out-of-range", "bad-source"],
)
def test_a_usage_error_is_one_line_and_exit_status_2_in_a_subprocess(
    args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "netpoldiff", "explain", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    @dataclass(frozen=True)
    class Outcome:
        status: int
        out: str
        err: str

    assert_one_line_error(
        Outcome(completed.returncode, completed.stdout, completed.stderr), *fragments
    )


# ---- admin policies: every tier that decides, in order ------------------------------------------

GUARD_V1 = """\
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: guard}
spec:
  priority: 5
  subject:
    pods:
      namespaceSelector: {matchLabels: {ns: x}}
      podSelector: {matchLabels: {pod: a}}
  ingress:
    - name: no-80  # no-80
      action: Deny
      from: [{namespaces: {}}]
      ports: [{portNumber: {protocol: TCP, port: 80}}]
    - name: to-policies  # to-policies
      action: Pass
      from: [{namespaces: {matchLabels: {ns: x}}}]
"""
GUARD_V2 = """\
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: guard}
spec:
  tier: Admin
  priority: 5
  subject:
    pods:
      namespaceSelector: {matchLabels: {ns: x}}
      podSelector: {matchLabels: {pod: a}}
  ingress:
    - name: no-80  # no-80
      action: Deny
      from: [{namespaces: {}}]
      protocols: [{tcp: {destinationPort: {number: 80}}}]
    - name: to-policies  # to-policies
      action: Pass
      from: [{namespaces: {matchLabels: {ns: x}}}]
"""
ALL_BUT_TCP_80: Final = [
    {"protocol": "TCP", "ports": [[1, 79], [81, 65535]]},
    {"protocol": "UDP", "ports": "all"},
    {"protocol": "SCTP", "ports": "all"},
]


@pytest.mark.parametrize(
    ("admin", "kind"),
    [(GUARD_V1, "AdminNetworkPolicy"), (GUARD_V2, "ClusterNetworkPolicy")],
    ids=["v1alpha1", "v1alpha2"],
)
def test_explain_lists_the_admin_rules_then_the_networkpolicies_given_what_was_passed(
    run_cli: CliRunner, model: Path, admin: str, kind: str
) -> None:
    (model / "admin.yaml").write_text(admin, encoding="utf-8")
    (model / POLICIES).write_text(FROM_POD_B, encoding="utf-8")
    args = ("-C", str(model), "explain", ".", "x/b", "x/a", "--no-cache")
    document = json.loads(run_cli(*args, "--format", "json").out)
    assert document["allowed"] == ALL_BUT_TCP_80

    def admin_decision(rule: int, action: str, connections: object) -> dict[str, Any]:
        mark = ("no-80", "to-policies")[rule]
        return {
            "kind": kind,
            "namespace": None,
            "name": "guard",
            "tier": "admin",
            "rule": rule,
            "action": action,
            "connections": connections,
            "file": "admin.yaml",
            "line": _line_of(admin, f"# {mark}"),
        }

    (from_pod_b,) = _expected_decisions(FROM_POD_B, (("from-pod-b", 0, "from-pod-b", "all"),))
    assert document["ingress"] == {
        "isolated": True,
        "decided_by": [
            admin_decision(0, "deny", tcp((80, 80))),
            admin_decision(1, "pass", ALL_BUT_TCP_80),
            # The NetworkPolicy decides only what the admin tier passed on.
            {**from_pod_b, "connections": ALL_BUT_TCP_80},
        ],
    }
    assert document["egress"] == {"isolated": False, "decided_by": []}
    lines = run_cli(*args).out.splitlines()
    assert lines[1] == "allowed on all but TCP/80"
    assert lines[5] == (
        "Ingress of x/a[Pod]: decided by 2 policies (admin tier, NetworkPolicy); "
        "allows all but TCP/80"
    )
    assert [line.split("  ")[1].strip() for line in lines[6:9]] == [
        f"admin tier: {kind} guard ingress[0] 'no-80'",
        f"admin tier: {kind} guard ingress[1] 'to-policies'",
        "NetworkPolicy x/from-pod-b ingress[0]",
    ]


def test_what_no_admin_rule_matches_reaches_the_networkpolicies_too(
    run_cli: CliRunner, model: Path
) -> None:
    (model / "admin.yaml").write_text(GUARD_V1, encoding="utf-8")
    (model / POLICIES).write_text(FROM_POD_B, encoding="utf-8")
    args = ("-C", str(model), "explain", ".", "y/b", "x/a", "--no-cache", "--format", "json")
    ingress = json.loads(run_cli(*args).out)["ingress"]["decided_by"]
    # y is not passed, but only TCP/80 is denied: the rest is the NetworkPolicy's to decide.
    assert [(d["kind"], d["action"], d["connections"]) for d in ingress] == [
        ("AdminNetworkPolicy", "deny", tcp((80, 80))),
        ("NetworkPolicy", "isolate", []),
    ]
