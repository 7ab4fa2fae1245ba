"""``netpoldiff matrix SOURCE``: the reachability matrix of one source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from netpoldiff.commands.configured import Configured, configure
from netpoldiff.commands.shared import (
    LoadedSource,
    Report,
    Settings,
    check_paths,
    convert,
    fails,
    read,
    visible_warnings,
)
from netpoldiff.diagnostics import NOTHING_READ, Diagnostic
from netpoldiff.evaluate import evaluate
from netpoldiff.matrix import Matrix
from netpoldiff.report.formats import MATRIX_FORMATS, format_named
from netpoldiff.report.reports import MatrixReport, Style
from netpoldiff.sources import Source, Workspace
from netpoldiff.suppression import Suppressed
from netpoldiff.unmatched import unmatched

# A matrix has no "before": only its input's warnings (and an incomplete reading) can fail it.
MatrixFailOn = Literal["warnings"]


@dataclass(frozen=True, slots=True)
class Evaluated:
    """One source read with its configuration and evaluated, with every warning about it.

    ``warnings`` are the reading's and the evaluation's (what matches nothing), and
    ``nothing read`` when the source holds no workload and no policy, less those suppressed
    (``suppressed`` counts them, by the means that hid them).
    """

    configured: Configured
    loaded: LoadedSource
    matrix: Matrix
    warnings: tuple[Diagnostic, ...]
    suppressed: Suppressed


def evaluate_source(
    source: Source, paths: Sequence[str], workspace: Workspace, settings: Settings
) -> Evaluated:
    """Read SOURCE with its repository configuration and evaluate it (``matrix``, ``lint``)."""
    configured = configure(settings, workspace, source, paths)
    settings = configured.settings
    files = read(workspace, source, configured.paths, settings)
    loaded = convert(settings.loader(), source, files, settings)
    if configured.cli_paths:
        check_paths(paths, loaded)
    settings.progress.evaluating(files.label, loaded.objects)
    matrix = evaluate(loaded.cluster)
    warnings = loaded.warnings + unmatched(loaded.cluster, matrix)
    if loaded.cluster.is_empty:
        # An empty matrix of a source with nothing in it is no finding: say so.
        under = " ".join(configured.paths) if configured.paths else "its paths"
        warnings += (NOTHING_READ.at(None, source=files.label, paths=under),)
    warnings, suppressed = visible_warnings(warnings, loaded, settings)
    return Evaluated(configured, loaded, matrix, warnings, suppressed)


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
    evaluated = evaluate_source(source, paths, workspace, settings)
    conditions = evaluated.configured.fail_on(fail_on, get_args(MatrixFailOn))
    errors, warnings = evaluated.loaded.errors, evaluated.warnings
    report = MatrixReport(
        str(source),
        evaluated.matrix,
        warnings=warnings,
        errors=errors,
        suppressed=evaluated.suppressed,
    )
    settings.progress.reporting()
    chunks = render(report, Style())
    failed = fails(conditions, errors=errors, warnings=warnings)
    return Report(chunks, 1 if failed else 0, fail_on=conditions)
