"""Where an opened flow is written in NEW's manifests: the rules that allow it, or its causes.

Code scanning annotates the lines a result points at, so a flow a change opens should point
at the rule that opens it. The causes of a pair (causes.py) are the changed objects behind
it; for a policy cause, the rules of NEW's policy whose peers hold the other end and whose
ports allow some of the opened connections are the lines to show (the compiled policies of
NEW's matrix keep each rule's origin). A cause that is no policy (a workload's labels, a
namespace's) is shown at its manifest; a policy whose rules allow nothing of the pair (it
was modified to stop isolating) at its own first line. When none of that is in NEW (a
removed policy opens flows by no longer isolating), the flow is shown at its workload.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from netpoldiff.admin_policies import AdminAction
from netpoldiff.causes import Cause
from netpoldiff.changes import ChangeSet
from netpoldiff.compiled import (
    CompiledAdminPolicy,
    CompiledAdminRule,
    CompiledPolicy,
    CompiledRule,
    PortMap,
)
from netpoldiff.errors import Location
from netpoldiff.matrix import Matrix
from netpoldiff.model import ObjectRef, WorkloadEndpoint
from netpoldiff.ports import ConnectionSet

# Admin rules that can let a flow through: Allow, and Pass (which hands it to NetworkPolicies).
_OPENING_ACTIONS = frozenset({AdminAction.ALLOW, AdminAction.PASS})


class FlowOrigins:
    """The places in NEW's manifests behind each opened pair of one diff."""

    def __init__(self, new: Matrix, changes: ChangeSet) -> None:
        """``new`` is NEW's matrix (its compiled policies keep their rules' origins)."""
        self._new = new
        self._changes = changes
        self._policies = {policy.ref: policy for policy in new.policies}
        self._admin = {policy.ref: policy for policy in new.admin_policies}

    def of_pair(
        self, src: int, dst: int, opened: ConnectionSet, causes: Sequence[Cause]
    ) -> tuple[Location, ...]:
        """Where the pair ``src`` -> ``dst`` that gained ``opened`` is written, each once.

        The causes' places in their order (most specific first); the pair's destination
        workload (or source) when none of them is in NEW.
        """
        found = dict.fromkeys(
            location for cause in causes for location in self._of_cause(src, dst, opened, cause)
        )
        if not found:
            # The destination, where a flow is usually let in; the source when it is outside.
            return tuple(self._workload_origins((dst, src)))[:1]
        return tuple(found)

    def _of_cause(
        self, src: int, dst: int, opened: ConnectionSet, cause: Cause
    ) -> Iterator[Location]:
        changed = cause.object
        for ref in changed.policies:
            yield from self._of_policy(ref, src, dst, opened)
        for endpoint in changed.workloads:
            workload = self._changes.new_workloads.get(endpoint)
            if workload is not None and workload.origin is not None:
                yield workload.origin
        for namespace in changed.namespaces:
            origin = self._changes.namespace_origin(namespace)
            if origin is not None:
                yield origin

    def _of_policy(
        self, ref: ObjectRef, src: int, dst: int, opened: ConnectionSet
    ) -> Iterator[Location]:
        """The rules of NEW's ``ref`` that allow some of ``opened``; else its first line."""
        port_map = self._port_map(dst)
        policy = self._policies.get(ref)
        admin = self._admin.get(ref)
        rules: list[CompiledRule | CompiledAdminRule]
        if policy is not None:
            rules = list(_network_policy_rules(policy, src, dst))
            origin = policy.origin
        elif admin is not None:
            rules = list(_admin_rules(admin, src, dst))
            origin = admin.origin
        else:
            return  # not in NEW: removed, or of a kind not evaluated
        allowing = [
            rule.origin
            for rule in rules
            if rule.origin is not None and not (rule.ports.resolve(port_map) & opened).is_empty()
        ]
        if allowing:
            yield from allowing
        elif origin is not None:
            yield origin

    def _port_map(self, dst: int) -> PortMap | None:
        """The destination's named ports (None outside the cluster: a name matches nothing)."""
        endpoint = self._new.endpoints[dst]
        if not isinstance(endpoint, WorkloadEndpoint):
            return None
        workload = self._changes.new_workloads.get(endpoint)
        return workload.named_ports() if workload is not None else ()

    def _workload_origins(self, positions: Iterable[int]) -> Iterator[Location]:
        for position in positions:
            endpoint = self._new.endpoints[position]
            if isinstance(endpoint, WorkloadEndpoint):
                workload = self._changes.new_workloads.get(endpoint)
                if workload is not None and workload.origin is not None:
                    yield workload.origin


def _network_policy_rules(policy: CompiledPolicy, src: int, dst: int) -> Iterator[CompiledRule]:
    """The rules of a policy whose peers hold the other end of the pair, in either direction.

    Ingress rules count when the policy selects the destination and the rule's peers hold the
    source; egress rules when it selects the source and the peers hold the destination.
    """
    if policy.selects(dst):
        yield from (rule for rule in policy.ingress or () if rule.peers >> src & 1)
    if policy.selects(src):
        yield from (rule for rule in policy.egress or () if rule.peers >> dst & 1)


def _admin_rules(policy: CompiledAdminPolicy, src: int, dst: int) -> Iterator[CompiledAdminRule]:
    """The Allow and Pass rules of an admin policy that match the pair."""
    for rule in policy.ingress:
        if rule.action in _OPENING_ACTIONS and rule.subjects >> dst & 1 and rule.peers >> src & 1:
            yield rule
    for rule in policy.egress:
        if rule.action in _OPENING_ACTIONS and rule.subjects >> src & 1 and rule.peers >> dst & 1:
            yield rule
