"""Kinds the user declares on the command line (``--workload-kind SPEC``), parsed and checked.

``Kind.group=path.to.template`` says where objects of that kind keep their pod template;
``Kind.group:labels=k=v,k2={name};ports=web:8080/TCP,9094/UDP`` gives the labels and ports an
in-house operator gives the pods of each object (``{name}``: the object's name).
"""

from __future__ import annotations

import hashlib
import re
from typing import Final, NoReturn

from netpoldiff.errors import UsageError
from netpoldiff.kinds import NAMESPACE, NETWORK_POLICY, Declared, Kind
from netpoldiff.operators import FixedLabel, FixedPort, OperatedPods
from netpoldiff.ports import MAX_PORT, MIN_PORT, Protocol

# A kind is a Go type name; a group a DNS subdomain (apiextensions' CRD validation).
_KIND: Final = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_GROUP: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_KEY: Final = re.compile(r"[^.\s]+")
_PORT: Final = re.compile(r"(?:([^:/]+):)?([0-9]+)(?:/([A-Za-z]+))?")
_SYNTAX: Final = (
    "Kind.group=path.to.template or Kind.group:labels=k=v,...[;ports=[name:]N[/UDP],...]"
)


def parse_workload_kind(spec: str) -> Kind:
    """The kind a ``--workload-kind`` SPEC declares; raises UsageError saying what is wrong."""
    head, template_sign, rest = spec.partition("=")
    colon = spec.find(":")
    if colon >= 0 and (not template_sign or colon < len(head)):
        return _operated(spec[:colon], spec[colon + 1 :], spec)
    if not template_sign:
        _fail(spec, f"expected {_SYNTAX}")
    name, groups = _kind_and_group(head, spec)
    keys = tuple(rest.split("."))
    if not all(_KEY.fullmatch(key) for key in keys):
        _fail(spec, f"{rest!r} is not a dotted path of field names (spec.template)")
    return Kind(name, groups, pod_template=keys)


def _fail(spec: str, problem: str) -> NoReturn:
    msg = f"--workload-kind {spec!r}: {problem}"
    raise UsageError(msg)


def _kind_and_group(text: str, spec: str) -> tuple[str, frozenset[str]]:
    name, dot, group = text.partition(".")
    if not dot or not _KIND.fullmatch(name) or not _GROUP.fullmatch(group):
        msg = f"{text!r} is not Kind.group (a kind, a dot, an API group: Rollout.argoproj.io)"
        _fail(spec, msg)
    if name in {NAMESPACE, NETWORK_POLICY}:
        _fail(spec, f"{name} objects run no pods")
    return name, frozenset({group})


def _operated(head: str, body: str, spec: str) -> Kind:
    name, groups = _kind_and_group(head, spec)
    parts: dict[str, str] = {}
    for part in body.split(";"):
        key, sign, value = part.partition("=")
        if not sign or key not in {"labels", "ports"} or key in parts:
            _fail(spec, f"{part!r}: expected labels=k=v,... then optionally ;ports=...")
        parts[key] = value
    if "labels" not in parts:
        _fail(spec, "labels=k=v,... is required after ':'")
    labels = tuple(_label(item, spec) for item in parts["labels"].split(","))
    ports_text = parts.get("ports", "")
    ports = tuple(_port(item, spec) for item in ports_text.split(",")) if ports_text else ()
    return Kind(name, groups, operated=OperatedPods(labels=labels, ports=ports))


def _label(item: str, spec: str) -> FixedLabel:
    key, sign, value = item.partition("=")
    if not sign:
        _fail(spec, f"label {item!r}: expected key=value")
    # Imported here, as in _port: a run that declares no kind reads no manifest syntax.
    from netpoldiff.manifests.fields import label_key_problem, label_value_problem  # noqa: PLC0415

    problem = label_key_problem(key) or label_value_problem(value.replace("{name}", "x"))
    if problem:
        _fail(spec, problem)
    return FixedLabel(key, value)


def _port(item: str, spec: str) -> FixedPort:
    match = _PORT.fullmatch(item)
    if match is None:
        _fail(spec, f"port {item!r}: expected [name:]number[/protocol], e.g. web:8080/TCP")
    name, number_text, protocol = match.groups()
    number = int(number_text)
    if not MIN_PORT <= number <= MAX_PORT:
        _fail(spec, f"port {number} is not between {MIN_PORT} and {MAX_PORT}")
    protocol = protocol or "TCP"
    if protocol not in Protocol.__members__:
        _fail(spec, f"port {item!r}: the protocol must be TCP, UDP or SCTP")
    from netpoldiff.manifests.policies import port_name_problem  # noqa: PLC0415

    problem = port_name_problem(name) if name is not None else None
    if problem:
        _fail(spec, problem)
    return FixedPort("", number, protocol, name)


def fingerprint(declared: Declared) -> str:
    """A stable digest of declared kinds: conversions made under others are other answers."""
    if not declared:
        return ""
    text = "\n".join(
        f"{kind.name}\0{sorted(kind.groups)}\0{kind.pod_template!r}\0{kind.operated!r}"
        for kind in declared
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]
