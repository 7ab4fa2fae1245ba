"""``netpoldiff [diff] OLD [NEW]``: the flows NEW opens and closes relative to OLD."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import get_args

from netpoldiff.changes import ChangeSet
from netpoldiff.check_memo import CheckMemo
from netpoldiff.commands.configured import Configured, configuration_change, configure
from netpoldiff.commands.shared import (
    LoadedSource,
    Report,
    Settings,
    check_paths,
    convert,
    fails,
    read,
    repository_paths,
    side_label,
    source_place,
    visible_warnings,
)
from netpoldiff.configuration import FailOn
from netpoldiff.diff import diff_matrices
from netpoldiff.errors import InputError, UsageError
from netpoldiff.evaluate import Engine, Universe
from netpoldiff.report.equivalence import equivalence
from netpoldiff.report.formats import (
    DIFF_FORMATS,
    WORKFLOW_COMMAND_FORMATS,
    DiffRenderer,
    format_named,
)
from netpoldiff.report.reports import DiffHeader, DiffReport, Side, Style
from netpoldiff.sources import (
    HEAD,
    INDEX,
    WORKING_TREE,
    OnDisk,
    Source,
    SourceFiles,
    Workspace,
)
from netpoldiff.sources.files import blob_id
from netpoldiff.unevaluated import Unevaluated, unevaluated_changes, unread_files
from netpoldiff.unmatched import unmatched


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
    equivalent: bool = False,
    render: DiffRenderer | None = None,
) -> Report:
    """``netpoldiff [diff] OLD [NEW]``: the flows NEW opens and closes relative to OLD.

    OLD's repository configuration reads both sides (see commands/configured.py); --fail-on
    is ``fail_on``, else the configuration's. With ``equivalent`` (--equivalent) the exit
    status is the verdict instead: 0 only when both sides allow exactly the same flows.
    ``render``, when given, draws the report instead of ``output_format`` (a hook's own).
    """
    settings = settings or Settings()
    render = render or format_named(DIFF_FORMATS, output_format)
    if staged and new is not None:
        msg = "--staged compares OLD with the index: give OLD only"
        raise UsageError(msg)
    _check_equivalent(equivalent=equivalent, exit_code=exit_code, fail_on=fail_on)
    workspace = workspace or settings.workspace()
    old = HEAD if old is None else old
    if new is None:
        new = INDEX if staged else WORKING_TREE
    compared = compare(old, new, paths, workspace, settings, equivalent=equivalent)
    report, configured = compared.report, compared.configured
    # The verdict is the exit status: the configuration's fail_on does not apply.
    conditions = () if equivalent else configured.fail_on(fail_on, get_args(FailOn))
    diff = report.diff
    settings.progress.reporting()
    chunks = render(report, Style(color=color))
    if equivalent:
        verdict = equivalence(report).verdict
        return Report(
            chunks,
            0 if verdict == "equivalent" else 1,
            changed=not diff.is_empty(),
            workflow_commands=output_format in WORKFLOW_COMMAND_FORMATS,
        )
    warned = (*report.warnings, *report.unevaluated, *report.nothing_read)
    # A changed file that was not read is skipped input: no --fail-on condition can vouch.
    failed = (
        (bool(conditions) and report.incomplete)
        or fails(
            conditions,
            errors=report.errors,
            warnings=warned,
            diff=diff,
            findings=report.findings,
        )
        or (exit_code and not diff.is_empty())
    )
    return Report(
        chunks,
        1 if failed else 0,
        changed=not diff.is_empty(),
        fail_on=conditions,
        workflow_commands=output_format in WORKFLOW_COMMAND_FORMATS,
    )


@dataclass(frozen=True)
class Compared:
    """Both sides read and evaluated: the diff report, and the configuration that read them."""

    report: DiffReport
    configured: Configured


def compare(
    old: Source,
    new: Source,
    paths: Sequence[str],
    workspace: Workspace,
    settings: Settings,
    *,
    equivalent: bool = False,
) -> Compared:
    """Read and evaluate OLD and NEW as the diff does (OLD's configuration reads both).

    ``equivalent``: the report opens with the equivalence verdict (``--equivalent``).
    """
    configured = configure(settings, workspace, old, paths, "OLD")
    settings, read_paths = configured.settings, configured.paths
    config_change = configuration_change(workspace, settings, new)
    loader = settings.loader()
    old_files = read(workspace, old, read_paths, settings, "OLD")
    new_files = read(workspace, new, read_paths, settings, "NEW")
    old_side, new_side = side_label("OLD", old_files), side_label("NEW", new_files)
    # Both sides' files at once: what changed is parsed in the same parallel pass as the rest.
    both = functools.partial(settings.progress.reading, f"{old_side} and {new_side}")
    loader.prepare([*old_files.files, *new_files.files], progress=both)
    before = convert(loader, old, old_files, settings, "OLD")
    after = convert(loader, new, new_files, settings, "NEW")
    if configured.cli_paths:
        check_paths(paths, before, after)
    engine = Engine(Universe.of([before.cluster, after.cluster]))
    settings.progress.evaluating(old_side, before.objects)
    old_matrix = engine.evaluate(before.cluster)
    settings.progress.evaluating(new_side, after.objects)
    new_matrix = engine.evaluate(after.cluster)
    diff = diff_matrices(old_matrix, new_matrix)
    changes = ChangeSet.between(before.cluster, after.cluster)
    unevaluated = unevaluated_changes(
        changes, old_matrix, new_matrix, before.cluster, after.cluster
    ) + _unread(old_files, before, new_files, after)
    sides: tuple[tuple[Side, LoadedSource], ...] = (("old", before), ("new", after))
    errors = _one_per_problem(before.errors, after.errors)
    # Both sides suppressed alike, before they are compared: a warning an annotation hid in
    # OLD and that NEW shows (its annotation removed) is one the change introduces.
    # A policy both sides share is one object: checked on NEW, it is not checked again on OLD.
    memo = CheckMemo()
    new_warnings, suppressed = visible_warnings(
        after.warnings + unmatched(after.cluster, new_matrix, memo=memo), after, settings
    )
    # OLD's warnings only tell which of NEW's are introduced: those of NEW's codes suffice.
    shown = {warning.code for warning in new_warnings}
    old_warnings, _ = visible_warnings(
        before.warnings + unmatched(before.cluster, old_matrix, shown, memo),
        before,
        settings,
    )
    report = DiffReport(
        str(old),
        str(new),
        DiffHeader(before.label, after.label),
        diff,
        changes,
        warnings=new_warnings,
        errors=tuple(error for error, _ in errors),
        unevaluated=unevaluated,
        old_warnings=old_warnings,
        nothing_read=tuple(side for side, loaded in sides if loaded.cluster.is_empty),
        paths=read_paths,
        error_sides=tuple(side for _, side in errors),
        configuration_changes=(config_change,) if config_change else (),
        equivalence_verdict=equivalent,
        suppressed=suppressed,
        engine=engine,
        repository_path=repository_paths(workspace, new),
        places=(source_place(old), source_place(new)),
    )
    return Compared(report, configured)


def _check_equivalent(*, equivalent: bool, exit_code: bool, fail_on: Sequence[FailOn]) -> None:
    """--equivalent decides the exit status: an option that decides it too contradicts it."""
    if not equivalent:
        return
    for given, option in ((exit_code, "--exit-code"), (bool(fail_on), "--fail-on")):
        if given:
            msg = f"--equivalent and {option} cannot be combined: the verdict is the exit status"
            raise UsageError(msg)


def _unread(
    old_files: SourceFiles, before: LoadedSource, new_files: SourceFiles, after: LoadedSource
) -> tuple[Unevaluated, ...]:
    """The files skipped on a side that differ between the sides.

    Templates, and symbolic links and submodules, which are never followed.
    """
    sides = ((before, old_files), (after, new_files))
    skipped = {_key(loaded.source, path) for loaded, _ in sides for path in loaded.skipped}
    contents: tuple[dict[str, str], dict[str, str]] = ({}, {})
    shown: dict[str, str] = {}
    for (loaded, files), found in zip(sides, contents, strict=True):
        for file in files.files if skipped else ():
            key = _key(loaded.source, file.path)
            if key in skipped:
                found[key] = file.object_id or blob_id(file.data)
                shown[key] = file.path
    links: tuple[dict[str, str], dict[str, str]] = ({}, {})
    for (loaded, files), found in zip(sides, links, strict=True):
        for path, identity in files.not_followed:
            key = _key(loaded.source, path)
            found[key] = identity
            shown.setdefault(key, path)
    return unread_files(*contents, shown) + unread_files(*links, shown, "not-followed")


def _key(source: Source, path: str) -> str:
    """A file's path inside its source: two directories compare ``old/x`` with ``new/x``."""
    if isinstance(source, OnDisk) and PurePath(path).is_relative_to(source.path):
        return str(PurePath(path).relative_to(source.path))
    return path


def _one_per_problem(
    old: tuple[InputError, ...], new: tuple[InputError, ...]
) -> list[tuple[InputError, Side]]:
    """OLD's errors, then NEW's, with their side; one on both sides is told once, as NEW's."""
    new_by_place = {(str(e.location), e.message): e for e in new}
    merged: list[tuple[InputError, Side]] = []
    for error in old:
        place = (str(error.location), error.message)
        twin = new_by_place.get(place)
        if twin is None:
            merged.append((error, "old"))
        else:
            both = f"{error.side} and {twin.side}"
            new_by_place[place] = InputError(error.location, error.message, both)
    return [*merged, *((error, "new") for error in new_by_place.values())]
