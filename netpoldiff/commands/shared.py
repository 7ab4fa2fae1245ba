"""What every command shares: its settings, the report it returns, reading a source, --fail-on."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, TypeAlias

from netpoldiff.cluster import Cluster
from netpoldiff.commands.progress import SILENT, Progress
from netpoldiff.configuration import Configuration
from netpoldiff.configuration import FailOn as _FailOn
from netpoldiff.diagnostics import Diagnostic
from netpoldiff.diff import MatrixDiff
from netpoldiff.errors import InputError, UsageError
from netpoldiff.introduced import Place, same_place
from netpoldiff.kinds import Declared
from netpoldiff.manifests import DEFAULT_NAMESPACE, ConversionCache, Loader
from netpoldiff.manifests.conversion_cache import default_directory
from netpoldiff.render.origins import written_in
from netpoldiff.render.pipeline import render_source
from netpoldiff.render.plan import RenderPlan
from netpoldiff.report.reports import RepositoryPath, as_shown
from netpoldiff.sources import (
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_TOTAL_SIZE,
    Exclusions,
    OnDisk,
    Source,
    SourceFiles,
    Workspace,
)
from netpoldiff.suppression import Annotated, Ignore, Suppressed, suppress

FailOn: TypeAlias = _FailOn  # the configuration's fail_on and --fail-on share it

_MAX_WORKERS: Final = 8


@dataclass(frozen=True, slots=True)
class Report:
    """A rendered report (in pieces, so large JSON streams) and the exit status it implies."""

    chunks: Iterable[str]
    exit_status: int
    changed: bool = False  # whether reachability changed (diff only)
    fail_on: tuple[FailOn, ...] = ()  # the conditions checked: given, or configured
    # GitHub workflow commands, written on purpose (``--format github``): their lines pass
    # ``inert_document`` as they are, which makes any other ``::`` line inert.
    workflow_commands: bool = False


@dataclass(frozen=True, slots=True)
class Settings:
    """How sources are read, shared by every command."""

    start: Path = field(default_factory=Path.cwd)
    default_namespace: str = DEFAULT_NAMESPACE
    keep_going: bool = False
    use_cache: bool = True
    cache_directory: Path | None = None  # where the cache is, instead of the user's cache
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE
    workload_kinds: Declared = ()  # kinds the user declared (--workload-kind)
    render_plan: RenderPlan = field(default_factory=RenderPlan)
    config_file: str | None = None  # -c FILE: the configuration, instead of .netpoldiff.yaml
    ignore: frozenset[str] = frozenset()  # --ignore: codes hidden, besides the configuration's
    # The fields above the command line set: the configuration does not change those.
    # Not compared: settings are equal when they read alike, however they were given.
    given: frozenset[str] = field(default=frozenset(), compare=False)
    configuration: Configuration | None = None  # the one applied (see commands/configured.py)
    # Where the command tells how far it has got: the command line's progress line, or nobody.
    progress: Progress = field(default=SILENT, compare=False)

    @property
    def ignored(self) -> Ignore:
        """The codes the whole run hides: the configuration's ``ignore`` and --ignore."""
        configured = self.configuration.ignore if self.configuration else frozenset()
        return Ignore(configured, self.ignore)

    @property
    def exclusions(self) -> Exclusions:
        """What the configuration leaves out of every source."""
        return Exclusions(self.configuration.exclude if self.configuration else ())

    def workspace(self) -> Workspace:
        """Where sources are read: the start directory, within the size limits."""
        return Workspace.at(self.start, self.max_file_size, self.max_total_size)

    def loader(self) -> Loader:
        """A loader with the cache and default namespace these settings ask for."""
        directory = self.cache_directory or default_directory()
        cache = ConversionCache(directory if self.use_cache else None)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        workers = min(cores, _MAX_WORKERS)
        return Loader(
            cache,
            default_namespace=self.default_namespace,
            workers=workers,
            declared=self.workload_kinds,
        )


@dataclass(frozen=True, slots=True)
class LoadedSource:
    """One source read into a Cluster, with everything worth telling about the reading."""

    source: Source
    label: str
    cluster: Cluster
    warnings: tuple[Diagnostic, ...]
    errors: tuple[InputError, ...]
    file_count: int
    skipped: tuple[str, ...] = ()  # files found under the paths that are templates, not read
    ignored: tuple[Annotated, ...] = ()  # the objects' netpoldiff.io/ignore annotations

    @property
    def objects(self) -> int:
        """How many objects were read: namespaces, workloads and policies of every kind."""
        cluster = self.cluster
        kinds = (cluster.namespaces, cluster.workloads, cluster.policies, cluster.admin_policies)
        return sum(len(objects) for objects in kinds)


