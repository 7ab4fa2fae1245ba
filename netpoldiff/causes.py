"""Why a flow changed: the policies that decide it, and what changed in them or around them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from netpoldiff.cluster import Cluster
from netpoldiff.diff import MatrixDiff, PairChange
from netpoldiff.model import Endpoint, ObjectRef, Workload, WorkloadEndpoint
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, PolicyPort, Rule
from netpoldiff.selectors import LabelSelector

ChangeKind = Literal["added", "removed", "modified", "unchanged"]
_ORDER: Final[Mapping[str, int]] = {"modified": 0, "added": 1, "removed": 2, "unchanged": 3}


@dataclass(frozen=True, slots=True)
class Cause:
    """A policy that decides a changed flow, and how the change touched it."""

    policy: ObjectRef
    change: ChangeKind


def cause_order(cause: Cause) -> tuple[int, ObjectRef]:
    """Modified, added, removed, then unchanged policies; by namespace and name within each."""
    return (_ORDER[cause.change], cause.policy)


@dataclass(frozen=True, slots=True)
class SubjectChange:
    """A change outside the policies that can move a flow: a workload or namespace edit."""

    subject: str
    what: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.what}"


def _labels_text(labels: Iterable[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in labels) + "}"


def _pairs_change(before: Iterable[tuple[str, str]], after: Iterable[tuple[str, str]]) -> str:
    old, new = dict(before), dict(after)
    parts = [f"+{k}={v}" for k, v in sorted(new.items()) if old.get(k) != v and k not in old]
    parts += [f"{k}={old[k]}->{v}" for k, v in sorted(new.items()) if k in old and old[k] != v]
    parts += [f"-{k}={v}" for k, v in sorted(old.items()) if k not in new]
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Everything the two sides of a diff declare differently, by object."""

    old_policies: Mapping[ObjectRef, NetworkPolicy]
    new_policies: Mapping[ObjectRef, NetworkPolicy]
    old_workloads: Mapping[WorkloadEndpoint, Workload]
    new_workloads: Mapping[WorkloadEndpoint, Workload]
    old_namespaces: Mapping[str, tuple[tuple[str, str], ...]]
    new_namespaces: Mapping[str, tuple[tuple[str, str], ...]]
    # Each policy's change, judged once: a report asks for it once per changed flow, and
    # judging compares whole policies (a policy may hold thousands of peers).
    _policy_changes: dict[ObjectRef, ChangeKind] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def between(cls, old: Cluster, new: Cluster) -> ChangeSet:
        """The per-object changes from ``old`` to ``new``."""
        return cls(
            {p.ref: p for p in old.policies},
            {p.ref: p for p in new.policies},
            {w.endpoint: w for w in old.workloads},
            {w.endpoint: w for w in new.workloads},
            old.namespace_labels(),
            new.namespace_labels(),
        )

    def policy_change(self, policy: ObjectRef) -> ChangeKind:
        """How one policy changed in meaning: reordered or repeated rules are unchanged."""
        known = self._policy_changes.get(policy)
        if known is not None:
            return known
        before, after = self.old_policies.get(policy), self.new_policies.get(policy)
        change: ChangeKind
        if before is None:
            change = "added"
        elif after is None:
            change = "removed"
        elif before == after or canonical_document(before) == canonical_document(after):
            change = "unchanged"
        else:
            change = "modified"
        self._policy_changes[policy] = change
        return change

    def changed_policies(self) -> list[tuple[ObjectRef, ChangeKind]]:
        """Every policy whose manifest changed (even if not in meaning), by namespace and name."""
        result: list[tuple[ObjectRef, ChangeKind]] = []
        for policy in sorted(self.old_policies.keys() | self.new_policies.keys()):
            before, after = self.old_policies.get(policy), self.new_policies.get(policy)
            if before is None:
                result.append((policy, "added"))
            elif after is None:
                result.append((policy, "removed"))
            elif before != after:
                result.append((policy, "modified"))
        return result

    def causes(self, change: PairChange, diff: MatrixDiff) -> tuple[Cause, ...]:
        """The policies selecting the source (egress) or destination (ingress) on either side."""
        ids = {
            *diff.old.egress_refs(change.src),
            *diff.new.egress_refs(change.src),
            *diff.old.ingress_refs(change.dst),
            *diff.new.ingress_refs(change.dst),
        }
        causes = [Cause(policy, self.policy_change(policy)) for policy in ids]
        return tuple(sorted(causes, key=cause_order))

    def subject_changes(self, change: PairChange, diff: MatrixDiff) -> list[SubjectChange]:
        """What changed on the pair's workloads and their namespaces (not in policies)."""
        found: dict[SubjectChange, None] = {}
        for index in (change.src, change.dst):
            found.update(dict.fromkeys(self.endpoint_changes(diff.endpoints[index])))
        return list(found)

    def endpoint_changes(self, endpoint: Endpoint) -> list[SubjectChange]:
        """What changed on one workload and on its namespace; nothing for an external block."""
        if not isinstance(endpoint, WorkloadEndpoint):
            return []
        found = self._workload_changes(endpoint)
        before = self.old_namespaces.get(endpoint.namespace)
        after = self.new_namespaces.get(endpoint.namespace)
        if before is not None and after is not None and before != after:
            what = f"labels {_pairs_change(before, after)}"
            found.append(SubjectChange(f"namespace {endpoint.namespace}", what))
        return found

    def _workload_changes(self, endpoint: WorkloadEndpoint) -> list[SubjectChange]:
        before = self.old_workloads.get(endpoint)
        after = self.new_workloads.get(endpoint)
        subject = str(endpoint)
        if before is None and after is not None:
            return [SubjectChange(subject, f"added with labels {_labels_text(after.labels)}")]
        if after is None or before is None:
            return [SubjectChange(subject, "removed")]
        found = []
        if before.labels != after.labels:
            found.append(
                SubjectChange(subject, f"labels {_pairs_change(before.labels, after.labels)}")
            )
        if before.named_ports() != after.named_ports():
            old_ports = {f"{n}/{p}": str(num) for n, p, num in before.named_ports()}
            new_ports = {f"{n}/{p}": str(num) for n, p, num in after.named_ports()}
            what = f"named ports {_pairs_change(old_ports.items(), new_ports.items())}"
            found.append(SubjectChange(subject, what))
        return found

    def renames(self) -> dict[ObjectRef, ObjectRef]:
        """Added policies that repeat a removed one of the same namespace: new id -> old id."""
        removed = {
            policy: policy_document(self.old_policies[policy])
            for policy, kind in self.changed_policies()
            if kind == "removed"
        }
        renamed: dict[ObjectRef, ObjectRef] = {}
        for policy, kind in self.changed_policies():
            if kind != "added":
                continue
            document = policy_document(self.new_policies[policy])
            for old_id, old_document in removed.items():
                if old_id.namespace == policy.namespace and old_document == document:
                    renamed[policy] = old_id
                    del removed[old_id]
                    break
        return renamed

    def policy_edits(self, policy: ObjectRef) -> list[str]:
        """What changed inside a modified policy, field by field (empty if not modified)."""
        before, after = self.old_policies.get(policy), self.new_policies.get(policy)
        if before is None or after is None or before == after:
            return []
        return describe_policy_edits(before, after)


