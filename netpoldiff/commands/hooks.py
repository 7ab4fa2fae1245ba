"""``netpoldiff hook install`` and ``hook run``: plain git hooks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from netpoldiff.commands.diff import diff_command
from netpoldiff.commands.shared import FailOn, Report, Settings
from netpoldiff.hooks import PushRange, Stage, install, pre_commit_range, push_ranges
from netpoldiff.sources import GitRepository, Revision

# What an installed hook refuses unless told otherwise: a change that opens a flow.
HOOK_FAIL_ON: Final[tuple[FailOn, ...]] = ("opened",)


def hook_install_command(
    stage: Stage,
    *,
    fail_on: Sequence[FailOn] = HOOK_FAIL_ON,
    force: bool = False,
    settings: Settings | None = None,
) -> Path:
    """``netpoldiff hook install``: write a plain git hook that runs ``hook run``; returns where."""
    settings = settings or Settings()
    arguments = [item for condition in fail_on for item in ("--fail-on", condition)]
    return install(GitRepository(settings.start), stage, arguments, force=force)


def hook_run_command(
    stage: Stage,
    paths: Sequence[str] = (),
    *,
    remote: str | None = None,
    pushed_lines: Iterable[str] = (),
    output_format: str = "text",
    settings: Settings | None = None,
    fail_on: Sequence[FailOn] = (),
    color: bool = False,
) -> Report:
    """``netpoldiff hook run``: the staged change (pre-commit) or each pushed ref (pre-push)."""
    if stage == "pre-push":
        return pre_push_command(
            remote or "origin",
            pushed_lines,
            output_format=output_format,
            settings=settings,
            fail_on=fail_on,
            color=color,
        )
    return diff_command(
        None,
        None,
        paths,
        staged=True,
        output_format=output_format,
        settings=settings,
        fail_on=fail_on,
        color=color,
    )


def pre_push_command(
    remote: str,
    stdin_lines: Iterable[str],
    *,
    output_format: str = "text",
    settings: Settings | None = None,
    fail_on: Sequence[FailOn] = (),
    color: bool = False,
) -> Report:
    """``netpoldiff hook run --pre-push``: check every pushed ref against what the remote has."""
    settings = settings or Settings()
    given = pre_commit_range()
    if given is not None:
        ranges = [PushRange("", *given)]
    else:
        ranges = push_ranges(stdin_lines, GitRepository(settings.start), remote)
    chunks: list[str] = []
    status = 0
    changed = False
    workspace = settings.workspace()
    for pushed in ranges:
        # Object ids and ref names from git: revisions, never looked for on disk.
        report = diff_command(
            Revision(pushed.old),
            Revision(pushed.new),
            workspace=workspace,
            output_format=output_format,
            settings=settings,
            fail_on=fail_on,
            color=color,
        )
        if pushed.ref:
            chunks.append(f"Pushing {pushed.ref}:\n")
        chunks.extend(report.chunks)
        status = max(status, report.exit_status)
        changed = changed or report.changed
    return Report(chunks, status, changed=changed)
