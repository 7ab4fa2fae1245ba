"""``--format json``: the documents of the machine-readable contract (schema_version 1)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from netpoldiff.bitsets import iter_bits
from netpoldiff.causes import Cause, Causes
from netpoldiff.columns import Column
from netpoldiff.diff import MatrixDiff
from netpoldiff.explain import Decision, DirectionVerdict
from netpoldiff.model import Endpoint
from netpoldiff.object_edits import ObjectChange
from netpoldiff.plan_steps import intermediate_manifest
from netpoldiff.ports import ConnectionSet
from netpoldiff.report.annotations import by_place
from netpoldiff.report.json_values import (
    SCHEMA_VERSION,
    JsonObject,
    connections_json,
    diff_problems,
    dump,
    endpoint_json,
    problems,
    ref_json,
    warning_json,
)
from netpoldiff.report.reports import (
    DiffReport,
    ExplainReport,
    LintReport,
    MatrixReport,
    PlanReport,
    Style,
)


def render_matrix(
    report: MatrixReport,
    style: Style,  # noqa: ARG001 - a document for machines
) -> Iterator[str]:
    """The ``matrix --format json`` document, in pieces, so a large matrix streams."""
    matrix = report.matrix
    endpoints = matrix.endpoints
    encoded = [dump(endpoint_json(e)) for e in endpoints]
    head: JsonObject = {"schema_version": SCHEMA_VERSION, "source": report.source}
    yield dump(head)[:-1]
    yield ',\n "endpoints": ['
    yield ",\n  ".join(encoded[i] for i in range(len(endpoints)) if matrix.present >> i & 1)
    yield '],\n "flows": ['
    connection_text: dict[ConnectionSet, str] = {}
    separator = "\n  "
    for dst, column in enumerate(matrix.columns):
        if not column:
            continue
        for connections in column:
            if connections not in connection_text:
                connection_text[connections] = dump(connections_json(connections))
        # One piece per destination: a large matrix is millions of flows.
        tail = f', "dst": {encoded[dst]}, "connections": '
        yield separator + ",\n  ".join(
            f'{{"src": {encoded[src]}{tail}{connection_text[connections]}}}'
            for src, connections in matrix.sources_of(dst)
        )
        separator = ",\n  "
    yield "],\n " + dump(problems(report.warnings, report.errors, report.suppressed))[1:] + "\n"


def cause_json(cause: Cause) -> JsonObject:
    """One CAUSE of the contract: the object, how it changed, and whether only jointly."""
    ref = cause.object.ref
    found: JsonObject = {
        "namespace": ref.namespace,
        "name": ref.name,
        "kind": ref.kind,
        "change": cause.object.change,
    }
    if cause.object.fields:
        found["fields"] = list(cause.object.fields)
    if cause.joint:
        found["joint"] = True
    return found


class _EndpointTexts(dict[int, str]):
    """Each endpoint's JSON text by position, encoded when first asked for.

    A diff names a few of a large cluster's endpoints: encoding every one of them took longer
    than the rest of the document.
    """

    def __init__(self, endpoints: Sequence[Endpoint]) -> None:
        super().__init__()
        self._endpoints = endpoints

    def __missing__(self, position: int) -> str:
        text = self[position] = dump(endpoint_json(self._endpoints[position]))
        return text


def _flow_entries(
    diff: MatrixDiff,
    causes: Causes,
    encoded: Mapping[int, str],
    opened: bool,
) -> Iterator[str]:
    connection_text: dict[ConnectionSet, str] = {}
    # Sources of a destination share their causes class by class: each class encoded once.
    causes_text: dict[int, str] = {}
    first = True
    for change in diff.changes():
        connections = change.opened if opened else change.closed
        if not connections:
            continue
        text = connection_text.get(connections)
        if text is None:
            text = connection_text[connections] = dump(connections_json(connections))
        found = causes.of_pair(change.src, change.dst)
        cause_text = causes_text.get(id(found))
        if cause_text is None:
            cause_text = causes_text[id(found)] = dump([cause_json(c) for c in found])
        yield ("\n  " if first else ",\n  ") + (
            f'{{"src": {encoded[change.src]}, "dst": {encoded[change.dst]}, '
            f'"connections": {text}, "causes": {cause_text}}}'
        )
        first = False


def object_json(entry: ObjectChange) -> JsonObject:
    """One entry of ``objects``: the object, how it changed, its former name, its edits."""
    found: JsonObject = {
        "kind": entry.ref.kind,
        "namespace": entry.ref.namespace,
        "name": entry.ref.name,
        "change": entry.change,
    }
    if entry.renamed_from is not None:
        found["renamed_from"] = {
            "namespace": entry.renamed_from.namespace,
            "name": entry.renamed_from.name,
        }
    found["edits"] = list(entry.edits)
    return found


def _object_entries(objects: Iterable[ObjectChange]) -> Iterator[str]:
    # One piece per object: a change may add or remove thousands of workloads.
    separator = "\n  "
    for entry in objects:
        yield separator + dump(object_json(entry))
        separator = ",\n  "


def render_diff(
    report: DiffReport,
    style: Style,  # noqa: ARG001 - a document for machines
) -> Iterator[str]:
    """The ``diff --format json`` document, in pieces, so a large diff streams."""
    diff = report.diff
    encoded = _EndpointTexts(diff.endpoints)
    head: JsonObject = {
        "schema_version": SCHEMA_VERSION,
        "old": report.old_source,
        "new": report.new_source,
    }
    yield dump(head)[:-1]
    yield ',\n "added_endpoints": ['
    yield ", ".join(dump(endpoint_json(e)) for e in diff.added_endpoints())
    yield '],\n "removed_endpoints": ['
    yield ", ".join(dump(endpoint_json(e)) for e in diff.removed_endpoints())
    yield '],\n "opened": ['
    yield from _flow_entries(diff, report.causes, encoded, opened=True)
    yield '],\n "closed": ['
    yield from _flow_entries(diff, report.causes, encoded, opened=False)
    summary = {"opened": diff.opened_count(), "closed": diff.closed_count()}
    yield f'],\n "summary": {dump(summary)},\n "objects": ['
    yield from _object_entries(report.objects)
    yield "],\n " + dump(diff_problems(report))[1:] + "\n"


def _columns_flows(columns: Sequence[Column], encoded: list[JsonObject]) -> list[JsonObject]:
    """FLOW objects (src, dst, connections) of per-destination columns, by destination."""
    flows: list[JsonObject] = []
    for dst, column in enumerate(columns):
        pairs = sorted((src, c) for c, sources in column.items() for src in iter_bits(sources))
        flows.extend(
            {"src": encoded[src], "dst": encoded[dst], "connections": connections_json(c)}
            for src, c in pairs
        )
    return flows


def render_plan(
    report: PlanReport,
    style: Style,  # noqa: ARG001 - a document for machines
) -> Iterator[str]:
    """The ``plan --format json`` document."""
    plan = report.plan
    endpoints = [endpoint_json(e) for e in plan.states[0].endpoints]
    exposed, cut = plan.transient()
    document: JsonObject = {
        "schema_version": SCHEMA_VERSION,
        "old": report.old_source,
        "new": report.new_source,
        "steps": [
            {
                "action": step.action,
                "kind": step.ref.kind,
                "namespace": step.ref.namespace,
                "name": step.ref.name,
                # A split policy's first step applies this, not NEW's version.
                **({"intermediate": intermediate_manifest(step)} if step.intermediate else {}),
            }
            for step in plan.steps
        ],
        "transient": {
            "opened": _columns_flows(exposed, endpoints),
            "closed": _columns_flows(cut, endpoints),
        },
        "safe": plan.safe,
        "exact": plan.exact,
        **diff_problems(report.compared, findings=False),
    }
    yield dump(document) + "\n"


def decision_json(decision: Decision) -> JsonObject:
    """One DECISION of ``explain``: the object, its rule and action, what it allows, where."""
    origin = decision.origin
    return {
        **ref_json(decision.policy),
        "tier": decision.tier,
        "rule": decision.rule,
        "action": decision.action,
        "connections": connections_json(decision.connections),
        "file": origin.path if origin is not None else None,
        "line": origin.line if origin is not None else None,
    }


def _direction_json(verdict: DirectionVerdict) -> str:
    # One decision a line: a reader of the raw document sees each rule whole.
    decisions = ",\n   ".join(dump(decision_json(d)) for d in verdict.decided_by)
    shown = f"\n   {decisions}" if decisions else ""
    return f'{{"isolated": {dump(verdict.isolated)}, "decided_by": [{shown}]}}'


def render_explain(
    report: ExplainReport,
    style: Style,  # noqa: ARG001 - a document for machines
) -> Iterator[str]:
    """The ``explain --format json`` document: one key a line, one decision a line."""
    explanation = report.explanation
    port = explanation.port
    head: JsonObject = {
        "schema_version": SCHEMA_VERSION,
        "source": report.source,
        "from": endpoint_json(explanation.source),
        "to": endpoint_json(explanation.destination),
        "port": None if port is None else {"protocol": port[0].value, "port": port[1]},
        "allowed": connections_json(explanation.allowed),
    }
    lines = [f"{dump(key)}: {dump(value)}" for key, value in head.items()]
    lines += [f'"egress": {_direction_json(explanation.egress)}']
    lines += [f'"ingress": {_direction_json(explanation.ingress)}']
    reading = dump(problems(report.warnings, report.errors, report.suppressed))[1:]
    yield "{" + ",\n ".join(lines) + ",\n " + reading + "\n"


def render_lint(
    report: LintReport,
    style: Style,  # noqa: ARG001 - a document for machines
) -> Iterator[str]:
    """The ``lint --format json`` document: every warning, by file and line, with severity."""
    head: JsonObject = {"schema_version": SCHEMA_VERSION, "source": report.source}
    yield dump(head)[:-1] + ',\n "warnings": ['
    yield ",".join(
        "\n  " + dump({**warning_json(warning), "severity": warning.severity})
        for warning in by_place(report.warnings)
    )
    tail: JsonObject = {
        "incomplete": bool(report.errors),
        "errors": [str(error) for error in report.errors],
        "suppressed": report.suppressed.count,
    }
    yield "],\n " + dump(tail)[1:] + "\n"
