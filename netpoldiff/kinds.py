"""The one table of the kinds netpoldiff reads: who serves each, and where its pods are.

The model, the loader and the YAML reader all ask this table: a kind added here is read
everywhere (its fields kept by the reader, its pods found by the loader, its name known to the
model). A kind's pods are either its pod template (``pod_template``) or made by an operator
whose labels and ports are known (``operated``, see operators.py). Kinds the table does not
name are workloads too when their ``spec.template`` is a pod template (``GENERIC_TEMPLATE``),
and users may declare more (``--workload-kind``), which are looked up before the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from netpoldiff.operators import ALERTMANAGER, PROMETHEUS, THANOS_RULER, OperatedPods

NAMESPACE: Final = "Namespace"
NETWORK_POLICY: Final = "NetworkPolicy"


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind netpoldiff models.

    ``groups`` are the API groups that serve it (``""`` is the core group), at any version
    unless ``versions`` names the ones served. ``pod_template`` is where an object of
    a workload kind keeps the template of its pods (``()``: the object itself is the pod); None
    for kinds that run no pods.
    """

    name: str
    groups: frozenset[str]
    versions: frozenset[str] | None = None
    pod_template: tuple[str, ...] | None = None
    operated: OperatedPods | None = None

    @property
    def is_workload(self) -> bool:
        """Whether objects of this kind run pods."""
        return self.pod_template is not None or self.operated is not None


_CORE: Final = frozenset({""})
_APPS: Final = frozenset({"apps", "extensions"})
_BATCH: Final = frozenset({"batch"})
_MONITORING: Final = frozenset({"monitoring.coreos.com"})  # prometheus-operator
_TEMPLATE: Final = ("spec", "template")
# Same-named kinds of other groups (Calico's or Cilium's NetworkPolicy, say) are other objects.
KINDS: Final[Mapping[str, Kind]] = {
    kind.name: kind
    for kind in (
        Kind(NAMESPACE, _CORE),
        Kind(NETWORK_POLICY, frozenset({"networking.k8s.io"}), frozenset({"v1"})),
        Kind("Pod", _CORE, pod_template=()),
        Kind("Deployment", _APPS, pod_template=_TEMPLATE),
        Kind("StatefulSet", frozenset({"apps"}), pod_template=_TEMPLATE),
        Kind("DaemonSet", _APPS, pod_template=_TEMPLATE),
        Kind("ReplicaSet", _APPS, pod_template=_TEMPLATE),
        Kind("ReplicationController", _CORE, pod_template=_TEMPLATE),
        Kind("Job", _BATCH, pod_template=_TEMPLATE),
        Kind("CronJob", _BATCH, pod_template=("spec", "jobTemplate", *_TEMPLATE)),
        # Operators' kinds: their pods' labels and ports are in operators.py, one recipe each;
        # to add an operator's kind, write its recipe there and list it here.
        Kind("Prometheus", _MONITORING, operated=PROMETHEUS),
        Kind("Alertmanager", _MONITORING, operated=ALERTMANAGER),
        Kind("ThanosRuler", _MONITORING, operated=THANOS_RULER),
    )
}
Declared = tuple[Kind, ...]
"""Kinds the user declares (``--workload-kind``), looked up before the table."""

# The kinds whose pods are their own template (the operated kinds are not among them).
WORKLOAD_KINDS: Final = tuple(n for n, kind in KINDS.items() if kind.pod_template is not None)
# Where an object of a kind the table does not name keeps its pod template, if it has one
# (Argo Rollouts' Rollout, OpenKruise's CloneSet, ...).
GENERIC_TEMPLATE: Final = _TEMPLATE


