"""Properties of a diff between two random small clusters, and of its JSON document.

The second cluster is either drawn independently or made from the first by a few edits
(relabel, re-port, add, remove or re-kind a workload; relabel a namespace; add, remove,
replace, rename or reorder a policy), so that the two share most endpoints. The diff is built
as ``diff_command`` builds it: one external partition and one endpoint universe for both.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.diff import MatrixDiff, diff_matrices
from netpoldiff.evaluate import (
    evaluate,
    evaluate_pair,
    evaluate_states,
    external_partition,
    universe,
)
from netpoldiff.intervals import IntervalSet
from netpoldiff.matrix import Matrix
from netpoldiff.model import (
    NAMESPACE_NAME_LABEL,
    WORKLOAD_KINDS,
    Endpoint,
    ExternalEndpoint,
    Namespace,
    ObjectRef,
    Workload,
    WorkloadEndpoint,
    label_pairs,
)
from netpoldiff.policies import NetworkPolicy
from netpoldiff.ports import ALL_CONNECTIONS, ALL_PORTS, NO_CONNECTIONS, ConnectionSet, Protocol
from netpoldiff.report import json_report, markdown
from netpoldiff.report import text as text_format
from netpoldiff.report.lines import change_lines
from netpoldiff.report.reports import DiffHeader, DiffReport, Style
from tests.semantics.oracle import oracle_matrix
from tests.semantics.test_oracle_equivalence import (
    clusters,
    container_ports,
    namespace_labels,
    pod_labels,
    policies_named,
    port_key,
)

EXAMPLES = settings(max_examples=100, deadline=None)
PROTOCOL_ORDER: Final = ("TCP", "UDP", "SCTP")
CHANGE_KINDS: Final = frozenset({"added", "removed", "modified", "renamed"})

Key = tuple[str, ...]
"""An endpoint as a hashable key, the same whether read from the model or from JSON."""
PairKey = tuple[Key, Key]

# --- strategies ------------------------------------------------------------------------------

EDITS: Final = (
    "relabel-workload",
    "re-port-workload",
    "remove-workload",
    "add-workload",
    "re-kind-workload",
    "move-workload",
    "relabel-namespace",
    "remove-policy",
    "add-policy",
    "replace-policy",
    "rename-policy",
    "reorder-rules",
)


POLICY_EDITS: Final = tuple(edit for edit in EDITS if edit.endswith(("-policy", "-rules")))


@st.composite
def edited(draw: st.DrawFn, old: Cluster, edits: Sequence[str] = EDITS) -> Cluster:
    """``old`` after one to four random edits (of the kinds ``edits`` names) of its objects."""
    namespaces = list(old.namespaces)
    workloads = list(old.workloads)
    policies = list(old.policies)
    names = [namespace.name for namespace in namespaces]

    def index(items: Sequence[object]) -> int:
        return draw(st.integers(min_value=0, max_value=len(items) - 1))

    for step in range(draw(st.integers(min_value=1, max_value=4))):
        edit = draw(st.sampled_from(edits))
        if edit == "relabel-workload" and workloads:
            i = index(workloads)
            workloads[i] = dataclasses.replace(workloads[i], labels=label_pairs(draw(pod_labels)))
        elif edit == "re-port-workload" and workloads:
            i = index(workloads)
            ports = draw(st.lists(container_ports, max_size=4))
            workloads[i] = dataclasses.replace(
                workloads[i], ports=tuple(sorted(set(ports), key=port_key))
            )
        elif edit == "remove-workload" and workloads:
            del workloads[index(workloads)]
        elif edit == "add-workload":
            ports = draw(st.lists(container_ports, max_size=4))
            workloads.append(
                Workload(
                    namespace=draw(st.sampled_from(names)),
                    kind=draw(st.sampled_from(WORKLOAD_KINDS)),
                    name=f"added{step}",
                    labels=label_pairs(draw(pod_labels)),
                    ports=tuple(sorted(set(ports), key=port_key)),
                )
            )
        elif edit == "move-workload" and workloads:
            i = index(workloads)
            space = draw(st.sampled_from(names))
            workloads[i] = dataclasses.replace(
                workloads[i], namespace=space, name=f"{workloads[i].name}-m{step}"
            )
        elif edit == "re-kind-workload" and workloads:
            i = index(workloads)
            kind = draw(st.sampled_from([k for k in WORKLOAD_KINDS if k != workloads[i].kind]))
            workloads[i] = dataclasses.replace(workloads[i], kind=kind)
        elif edit == "relabel-namespace":
            i = index(namespaces)
            name = namespaces[i].name
            labels = {**draw(namespace_labels), NAMESPACE_NAME_LABEL: name}
            namespaces[i] = Namespace(name, label_pairs(labels))
        elif edit == "remove-policy" and policies:
            del policies[index(policies)]
        elif edit == "add-policy":
            policies.append(draw(policies_named(f"added{step}", names)))
        elif edit == "replace-policy" and policies:
            i = index(policies)
            target = policies[i]
            policies[i] = draw(policies_named(target.ref.name, [target.namespace]))
        elif edit == "rename-policy" and policies:
            i = index(policies)
            target = policies[i]
            policies[i] = dataclasses.replace(
                target,
                ref=ObjectRef.network_policy(target.namespace, f"{target.ref.name}-r{step}"),
            )
        elif edit == "reorder-rules" and policies:
            i = index(policies)
            policies[i] = dataclasses.replace(
                policies[i],
                ingress=policies[i].ingress[::-1],
                egress=policies[i].egress[::-1],
            )
    return Cluster(tuple(namespaces), tuple(workloads), tuple(policies))


@st.composite
def cluster_pairs(draw: st.DrawFn) -> tuple[Cluster, Cluster]:
    """(old, new): new is an edited copy of old, or (less often) unrelated to it."""
    old = draw(clusters())
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        return old, draw(clusters())
    if draw(st.booleans()):
        # The common pull request: policies change, workloads and namespaces do not.
        return old, draw(edited(old, POLICY_EDITS))
    return old, draw(edited(old))


# --- the diff as diff_command builds it --------------------------------------------------------


@dataclass(frozen=True)
class Diffed:
    old: Cluster
    new: Cluster
    diff: MatrixDiff
    changes: ChangeSet

    @classmethod
    def of(cls, old: Cluster, new: Cluster) -> Diffed:
        return cls(old, new, diff_matrices(*evaluate_pair(old, new)), ChangeSet.between(old, new))

    def report(self) -> DiffReport:
        return DiffReport("OLD", "NEW", DiffHeader("OLD", "NEW"), self.diff, self.changes)

    def document(self) -> dict[str, Any]:
        document = json.loads("".join(json_report.render_diff(self.report(), Style())))
        assert isinstance(document, dict)
        return document

    def changed_pairs(self) -> tuple[dict[PairKey, ConnectionSet], dict[PairKey, ConnectionSet]]:
        """(opened, closed) per pair, as MatrixDiff.changes() lists them."""
        opened: dict[PairKey, ConnectionSet] = {}
        closed: dict[PairKey, ConnectionSet] = {}
        endpoints = self.diff.endpoints
        for change in self.diff.changes():
            pair = (key(endpoints[change.src]), key(endpoints[change.dst]))
            assert change.opened or change.closed, f"{pair}: a change with nothing in it"
            assert pair not in opened
            assert pair not in closed
            if change.opened:
                opened[pair] = change.opened
            if change.closed:
                closed[pair] = change.closed
        return opened, closed


def key(endpoint: Endpoint) -> Key:
    if isinstance(endpoint, WorkloadEndpoint):
        return ("workload", endpoint.namespace, endpoint.kind, endpoint.name)
    return ("external", *endpoint.addresses.to_cidrs())


def json_key(endpoint: Mapping[str, Any]) -> Key:
    if endpoint["type"] == "workload":
        return ("workload", endpoint["namespace"], endpoint["kind"], endpoint["name"])
    return ("external", *endpoint["cidrs"])


def decode_connections(value: str | Sequence[Mapping[str, Any]]) -> ConnectionSet:
    """A CONNECTIONS value of the contract as a ConnectionSet."""
    if value == "all":
        return ALL_CONNECTIONS
    result = NO_CONNECTIONS
    for entry in value:
        assert isinstance(entry, Mapping)
        ports = entry["ports"]
        interval = (
            ALL_PORTS if ports == "all" else IntervalSet.from_ranges((lo, hi) for lo, hi in ports)
        )
        result = result | ConnectionSet.of(Protocol(entry["protocol"]), interval)
    return result


def json_flows(entries: Sequence[Mapping[str, Any]]) -> dict[PairKey, ConnectionSet]:
    flows: dict[PairKey, ConnectionSet] = {}
    for entry in entries:
        pair = (json_key(entry["src"]), json_key(entry["dst"]))
        assert pair not in flows, f"{pair} listed twice"
        flows[pair] = decode_connections(entry["connections"])
    return flows


def json_causes(entries: Sequence[Mapping[str, Any]]) -> dict[PairKey, set[tuple[str, str, str]]]:
    return {
        (json_key(entry["src"]), json_key(entry["dst"])): {
            (c["namespace"], c["name"], c["change"]) for c in entry["causes"]
        }
        for entry in entries
    }


# --- the contract's shapes -------------------------------------------------------------------


def check_cidrs(cidrs: object) -> None:
    """A non-empty sorted list of disjoint CIDRs, IPv4 before IPv6, each in canonical form."""
    assert isinstance(cidrs, list)
    assert cidrs
    networks = []
    for text in cidrs:
        assert isinstance(text, str)
        network = ipaddress.ip_network(text)  # strict: no host bits
        assert str(network) == text, f"{text} is not written canonically"
        networks.append(network)
    bounds = [(n.version, int(n.network_address), int(n.broadcast_address)) for n in networks]
    for (v1, _, end), (v2, start, _) in itertools.pairwise(bounds):
        assert (v1, end) < (v2, start), f"CIDRs not sorted and disjoint: {cidrs}"


def check_endpoint(value: object) -> None:
    assert isinstance(value, dict)
    if value.get("type") == "workload":
        assert set(value) == {"type", "namespace", "kind", "name"}
        assert value["kind"] in WORKLOAD_KINDS
        assert isinstance(value["namespace"], str)
        assert value["namespace"]
        assert isinstance(value["name"], str)
        assert value["name"]
    else:
        assert value.get("type") == "external", value
        assert set(value) == {"type", "cidrs"}
        check_cidrs(value["cidrs"])


def check_ports(ports: object) -> None:
    """``"all"`` or inclusive [lo, hi] ranges, sorted, non-overlapping and non-adjacent."""
    if ports == "all":
        return
    assert isinstance(ports, list)
    assert ports
    previous_end = -1
    for entry in ports:
        assert isinstance(entry, list)
        assert len(entry) == 2
        lo, hi = entry
        assert isinstance(lo, int)
        assert isinstance(hi, int)
        assert 1 <= lo <= hi <= 65535
        assert lo > previous_end + 1, f"ranges not merged and sorted: {ports}"
        previous_end = hi
    assert ports != [[1, 65535]], "every port of a protocol is written 'all'"


def check_connections(value: object) -> None:
    if value == "all":
        return
    assert isinstance(value, list)
    assert value, "an empty connection set is never listed"
    protocols = []
    for entry in value:
        assert isinstance(entry, dict)
        assert set(entry) == {"protocol", "ports"}
        protocols.append(entry["protocol"])
        check_ports(entry["ports"])
    assert all(p in PROTOCOL_ORDER for p in protocols)
    assert protocols == sorted(set(protocols), key=PROTOCOL_ORDER.index), protocols
    assert not (protocols == list(PROTOCOL_ORDER) and all(e["ports"] == "all" for e in value)), (
        "every port of every protocol is written 'all'"
    )


def check_causes(value: object) -> None:
    """At least one cause; all single, or one joint set of two or more."""
    assert isinstance(value, list)
    assert value, "a changed pair without a cause"
    seen = set()
    for cause in value:
        assert isinstance(cause, dict)
        assert (
            {"namespace", "name", "kind", "change"}
            <= set(cause)
            <= {"namespace", "name", "kind", "change", "fields", "joint"}
        )
        assert cause["change"] in CHANGE_KINDS
        assert isinstance(cause["kind"], str)
        assert isinstance(cause["name"], str)
        if cause["kind"] == "Namespace":
            assert cause["namespace"] is None
        else:
            assert isinstance(cause["namespace"], str)
        assert cause.get("joint", True) is True
        assert cause.get("fields", ["labels"])
        assert set(cause.get("fields", [])) <= {
            "labels",
            "ports",
        }
        identity = (cause["kind"], cause["namespace"], cause["name"])
        assert identity not in seen, f"{identity} listed twice"
        seen.add(identity)
    joint = [cause.get("joint", False) for cause in value]
    assert all(joint) or not any(joint)
    assert not all(joint) or len(value) >= 2


def check_flows(value: object) -> None:
    assert isinstance(value, list)
    pairs = set()
    for flow in value:
        assert isinstance(flow, dict)
        assert set(flow) == {"src", "dst", "connections", "causes"}
        check_endpoint(flow["src"])
        check_endpoint(flow["dst"])
        assert "workload" in (flow["src"]["type"], flow["dst"]["type"]), "external to external"
        check_connections(flow["connections"])
        check_causes(flow["causes"])
        pair = (json_key(flow["src"]), json_key(flow["dst"]))
        assert pair not in pairs, f"{pair} listed twice"
        pairs.add(pair)


def check_diff_document(document: object) -> None:
    """The ``diff --format json`` shapes of the contract (schema_version 1)."""
    assert isinstance(document, dict)
    required = {
        "schema_version",
        "old",
        "new",
        "added_endpoints",
        "removed_endpoints",
        "opened",
        "closed",
        "summary",
    }
    assert required <= set(document), required - set(document)
    assert set(document) - required <= {
        "incomplete",
        "errors",
        "error_details",
        "warnings",
        "suppressed",
        "unevaluated",
        "nothing_read",
        "findings",
        "objects",
    }
    for entry in document.get("objects", []):
        renamed = {"renamed_from"} if entry["change"] == "renamed" else set()
        assert set(entry) == {"kind", "namespace", "name", "change", "edits", *renamed}
        assert entry["change"] in {"added", "removed", "modified", "renamed"}
        assert all(isinstance(edit, str) for edit in entry["edits"])
    objects = [(o["kind"], o["namespace"] or "", o["name"]) for o in document.get("objects", [])]
    assert objects == sorted(set(objects))
    for entry in document.get("unevaluated", []):
        assert set(entry) <= {"kind", "namespace", "name", "change", "reason", "file", "line"}
        assert entry["reason"] in {"selects-nothing", "kind-not-evaluated", "not-read"}
    assert set(document.get("nothing_read", [])) <= {"old", "new"}
    assert type(document.get("suppressed", 0)) is int
    for finding in document.get("findings", []):
        assert set(finding) == {"kind", "message", "flows", "objects"}
    for detail in document.get("error_details", []):
        assert detail["side"] in {"old", "new"}
    assert document["schema_version"] == 1
    assert isinstance(document["old"], str)
    assert isinstance(document["new"], str)
    for side in ("added_endpoints", "removed_endpoints"):
        endpoints = document[side]
        assert isinstance(endpoints, list)
        for endpoint in endpoints:
            check_endpoint(endpoint)
            assert endpoint["type"] == "workload", "only workloads come and go"
        assert len({json_key(e) for e in endpoints}) == len(endpoints)
    added = {json_key(e) for e in document["added_endpoints"]}
    removed = {json_key(e) for e in document["removed_endpoints"]}
    assert not added & removed
    check_flows(document["opened"])
    check_flows(document["closed"])
    # An endpoint of one side only has no flows on the other.
    for flow in document["opened"]:
        assert not {json_key(flow["src"]), json_key(flow["dst"])} & removed
    for flow in document["closed"]:
        assert not {json_key(flow["src"]), json_key(flow["dst"])} & added
    # External blocks are atoms: two different ones never overlap.
    blocks = {
        tuple(e["cidrs"])
        for flow in document["opened"] + document["closed"]
        for e in (flow["src"], flow["dst"])
        if e["type"] == "external"
    }
    networks = [[ipaddress.ip_network(c) for c in block] for block in blocks]
    for i, first in enumerate(networks):
        for second in networks[i + 1 :]:
            assert not any(a.version == b.version and a.overlaps(b) for a in first for b in second)
    assert document["summary"] == {
        "opened": len(document["opened"]),
        "closed": len(document["closed"]),
    }
    assert document.get("incomplete", False) is False
    assert document.get("errors", []) == []
    assert isinstance(document.get("warnings", []), list)


# --- properties ------------------------------------------------------------------------------


@EXAMPLES
@given(clusters(), st.data())
def test_a_cluster_diffed_with_itself_or_a_reordered_copy_changes_nothing(
    cluster: Cluster, data: st.DataObject
) -> None:
    for copy in (cluster, reordered(cluster, data.draw)):
        diffed = Diffed.of(cluster, copy)
        assert diffed.diff.is_empty()
        assert list(diffed.diff.changes()) == []
        assert (diffed.diff.opened_count(), diffed.diff.closed_count()) == (0, 0)
        assert change_lines(diffed.diff, diffed.changes) == []
        document = diffed.document()
        check_diff_document(document)
        assert document["opened"] == document["closed"] == []
        assert document["added_endpoints"] == document["removed_endpoints"] == []
        assert document["summary"] == {"opened": 0, "closed": 0}
    assert Diffed.of(cluster, cluster).changes.changed_policies == ()


def reordered(cluster: Cluster, draw: Callable[[st.SearchStrategy[Any]], Any]) -> Cluster:
    """The same objects in another order, rules and peers of every policy too."""

    def policy(p: NetworkPolicy) -> NetworkPolicy:
        return dataclasses.replace(
            p,
            ingress=tuple(draw(st.permutations(p.ingress))),
            egress=tuple(draw(st.permutations(p.egress))),
        )

    return Cluster(
        tuple(draw(st.permutations(cluster.namespaces))),
        tuple(draw(st.permutations(cluster.workloads))),
        tuple(policy(p) for p in draw(st.permutations(cluster.policies))),
    )


@EXAMPLES
@given(cluster_pairs())
def test_swapping_old_and_new_swaps_opened_and_closed_pair_by_pair(
    pair: tuple[Cluster, Cluster],
) -> None:
    old, new = pair
    forward, backward = Diffed.of(old, new).document(), Diffed.of(new, old).document()
    assert json_flows(forward["opened"]) == json_flows(backward["closed"])
    assert json_flows(forward["closed"]) == json_flows(backward["opened"])
    assert forward["added_endpoints"] == backward["removed_endpoints"]
    assert forward["removed_endpoints"] == backward["added_endpoints"]


def naive_diff(
    diffed: Diffed,
) -> tuple[dict[PairKey, ConnectionSet], dict[PairKey, ConnectionSet]]:
    """(opened, closed) from the naive oracle run on each side over the shared atoms."""
    atoms = [e for e in diffed.diff.endpoints if isinstance(e, ExternalEndpoint)]

    def naive(cluster: Cluster) -> dict[PairKey, ConnectionSet]:
        listed: list[Endpoint] = [w.endpoint for w in cluster.workloads]
        answers = oracle_matrix(cluster, [*listed, *atoms])
        return {(key(src), key(dst)): allowed for (src, dst), allowed in answers.items()}

    before, after = naive(diffed.old), naive(diffed.new)
    opened = {
        pair: after[pair] - before.get(pair, NO_CONNECTIONS)
        for pair in after
        if after[pair] - before.get(pair, NO_CONNECTIONS)
    }
    closed = {
        pair: before[pair] - after.get(pair, NO_CONNECTIONS)
        for pair in before
        if before[pair] - after.get(pair, NO_CONNECTIONS)
    }
    return opened, closed


@EXAMPLES
@given(cluster_pairs())
def test_opened_and_closed_are_the_per_pair_differences_of_the_two_matrices_and_oracle(
    pair: tuple[Cluster, Cluster],
) -> None:
    old, new = pair
    diffed = Diffed.of(old, new)
    endpoints = diffed.diff.endpoints
    old_matrix, new_matrix = diffed.diff.old, diffed.diff.new
    expected_opened: dict[PairKey, ConnectionSet] = {}
    expected_closed: dict[PairKey, ConnectionSet] = {}
    for i, src in enumerate(endpoints):
        for j, dst in enumerate(endpoints):
            before, after = old_matrix.get_by_index(i, j), new_matrix.get_by_index(i, j)
            if after - before:
                expected_opened[key(src), key(dst)] = after - before
            if before - after:
                expected_closed[key(src), key(dst)] = before - after
    assert diffed.changed_pairs() == (expected_opened, expected_closed)
    # The same from the naive oracle, which shares no code with the evaluator.
    assert naive_diff(diffed) == (expected_opened, expected_closed)
    document = diffed.document()
    assert json_flows(document["opened"]) == expected_opened
    assert json_flows(document["closed"]) == expected_closed
    old_workloads = {key(w.endpoint) for w in old.workloads}
    new_workloads = {key(w.endpoint) for w in new.workloads}
    assert [json_key(e) for e in document["added_endpoints"]] == sorted(
        new_workloads - old_workloads, key=lambda k: (k[1], k[3], k[2])
    )
    assert [json_key(e) for e in document["removed_endpoints"]] == sorted(
        old_workloads - new_workloads, key=lambda k: (k[1], k[3], k[2])
    )


@settings(max_examples=300, deadline=None)
@given(cluster_pairs())
def test_evaluating_a_pair_together_equals_evaluating_each_side_alone(
    pair: tuple[Cluster, Cluster],
) -> None:
    # evaluate_pair reuses the first side's compiled policies, egress groups and columns for
    # the second: that fast path must never change an answer.
    old, new = pair
    externals = external_partition([old, new])
    endpoints = universe([old, new], externals)
    together = evaluate_pair(old, new)
    apart = (
        evaluate(old, externals=externals, endpoints=endpoints),
        evaluate(new, externals=externals, endpoints=endpoints),
    )
    assert together == apart
    for first, second in zip(together, apart, strict=True):
        size = len(first.endpoints)
        assert [first.ingress_refs(i) for i in range(size)] == [
            second.ingress_refs(i) for i in range(size)
        ]
        assert [first.egress_refs(i) for i in range(size)] == [
            second.egress_refs(i) for i in range(size)
        ]


@EXAMPLES
@given(clusters(), st.data())
def test_an_unchanged_cluster_evaluated_as_a_pair_shares_its_columns(
    cluster: Cluster, data: st.DataObject
) -> None:
    # The diff skips a destination whose two columns are one object, without comparing them.
    listed_otherwise = Cluster(
        tuple(data.draw(st.permutations(cluster.namespaces))),
        tuple(data.draw(st.permutations(cluster.workloads))),
        tuple(data.draw(st.permutations(cluster.policies))),
    )
    old, new = evaluate_pair(cluster, listed_otherwise)
    for endpoint, before, after in zip(old.endpoints, old.columns, new.columns, strict=True):
        if isinstance(endpoint, WorkloadEndpoint) and endpoint.kind == "Pod":
            assert before == after  # a bare pod's own column leaves out the pod itself
        else:
            assert before is after, endpoint


@EXAMPLES
@given(cluster_pairs())
def test_sharing_a_universe_keeps_what_each_side_allows(pair: tuple[Cluster, Cluster]) -> None:
    old, new = pair
    diffed = Diffed.of(old, new)
    for cluster, shared in ((old, diffed.diff.old), (new, diffed.diff.new)):
        alone = evaluate(cluster)
        # Each shared atom lies inside exactly one atom of the side evaluated alone...
        home: dict[Endpoint, Endpoint] = {}
        for endpoint in shared.externals():
            inside = [
                atom for atom in alone.externals() if endpoint.addresses.issubset(atom.addresses)
            ]
            assert len(inside) == 1, f"{endpoint} is not inside one atom of the side alone"
            home[endpoint] = inside[0]
        # ... and is allowed exactly what that atom is; workloads are untouched.
        for present in shared.present_endpoints():
            home.setdefault(present, present)
        assert shared.workloads() == alone.workloads()
        assert_same_flows(shared, alone, home)


def assert_same_flows(shared: Matrix, alone: Matrix, home: Mapping[Endpoint, Endpoint]) -> None:
    alone_index = alone.index()
    shared_index = shared.index()
    for src in shared.present_endpoints():
        for dst in shared.present_endpoints():
            got = shared.get_by_index(shared_index[src], shared_index[dst])
            want = alone.get_by_index(alone_index[home[src]], alone_index[home[dst]])
            if isinstance(src, ExternalEndpoint) and isinstance(dst, ExternalEndpoint):
                want = NO_CONNECTIONS
            assert got == want, f"{src} -> {dst}: {got} over the shared universe, {want} alone"


@EXAMPLES
@given(cluster_pairs())
def test_counts_agree_across_the_json_text_and_markdown_reports(
    pair: tuple[Cluster, Cluster],
) -> None:
    old, new = pair
    diffed = Diffed.of(old, new)
    document = diffed.document()
    check_diff_document(document)
    opened, closed = len(document["opened"]), len(document["closed"])
    assert document["summary"] == {"opened": opened, "closed": closed}
    assert (diffed.diff.opened_count(), diffed.diff.closed_count()) == (opened, closed)
    # Report lines group the changed pairs: each changed pair is in exactly one line.
    report = diffed.report()
    lines = change_lines(report.view, diffed.changes, report.view_causes)
    changed = {
        (json.dumps(flow["src"]), json.dumps(flow["dst"]))
        for flow in document["opened"] + document["closed"]
    }
    # ... of the view, where a moved workload's flows that moved with it are no change.
    view_pairs = sum(1 for _ in report.view.changes())
    assert sum(line.pairs for line in lines) == (view_pairs if report.moves else len(changed))
    for line in lines:
        assert line.sign == ("~" if line.opened and line.closed else "+" if line.opened else "-")
    assert report.lines == tuple(lines)
    terminal = "".join(text_format.render_diff(report, Style()))
    comment = "".join(markdown.render_diff(report, Style()))
    # Flows as the view counts them: JSON's pairs, but for flows that moved with a workload.
    opened, closed = report.view.opened_count(), report.view.closed_count()
    # A moved workload with no flow on either side moves nothing: no reachability changes.
    if report.moves and not (opened or closed) and not report.diff.is_empty():
        moved = len(report.moves)
        assert terminal.endswith(
            f"\nReachability: no flow changed but by {moved} workload"
            f"{'' if moved == 1 else 's'} moved with {'its' if moved == 1 else 'their'} flows.\n"
        )
    elif opened or closed:
        # Rows as the reader counts them; flows (JSON's pairs) beside them when they differ.
        opened_rows = sum(1 for line in lines if line.opened)
        closed_rows = sum(1 for line in lines if line.closed)
        noun = "row" if opened_rows == 1 else "rows"
        counts = f"{opened_rows} {noun} opened"
        counts += "" if opened == opened_rows else f" ({opened} flows)"
        counts += f", {closed_rows} closed"
        counts += "" if closed == closed_rows else f" ({closed} flows)"
        assert terminal.endswith(f"\nReachability: {counts}.\n")
        assert f"\n### netpoldiff: {counts}\n" in comment
    else:
        assert terminal.endswith("\nNo reachability changes.\n")
        assert "\n### netpoldiff: no reachability changes\n" in comment


@settings(max_examples=150, deadline=None)
@given(cluster_pairs(), cluster_pairs())
def test_evaluating_a_sequence_of_states_equals_evaluating_each_alone(
    first: tuple[Cluster, Cluster], second: tuple[Cluster, Cluster]
) -> None:
    # One engine for every state (as a migration plan uses it): no state's work may change
    # another's answer, in whatever order they come and however often.
    states = [first[0], first[1], second[0], first[0], second[1], first[1]]
    externals = external_partition(states)
    endpoints = universe(states, externals)
    together = evaluate_states(states)
    for state, matrix in zip(states, together, strict=True):
        alone = evaluate(state, externals=externals, endpoints=endpoints)
        assert matrix == alone
        size = len(alone.endpoints)
        assert [matrix.ingress_refs(i) for i in range(size)] == [
            alone.ingress_refs(i) for i in range(size)
        ]
        assert [matrix.egress_refs(i) for i in range(size)] == [
            alone.egress_refs(i) for i in range(size)
        ]