# ---- policy field changes, in the manifest's own vocabulary ---------------------------------


def _selector(selector: LabelSelector) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if selector.match_labels:
        result["matchLabels"] = dict(selector.match_labels)
    if selector.expressions:
        result["matchExpressions"] = [
            {
                "key": r.key,
                "operator": str(r.operator),
                **({"values": list(r.values)} if r.values else {}),
            }
            for r in selector.expressions
        ]
    return result


def _port(port: PolicyPort) -> dict[str, Any]:
    result: dict[str, Any] = {"protocol": str(port.protocol)}
    if port.port is not None:
        result["port"] = port.port
    if port.end_port is not None:
        result["endPort"] = port.end_port
    return result


def _rule(rule: Rule, peers_key: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if rule.peers is not None:
        peers = []
        for peer in rule.peers:
            if isinstance(peer, IPBlockPeer):
                block: dict[str, Any] = {"cidr": peer.cidr}
                if peer.excepts:
                    block["except"] = list(peer.excepts)
                peers.append({"ipBlock": block})
                continue
            entry: dict[str, Any] = {}
            if peer.namespace_selector is not None:
                entry["namespaceSelector"] = _selector(peer.namespace_selector)
            if peer.pod_selector is not None:
                entry["podSelector"] = _selector(peer.pod_selector)
            peers.append(entry)
        result[peers_key] = peers
    if rule.ports:
        result["ports"] = [_port(p) for p in rule.ports]
    return result


def policy_document(policy: NetworkPolicy) -> dict[str, Any]:
    """A policy's spec after defaulting, shaped like its manifest."""
    types = [
        t
        for t, on in (("Ingress", policy.affects_ingress), ("Egress", policy.affects_egress))
        if on
    ]
    return {
        "podSelector": _selector(policy.pod_selector),
        "policyTypes": types,
        "ingress": [_rule(r, "from") for r in policy.ingress],
        "egress": [_rule(r, "to") for r in policy.egress],
    }


def _canonical(value: Any) -> Any:  # noqa: ANN401 - a policy document
    """Lists as sorted sets, recursively.

    The order and repetition of rules, peers and ports never change what a policy allows.
    """
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        # Each item made canonical once, and written out once to be ordered by.
        canonical = [_canonical(item) for item in value]
        items = {json.dumps(item, sort_keys=True): item for item in canonical}
        return [items[key] for key in sorted(items)]
    return value


def canonical_document(policy: NetworkPolicy) -> dict[str, Any]:
    """The policy document with every list read as a set."""
    return dict(_canonical(policy_document(policy)))


_PATH_PART: Final = re.compile(r"\[(?:'([^']*)'|(\d+))\]")


def _path(deepdiff_path: str) -> str:
    """``root['ingress'][0]['from']`` as ``ingress[0].from``."""
    text = ""
    for key, index in _PATH_PART.findall(deepdiff_path.removeprefix("root")):
        text += f"[{index}]" if index else (f".{key}" if text else key)
    return text or "spec"


def compact(value: object) -> str:
    """A value in flow-style YAML: ``{namespaceSelector: {}}``."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(compact(v) for v in value) + "]"
    return str(value)


def describe_policy_edits(before: NetworkPolicy, after: NetworkPolicy) -> list[str]:
    """Field-level edits from one version of a policy to the next, in manifest terms."""
    from deepdiff import DeepDiff  # noqa: PLC0415 - only modified policies need it; it loads slowly

    old_doc, new_doc = policy_document(before), policy_document(after)
    if canonical_document(before) == canonical_document(after):
        if not DeepDiff(old_doc, new_doc, ignore_order=True, report_repetition=True):
            return ["rules reordered (same rules)"]
        return ["repeated entries added or removed (same rules)"]
    diff = DeepDiff(old_doc, new_doc, verbose_level=2)
    lines: list[str] = []
    for kind, verb in (
        ("values_changed", "changed"),
        ("type_changes", "changed"),
        ("dictionary_item_added", "added"),
        ("iterable_item_added", "added"),
        ("dictionary_item_removed", "removed"),
        ("iterable_item_removed", "removed"),
    ):
        for path, detail in diff.get(kind, {}).items():
            where = _path(path)
            if verb == "changed":
                lines.append(
                    f"{where}: {compact(detail['old_value'])} -> {compact(detail['new_value'])}"
                )
            else:
                lines.append(f"{where} {verb}: {compact(detail)}")
    return sorted(lines)
