"""Risks a change brings, as data: flows from outside or across namespaces, default denies gone.

Every format reads these (the Markdown report's warnings today); none decides them itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from netpoldiff.changes import ChangeSet
from netpoldiff.model import Endpoint, ExternalEndpoint, ObjectRef, WorkloadEndpoint
from netpoldiff.policies import NetworkPolicy

Direction = Literal["ingress", "egress"]
ConfigurationChange = Literal["added", "removed", "modified", "unusable"]


def from_outside(sources: Iterable[Endpoint]) -> bool:
    """Whether some source is an address outside the cluster."""
    return any(isinstance(source, ExternalEndpoint) for source in sources)


def across_namespaces(sources: Iterable[Endpoint], destinations: Iterable[Endpoint]) -> bool:
    """Whether some workload source and workload destination are in different namespaces."""
    source_namespaces = {s.namespace for s in sources if isinstance(s, WorkloadEndpoint)}
    destination_namespaces = {d.namespace for d in destinations if isinstance(d, WorkloadEndpoint)}
    if not source_namespaces or not destination_namespaces:
        return False
    return len(source_namespaces | destination_namespaces) > 1


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
    Judged per namespace, so renaming or splitting the deny policy is not a removal.
    """
    found: list[DefaultDenyRemoved] = []
    directions: tuple[Direction, ...] = ("ingress", "egress")
    for direction in directions:
        before: dict[str, list[tuple[ObjectRef, Literal["changed", "removed"]]]] = {}
        for policy in changes.old_policies.values():
            if is_default_deny(policy, direction):
                what: Literal["changed", "removed"] = (
                    "changed" if policy.ref in changes.new_policies else "removed"
                )
                before.setdefault(policy.namespace, []).append((policy.ref, what))
        after = {
            p.namespace for p in changes.new_policies.values() if is_default_deny(p, direction)
        }
        found.extend(
            DefaultDenyRemoved(namespace, direction, tuple(sorted(policies, key=_by_name)))
            for namespace, policies in sorted(before.items())
            if namespace not in after
        )
    return found


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
