"""The report formats: one registry per kind of report, name -> render function.

The command line offers these names as ``--format`` choices, in this order, and the commands
look the chosen one up here; nothing else lists formats. To add one (say ``checkstyle``):

1. write ``netpoldiff/report/checkstyle.py`` with ``render_diff(report: DiffReport, style:
   Style) -> Iterable[str]`` (and ``render_lint`` if it renders lint reports too). It reads
   only the report it is given, the core and the shared report modules (``labels``,
   ``lines``, ``words``, ``graph``, ``annotations``, ``reports``), never another format: what
   two formats share moves into a shared module (SARIF and GitHub share ``annotations``). A
   format that needs a slow dependency imports it inside the function that uses it, since
   every format is imported with this registry;
2. add its line below, e.g. ``"checkstyle": checkstyle.render_diff``;
3. add its golden files, ``fixtures/*/expected/diff.checkstyle`` (``make update-golden``, then
   review them): the golden test renders every registered format and fails without one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Protocol, TypeVar

from netpoldiff.errors import UsageError
from netpoldiff.report import dot, github, json_report, lint_text, markdown, runbook, sarif, text
from netpoldiff.report.reports import (
    DiffReport,
    ExplainReport,
    LintReport,
    MatrixReport,
    PlanReport,
    Style,
)


class DiffRenderer(Protocol):
    """Renders a diff report: text in pieces (a large JSON document streams)."""

    def __call__(self, report: DiffReport, style: Style, /) -> Iterable[str]:
        """The report's text, in pieces that joined make the whole document."""
        ...


class MatrixRenderer(Protocol):
    """Renders a matrix report: text in pieces (a large JSON document streams)."""

    def __call__(self, report: MatrixReport, style: Style, /) -> Iterable[str]:
        """The report's text, in pieces that joined make the whole document."""
        ...


DIFF_FORMATS: Final[Mapping[str, DiffRenderer]] = {
    "text": text.render_diff,
    "markdown": markdown.render_diff,
    "json": json_report.render_diff,
    "dot": dot.render_diff,
    "sarif": sarif.render_diff,
    "github": github.render_diff,
}
MATRIX_FORMATS: Final[Mapping[str, MatrixRenderer]] = {
    "text": text.render_matrix,
    "json": json_report.render_matrix,
}


class PlanRenderer(Protocol):
    """Renders a rollout plan."""

    def __call__(self, report: PlanReport, style: Style, /) -> Iterable[str]:
        """The report's text, in pieces that joined make the whole document."""
        ...


PLAN_FORMATS: Final[Mapping[str, PlanRenderer]] = {
    "text": runbook.render_text,
    "markdown": runbook.render_markdown,
    "json": json_report.render_plan,
}


class ExplainRenderer(Protocol):
    """Renders why one pair is allowed or denied."""

    def __call__(self, report: ExplainReport, style: Style, /) -> Iterable[str]:
        """The report's text, in pieces that joined make the whole document."""
        ...


EXPLAIN_FORMATS: Final[Mapping[str, ExplainRenderer]] = {
    "text": text.render_explain,
    "json": json_report.render_explain,
}


class LintRenderer(Protocol):
    """Renders the warnings of one source."""

    def __call__(self, report: LintReport, style: Style, /) -> Iterable[str]:
        """The report's text, in pieces that joined make the whole document."""
        ...


LINT_FORMATS: Final[Mapping[str, LintRenderer]] = {
    "text": lint_text.render_lint,
    "json": json_report.render_lint,
    "sarif": sarif.render_lint,
    "github": github.render_lint,
}
# Formats whose lines are GitHub workflow commands on purpose: written as they are (see
# printable.inert_document), where any other report's ``::`` line is made inert.
WORKFLOW_COMMAND_FORMATS: Final = frozenset({"github"})

R = TypeVar("R", DiffRenderer, MatrixRenderer, PlanRenderer, ExplainRenderer, LintRenderer)


def format_named(formats: Mapping[str, R], name: str) -> R:
    """The renderer registered as ``name``.

    The command line offers only these names; a caller of the commands may pass any.
    """
    try:
        return formats[name]
    except KeyError:
        msg = f"unknown report format {name!r} (one of: {', '.join(formats)})"
        raise UsageError(msg) from None
