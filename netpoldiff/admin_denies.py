"""Whether admin policies deny a namespace's egress by default, as a NetworkPolicy default deny.

A namespace that swaps its NetworkPolicy default deny for an admin Deny still denies by default:
the finding "default deny removed" must not say otherwise. Judged on the model alone, like the
NetworkPolicy default deny, so that it holds for the workloads a namespace does not have yet.
"""

from __future__ import annotations

from collections.abc import Iterable

from netpoldiff.addresses import ALL_ADDRESSES, NO_ADDRESSES
from netpoldiff.admin_policies import (
    AdminAction,
    AdminPolicy,
    AdminRule,
    AdminTier,
    NetworksPeer,
    PodsPeer,
    Subject,
)
from netpoldiff.model import LabelPairs


def _catches_all(rule: AdminRule) -> bool:
    """Whether an egress rule matches every destination on every port.

    "If Ports is not set then the rule does not filter traffic via port." Its networks must hold
    every address; all of an address family also holds every pod of it ("if you Allow or Deny
    traffic to 0.0.0.0/0, that will allow or deny all IPv4 pod-to-pod traffic as well").
    """
    if rule.ports is not None:
        return False
    addresses = NO_ADDRESSES
    for peer in rule.peers:
        if isinstance(peer, NetworksPeer):
            addresses = addresses | peer.addresses
    return addresses == ALL_ADDRESSES


def _selects(subject: Subject, labels: LabelPairs) -> tuple[bool, bool]:
    """(some pods, every pod) of the namespace with these labels that the subject selects."""
    some = subject.namespace_selector.matches(dict(labels))
    every = some and not (isinstance(subject, PodsPeer) and not subject.pod_selector.is_empty())
    return some, every


def _tier_denies(policies: Iterable[AdminPolicy], labels: LabelPairs) -> bool | None:
    """How one tier ends for the namespace's pods: all denied, some allowed (False), or passed.

    Rules are asked in tier order; only those that catch everything count, narrower ones are
    exceptions to the default, as allow rules are to a NetworkPolicy default deny. None: some
    pods are passed on (by a Pass, or no rule), and none allowed.
    """
    passed = False
    for policy in sorted(policies, key=AdminPolicy.order_key):
        some, every = _selects(policy.subject, labels)
        for rule in policy.egress if some else ():
            if not _catches_all(rule):
                continue
            if rule.action == AdminAction.ALLOW:
                return False
            if every:
                # Every pod is decided here, but those a rule before passed on.
                return True if rule.action == AdminAction.DENY and not passed else None
            # For some pods only: the others go on to the rules after it.
            passed = passed or rule.action == AdminAction.PASS
    return None


def denies_all_egress(policies: Iterable[AdminPolicy], labels: LabelPairs) -> bool:
    """Whether admin policies deny by default every egress of the namespace with ``labels``.

    The admin tier denies all of its pods; or passes them on ("Pass: instructs the selected
    traffic to skip any remaining ANP rules, and then pass execution to any NetworkPolicies that
    select the pod. If the pod is not selected by any NetworkPolicies then execution is passed to
    any BaselineAdminNetworkPolicies") and the baseline tier denies all of them. A pod that a
    NetworkPolicy selects for egress is isolated by it: denied by default as well. The baseline
    passes to the default allow: a Pass there denies nothing.
    """
    by_tier: dict[AdminTier, list[AdminPolicy]] = {AdminTier.ADMIN: [], AdminTier.BASELINE: []}
    for policy in policies:
        by_tier[policy.tier].append(policy)
    admin = _tier_denies(by_tier[AdminTier.ADMIN], labels)
    if admin is not None:
        return admin
    return _tier_denies(by_tier[AdminTier.BASELINE], labels) is True
