"""The commands as plain functions: read sources, evaluate, render; no click, no streams."""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from netpoldiff.changes import ChangeSet
from netpoldiff.cluster import Cluster
from netpoldiff.diagnostics import Diagnostic
from netpoldiff.diff import MatrixDiff, diff_matrices
from netpoldiff.errors import InputError, SourceError
from netpoldiff.evaluate import evaluate, evaluate_pair
from netpoldiff.hooks import PushRange, Stage, install, pre_commit_range, push_ranges
from netpoldiff.manifests import Loader, ParseCache
from netpoldiff.manifests.cache import default_directory
from netpoldiff.report.graph import dot
from netpoldiff.report.json_report import diff_json, matrix_json
from netpoldiff.report.lines import change_lines
from netpoldiff.sources import (
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_TOTAL_SIZE,
    HEAD,
    INDEX,
    WORKING_TREE,
    GitRepository,
    SourceFiles,
    Workspace,
)

if TYPE_CHECKING:
    from netpoldiff.github import Posted

# The pull-request client and the text and Markdown reports (tabulate) are imported where
# used: start-up time is paid on every commit a hook checks and every bot run, and a run needs
# one report at most.

_REPOSITORY: Final = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")

MatrixFormat = Literal["text", "json"]
DiffFormat = Literal["text", "markdown", "json", "dot"]
FailOn = Literal["opened", "closed", "any", "warnings"]


@dataclass(frozen=True, slots=True)
class Report:
    """A rendered report (in pieces, so large JSON streams) and the exit status it implies."""

    chunks: Iterable[str]
    exit_status: int
    changed: bool = False  # whether reachability changed (diff only)


@dataclass(frozen=True, slots=True)
class Settings:
    """How sources are read, shared by every command."""

    start: Path = field(default_factory=Path.cwd)
    default_namespace: str = "default"
    keep_going: bool = False
    use_cache: bool = True
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE


@dataclass(frozen=True, slots=True)
class LoadedSource:
    """One source read into a Cluster, with everything worth telling about the reading."""

    spec: str
    label: str
    cluster: Cluster
    warnings: tuple[Diagnostic, ...]
    errors: tuple[InputError, ...]
    file_count: int


def _loader(settings: Settings) -> Loader:
    cache = ParseCache(default_directory() if settings.use_cache else None)
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)
    return Loader(cache, default_namespace=settings.default_namespace, workers=workers)


def _read(
    workspace: Workspace, spec: str, paths: tuple[str, ...], settings: Settings
) -> SourceFiles:
    files = workspace.read(spec, paths)
    if files.errors and not settings.keep_going:
        raise files.errors[0]
    return files


def _load(
    workspace: Workspace, loader: Loader, spec: str, paths: tuple[str, ...], settings: Settings
) -> LoadedSource:
    return _convert(loader, spec, _read(workspace, spec, paths, settings), settings)


def _convert(loader: Loader, spec: str, files: SourceFiles, settings: Settings) -> LoadedSource:
    loaded = loader.load(files.files, keep_going=settings.keep_going)
    return LoadedSource(
        spec,
        files.label,
        loaded.cluster,
        files.warnings + loaded.warnings,
        files.errors + loaded.errors,
        len(files.files),
    )


def _check_paths(paths: Sequence[str], *sides: LoadedSource) -> None:
    """A PATH filter that matches no manifest on any side is a mistake, not "no change"."""
    if paths and not any(side.file_count for side in sides):
        shown = " ".join(paths)
        msg = f"no manifest (*.yaml, *.yml, *.json) matches the paths {shown}"
        raise SourceError(msg)


def matrix_command(
    spec: str,
    paths: Sequence[str] = (),
    *,
    output_format: MatrixFormat = "text",
    settings: Settings | None = None,
    fail_on: Sequence[FailOn] = (),
) -> Report:
    """``netpoldiff matrix SOURCE``: the reachability matrix of one source."""
    settings = settings or Settings()
    workspace = Workspace.at(settings.start, settings.max_file_size, settings.max_total_size)
    source = _load(workspace, _loader(settings), spec, tuple(paths), settings)
    _check_paths(paths, source)
    matrix = evaluate(source.cluster)
    if output_format == "json":
        chunks: Iterable[str] = matrix_json(
            matrix, spec, warnings=source.warnings, errors=source.errors
        )
    else:
        from netpoldiff.report.text import render_matrix  # noqa: PLC0415

        chunks = [render_matrix(matrix, spec, warnings=source.warnings, errors=source.errors)]
    failed = _fails(fail_on, errors=source.errors, warnings=source.warnings)
    return Report(chunks, 1 if failed else 0)


def _fails(
    fail_on: Iterable[FailOn],
    *,
    errors: Sequence[InputError],
    warnings: Sequence[Diagnostic],
    diff: MatrixDiff | None = None,
) -> bool:
    conditions = set(fail_on)
    if conditions and errors:
        return True  # an incomplete analysis cannot vouch for anything
    opened = diff is not None and any(diff.opened)
    closed = diff is not None and any(diff.closed)
    return (
        ("warnings" in conditions and bool(warnings))
        or ("opened" in conditions and opened)
        or ("closed" in conditions and closed)
        or ("any" in conditions and (opened or closed))
    )


