"""Reports built from clusters through the core (evaluate, diff), shared by the report tests.

Nothing here reads a manifest or runs the command line: a test states two clusters with the
builders, and reads what a format makes of their diff.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.diagnostics import Diagnostic
from netpoldiff.diff import diff_matrices
from netpoldiff.errors import InputError
from netpoldiff.evaluate import evaluate, evaluate_pair
from netpoldiff.explain import Port, explain
from netpoldiff.model import Endpoint
from netpoldiff.report.reports import (
    DiffHeader,
    DiffReport,
    ExplainReport,
    LintReport,
    MatrixReport,
    Style,
)

R = TypeVar("R", DiffReport, MatrixReport, ExplainReport, LintReport)


def diff_report(
    old: Cluster,
    new: Cluster,
    *,
    warnings: tuple[Diagnostic, ...] = (),
    errors: tuple[InputError, ...] = (),
) -> DiffReport:
    """The report of the diff from ``old`` to ``new``, as the diff command builds it."""
    diff = diff_matrices(*evaluate_pair(old, new))
    return DiffReport(
        "OLD",
        "NEW",
        DiffHeader("old-rev", "new-rev"),
        diff,
        ChangeSet.between(old, new),
        warnings=warnings,
        errors=errors,
    )


def matrix_report(
    source: Cluster,
    *,
    warnings: tuple[Diagnostic, ...] = (),
    errors: tuple[InputError, ...] = (),
) -> MatrixReport:
    """The report of one cluster's matrix, as the matrix command builds it."""
    return MatrixReport("SRC", evaluate(source), warnings=warnings, errors=errors)


def explain_report(
    source: Cluster,
    src: Endpoint,
    dst: Endpoint,
    port: Port | None = None,
    *,
    warnings: tuple[Diagnostic, ...] = (),
    errors: tuple[InputError, ...] = (),
) -> ExplainReport:
    """The report of why ``src`` may or may not reach ``dst``, as the explain command builds it."""
    explanation = explain(evaluate(source), source, src, dst, port)
    return ExplainReport("SRC", explanation, warnings=warnings, errors=errors)


def rendered(render: Callable[[R, Style], Iterable[str]], report: R, *, color: bool = False) -> str:
    """A format's whole document: its pieces joined."""
    return "".join(render(report, Style(color=color)))
