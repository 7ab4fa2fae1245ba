"""Rules and policies that add nothing: a rule covered by another, a policy repeated, or covered.

A rule covered by another rule of its policy (every peer and port it allows, that rule allows)
is redundant in every cluster: the answer is read from the manifests. So is a policy that says
what another of its namespace says. A policy covered by other policies is found on the matrix
(lint_covered.py); a repeated one is warned about as such, not as covered.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from functools import partial

from netpoldiff.check_memo import CheckMemo, found_by
from netpoldiff.cluster import Cluster
from netpoldiff.compiled import CompiledPorts, PortMap
from netpoldiff.coverage import rule_covers
from netpoldiff.diagnostics import COVERED_POLICY, DUPLICATE_POLICY, REDUNDANT_RULE, Diagnostic
from netpoldiff.evaluate.compile import compile_ports
from netpoldiff.lint_covered import covered_policies
from netpoldiff.matrix import Matrix
from netpoldiff.model import ObjectRef
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, Rule
from netpoldiff.policy_documents import canonical_document


def redundancy_checks(
    cluster: Cluster,
    matrix: Matrix,
    port_maps: Mapping[int, PortMap],
    wanted: Collection[str] | None = None,
    memo: CheckMemo | None = None,
) -> tuple[Diagnostic, ...]:
    """Warnings about rules and policies of the cluster that add nothing.

    ``port_maps`` are the named ports of each workload of ``matrix``, by position. With
    ``wanted`` (codes), only the checks that can give one of them run. ``memo``: a policy
    checked already (the same object) is answered from it.
    """
    found: list[Diagnostic] = []
    if wanted is None or REDUNDANT_RULE.code in wanted:
        for policy in cluster.policies:
            if len(policy.ingress) < 2 and len(policy.egress) < 2:  # noqa: PLR2004 - a pair
                continue  # no two rules to compare: most policies, asked for nothing
            find = partial(_covered_rules, policy)
            found.extend(found_by(memo, "covered_rules", (policy,), find))
    covered = wanted is None or COVERED_POLICY.code in wanted
    if not covered and DUPLICATE_POLICY.code not in (wanted or ()):
        return tuple(found)
    duplicates = _duplicates(cluster.policies)
    for policy, first in sorted(duplicates.items(), key=lambda item: item[0].ref):
        found.append(DUPLICATE_POLICY.at(policy.origin, policy=str(policy.ref), other=str(first)))
    if covered:  # a repeated policy is warned about as such (NPD020), not as covered
        repeated = {policy.ref for policy in duplicates} | set(duplicates.values())
        found.extend(covered_policies(cluster, matrix, port_maps, repeated))
    return tuple(found)


def _directions(policy: NetworkPolicy) -> Iterator[tuple[str, tuple[Rule, ...]]]:
    if policy.affects_ingress:
        yield "ingress", policy.ingress
    if policy.affects_egress:
        yield "egress", policy.egress


# Thousands of rules write a few lists of ports (equal wherever written): each compiled once.
_compiled_ports = functools.lru_cache(maxsize=1024)(compile_ports)


def _covered_rules(policy: NetworkPolicy) -> Iterator[Diagnostic]:
    for direction, rules in _directions(policy):
        if len(rules) < 2:  # noqa: PLR2004 - a pair
            continue
        written = [(r, _compiled_ports(r.ports)) for r in rules]
        for index, other in _covered_pairs(written, policy.namespace):
            yield REDUNDANT_RULE.at(
                rules[index].origin,
                policy=str(policy.ref),
                field=f"spec.{direction}[{index}]",
                other=f"spec.{direction}[{other}]",
            )


def _covered_pairs(
    rules: list[tuple[Rule, CompiledPorts]], namespace: str
) -> Iterator[tuple[int, int]]:
    """(rule, a rule that covers it), for each rule another covers."""
    for index, rule in enumerate(rules):
        for other, wider in enumerate(rules):
            if other == index or not rule_covers(wider, rule, namespace):
                continue
            # Two rules that cover each other say the same: the later one is the repeat.
            if other > index and rule_covers(rule, wider, namespace):
                continue
            yield index, other
            break


def _rule_key(rule: Rule) -> object:
    """A rule as sets: what it says, whatever the order of its peers, ports and excepts."""
    peers = None
    if rule.peers is not None:
        peers = frozenset(
            (peer.cidr, frozenset(peer.excepts)) if isinstance(peer, IPBlockPeer) else peer
            for peer in rule.peers
        )
    return (peers, frozenset(rule.ports))


def _duplicates(policies: Sequence[NetworkPolicy]) -> dict[NetworkPolicy, ObjectRef]:
    """Each policy that says what an earlier one of its namespace says -> the earlier one."""
    # Grouped by what is cheap to compare, then by rules read as sets, then by meaning: most
    # groups hold one policy by the first step.
    groups: dict[object, list[NetworkPolicy]] = defaultdict(list)
    for policy in policies:
        # ref.namespace is policy.namespace's answer, without the property's call.
        written = policy.pod_selector.fields_key()
        key = (policy.ref.namespace, written, policy.affects_ingress, policy.affects_egress)
        groups[key].append(policy)
    found: dict[NetworkPolicy, ObjectRef] = {}
    for group in groups.values():
        if len(group) < 2:  # noqa: PLR2004 - a pair
            continue
        alike: dict[object, list[NetworkPolicy]] = defaultdict(list)
        for policy in sorted(group, key=lambda p: p.ref.sort_key()):
            rules = (policy.ingress, policy.egress)
            alike[tuple(frozenset(_rule_key(rule) for rule in each) for each in rules)].append(
                policy
            )
        for same in alike.values():
            seen: dict[str, ObjectRef] = {}
            for policy in same if len(same) > 1 else ():
                meaning = json.dumps(canonical_document(policy), sort_keys=True)
                first = seen.setdefault(meaning, policy.ref)
                if first != policy.ref:
                    found[policy] = first
    return found
