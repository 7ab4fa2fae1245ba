"""``netpoldiff hook run --pre-receive``: the server's check of every push to a protected branch.

Whose configuration counts: the default branch's, as the server has it before the push (refs
are not moved until every pre-receive hook has accepted), or ``-c FILE``. It names the
protected branches, the --fail-on default, who can approve, whether the approve push option is
honoured, and the time limit. Nothing the push brings is read for that: a push that edits
``.netpoldiff.yaml`` to unprotect its branch is checked by the configuration it edits.
Each ref's diff reads with OLD's configuration, as every diff does (its old side is the
server's, or for a new branch the default branch's history).

Nothing is written to the repository: objects are read from where git keeps the push during
the hook (the quarantine directory git names to every git process the hook starts), and the
conversion cache is used only in the directory ``--cache-dir`` gives.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from netpoldiff.commands.diff import diff_command
from netpoldiff.commands.shared import Report, Settings
from netpoldiff.configuration import (
    HOOK_FAIL_ON,
    Configuration,
    FailOn,
    configuration_file,
    configuration_of,
)
from netpoldiff.configuration.receive import OnTimeout, ReceiveSettings, pattern_problem
from netpoldiff.errors import UsageError
from netpoldiff.receive import APPROVE_OPTION, RefUpdate, approval_reason, is_protected, ref_updates
from netpoldiff.report.push_text import render_push
from netpoldiff.sources import GitRepository, Revision, Workspace

DEFAULT_TIMEOUT: Final = 60.0
"""Seconds a pre-receive check may take unless told otherwise (0: no limit)."""


@dataclass(frozen=True, slots=True)
class Protection:
    """What the protecting configuration decides for one push."""

    default_branch: str | None
    patterns: tuple[str, ...]
    fail_on: tuple[FailOn, ...]
    receive: ReceiveSettings
    timeout: float
    on_timeout: OnTimeout


@dataclass(frozen=True, slots=True)
class ReceiveJob:
    """One pre-receive check: git's input and how to read it (sent whole to a time-limited run)."""

    lines: tuple[str, ...]
    settings: Settings
    protect: tuple[str, ...] = ()
    fail_on: tuple[FailOn, ...] = ()
    output_format: str = "text"
    timeout: float | None = None  # --timeout, over the configuration's
    on_timeout: OnTimeout | None = None  # --on-timeout, over the configuration's
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


def protection(job: ReceiveJob) -> Protection:
    """Read the protecting configuration once: the default branch's before the push, or -c FILE."""
    check_patterns(job.protect)
    workspace = job.settings.workspace()
    repository = _repository(workspace)
    default_branch = repository.default_branch()
    configuration = _protecting_configuration(job.settings, workspace, repository, default_branch)
    receive = configuration.pre_receive if configuration is not None else ReceiveSettings()
    fail_on = job.fail_on or (configuration.fail_on if configuration else ()) or HOOK_FAIL_ON
    timeout = next(t for t in (job.timeout, receive.timeout, DEFAULT_TIMEOUT) if t is not None)
    return Protection(
        default_branch,
        (*receive.protect, *job.protect),
        fail_on,
        receive,
        timeout,
        job.on_timeout or receive.on_timeout or "refuse",
    )


def check_patterns(patterns: Sequence[str]) -> None:
    """Refuse a --protect pattern that names no branch."""
    for pattern in patterns:
        problem = pattern_problem(pattern)
        if problem is not None:
            msg = f"--protect: {problem}"
            raise UsageError(msg)


def _repository(workspace: Workspace) -> GitRepository:
    if workspace.repository is None:
        msg = f"pre-receive: {workspace.start} is not a git repository"
        raise UsageError(msg)
    return workspace.repository


def _protecting_configuration(
    settings: Settings, workspace: Workspace, repository: GitRepository, branch: str | None
) -> Configuration | None:
    if settings.config_file is not None:
        return configuration_file(workspace, settings.config_file)
    tip = None if branch is None else repository.tip(branch)
    return None if tip is None else configuration_of(workspace, Revision(tip))


def pre_receive_command(job: ReceiveJob, *, protected: Protection | None = None) -> Report:
    """Check each update of a protected branch; exit status 1 when --fail-on holds.

    Deletions, tags, other refs and unprotected branches pass unread. A created protected
    branch is compared with its merge base with the default branch (the empty tree when
    there is none). A malformed line or a pushed commit that cannot be read refuses the
    whole push with one line (SourceError: exit status 2).
    """
    protected = protected or protection(job)
    workspace = job.settings.workspace()
    repository = _repository(workspace)
    updates = ref_updates(job.lines, repository)
    chunks: list[str] = []
    status = 0
    changed = False
    for update in updates:
        if update.deleted or not is_protected(
            update.ref, protected.default_branch, protected.patterns
        ):
            continue
        old = _compared_with(update, repository, protected.default_branch)
        report = diff_command(
            Revision(old),
            Revision(update.new),
            workspace=workspace,
            output_format=job.output_format,
            settings=job.settings,
            fail_on=protected.fail_on,
            # In text, the pusher's own: short, the opened flows first.
            render=render_push if job.output_format == "text" else None,
        )
        chunks.append(f"{update.ref}:\n")
        chunks.extend(report.chunks)
        status = max(status, report.exit_status)
        changed = changed or report.changed
    chunks.extend(_next_steps(protected, job.environ, refused=status == 1))
    reason = approval_reason(job.environ)
    if status == 1 and protected.receive.approve_option and reason is not None:
        status = 0
    return Report(chunks, status, changed=changed, fail_on=protected.fail_on)


def _compared_with(update: RefUpdate, repository: GitRepository, default_branch: str | None) -> str:
    """What the push changes: the old tip, or for a new branch where it leaves the default one."""
    if not update.created:
        return update.old
    tip = None if default_branch is None else repository.tip(default_branch)
    base = None if tip is None else repository.common_ancestor(tip, update.new)
    return base or repository.empty_tree()


def _next_steps(protected: Protection, environ: Mapping[str, str], *, refused: bool) -> list[str]:
    """How to proceed, after the reports: who approves, the push option, what it logged."""
    reason = approval_reason(environ)
    enabled = protected.receive.approve_option
    lines: list[str] = []
    if reason is not None and not enabled:
        lines.append(
            f"The push option {APPROVE_OPTION} is not enabled for this repository "
            "(pre_receive: approve_option: true); it was ignored."
        )
    if refused and reason is not None and enabled:
        lines.append(f"Approved with push option {APPROVE_OPTION}: {reason}")
    elif refused:
        conditions = ", ".join(protected.fail_on)
        lines.append(f"Push refused (--fail-on {conditions}): see the report above.")
        if protected.receive.approvers:
            lines.append(f"To proceed: {protected.receive.approvers}")
        if enabled:
            lines.append(
                f'Or push again with a reason, which is logged: git push -o {APPROVE_OPTION}="..."'
            )
    return [f"{line}\n" for line in lines]


__all__ = ["DEFAULT_TIMEOUT", "Protection", "ReceiveJob", "pre_receive_command", "protection"]
