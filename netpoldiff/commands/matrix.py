"""``netpoldiff matrix SOURCE``: the reachability matrix of one source."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from netpoldiff.commands.shared import Report, Settings, check_paths, convert, fails, read
from netpoldiff.evaluate import evaluate
from netpoldiff.report.json_report import matrix_json
from netpoldiff.sources import Source, Workspace

MatrixFormat = Literal["text", "json"]
# A matrix has no "before": only its input's warnings (and an incomplete reading) can fail it.
MatrixFailOn = Literal["warnings"]


def matrix_command(
    source: Source,
    paths: Sequence[str] = (),
    *,
    workspace: Workspace | None = None,
    output_format: MatrixFormat = "text",
    settings: Settings | None = None,
    fail_on: Sequence[MatrixFailOn] = (),
) -> Report:
    """``netpoldiff matrix SOURCE``: the reachability matrix of one source."""
    settings = settings or Settings()
    files = read(workspace or settings.workspace(), source, tuple(paths), settings)
    loaded = convert(settings.loader(), source, files, settings)
    check_paths(paths, loaded)
    matrix = evaluate(loaded.cluster)
    if output_format == "json":
        chunks: Iterable[str] = matrix_json(
            matrix, str(source), warnings=loaded.warnings, errors=loaded.errors
        )
    else:
        # tabulate is imported only when a table is drawn: start-up time is paid on every run.
        from netpoldiff.report.text import render_matrix  # noqa: PLC0415

        chunks = [
            render_matrix(matrix, str(source), warnings=loaded.warnings, errors=loaded.errors)
        ]
    failed = fails(fail_on, errors=loaded.errors, warnings=loaded.warnings)
    return Report(chunks, 1 if failed else 0)
