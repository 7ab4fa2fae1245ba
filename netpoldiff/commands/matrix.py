"""``netpoldiff matrix SOURCE``: the reachability matrix of one source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

from netpoldiff.commands.configured import configure
from netpoldiff.commands.shared import (
    Report,
    Settings,
    check_paths,
    convert,
    fails,
    read,
    visible_warnings,
)
from netpoldiff.diagnostics import NOTHING_READ
from netpoldiff.evaluate import evaluate
from netpoldiff.report.formats import MATRIX_FORMATS, format_named
from netpoldiff.report.reports import MatrixReport, Style
from netpoldiff.sources import Source, Workspace
from netpoldiff.unmatched import unmatched

# A matrix has no "before": only its input's warnings (and an incomplete reading) can fail it.
MatrixFailOn = Literal["warnings"]


def matrix_command(
    source: Source,
    paths: Sequence[str] = (),
    *,
    workspace: Workspace | None = None,
    output_format: str = "text",
    settings: Settings | None = None,
    fail_on: Sequence[MatrixFailOn] = (),
) -> Report:
    """``netpoldiff matrix SOURCE``: the reachability matrix of one source.

    Read with SOURCE's repository configuration; of its ``fail_on``, ``warnings`` applies.
    """
    settings = settings or Settings()
    render = format_named(MATRIX_FORMATS, output_format)
    workspace = workspace or settings.workspace()
    configured = configure(settings, workspace, source, paths)
    settings = configured.settings
    conditions = configured.fail_on(fail_on, get_args(MatrixFailOn))
    files = read(workspace, source, configured.paths, settings)
    loaded = convert(settings.loader(), source, files, settings)
    if configured.cli_paths:
        check_paths(paths, loaded)
    matrix = evaluate(loaded.cluster)
    warnings = loaded.warnings + unmatched(loaded.cluster, matrix)
    if loaded.cluster.is_empty:
        # An empty matrix of a source with nothing in it is no finding: say so.
        under = " ".join(configured.paths) if configured.paths else "its paths"
        warnings += (NOTHING_READ.at(None, source=files.label, paths=under),)
    warnings, suppressed = visible_warnings(warnings, loaded, settings)
    report = MatrixReport(
        str(source), matrix, warnings=warnings, errors=loaded.errors, suppressed=suppressed
    )
    chunks = render(report, Style())
    failed = fails(conditions, errors=loaded.errors, warnings=warnings)
    return Report(chunks, 1 if failed else 0, fail_on=conditions)
