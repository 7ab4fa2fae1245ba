"""Risks a change brings, as data: each kind defined once here, and read by every format.

A finding names how many opened flows it covers and the changed objects behind them; the
words are the reports' (report/words.py), so text, Markdown and JSON say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from netpoldiff.admin_denies import denies_all_egress
from netpoldiff.admin_policies import AdminPolicy
from netpoldiff.causes import Causes
from netpoldiff.changes import ChangeSet
from netpoldiff.diff import MatrixDiff
from netpoldiff.model import NAMESPACE_NAME_LABEL, ObjectRef, WorkloadEndpoint, label_pairs
from netpoldiff.opened_risks import Gathered, gather_opened
from netpoldiff.policies import NetworkPolicy

Direction = Literal["ingress", "egress"]
ConfigurationChange = Literal["added", "removed", "modified", "unusable"]
FindingKind = Literal[
    "ingress-from-outside",
    "egress-to-outside",
    "cross-namespace",
    "default-deny-removed",
    "all-ports",
    "namespace-open-to-all",
    "configuration-changed",
]


def is_default_deny(policy: NetworkPolicy, direction: Direction) -> bool:
    """Whether a policy selects every pod of its namespace and allows nothing that way."""
    if not policy.pod_selector.is_empty():
        return False
    if direction == "ingress":
        return policy.affects_ingress and not policy.ingress
    return policy.affects_egress and not policy.egress


@dataclass(frozen=True, slots=True)
class DefaultDenyRemoved:
    """A namespace that denied all traffic of a direction by default, and no longer does.

    ``policies`` are its default-deny policies on the old side, and whether each was
    ``changed`` or ``removed``.
    """

    namespace: str
    direction: Direction
    policies: tuple[tuple[ObjectRef, Literal["changed", "removed"]], ...]


def _by_name(entry: tuple[ObjectRef, str]) -> tuple[str, str]:
    return entry[0].kind, entry[0].name


def removed_default_denies(changes: ChangeSet) -> list[DefaultDenyRemoved]:
    """Namespaces whose default deny of a direction is gone, ingress first, by name.

    Each lists its deny policies by name, whatever order the clusters hold them in.
    Judged per namespace, so renaming or splitting the deny policy is not a removal, and
    neither is handing an egress default deny over to admin policies that deny it all.
    """
    found: list[DefaultDenyRemoved] = []
    directions: tuple[Direction, ...] = ("ingress", "egress")
    for direction in directions:
        before: dict[str, list[tuple[ObjectRef, Literal["changed", "removed"]]]] = {}
        for policy in changes.old_policies.values():
            if isinstance(policy, NetworkPolicy) and is_default_deny(policy, direction):
                what: Literal["changed", "removed"] = (
                    "changed" if policy.ref in changes.new_policies else "removed"
                )
                before.setdefault(policy.namespace, []).append((policy.ref, what))
        after = {
            p.namespace
            for p in changes.new_policies.values()
            if isinstance(p, NetworkPolicy) and is_default_deny(p, direction)
        }
        found.extend(
            DefaultDenyRemoved(namespace, direction, tuple(sorted(policies, key=_by_name)))
            for namespace, policies in sorted(before.items())
            if namespace not in after and not _admin_denies(changes, namespace, direction)
        )
    return found


def _admin_denies(changes: ChangeSet, namespace: str, direction: Direction) -> bool:
    """Whether NEW's admin policies deny that direction of the namespace by default.

    Never ingress: admin ingress rules match pods only ("from": namespaces or pods), so traffic
    from outside the cluster passes every one of them.
    """
    if direction == "ingress":
        return False
    # A namespace no object of NEW lives in has only its name label.
    labels = changes.new_namespaces.get(namespace) or label_pairs({NAMESPACE_NAME_LABEL: namespace})
    admins = [p for p in changes.new_policies.values() if isinstance(p, AdminPolicy)]
    return denies_all_egress(admins, labels)


@dataclass(frozen=True, slots=True)
class ConfigurationChanged:
    """NEW's repository configuration differs from OLD's, which read both sides.

    ``keys`` are the settings that differ (all NEW's for ``added``, OLD's for ``removed``);
    ``problem`` says why NEW's cannot be read (``unusable``).
    """

    path: str
    change: ConfigurationChange
    keys: tuple[str, ...] = ()
    problem: str | None = None


FindingDetail = DefaultDenyRemoved | ConfigurationChanged | None


@dataclass(frozen=True, slots=True)
class Finding:
    """One risk the change brings, of one kind (see ``findings`` for each kind's definition).

    ``flows`` counts the opened pairs it covers; ``objects`` are the changed objects behind
    them; ``endpoints`` the workloads it is about; ``namespace`` the namespace it is about,
    when one; ``detail`` the removed default deny or the configuration change.
    """

    kind: FindingKind
    flows: int
    objects: tuple[ObjectRef, ...] = ()
    endpoints: tuple[WorkloadEndpoint, ...] = ()
    namespace: str | None = None
    detail: FindingDetail = None


_FLOW_KINDS: Final[tuple[FindingKind, ...]] = (
    "ingress-from-outside",
    "egress-to-outside",
    "cross-namespace",
    "all-ports",
    "namespace-open-to-all",
)


def _workload_order(endpoint: WorkloadEndpoint) -> tuple[str, str, str]:
    return (endpoint.namespace, endpoint.name, endpoint.kind)


def findings(
    diff: MatrixDiff,
    changes: ChangeSet,
    configuration: Iterable[ConfigurationChanged] = (),
    causes: Causes | None = None,
) -> list[Finding]:
    """Every risk the change brings: configuration changes, the kinds in this order, by name.

    Each kind, on the pairs NEW opens (``diff.opened``: connections NEW allows, OLD does not):

    - ``configuration-changed``: NEW's repository configuration differs from OLD's.
    - ``ingress-from-outside``: an opened pair from an address outside the cluster to a
      workload; about the destinations.
    - ``egress-to-outside``: an opened pair from a workload to an address outside the cluster
      (the internet or any address block), on any ports; about the sources.
    - ``cross-namespace``: an opened pair between workloads of two namespaces; about the
      destinations.
    - ``all-ports``: an opened pair where NEW allows every port of a protocol (or everything)
      that OLD did not allow whole; about the destinations (toward an address, the sources).
    - ``namespace-open-to-all``: per namespace, its workloads (of both sides) that every other
      workload of NEW may reach on some connection while not every other workload of OLD could,
      when NEW has workloads in more than one namespace; the pairs opened toward them from
      other workloads.
    - ``default-deny-removed``: per namespace and direction, as ``removed_default_denies``
      says; the opened pairs into (ingress) or out of (egress) that namespace; its objects are
      the deny policies.

    ``objects`` of the others are the causes of the pairs (``causes``, found here when not
    given): the changed policies, workloads and namespaces without which they would differ.
    """
    denies = removed_default_denies(changes)
    causes = causes or Causes(diff, changes)
    gathered = gather_opened(diff, causes, [(d.direction, d.namespace) for d in denies])
    found = [Finding("configuration-changed", 0, detail=change) for change in configuration]
    for kind in _FLOW_KINDS:
        found.extend(
            _finding(kind, about, gathered[kind, about])
            for about in sorted(a for k, a in gathered if k == kind)
        )
    for deny in denies:
        entry = gathered.get(("default-deny-removed", f"{deny.direction} {deny.namespace}"))
        refs = tuple(ref for ref, _ in deny.policies)
        flows = entry.flows if entry else 0
        found.append(Finding("default-deny-removed", flows, refs, (), deny.namespace, deny))
    return found


def _finding(kind: FindingKind, about: str, entry: Gathered) -> Finding:
    return Finding(
        kind,
        entry.flows,
        tuple(sorted(entry.objects)),
        tuple(sorted(entry.endpoints, key=_workload_order)),
        about or None,
    )
