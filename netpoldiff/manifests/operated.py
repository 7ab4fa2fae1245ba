"""Workloads of operators' resources: the labels and ports their recipe (operators.py) gives."""

from __future__ import annotations

import re
from typing import Final

from netpoldiff.diagnostics import HOST_NETWORK, Diagnostic
from netpoldiff.manifests.fields import Fields, label_value_problem
from netpoldiff.manifests.workloads import canonical_ports, container_ports
from netpoldiff.model import ContainerPort, Workload, label_pairs
from netpoldiff.operators import (
    FixedLabel,
    FixedPort,
    LabelsFrom,
    OperatedPods,
    Path,
    When,
)
from netpoldiff.ports import Protocol

_ABSENT: Final = object()
# What blang/semver's ParseTolerant accepts without pre-release or build: "v2.45", "2.45.0".
_VERSION: Final = re.compile(r"\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*")


def _value(fields: Fields, path: Path) -> object:
    """The value at ``path`` (None when it or a mapping on the way is left out or null)."""
    value: object = fields.data
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _holds(fields: Fields, conditions: tuple[When, ...]) -> bool:
    for when in conditions:
        value = _value(fields, when.path)
        found = any(type(value) is type(v) and value == v for v in when.values)
        if found == when.negate:
            return False
    return True


def _nested(fields: Fields, path: Path) -> tuple[Fields, str] | None:
    """The mapping that holds the last key of ``path``, and that key (None when not there)."""
    *parents, last = path
    for key in parents:
        nested = fields.mapping(key)
        if nested is None:
            return None
        fields = nested
    return fields, last


def _version(fields: Fields, path: Path) -> str | None:
    """The version at ``path`` as the operator prints it (``v2.45`` is ``2.45.0``)."""
    found = _nested(fields, path)
    text = found[0].string(found[1]) if found is not None else None
    match = _VERSION.fullmatch(text) if text else None
    if match is None:
        return None  # none written, or one the operator would refuse: no pods, no label
    return ".".join(str(int(part or "0")) for part in match.groups())


def _labels(fields: Fields, pods: OperatedPods, name: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for label in pods.labels:
        if isinstance(label, LabelsFrom):
            found = _nested(fields, label.path)
            if found is not None:
                labels.update(found[0].labels(found[1]))
        elif isinstance(label, FixedLabel):
            if _holds(fields, label.when):
                value = label.value.replace("{name}", name)
                problem = label_value_problem(value)
                if problem:
                    raise fields.error("metadata", f"label {label.key}={value}: {problem}")
                labels[label.key] = value
        else:
            version = _version(fields, label.path)
            if version is not None:
                labels[label.key] = version
    return labels


def _fixed_port(fields: Fields, port: FixedPort) -> ContainerPort:
    name = port.name
    if port.name_from is not None:
        found = _nested(fields, port.name_from)
        written = found[0].string(found[1]) if found is not None else None
        name = written or name  # empty means the default, as the operator reads it
    return ContainerPort(port.number, Protocol(port.protocol), name)


def _ports(fields: Fields, pods: OperatedPods) -> tuple[ContainerPort, ...]:
    own: dict[tuple[str, int, Protocol], ContainerPort] = {}
    for port in pods.ports:
        if _holds(fields, port.when):
            made = _fixed_port(fields, port)
            own[port.container, made.number, made.protocol] = made
    added: list[ContainerPort] = []
    for path, sidecars_only in ((pods.containers, False), (pods.init_containers, True)):
        found = _nested(fields, path) if path is not None else None
        for container in (found[0].mappings(found[1]) if found else None) or ():
            if sidecars_only and container.string("restartPolicy") != "Always":
                continue  # an init container that ends before the pod serves
            container_name = container.string("name") or ""
            for written in container_ports(container):
                # Merged by name into the operator's container of that name: a port written
                # again there is the user's.
                own.pop((container_name, written.number, written.protocol), None)
                added.append(written)
    return canonical_ports([*own.values(), *added])


def operated_workload(
    fields: Fields,
    kind: tuple[str, OperatedPods],
    name: str,
    namespace: str,
    warnings: list[Diagnostic],
) -> Workload | None:
    """The workload of an operator's resource, or None when its pods use the node's network."""
    kind_name, pods = kind
    if pods.host_network is not None:
        found = _nested(fields, pods.host_network)
        if found is not None and found[0].boolean(found[1]):
            where = found[0].where(found[1])
            warnings.append(HOST_NETWORK.at(where, workload=f"{namespace}/{name}[{kind_name}]"))
            return None
    return Workload(
        namespace=namespace,
        kind=kind_name,
        name=name,
        labels=label_pairs(_labels(fields, pods, name)),
        ports=_ports(fields, pods),
        origin=fields.where(),
    )