def visible_warnings(
    warnings: Iterable[Diagnostic], loaded: LoadedSource, settings: Settings
) -> tuple[tuple[Diagnostic, ...], Suppressed]:
    """Of one source's warnings, those to show, and those hidden (a count every report gives).

    Hidden: by their object's ``netpoldiff.io/ignore`` annotation in ``loaded``, by the
    configuration's ``ignore`` or by --ignore. Every command that reports warnings calls this
    once, on all of a source's warnings (the reading's and the evaluation's).
    """
    return suppress(warnings, settings.ignored, loaded.ignored)


def read(
    workspace: Workspace,
    source: Source,
    paths: tuple[str, ...],
    settings: Settings,
    side: str | None = None,
) -> SourceFiles:
    """The files of one source, overlays rendered; its first error stops the run.

    With --keep-going, errors are kept and the run goes on.

    ``side`` (``OLD``, ``NEW``) names the side of a diff in every error.
    """
    files = workspace.read(source, paths, settings.exclusions)
    files = render_source(
        workspace, source, files, paths, settings.render_plan, keep_going=settings.keep_going
    )
    if side is not None and files.errors:
        where = side_label(side, files)
        files = replace(files, errors=tuple(error.on_side(where) for error in files.errors))
    if files.errors and not settings.keep_going:
        raise files.errors[0]
    return files


def side_label(side: str, files: SourceFiles) -> str:
    """``OLD (abc1234)``: one side of a diff, as its messages name it."""
    return f"{side} ({files.short_label})"


def convert(
    loader: Loader,
    source: Source,
    files: SourceFiles,
    settings: Settings,
    side: str | None = None,
) -> LoadedSource:
    """One source's files as a Cluster, with the warnings and errors of reading and converting."""
    where = side_label(side, files) if side is not None else None
    told = functools.partial(settings.progress.reading, where or files.label)
    try:
        loaded = loader.load(files.files, keep_going=settings.keep_going, progress=told)
    except InputError as error:
        if where is None:
            raise
        raise error.on_side(where) from None
    errors = loaded.errors
    if where is not None:
        errors = tuple(error.on_side(where) for error in errors)
    return LoadedSource(
        source,
        files.label,
        loaded.cluster,
        files.warnings + loaded.warnings,
        files.errors + errors,
        len(files.files),
        loaded.skipped,
        loaded.ignored,
    )


def repository_paths(workspace: Workspace, source: Source) -> RepositoryPath:
    """The file a path of a source names, from the top of the repository (for annotations).

    Git lists repository paths already; a directory's files are shown from where the
    command runs. An object rendered from an overlay is in the file it was written in.
    """
    to_top = workspace.repository_path if isinstance(source, OnDisk) else as_shown
    return lambda shown: to_top(written_in(shown))


def _within(root: str) -> Place:
    """Paths of a directory source, from that directory: ``old/k8s/db.yaml`` -> ``k8s/db.yaml``.

    A path outside ``root`` (a file given as the source itself) is kept as it is.
    """
    top = os.path.normpath(root)

    def place(path: str) -> str:
        normal = os.path.normpath(path)
        if normal == top:
            return Path(normal).name
        if top == "." or normal.startswith(top + os.sep):
            return os.path.relpath(normal, top)
        return path

    return place


def source_place(source: Source) -> Place:
    """A path of a source as shown -> within the source, the same for both sides of a diff."""
    return _within(source.path) if isinstance(source, OnDisk) else same_place


def check_paths(paths: Sequence[str], *sides: LoadedSource) -> None:
    """A PATH filter that matches no manifest on any side is a mistake, not "no change"."""
    if paths and not any(side.file_count for side in sides):
        shown = " ".join(paths)
        msg = f"no manifest (*.yaml, *.yml, *.json) matches the paths {shown}"
        raise UsageError(msg)


def fails(
    fail_on: Iterable[FailOn],
    *,
    errors: Sequence[InputError],
    warnings: Sequence[object],
    diff: MatrixDiff | None = None,
    findings: Sequence[object] = (),
) -> bool:
    """Whether the --fail-on conditions hold: exit status 1.

    ``warnings`` are everything the report warns about: diagnostics, changed objects whose
    effect is not shown, sides where nothing was read.
    """
    conditions = set(fail_on)
    if conditions and errors:
        return True  # an incomplete analysis cannot vouch for anything
    opened = diff is not None and any(diff.opened)
    closed = diff is not None and any(diff.closed)
    return (
        ("warnings" in conditions and bool(warnings))
        or ("findings" in conditions and bool(findings))
        or ("opened" in conditions and opened)
        or ("closed" in conditions and closed)
        or ("any" in conditions and (opened or closed))
    )
