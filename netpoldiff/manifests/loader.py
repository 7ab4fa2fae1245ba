"""Loading sources into clusters: each content converted once, across sources and runs.

The Loader converts each file (by its object id) once however many sources hold it, keeps
conversions in the conversion cache across runs, and converts what is new on several cores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeGuard

from netpoldiff.cluster import Cluster
from netpoldiff.diagnostics import TEMPLATE_SKIPPED, Diagnostic
from netpoldiff.errors import InputError
from netpoldiff.kinds import Declared
from netpoldiff.manifests.assemble import Assembly
from netpoldiff.manifests.conversion_cache import ConversionCache
from netpoldiff.manifests.converted import DEFAULT_NAMESPACE, Conversion, FileResult
from netpoldiff.manifests.declared import fingerprint
from netpoldiff.manifests.relocate import relocated, relocated_error
from netpoldiff.manifests.templated import (
    TemplateError,
    chart_of,
    chart_template_error,
    fix_hint,
)
from netpoldiff.sources import SourceFile
from netpoldiff.suppression import Annotated

FilesDone = Callable[[int, int], None]
"""Told how many files of how many are read and converted, as a load goes (for progress)."""

_TELL_EVERY: Final = 64  # files between two calls of a FilesDone: a call costs, a file more


@dataclass(frozen=True, slots=True)
class Loaded:
    """The cluster a source describes, the warnings found, and the input skipped (keep-going).

    ``ignored`` are the objects' ``netpoldiff.io/ignore`` annotations: the warnings of their
    documents that they hide (see suppression.py).
    """

    cluster: Cluster
    warnings: tuple[Diagnostic, ...] = ()
    errors: tuple[InputError, ...] = ()
    skipped: tuple[str, ...] = ()  # files found under the paths that are templates, not read
    ignored: tuple[Annotated, ...] = ()


class Loader:
    """Loads sources into clusters, converting each (content, path) once across sources.

    The two sides of a diff share most files: the second side reuses the first's work.
    """

    def __init__(
        self,
        cache: ConversionCache | None = None,
        *,
        default_namespace: str = DEFAULT_NAMESPACE,
        workers: int = 1,
        declared: Declared = (),
    ) -> None:
        self.cache = cache if cache is not None else ConversionCache()
        self.default_namespace = default_namespace
        self.declared = declared  # the kinds the user declared (--workload-kind)
        self._kinds = fingerprint(declared)
        self.workers = workers
        self.conversions = 0  # files this process converted from their text (not from a cache)
        # By content and namespace: the path the result was made for, and the result.
        self._converted: dict[tuple[str, str], tuple[str, Conversion]] = {}

    def _namespace(self, source_file: SourceFile) -> str:
        """The namespace of a file's objects that name none: the file's, or the run's."""
        return source_file.namespace or self.default_namespace

    def _key(self, source_file: SourceFile) -> tuple[str, str]:
        return (source_file.object_id or "", self._namespace(source_file))

    def _convert_file(self, source_file: SourceFile) -> Conversion:
        object_id = source_file.object_id
        if object_id is None:
            return self._convert_text(source_file)
        known = self._converted.get(self._key(source_file))
        if known is None:
            known = self._converted[self._key(source_file)] = self._convert_content(source_file)
        path, result = known
        # The same content under another path (``old/x`` and ``new/x`` of two directories)
        # converts to the same objects, found at another place.
        return result if path == source_file.path else _relocated(result, source_file.path)

    def _convert_content(self, source_file: SourceFile) -> tuple[str, Conversion]:
        """A file's conversion and the path it was made for: from the disk cache, or made now."""
        object_id = source_file.object_id
        namespace = self._namespace(source_file)
        if object_id is not None:
            cached = self.cache.converted(object_id, namespace, self._kinds)
            if _is_conversion(cached):
                return cached
        result = self._convert_text(source_file)
        if object_id is not None:
            conversion = (source_file.path, result)
            self.cache.store(object_id, namespace, conversion, self._kinds)
        return source_file.path, result

    def _convert_text(self, source_file: SourceFile) -> Conversion:
        # Imported here: a run whose every file is in the conversion cache reads no YAML.
        from netpoldiff.manifests.text_conversion import convert_text  # noqa: PLC0415

        self.conversions += 1
        return convert_text(source_file, self._namespace(source_file), self.declared)

    def prepare(self, files: Iterable[SourceFile], *, progress: FilesDone | None = None) -> None:
        """Convert, ahead of ``load``, the files of every source a command will load.

        Each content is converted once however many sources share it; with several workers,
        all that is new is converted in one parallel pass, told to ``progress`` as it goes.
        """
        self._convert_in_parallel(list(files), progress)

    def _convert_in_parallel(
        self, files: list[SourceFile], progress: FilesDone | None = None
    ) -> None:
        """Convert the files not converted yet on several cores, when there is enough to do."""
        todo = [
            f
            for f in _distinct_contents(files)
            if self._key(f) not in self._converted
            and not self.cache.has(f.object_id or "", self._namespace(f), self._kinds)
        ]
        if not todo or self.workers <= 1 or sum(f.size for f in todo) < PARALLEL_THRESHOLD:
            return
        # Imported here: a run whose files are all in the conversion cache forks no process.
        from netpoldiff.manifests.workers import can_fork, run_forked  # noqa: PLC0415

        if not can_fork():
            return
        # Largest first, dealt round-robin: the processes finish at about the same time.
        todo.sort(key=lambda f: -f.size)
        own, *chunks = [todo[i :: self.workers] for i in range(self.workers)]
        directory = self.cache.directory
        tasks = [
            (chunk, directory, self.default_namespace, self.declared) for chunk in chunks if chunk
        ]

        done = 0

        def convert_own_share() -> None:
            # This process takes a share too, rather than wait: its results need no pickling.
            nonlocal done
            for source_file in own:
                if progress is not None and done % _TELL_EVERY == 0:
                    progress(done, len(todo))
                self._converted[self._key(source_file)] = self._convert_content(source_file)
                done += 1

        for chunk_results in run_forked(_convert_chunk, tasks, convert_own_share):
            for key, path, result in chunk_results:
                self._converted[key] = (path, result)
            done += len(chunk_results)
            if progress is not None:
                progress(done, len(todo))

    def load(
        self,
        files: Iterable[SourceFile],
        *,
        keep_going: bool = False,
        progress: FilesDone | None = None,
    ) -> Loaded:
        """Read every document of every file into one Cluster, telling ``progress`` as it goes.

        Without ``keep_going`` the first invalid input raises InputError. With it, a document
        that is invalid, or a file from where it cannot be parsed on, is skipped and recorded
        in ``errors``: the documents before such a break still count.
        """
        files = list(files)
        listed = {f.path for f in files}
        charts = {f.path: chart for f in files if (chart := chart_of(f.path, listed)) is not None}
        self._convert_in_parallel([f for f in files if f.path not in charts], progress)
        assembly = Assembly()
        errors: list[InputError] = []
        skipped: list[Diagnostic] = []
        for index, source_file in enumerate(files):
            if progress is not None and index % _TELL_EVERY == 0:
                progress(index, len(files))
            path = source_file.path
            conversion = (
                self._convert_file(source_file)
                if path not in charts
                else chart_template_error(path, charts[path])
            )
            if isinstance(conversion, TemplateError) and not source_file.explicit:
                skipped.append(TEMPLATE_SKIPPED.at(conversion.location, what=conversion.reason))
                continue
            result, stop = _split(conversion)
            try:
                if stop is not None and not keep_going:
                    # A file that does not read to its end stops the run at its break, before
                    # any of its documents counts, as a file that does not read at all does.
                    raise stop
                self._assemble(assembly, result, stop, errors, keep_going=keep_going)
            except InputError as error:
                if source_file.explicit or isinstance(error, TemplateError):
                    raise
                hint = fix_hint(path, listed)
                raise InputError(error.location, f"{error.message}; {hint}") from None
        if progress is not None:
            progress(len(files), len(files))
        return Loaded(
            assembly.cluster(),
            (*skipped, *assembly.warnings),
            tuple(errors),
            tuple(str(d.location.path) for d in skipped if d.location is not None),
            tuple(assembly.ignored),
        )

    @staticmethod
    def _assemble(
        assembly: Assembly,
        result: FileResult,
        stop: InputError | None,
        errors: list[InputError],
        *,
        keep_going: bool,
    ) -> None:
        """Add a file's documents; its errors stop the run, or are kept with ``keep_going``."""
        documents_or_errors = [result] if isinstance(result, InputError) else result
        for item in [*documents_or_errors, *([] if stop is None else [stop])]:
            try:
                if isinstance(item, InputError):
                    raise item
                assembly.add_document(item)
            except InputError as error:
                if not keep_going:
                    raise
                errors.append(error)


