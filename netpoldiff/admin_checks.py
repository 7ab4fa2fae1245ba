"""Admin policies whose effect the input cannot show exactly, found on the decisions.

Three cases, each a warning: a subject that selects no workload (its rules never apply here);
two policies of one tier and priority that could match the same connection (the API lets an
implementation apply either, so the order netpoldiff picks is one of two answers); and a
``networks`` CIDR that may hold pod addresses, which manifests do not give.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from itertools import combinations
from typing import Final

from netpoldiff.addresses import IPSet, parse_cidr
from netpoldiff.admin_policies import AdminPolicy, NetworksPeer
from netpoldiff.compiled import CompiledAdminPolicy, CompiledAdminRule
from netpoldiff.diagnostics import (
    ADMIN_SELECTS_NOTHING,
    NETWORKS_MAY_HOLD_PODS,
    SAME_PRIORITY,
    Diagnostic,
)
from netpoldiff.model import ObjectRef

# Where clusters take pod addresses from: the private and shared ranges (RFC 1918, RFC 6598,
# unique local IPv6). A CIDR outside them cannot hold a pod of a usual cluster.
POD_RANGES: Final = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "fc00::/7",
)
_POD_SPACE: Final = functools.reduce(
    IPSet.__or__, (parse_cidr(cidr).addresses for cidr in POD_RANGES), IPSet()
)


def admin_checks(
    policies: Sequence[AdminPolicy], compiled: Sequence[CompiledAdminPolicy], workloads: int
) -> tuple[Diagnostic, ...]:
    """Warnings about these admin policies, ``compiled`` over a cluster of ``workloads``."""
    by_ref = {policy.ref: policy for policy in policies}
    found: list[Diagnostic] = []
    for each in compiled:
        policy = by_ref.get(each.ref)
        if policy is None:
            continue
        if workloads and not each.subjects:
            found.append(
                ADMIN_SELECTS_NOTHING.at(policy.subject_origin or policy.origin, policy=_name(each))
            )
        found.extend(_networks_with_pods(policy))
    found.extend(_ties(compiled, by_ref))
    return tuple(found)


def _name(policy: CompiledAdminPolicy) -> str:
    return f"{policy.ref.kind} {policy.ref.name}"


def _networks_with_pods(policy: AdminPolicy) -> Iterator[Diagnostic]:
    for rule in policy.egress:
        for peer in rule.peers:
            if not isinstance(peer, NetworksPeer) or peer.addresses.holds_a_family():
                continue
            for cidr in peer.cidrs:
                if parse_cidr(cidr).addresses & _POD_SPACE:
                    name = f"{policy.ref.kind} {policy.ref.name}"
                    yield NETWORKS_MAY_HOLD_PODS.at(
                        peer.origin or rule.origin, policy=name, cidr=cidr
                    )


def _reach(rules: Sequence[CompiledAdminRule]) -> tuple[int, int]:
    """(subjects, peers) the rules of one direction can match."""
    subjects = peers = 0
    for rule in rules:
        subjects |= rule.subjects
        peers |= rule.peers
    return subjects, peers


def _ties(
    compiled: Sequence[CompiledAdminPolicy], by_ref: dict[ObjectRef, AdminPolicy]
) -> Iterator[Diagnostic]:
    for first, second in combinations(compiled, 2):
        if (first.tier, first.order[0]) != (second.tier, second.order[0]):
            continue
        for direction in ("ingress", "egress"):
            mine = _reach(getattr(first, direction))
            theirs = _reach(getattr(second, direction))
            if mine[0] & theirs[0] and mine[1] & theirs[1]:
                policy = by_ref.get(first.ref)
                yield SAME_PRIORITY.at(
                    policy.origin if policy else None,
                    policy=_name(first),
                    other=_name(second),
                    priority=str(first.order[0]),
                    tier=first.tier.value,
                    direction=direction,
                    first=_name(first),
                )
                break
