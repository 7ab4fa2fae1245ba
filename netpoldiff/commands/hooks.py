"""``netpoldiff hook install`` and ``hook run``: plain git hooks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from netpoldiff.commands.configured import configure
from netpoldiff.commands.diff import diff_command
from netpoldiff.commands.pre_receive import ReceiveJob, check_patterns, protection
from netpoldiff.commands.shared import Report, Settings
from netpoldiff.configuration import HOOK_FAIL_ON, FailOn
from netpoldiff.configuration.receive import OnTimeout
from netpoldiff.hooks import (
    PushRange,
    Stage,
    hook_script,
    install,
    pre_commit_range,
    push_ranges,
)
from netpoldiff.sources import WORKING_TREE, GitRepository, Revision


@dataclass(frozen=True, slots=True)
class ReceiveOptions:
    """What ``hook install --pre-receive`` passes on to each run (empty: the configuration's)."""

    protect: tuple[str, ...] = ()
    timeout: float | None = None
    on_timeout: OnTimeout | None = None
    cache_dir: str | None = None


def hook_install_command(
    stage: Stage,
    *,
    fail_on: Sequence[FailOn] | None = None,
    force: bool = False,
    settings: Settings | None = None,
    receive: ReceiveOptions | None = None,
) -> Path:
    """``netpoldiff hook install``: write a plain git hook that runs ``hook run``; returns where.

    The hook passes on what was given here (``fail_on``, ``-c FILE``); everything else
    comes from the repository configuration each time it runs. Without ``fail_on``, a
    configuration that sets ``fail_on`` decides it then too; with none, HOOK_FAIL_ON is
    written (pre-receive decides so each time it runs). The configuration is checked now,
    so a mistake in it shows at install.
    """
    settings = settings or Settings()
    repository = GitRepository(settings.start)
    arguments = _arguments(stage, fail_on, settings, receive or ReceiveOptions(), check=True)
    return install(repository, stage, arguments, force=force)


def hook_script_command(
    stage: Stage,
    *,
    fail_on: Sequence[FailOn] | None = None,
    settings: Settings | None = None,
    receive: ReceiveOptions | None = None,
) -> str:
    """``hook install --print``: the script, for a hook directory elsewhere (a git server's)."""
    settings = settings or Settings()
    receive = receive or ReceiveOptions()
    return hook_script(stage, _arguments(stage, fail_on, settings, receive, check=False))


def _arguments(
    stage: Stage,
    fail_on: Sequence[FailOn] | None,
    settings: Settings,
    receive: ReceiveOptions,
    *,
    check: bool,
) -> list[str]:
    """The options the hook runs ``hook run`` with; the configuration checked when ``check``."""
    workspace = settings.workspace()
    if stage == "pre-receive":
        # Checked as a run reads it: the default branch's configuration, and --protect.
        if check:
            protection(ReceiveJob((), settings, receive.protect))
        else:
            check_patterns(receive.protect)
        fail_on = fail_on or ()
    else:
        configured = configure(settings, workspace, WORKING_TREE, ())
        if fail_on is None:
            configuration = configured.settings.configuration
            # A configuration that sets fail_on decides it each time the hook runs.
            fail_on = () if configuration is not None and configuration.fail_on else HOOK_FAIL_ON
    arguments = [item for condition in fail_on for item in ("--fail-on", condition)]
    if settings.config_file is not None:
        arguments += ["--config", str((workspace.start / settings.config_file).resolve())]
    arguments += [item for pattern in receive.protect for item in ("--protect", pattern)]
    if receive.timeout is not None:
        arguments += ["--timeout", f"{receive.timeout:g}"]
    if receive.on_timeout is not None:
        arguments += ["--on-timeout", receive.on_timeout]
    if receive.cache_dir is not None:
        arguments += ["--cache-dir", str((workspace.start / receive.cache_dir).resolve())]
    return arguments


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
    """``netpoldiff hook run``: the staged change (pre-commit) or each pushed ref (pre-push).

    pre-merge-commit checks as pre-commit does: HEAD (the branch merged into) against the
    index, which holds the merge's result; git names no merged head while the hook runs.
    pre-receive is ``pre_receive_command``.

    Without ``fail_on``, the configuration's ``fail_on`` decides what refuses.
    """
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
    workflow_commands = False
    conditions: tuple[FailOn, ...] = ()
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
        conditions = report.fail_on
        if pushed.ref:
            chunks.append(f"Pushing {pushed.ref}:\n")
        chunks.extend(report.chunks)
        status = max(status, report.exit_status)
        changed = changed or report.changed
        workflow_commands = report.workflow_commands
    return Report(
        chunks, status, changed=changed, fail_on=conditions, workflow_commands=workflow_commands
    )
