"""``--format github``: GitHub Actions workflow commands, one annotation per line.

Each warning (and, in a diff, each opened flow) is ``::warning file=F,line=L,title=T::M``,
which the runner shows on that line of the pull request. Values are escaped as the runner
unescapes them (actions/toolkit, ``command.ts``): in the message ``%``, CR and LF; in the
properties also ``:`` and ``,``, which would end a property. Nothing from input can start a
command of its own: no line break survives, and every line is ours.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

from netpoldiff.diagnostics import Severity
from netpoldiff.errors import Location
from netpoldiff.report.annotations import (
    Annotation,
    diff_annotations,
    lint_annotations,
    skipped_input,
)
from netpoldiff.report.reports import DiffReport, LintReport, Style

# The runner's commands for each level: ``::notice`` is its note.
COMMANDS: Final[dict[Severity, str]] = {"error": "error", "warning": "warning", "note": "notice"}
_DATA: Final = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY: Final = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})


def escape_data(text: str) -> str:
    """A command's message, escaped: ``%``, CR and LF."""
    return text.translate(_DATA)


def escape_property(text: str) -> str:
    """A command's property value, escaped: ``%``, CR, LF, ``:`` and ``,``."""
    return text.translate(_PROPERTY)


def command(level: Severity, message: str, title: str, location: Location | None) -> str:
    """One workflow command line, ``::warning file=F,line=L,title=T::M`` (with its newline)."""
    properties = []
    if location is not None:
        properties.append(f"file={escape_property(location.path)}")
        if location.line is not None:
            properties.append(f"line={location.line}")
    properties.append(f"title={escape_property(title)}")
    return f"::{COMMANDS[level]} {','.join(properties)}::{escape_data(message)}\n"


def _commands(annotations: Iterable[Annotation]) -> Iterator[str]:
    for annotation in annotations:
        title = annotation.rule
        if annotation.introduced:
            title = f"{title} (introduced)"
        where = annotation.locations[0] if annotation.locations else None
        yield command(annotation.level, annotation.message, title, where)


def render_lint(
    report: LintReport,
    style: Style,  # noqa: ARG001 - commands for the runner
) -> Iterator[str]:
    """One command per warning; one ``::error`` per input skipped with --keep-going."""
    yield from _commands(lint_annotations(report))
    for message, location in skipped_input(report.errors, report.repository_path):
        yield command("error", message, "skipped", location)


def render_diff(
    report: DiffReport,
    style: Style,  # noqa: ARG001 - commands for the runner
) -> Iterator[str]:
    """NEW's warnings, then each opened flow at the first rule that opens it.

    A warning the change brings says so in its title; input skipped with --keep-going is
    one ``::error`` each.
    """
    yield from _commands(diff_annotations(report))
    for message, location in skipped_input(report.errors, report.repository_path):
        yield command("error", message, "skipped", location)