PARALLEL_THRESHOLD: Final = 1024 * 1024  # bytes of YAML before parsing on two cores pays


def _convert_chunk(
    task: tuple[list[SourceFile], Path | None, str, Declared],
) -> list[tuple[tuple[str, str], str, Conversion]]:
    """In a worker process: parse and convert some files; model objects travel back."""
    files, directory, default_namespace, declared = task
    loader = Loader(
        ConversionCache(directory, versioned=False),
        default_namespace=default_namespace,
        declared=declared,
    )
    return [(loader._key(f), *loader._convert_content(f)) for f in files]  # noqa: SLF001


def _is_conversion(value: object) -> TypeGuard[tuple[str, Conversion]]:
    """Whether a cache entry has the shape of ``Loader._convert_content``'s answer."""
    if not _is_pair(value, str, object):  # (path, result)
        return False
    result = value[1]
    if _is_pair(result, list, InputError):  # Broken: (what came before the break, the break)
        return True
    return isinstance(result, list | InputError)


def _is_pair(value: object, first: type, second: type) -> TypeGuard[tuple[object, object]]:
    return (
        isinstance(value, tuple)
        and len(value) == 2  # noqa: PLR2004 - a pair
        and isinstance(value[0], first)
        and isinstance(value[1], second)
    )


def _split(result: Conversion) -> tuple[FileResult, InputError | None]:
    """A file's documents (or the error that stopped it at once), and the break after them."""
    return result if isinstance(result, tuple) else (result, None)


def _relocated(result: Conversion, path: str) -> Conversion:
    """A file's conversion as it reads at ``path`` (see ``relocated``)."""
    if isinstance(result, tuple):
        before, stop = result
        return (relocated(before, path), relocated_error(stop, path))
    return relocated(result, path)


def _distinct_contents(files: Iterable[SourceFile]) -> list[SourceFile]:
    """One file per content and namespace among those git could name (the rest in order)."""
    seen: dict[tuple[str, str | None], SourceFile] = {}
    for source_file in files:
        if source_file.object_id is not None:
            seen.setdefault((source_file.object_id, source_file.namespace), source_file)
    return list(seen.values())


def load_cluster(
    files: Iterable[SourceFile],
    *,
    default_namespace: str = DEFAULT_NAMESPACE,
    keep_going: bool = False,
    declared: Declared = (),
) -> Loaded:
    """Read every document of every file into one Cluster (see ``Loader.load``)."""
    loader = Loader(default_namespace=default_namespace, declared=declared)
    return loader.load(files, keep_going=keep_going)
