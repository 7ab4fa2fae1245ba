"""``netpoldiff [diff] OLD [NEW]``: the flows NEW opens and closes relative to OLD."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from netpoldiff.changes import ChangeSet
from netpoldiff.commands.shared import (
    FailOn,
    Report,
    Settings,
    check_paths,
    convert,
    fails,
    read,
)
from netpoldiff.diff import diff_matrices
from netpoldiff.errors import UsageError
from netpoldiff.evaluate import evaluate_pair
from netpoldiff.report.graph import dot
from netpoldiff.report.json_report import diff_json
from netpoldiff.report.lines import change_lines
from netpoldiff.sources import HEAD, INDEX, WORKING_TREE, Source, Workspace

DiffFormat = Literal["text", "markdown", "json", "dot"]


def diff_command(
    old: Source | None,
    new: Source | None,
    paths: Sequence[str] = (),
    *,
    workspace: Workspace | None = None,
    staged: bool = False,
    output_format: DiffFormat = "text",
    settings: Settings | None = None,
    exit_code: bool = False,
    fail_on: Sequence[FailOn] = (),
    color: bool = False,
) -> Report:
    """``netpoldiff [diff] OLD [NEW]``: the flows NEW opens and closes relative to OLD."""
    settings = settings or Settings()
    if staged and new is not None:
        msg = "--staged compares OLD with the index: give OLD only"
        raise UsageError(msg)
    workspace = workspace or settings.workspace()
    loader = settings.loader()
    old = HEAD if old is None else old
    if new is None:
        new = INDEX if staged else WORKING_TREE
    old_files = read(workspace, old, tuple(paths), settings)
    new_files = read(workspace, new, tuple(paths), settings)
    # Both sides' files at once: what changed is parsed in the same parallel pass as the rest.
    loader.prepare([*old_files.files, *new_files.files])
    before = convert(loader, old, old_files, settings)
    after = convert(loader, new, new_files, settings)
    check_paths(paths, before, after)
    diff = diff_matrices(*evaluate_pair(before.cluster, after.cluster))
    changes = ChangeSet.between(before.cluster, after.cluster)
    # A file broken on both sides is one problem, not two.
    errors = tuple({str(e): e for e in before.errors + after.errors}.values())
    warnings = after.warnings
    chunks: Iterable[str]
    if output_format == "json":
        chunks = diff_json(diff, changes, str(old), str(new), warnings=warnings, errors=errors)
    elif output_format == "dot":
        chunks = [dot(change_lines(diff, changes))]
    else:
        # tabulate is imported only when a table is drawn: start-up time is paid on every run.
        from netpoldiff.report.text import render_diff  # noqa: PLC0415
        from netpoldiff.report.words import DiffHeader  # noqa: PLC0415

        header = DiffHeader(before.label, after.label)
        lines = change_lines(diff, changes)
        render = render_diff
        if output_format == "markdown":
            from netpoldiff.report.markdown import render_diff_markdown  # noqa: PLC0415

            render = render_diff_markdown
        chunks = [
            render(header, diff, changes, lines, warnings=warnings, errors=errors, color=color)
        ]
    failed = fails(fail_on, errors=errors, warnings=warnings, diff=diff) or (
        exit_code and not diff.is_empty()
    )
    return Report(chunks, 1 if failed else 0, changed=not diff.is_empty())
