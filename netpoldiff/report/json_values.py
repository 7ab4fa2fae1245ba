"""The values of the JSON contract that every document shares.

Endpoints, connections, warnings, errors, findings, and the reading's problems of a diff.
Each JSON document (``json_report``) is built from these, so a value reads the same in every
document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError
from netpoldiff.findings import Finding
from netpoldiff.model import Endpoint, ObjectRef, WorkloadEndpoint
from netpoldiff.ports import ALL_PORTS, ConnectionSet
from netpoldiff.report.reports import DiffReport
from netpoldiff.report.words import finding_text
from netpoldiff.suppression import NOTHING_SUPPRESSED, Suppressed
from netpoldiff.unevaluated import Unevaluated

SCHEMA_VERSION: Final = 1

JsonObject = dict[str, Any]


def endpoint_json(endpoint: Endpoint) -> JsonObject:
    """``{"type": "workload", ...}`` or ``{"type": "external", "cidrs": [...]}``."""
    if isinstance(endpoint, WorkloadEndpoint):
        return {
            "type": "workload",
            "namespace": endpoint.namespace,
            "kind": endpoint.kind,
            "name": endpoint.name,
        }
    return {"type": "external", "cidrs": endpoint.addresses.to_cidrs()}


def connections_json(connections: ConnectionSet) -> str | list[JsonObject]:
    """``"all"``, or one entry per protocol in TCP, UDP, SCTP order."""
    if connections.is_all():
        return "all"
    return [
        {
            "protocol": protocol.value,
            "ports": "all" if ports == ALL_PORTS else [[lo, hi] for lo, hi in ports],
        }
        for protocol, ports in connections.items()
    ]


def warning_json(warning: Diagnostic) -> JsonObject:
    """One entry of ``warnings``: code, message, and file/line when known."""
    entry: JsonObject = {"code": warning.code, "message": warning.message}
    if warning.location is not None:
        entry["file"] = warning.location.path
        if warning.location.line is not None:
            entry["line"] = warning.location.line
    return entry


def dump(value: object) -> str:
    """A value as compact JSON, non-ASCII kept as is."""
    return json.dumps(value, ensure_ascii=False)


def problems(
    warnings: Iterable[Diagnostic],
    errors: Sequence[InputError],
    suppressed: Suppressed = NOTHING_SUPPRESSED,
) -> JsonObject:
    """The reading's problems of one source: incomplete, its errors, its warnings.

    ``suppressed`` counts the warnings that annotations, ``ignore`` or --ignore hid.
    """
    return {
        "incomplete": bool(errors),
        "errors": [str(error) for error in errors],
        "warnings": [warning_json(w) for w in warnings],
        "suppressed": suppressed.count,
    }


def diff_problems(report: DiffReport, *, findings: bool = True) -> JsonObject:
    """The reading's problems of a diff: each error and warning with its side.

    ``suppressed`` counts NEW's warnings that annotations, ``ignore`` or --ignore hid.

    With ``findings``, also the risks the change brings (a plan leaves them to the diff).
    """
    warnings = []
    for warning in report.warnings:
        entry = warning_json(warning)
        entry["side"] = "new"
        entry["introduced"] = report.introduced(warning)
        warnings.append(entry)
    details = []
    for error, side in zip(report.errors, report.error_sides, strict=True):
        detail: JsonObject = {"side": side, "file": error.location.path}
        if error.location.document is not None:
            detail["document"] = error.location.document
        if error.location.line is not None:
            detail["line"] = error.location.line
        detail["message"] = error.message
        details.append(detail)
    problems: JsonObject = {
        "incomplete": report.incomplete,
        "errors": [str(error) for error in report.errors],
        "error_details": details,
        "warnings": warnings,
        "suppressed": report.suppressed.count,
        "unevaluated": [unevaluated_json(entry) for entry in report.unevaluated],
        "nothing_read": list(report.nothing_read),
    }
    if findings:
        problems["findings"] = [finding_json(finding) for finding in report.findings]
    return problems


def ref_json(ref: ObjectRef) -> JsonObject:
    """A REF of the contract: ``{"kind": K, "namespace": NS|null, "name": N}``."""
    return {"kind": ref.kind, "namespace": ref.namespace, "name": ref.name}


def finding_json(finding: Finding) -> JsonObject:
    """One entry of ``findings``: kind, message, flows and the objects behind it."""
    return {
        "kind": finding.kind,
        "message": finding_text(finding),
        "flows": finding.flows,
        "objects": [ref_json(ref) for ref in finding.objects],
    }


def unevaluated_json(entry: Unevaluated) -> JsonObject:
    """One entry of ``unevaluated``: the object, how it changed, why, and where."""
    found: JsonObject = {
        "kind": entry.kind,
        "namespace": entry.namespace,
        "name": entry.name,
        "change": entry.change,
        "reason": entry.reason,
    }
    if entry.origin is not None:
        found["file"] = entry.origin.path
        if entry.origin.line is not None:
            found["line"] = entry.origin.line
    return found