def modelled_kind(api_version: object, kind: object, declared: Declared = ()) -> Kind | None:
    """The kind of an object netpoldiff models, or None for anything else.

    ``declared`` kinds (the user's) come first: they may also redefine a kind of the table.
    """
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None  # not a Kubernetes object (or a fragment): not ours to judge
    # Read as the API server reads it: the group is what stands before the "/" (none for the
    # core group), and an empty version is that of the endpoint the object is sent to.
    group, _, version = api_version.rpartition("/")
    for mine in declared:
        if mine.name == kind and group in mine.groups:
            return mine
    found = KINDS.get(kind)
    if found is None or group not in found.groups:
        return None
    if found.versions is not None and version and version not in found.versions:
        return None
    return found


@dataclass(frozen=True, slots=True)
class PolicyKind:
    """A kind of policy object netpoldiff reads but does not evaluate, and who serves it.

    Such objects can allow or deny flows that the matrix shows otherwise: each one is named
    in a warning, and a diff lists those that change.
    """

    name: str
    groups: frozenset[str]
    namespaced: bool
    vendor: str


_ADMIN: Final = frozenset({"policy.networking.k8s.io"})  # sig-network-policy-api
_CILIUM: Final = frozenset({"cilium.io"})
_CALICO: Final = frozenset({"projectcalico.org", "crd.projectcalico.org"})
_ANTREA: Final = frozenset({"crd.antrea.io", "security.antrea.tanzu.vmware.com"})
# Kinds that enforce: staged (preview-only) Calico policies and objects that only feed
# policies (network sets, tiers) are left out, as are policies of secondary networks.
POLICY_KINDS_NOT_EVALUATED: Final = tuple(
    PolicyKind(name, groups, namespaced, vendor)
    for name, groups, namespaced, vendor in (
        ("AdminNetworkPolicy", _ADMIN, False, "admin network policy"),
        ("BaselineAdminNetworkPolicy", _ADMIN, False, "admin network policy"),
        ("ClusterNetworkPolicy", _ADMIN, False, "admin network policy"),
        ("CiliumNetworkPolicy", _CILIUM, True, "Cilium"),
        ("CiliumClusterwideNetworkPolicy", _CILIUM, False, "Cilium"),
        ("NetworkPolicy", _CALICO, True, "Calico"),
        ("GlobalNetworkPolicy", _CALICO, False, "Calico"),
        ("NetworkPolicy", _ANTREA, True, "Antrea"),
        ("ClusterNetworkPolicy", _ANTREA, False, "Antrea"),
        ("EgressFirewall", frozenset({"k8s.ovn.org"}), True, "OVN-Kubernetes"),
        ("FQDNNetworkPolicy", frozenset({"networking.gke.io"}), True, "GKE"),
        ("AuthorizationPolicy", frozenset({"security.istio.io"}), True, "Istio"),
        ("AuthorizationPolicy", frozenset({"policy.linkerd.io"}), True, "Linkerd"),
        ("ServerAuthorization", frozenset({"policy.linkerd.io"}), True, "Linkerd"),
    )
)
POLICY_KIND_NAMES: Final = frozenset(kind.name for kind in POLICY_KINDS_NOT_EVALUATED)
# A name two groups use (Calico's NetworkPolicy, Istio's and Linkerd's AuthorizationPolicy)
# is written with its group, so that no reader takes one for the other.
_SHARED_NAMES: Final = frozenset(
    name
    for name in POLICY_KIND_NAMES
    if name in KINDS or sum(k.name == name for k in POLICY_KINDS_NOT_EVALUATED) > 1
)


def qualified_kind(kind: str, api_version: str) -> str:
    """``AdminNetworkPolicy``, or ``NetworkPolicy.projectcalico.org`` where names are shared."""
    return f"{kind}.{api_version.rpartition('/')[0]}" if kind in _SHARED_NAMES else kind


def policy_kind_not_evaluated(api_version: object, kind: object) -> PolicyKind | None:
    """The policy kind of an object netpoldiff reads but does not evaluate, or None."""
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None  # not a Kubernetes object (or a fragment): not ours to judge
    if kind not in POLICY_KIND_NAMES:
        return None
    group = api_version.rpartition("/")[0]
    return next(
        (k for k in POLICY_KINDS_NOT_EVALUATED if k.name == kind and group in k.groups), None
    )
