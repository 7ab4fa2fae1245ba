"""The one table of the kinds netpoldiff reads: who serves each, and where its pods are.

The model, the loader and the YAML reader all ask this table: a kind added here is read
everywhere (its fields kept by the reader, its pods found by the loader, its name known to the
model).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

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

    @property
    def is_workload(self) -> bool:
        """Whether objects of this kind run pods."""
        return self.pod_template is not None


_CORE: Final = frozenset({""})
_APPS: Final = frozenset({"apps", "extensions"})
_BATCH: Final = frozenset({"batch"})
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
    )
}
WORKLOAD_KINDS: Final = tuple(name for name, kind in KINDS.items() if kind.is_workload)


def modelled_kind(api_version: object, kind: object) -> Kind | None:
    """The kind of an object netpoldiff models, or None for anything else."""
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None  # not a Kubernetes object (or a fragment): not ours to judge
    found = KINDS.get(kind)
    # Read as the API server reads it: the group is what stands before the "/" (none for the
    # core group), and an empty version is that of the endpoint the object is sent to.
    group, _, version = api_version.rpartition("/")
    if found is None or group not in found.groups:
        return None
    if found.versions is not None and version and version not in found.versions:
        return None
    return found
