"""``netpoldiff lint SOURCE``: every warning about one source, with its file and line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from netpoldiff.commands.matrix import MatrixFailOn, evaluate_source
from netpoldiff.commands.shared import Report, Settings, fails, repository_paths
from netpoldiff.report.formats import LINT_FORMATS, WORKFLOW_COMMAND_FORMATS, format_named
from netpoldiff.report.reports import LintReport, Style
from netpoldiff.sources import Source, Workspace


def lint_command(
    source: Source,
    paths: Sequence[str] = (),
    *,
    workspace: Workspace | None = None,
    output_format: str = "text",
    settings: Settings | None = None,
    fail_on: Sequence[MatrixFailOn] = (),
) -> Report:
    """``netpoldiff lint SOURCE``: the warnings ``matrix`` would give, and nothing else.

    SOURCE is read as ``matrix`` reads it (its configuration, --namespace, --keep-going, the
    PATHs); exit status 1 with --fail-on warnings (or the configuration's ``fail_on``) when
    there is any warning, or input was skipped.
    """
    settings = settings or Settings()
    render = format_named(LINT_FORMATS, output_format)
    workspace = workspace or settings.workspace()
    evaluated = evaluate_source(source, paths, workspace, settings)
    conditions = evaluated.configured.fail_on(fail_on, get_args(MatrixFailOn))
    errors, warnings = evaluated.loaded.errors, evaluated.warnings
    report = LintReport(
        str(source),
        warnings,
        errors,
        repository_path=repository_paths(workspace, source),
        suppressed=evaluated.suppressed,
    )
    failed = fails(conditions, errors=errors, warnings=warnings)
    settings.progress.reporting()
    return Report(
        render(report, Style()),
        1 if failed else 0,
        fail_on=conditions,
        workflow_commands=output_format in WORKFLOW_COMMAND_FORMATS,
    )
