"""``--format sarif``: SARIF 2.1.0, the log code scanning reads, for ``lint`` and ``diff``.

One run of the tool ``netpoldiff``: a rule per warning code of the registry (and
``opened-flow`` in a diff), a result per annotation (report/annotations.py) at its file and
line, and the input skipped with --keep-going as notifications of the invocation. Each result
carries a fingerprint of what it is about, not of its line, so code scanning follows it from
commit to commit while the lines around it move.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import Final
from urllib.parse import quote

from netpoldiff import __version__
from netpoldiff.errors import InputError, Location
from netpoldiff.report.annotations import (
    OPENED_FLOW,
    README_URL,
    WARNINGS_URL,
    Annotation,
    Rule,
    diff_annotations,
    lint_annotations,
    rules,
    skipped_input,
)
from netpoldiff.report.json_values import JsonObject
from netpoldiff.report.reports import DiffReport, LintReport, RepositoryPath, Style

SARIF_VERSION: Final = "2.1.0"
# The schema's own identifier (OASIS SARIF 2.1.0 with errata 01).
SARIF_SCHEMA: Final = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT: Final = "netpoldiff/v1"
# Code scanning keeps the first 10 locations of a result.
MAX_LOCATIONS: Final = 10


def render_lint(
    report: LintReport,
    style: Style,  # noqa: ARG001 - a document for machines
) -> Iterator[str]:
    """The SARIF log of ``lint``: one result per warning of the source."""
    run = _run(
        rules(opened_flows=False),
        lint_annotations(report),
        _skipped(report.errors, report.repository_path),
        {"source": report.source},
    )
    yield _document(run)


def render_diff(
    report: DiffReport,
    style: Style,  # noqa: ARG001 - a document for machines
) -> Iterator[str]:
    """The SARIF log of a diff.

    NEW's warnings (marked when the change brings them), and every flow it opens, at the
    rules that open it.
    """
    run = _run(
        rules(opened_flows=True),
        diff_annotations(report),
        _skipped(report.errors, report.repository_path),
        {"old": report.old_source, "new": report.new_source},
    )
    yield _document(run)


def _document(run: JsonObject) -> str:
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=1) + "\n"


def _run(
    known: list[Rule],
    annotations: list[Annotation],
    skipped: list[JsonObject],
    about: JsonObject,
) -> JsonObject:
    index = {rule.id: position for position, rule in enumerate(known)}
    invocation: JsonObject = {"executionSuccessful": True}
    if skipped:
        invocation["toolExecutionNotifications"] = skipped
    return {
        "tool": {
            "driver": {
                "name": "netpoldiff",
                "version": __version__,
                "informationUri": README_URL,
                "rules": [_rule(rule) for rule in known],
            }
        },
        "invocations": [invocation],
        "results": list(_results(annotations, index)),
        "properties": about,
    }


def _rule(rule: Rule) -> JsonObject:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "helpUri": README_URL if rule.id == OPENED_FLOW else WARNINGS_URL,
        "defaultConfiguration": {"level": rule.level},
    }


def _results(annotations: Iterable[Annotation], index: dict[str, int]) -> Iterator[JsonObject]:
    seen: Counter[str] = Counter()
    for annotation in annotations:
        digest = hashlib.sha256(annotation.identity.encode("utf-8", "surrogatepass")).hexdigest()
        # Two results about the same thing (the same warning twice in a file) stay apart.
        seen[digest] += 1
        result: JsonObject = {
            "ruleId": annotation.rule,
            "ruleIndex": index[annotation.rule],
            "level": annotation.level,
            "message": {"text": annotation.message},
        }
        if annotation.locations:
            result["locations"] = [_location(loc) for loc in annotation.locations[:MAX_LOCATIONS]]
        result["partialFingerprints"] = {FINGERPRINT: f"{digest}:{seen[digest]}"}
        if annotation.introduced is not None:
            result["baselineState"] = "new" if annotation.introduced else "unchanged"
            result["properties"] = {"introduced": annotation.introduced}
        yield result


def artifact_uri(path: str) -> str:
    """A path from the top of the repository as a URI reference: forward slashes, encoded.

    A path outside any repository (an absolute one) is a ``file:`` URI.
    """
    if PurePosixPath(path).is_absolute():
        return "file://" + quote(path, safe="/")
    return quote(path, safe="/")


def _location(location: Location) -> JsonObject:
    physical: JsonObject = {"artifactLocation": {"uri": artifact_uri(location.path)}}
    if location.line is not None:
        physical["region"] = {"startLine": location.line}
    return {"physicalLocation": physical}


def _skipped(errors: Iterable[InputError], repository_path: RepositoryPath) -> list[JsonObject]:
    return [
        {"level": "error", "message": {"text": message}, "locations": [_location(location)]}
        for message, location in skipped_input(errors, repository_path)
    ]
