"""Warnings and opened flows as annotations on lines of files: what SARIF and GitHub show.

An annotation is a result a reviewer sees on a line: a warning at the place it was found,
or a flow a change opens at the rules that open it (flow_origins.py). Its places are paths
from the top of the repository, where code scanning and the Actions runner put them, and
its ``identity`` names it without its line, so that it is known again when lines move.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from netpoldiff import diagnostics
from netpoldiff.diagnostics import CODES, Diagnostic, Severity
from netpoldiff.errors import InputError, Location
from netpoldiff.flow_origins import FlowOrigins
from netpoldiff.model import ExternalEndpoint
from netpoldiff.report.labels import endpoint_label
from netpoldiff.report.reports import DiffReport, LintReport, RepositoryPath
from netpoldiff.report.words import cause_text

OPENED_FLOW: Final = "opened-flow"
# Where the codes are explained. The repository's own address, as the README names it.
README_URL: Final = "https://github.com/OWNER/netpoldiff#readme"
WARNINGS_URL: Final = "https://github.com/OWNER/netpoldiff#warnings"


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of annotation: a warning code of the registry, or ``opened-flow``."""

    id: str
    name: str
    summary: str
    level: Severity


@dataclass(frozen=True, slots=True)
class Annotation:
    """A result on lines of files.

    ``locations`` are where it is, the one to show it at first (none for a warning about no
    file); ``identity`` what it is about, without its line.
    ``introduced`` tells, in a diff, whether the change brings the warning (None elsewhere).
    """

    rule: str
    level: Severity
    message: str
    locations: tuple[Location, ...]
    identity: str
    introduced: bool | None = None


def _rule_name(constant: str) -> str:
    """``SELECTS_NOTHING`` as ``SelectsNothing``: the rule's name, from the registry's."""
    return "".join(part.capitalize() for part in constant.split("_"))


def _registered_names() -> dict[str, str]:
    """Each code's name: the constant it is registered as in diagnostics.py."""
    return {
        value.code: _rule_name(name)
        for name, value in vars(diagnostics).items()
        if isinstance(value, diagnostics.Code) and re.fullmatch(r"[A-Z][A-Z0-9_]*", name)
    }


def rules(*, opened_flows: bool) -> list[Rule]:
    """One rule per code of the registry, in code order; ``opened-flow`` too in a diff."""
    names = _registered_names()
    found = [
        Rule(code.code, names.get(code.code, code.code), code.summary, code.severity)
        for code in sorted(CODES.values(), key=lambda c: c.code)
    ]
    if opened_flows:
        summary = "the change opens a flow: NEW allows connections that OLD does not"
        found.append(Rule(OPENED_FLOW, "OpenedFlow", summary, "warning"))
    return found


def by_place(warnings: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Warnings by file and line (those about no file first), then code and message."""

    def key(warning: Diagnostic) -> tuple[str, int, str, str]:
        where = warning.location
        path = where.path if where is not None else ""
        line = where.line if where is not None and where.line is not None else 0
        return (path, line, warning.code, warning.message)

    return sorted(warnings, key=key)


def _located(location: Location, repository_path: RepositoryPath) -> Location:
    return Location(repository_path(location.path), location.document, location.line)


def _warning(
    warning: Diagnostic, repository_path: RepositoryPath, introduced: bool | None = None
) -> Annotation:
    where = warning.location
    located = (_located(where, repository_path),) if where is not None else ()
    path = located[0].path if located else ""
    return Annotation(
        warning.code,
        warning.severity,
        warning.message,
        located,
        f"{warning.code}\0{path}\0{warning.message}",
        introduced,
    )


def lint_annotations(report: LintReport) -> list[Annotation]:
    """One annotation per warning of the source, by file and line."""
    return [_warning(w, report.repository_path) for w in by_place(report.warnings)]


def diff_annotations(report: DiffReport) -> list[Annotation]:
    """NEW's warnings, each marked whether the change brings it; then each opened flow.

    Flows are read as a reviewer reads them (``DiffReport.view``): a workload's flows that
    only moved with it are no opened flow.
    """
    found = [
        _warning(w, report.repository_path, report.introduced(w)) for w in by_place(report.warnings)
    ]
    found.extend(_opened(report))
    return found


def _opened(report: DiffReport) -> Iterator[Annotation]:
    view, causes = report.view, report.view_causes
    origins = FlowOrigins(view.new, report.changes)
    endpoints = view.endpoints
    for change in view.changes():
        if change.opened.is_empty():
            continue
        src, dst = endpoints[change.src], endpoints[change.dst]
        pair_causes = causes.of_pair(change.src, change.dst)
        places = origins.of_pair(change.src, change.dst, change.opened, pair_causes)
        single = [cause_text(c.object) for c in pair_causes if not c.joint]
        joint = [cause_text(c.object) for c in pair_causes if c.joint]
        why = "; ".join([*single, *(["together: " + " + ".join(joint)] if joint else [])])
        flow = f"{endpoint_label(src)} -> {endpoint_label(dst)}"
        message = f"opened: {flow} on {change.opened}" + (f" (by {why})" if why else "")
        # Into or out of the cluster, or across namespaces: worth a warning; else a note.
        crossing = (
            isinstance(src, ExternalEndpoint)
            or isinstance(dst, ExternalEndpoint)
            or src.namespace != dst.namespace
        )
        yield Annotation(
            OPENED_FLOW,
            "warning" if crossing else "note",
            message,
            tuple(_located(place, report.repository_path) for place in places),
            f"{OPENED_FLOW}\0{flow}\0{change.opened}",
        )


def skipped_input(
    errors: Iterable[InputError], repository_path: RepositoryPath
) -> list[tuple[str, Location]]:
    """Each error of input skipped with --keep-going: its message (and side), and where."""
    return [
        (
            f"in {error.side}: {error.message}" if error.side else error.message,
            _located(error.location, repository_path),
        )
        for error in errors
    ]
