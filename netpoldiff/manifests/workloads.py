"""Workload and Namespace manifests to model objects: pod template labels and named ports."""

from __future__ import annotations

from collections.abc import Iterable

from netpoldiff.diagnostics import HOST_NETWORK, Diagnostic
from netpoldiff.manifests.fields import Fields
from netpoldiff.manifests.policies import port_name_problem, protocol
from netpoldiff.model import (
    NAMESPACE_NAME_LABEL,
    ContainerPort,
    Namespace,
    Workload,
    label_pairs,
)
from netpoldiff.ports import MAX_PORT, MIN_PORT


def _template(fields: Fields, path: tuple[str, ...]) -> Fields:
    template = fields
    for key in path:
        nested = template.mapping(key)
        if nested is None:
            raise template.error(key, "is required: it holds the pod template")
        template = nested
    return template


def container_ports(container: Fields) -> list[ContainerPort]:
    """The ports a container declares, validated as the API server does."""
    ports = []
    names: set[str] = set()
    for port in container.mappings("ports") or ():
        number = port.integer("containerPort")
        if number is None:
            raise port.error("containerPort", "is required")
        if not MIN_PORT <= number <= MAX_PORT:
            raise port.error("containerPort", f"{number} is not between {MIN_PORT} and {MAX_PORT}")
        port_protocol = protocol(port, empty_means_tcp=True)
        name = port.string("name")
        if name is not None:
            problem = port_name_problem(name)
            if problem:
                raise port.error("name", problem)
            if name in names:
                # Unique within one container (two containers of a pod may share a name).
                raise port.error(
                    "name", f"duplicate value {name!r}: a container names each port once"
                )
            names.add(name)
        ports.append(ContainerPort(number, port_protocol, name))
    return ports


def _pod_ports(pod_spec: Fields) -> tuple[ContainerPort, ...]:
    ports = []
    for container in pod_spec.mappings("containers") or ():
        ports.extend(container_ports(container))
    for container in pod_spec.mappings("initContainers") or ():
        # Native sidecars (init containers with restartPolicy Always) keep running beside the
        # app containers, and their named ports resolve like any other container's.
        if container.string("restartPolicy") == "Always":
            ports.extend(container_ports(container))
    return canonical_ports(ports)


def canonical_ports(ports: Iterable[ContainerPort]) -> tuple[ContainerPort, ...]:
    """Ports without repeats, in the order a workload stores them."""
    return tuple(sorted(set(ports), key=lambda p: (p.number, p.protocol, p.name or "")))


def workload(
    fields: Fields,
    kind: tuple[str, tuple[str, ...]],
    name: str,
    namespace: str,
    warnings: list[Diagnostic],
) -> Workload | None:
    """A workload from its manifest, or None for hostNetwork pods (policies do not govern them).

    ``kind`` is the kind's name and the path of its pod template (``()``: the object is the pod).
    """
    kind_name, path = kind
    template = _template(fields, path)
    metadata = template.mapping("metadata")
    labels = metadata.labels("labels") if metadata is not None else {}
    pod_spec = template.mapping("spec")
    if pod_spec is None:
        raise template.error("spec", "is required: it holds the pod's containers")
    if pod_spec.boolean("hostNetwork"):
        where = pod_spec.where("hostNetwork")
        warnings.append(HOST_NETWORK.at(where, workload=f"{namespace}/{name}[{kind_name}]"))
        return None
    return Workload(
        namespace=namespace,
        kind=kind_name,
        name=name,
        labels=label_pairs(labels),
        ports=_pod_ports(pod_spec),
        origin=fields.where(),
    )


def namespace(fields: Fields, name: str) -> Namespace:
    """A Namespace; the API server always sets ``kubernetes.io/metadata.name`` to its name."""
    metadata = fields.mapping("metadata")
    labels = metadata.labels("labels") if metadata is not None else {}
    labels[NAMESPACE_NAME_LABEL] = name
    return Namespace(name, label_pairs(labels), origin=fields.where())
