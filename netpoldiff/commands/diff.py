"""``netpoldiff [diff] OLD [NEW]``: the flows NEW opens and closes relative to OLD."""

from __future__ import annotations

from collections.abc import Sequence

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
from netpoldiff.report.formats import DIFF_FORMATS, format_named
from netpoldiff.report.reports import DiffHeader, DiffReport, Style
from netpoldiff.sources import HEAD, INDEX, WORKING_TREE, Source, Workspace


def diff_command(
    old: Source | None,
    new: Source | None,
    paths: Sequence[str] = (),
    *,
    workspace: Workspace | None = None,
    staged: bool = False,
    output_format: str = "text",
    settings: Settings | None = None,
    exit_code: bool = False,
    fail_on: Sequence[FailOn] = (),
    color: bool = False,
) -> Report:
    """``netpoldiff [diff] OLD [NEW]``: the flows NEW opens and closes relative to OLD."""
    settings = settings or Settings()
    render = format_named(DIFF_FORMATS, output_format)
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
    report = DiffReport(
        str(old),
        str(new),
        DiffHeader(before.label, after.label),
        diff,
        changes,
        warnings=warnings,
        errors=errors,
    )
    chunks = render(report, Style(color=color))
    failed = fails(fail_on, errors=errors, warnings=warnings, diff=diff) or (
        exit_code and not diff.is_empty()
    )
    return Report(chunks, 1 if failed else 0, changed=not diff.is_empty())