def diff_command(
    old_spec: str | None,
    new_spec: str | None,
    paths: Sequence[str] = (),
    *,
    staged: bool = False,
    output_format: DiffFormat = "text",
    settings: Settings | None = None,
    exit_code: bool = False,
    fail_on: Sequence[FailOn] = (),
    color: bool = False,
) -> Report:
    """``netpoldiff [diff] OLD [NEW]``: the flows NEW opens and closes relative to OLD."""
    settings = settings or Settings()
    if staged and new_spec is not None:
        msg = "--staged compares OLD with the index: give OLD only"
        raise SourceError(msg)
    workspace = Workspace.at(settings.start, settings.max_file_size, settings.max_total_size)
    loader = _loader(settings)
    old_spec = old_spec or HEAD  # the revision HEAD, even beside a directory named HEAD
    new_spec = new_spec or (INDEX if staged else WORKING_TREE)
    old_files = _read(workspace, old_spec, tuple(paths), settings)
    new_files = _read(workspace, new_spec, tuple(paths), settings)
    # Both sides' files at once: what changed is parsed in the same parallel pass as the rest.
    loader.prepare([*old_files.files, *new_files.files])
    old = _convert(loader, old_spec, old_files, settings)
    new = _convert(loader, new_spec, new_files, settings)
    _check_paths(paths, old, new)
    diff = diff_matrices(*evaluate_pair(old.cluster, new.cluster))
    changes = ChangeSet.between(old.cluster, new.cluster)
    # A file broken on both sides is one problem, not two.
    errors = tuple({str(e): e for e in old.errors + new.errors}.values())
    warnings = new.warnings
    chunks: Iterable[str]
    if output_format == "json":
        chunks = diff_json(diff, changes, old_spec, new_spec, warnings=warnings, errors=errors)
    elif output_format == "dot":
        chunks = [dot(change_lines(diff, changes))]
    else:
        from netpoldiff.report.text import render_diff  # noqa: PLC0415
        from netpoldiff.report.words import DiffHeader  # noqa: PLC0415

        header = DiffHeader(old.label, new.label)
        lines = change_lines(diff, changes)
        render = render_diff
        if output_format == "markdown":
            from netpoldiff.report.markdown import render_diff_markdown  # noqa: PLC0415

            render = render_diff_markdown
        chunks = [
            render(header, diff, changes, lines, warnings=warnings, errors=errors, color=color)
        ]
    failed = _fails(fail_on, errors=errors, warnings=warnings, diff=diff) or (
        exit_code and not diff.is_empty()
    )
    return Report(chunks, 1 if failed else 0, changed=not diff.is_empty())


# ---- hooks and the pull-request bot ------------------------------------------------------------


def hook_install_command(
    stage: Stage, arguments: Sequence[str], *, force: bool, settings: Settings | None = None
) -> Path:
    """``netpoldiff hook install``: write a plain git hook; returns where."""
    settings = settings or Settings()
    return install(GitRepository(settings.start), stage, arguments, force=force)


def pre_push_command(
    remote: str,
    stdin_lines: Iterable[str],
    *,
    output_format: DiffFormat = "text",
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
    for pushed in ranges:
        report = diff_command(
            pushed.old,
            pushed.new,
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


def post_pr_comment(
    body: str,
    *,
    repository: str,
    number: int,
    token: str,
    api_url: str | None = None,
    skip_if_new: bool = False,
) -> Posted:
    """Post the report as the pull request's one netpoldiff comment, or update that comment."""
    from netpoldiff.github import (  # noqa: PLC0415
        DEFAULT_API_URL,
        GitHubClient,
        PullRequest,
        sticky_comment,
    )
    from netpoldiff.report.markdown import MARKER  # noqa: PLC0415

    if not token:
        msg = "pr-comment needs a GitHub token in GITHUB_TOKEN"
        raise SourceError(msg)
    if not _REPOSITORY.fullmatch(repository):
        # GitHub's own alphabet: the name goes into API paths and onto the terminal.
        msg = f"--repo {repository!r} must be OWNER/NAME (letters, digits, '-', '_', '.')"
        raise SourceError(msg)
    api_url = api_url or DEFAULT_API_URL
    try:
        address = urllib.parse.urlsplit(api_url)
        usable = address.scheme in {"http", "https"} and bool(address.hostname)
    except ValueError:  # an unclosed "[" of an IPv6 address
        usable = False
    if not usable:
        msg = f"GITHUB_API_URL {api_url!r} is not an http:// or https:// URL"
        raise SourceError(msg)
    if MARKER not in body:
        body = f"{MARKER}\n{body}"  # the marker is how the next run finds this comment
    client = GitHubClient(api_url, token)
    return sticky_comment(
        client, PullRequest(repository, number), body, marker=MARKER, skip_if_new=skip_if_new
    )


__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_MAX_TOTAL_SIZE",
    "DiffFormat",
    "FailOn",
    "MatrixFormat",
    "Report",
    "Settings",
    "Stage",
    "diff_command",
    "hook_install_command",
    "matrix_command",
    "post_pr_comment",
    "pre_push_command",
]
