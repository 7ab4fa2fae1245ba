"""Manifests: the files of a source to one validated, defaulted Cluster (the API server's part)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, TypeGuard

from netpoldiff.cluster import Cluster
from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.kinds import modelled_kind
from netpoldiff.manifests.cache import ParseCache
from netpoldiff.manifests.fields import Fields, object_name, with_defaults
from netpoldiff.manifests.policies import network_policy
from netpoldiff.manifests.workers import can_fork, run_forked
from netpoldiff.manifests.workloads import namespace, workload
from netpoldiff.model import Namespace, ObjectRef, Workload
from netpoldiff.policies import NetworkPolicy, Rule
from netpoldiff.sources import SourceFile


@dataclass(frozen=True, slots=True)
class Loaded:
    """The cluster a source describes, the warnings found, and the input skipped (keep-going)."""

    cluster: Cluster
    warnings: tuple[Diagnostic, ...] = ()
    errors: tuple[InputError, ...] = ()


@dataclass(frozen=True, slots=True)
class _HostNetworkWorkload:
    """A workload left out of the matrix; its name still counts for duplicates."""

    key: tuple[str, str, str]
    origin: Location


_Converted = Namespace | Workload | NetworkPolicy | _HostNetworkWorkload


@dataclass(frozen=True, slots=True)
class _ConvertedDocument:
    objects: tuple[_Converted, ...]
    warnings: tuple[Diagnostic, ...]


@dataclass(slots=True)
class _Collector:
    default_namespace: str
    namespaces: dict[str, Namespace] = field(default_factory=dict)
    workloads: dict[tuple[str, str, str], Workload | _HostNetworkWorkload] = field(
        default_factory=dict
    )
    policies: dict[ObjectRef, NetworkPolicy] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)

    def convert_document(self, fields: Fields) -> _ConvertedDocument:
        """The objects of one document and the warnings found in them; raises InputError."""
        warnings: list[Diagnostic] = []
        converted = [
            found
            for item in _expand_lists(fields)
            if (found := self._convert(item, warnings)) is not None
        ]
        return _ConvertedDocument(tuple(converted), tuple(warnings))

    def add_document(self, document: _ConvertedDocument) -> None:
        """Add every object of a document, or none of them (and none of its warnings)."""
        converted, warnings = document.objects, document.warnings
        staged = _Collector(self.default_namespace)
        for found in converted:
            staged._add(found, self)
        self.namespaces.update(staged.namespaces)
        self.workloads.update(staged.workloads)
        self.policies.update(staged.policies)
        self.warnings.extend(warnings)

    def _convert(self, fields: Fields, warnings: list[Diagnostic]) -> _Converted | None:
        kind = _modelled_kind(fields)
        if kind is None:
            return None
        metadata = fields.mapping("metadata")
        if metadata is None:
            raise fields.error("metadata", "is required")
        name = object_name(metadata, "name", label=kind == "Namespace")
        if kind == "Namespace":
            return namespace(fields, name)
        object_namespace = self.default_namespace
        if metadata.string("namespace"):  # empty means the default, as kubectl applies it
            object_namespace = object_name(metadata, "namespace", label=True)
        if kind == "NetworkPolicy":
            return network_policy(
                fields, ObjectRef.network_policy(object_namespace, name), warnings
            )
        found = workload(fields, kind, name, object_namespace, warnings)
        if found is None:
            return _HostNetworkWorkload((object_namespace, kind, name), fields.where())
        return found

    def _add(self, found: _Converted, parent: _Collector) -> None:
        """Add one converted object, refusing names taken here or in ``parent``."""
        if isinstance(found, Namespace):
            earlier_namespace = self.namespaces.get(found.name) or parent.namespaces.get(found.name)
            if earlier_namespace is not None and earlier_namespace.labels != found.labels:
                msg = (
                    f"Namespace {found.name} is defined twice with different labels "
                    f"(also at {earlier_namespace.origin})"
                )
                raise InputError(found.origin or Location("?"), msg)
            self.namespaces.setdefault(found.name, found)
        elif isinstance(found, NetworkPolicy):
            earlier_policy = self.policies.get(found.ref) or parent.policies.get(found.ref)
            if earlier_policy is not None:
                msg = (
                    f"NetworkPolicy {found.ref} is defined twice (also at {earlier_policy.origin})"
                )
                raise InputError(found.origin or Location("?"), msg)
            self.policies[found.ref] = found
        else:
            key = found.key if isinstance(found, _HostNetworkWorkload) else _workload_key(found)
            earlier = self.workloads.get(key) or parent.workloads.get(key)
            if earlier is not None:
                namespace_name, kind, name = key
                msg = f"{namespace_name}/{name}[{kind}] is defined twice (also at {earlier.origin})"
                raise InputError(found.origin or Location("?"), msg)
            self.workloads[key] = found

    def cluster(self) -> Cluster:
        namespaces = dict(self.namespaces)
        workloads = {k: w for k, w in self.workloads.items() if isinstance(w, Workload)}
        used = {w.namespace for w in workloads.values()}
        used.update(p.namespace for p in self.policies.values())
        for name in used - namespaces.keys():
            # A namespace that objects live in exists even without a manifest, with the one
            # label the API server gives every namespace.
            namespaces[name] = Namespace.implicit(name)
        return Cluster(
            namespaces=tuple(namespaces[name] for name in sorted(namespaces)),
            workloads=tuple(workloads[key] for key in sorted(workloads)),
            policies=tuple(self.policies[key] for key in sorted(self.policies)),
        )


def _workload_key(found: Workload) -> tuple[str, str, str]:
    return (found.namespace, found.kind, found.name)


def _modelled_kind(fields: Fields) -> str | None:
    """The kind of an object netpoldiff models, or None for anything else."""
    kind = modelled_kind(fields.get("apiVersion"), fields.get("kind"))
    return kind.name if kind is not None else None


def _expand_lists(fields: Fields) -> Iterator[Fields]:
    """The object, or the items of a ``List`` / ``<Kind>List`` (typed items may omit kind)."""
    kind = fields.get("kind")
    items = fields.get("items")
    if not (isinstance(kind, str) and kind.endswith("List") and isinstance(items, list)):
        yield fields
        return
    item_kind = kind.removesuffix("List")
    for item in fields.mappings("items") or ():
        if item_kind and not item.has("kind"):
            implied = with_defaults(
                item.data, {"apiVersion": fields.get("apiVersion"), "kind": item_kind}
            )
            item = Fields(implied, item.document, item.path)  # noqa: PLW2901 - the filled-in item
        yield from _expand_lists(item)


_FileResult = list[_ConvertedDocument | InputError] | InputError


class Loader:
    """Loads sources into clusters, converting each (content, path) once across sources.

    The two sides of a diff share most files: the second side reuses the first's work.
    """

    def __init__(
        self,
        cache: ParseCache | None = None,
        *,
        default_namespace: str = "default",
        workers: int = 1,
    ) -> None:
        self.cache = cache if cache is not None else ParseCache()
        self.default_namespace = default_namespace
        self.workers = workers
        # By content: the path the result was made for, and the result.
        self._converted: dict[str, tuple[str, _FileResult]] = {}

    def _convert_file(self, source_file: SourceFile) -> _FileResult:
        object_id = source_file.object_id
        if object_id is None:
            return self._convert_text(source_file)
        known = self._converted.get(object_id)
        if known is None:
            known = self._converted[object_id] = self._convert_content(source_file)
        path, result = known
        # The same content under another path (``old/x`` and ``new/x`` of two directories)
        # converts to the same objects, found at another place.
        return result if path == source_file.path else _relocated(result, source_file.path)

    def _convert_content(self, source_file: SourceFile) -> tuple[str, _FileResult]:
        """A file's conversion and the path it was made for: from the disk cache, or made now."""
        object_id = source_file.object_id
        if object_id is not None:
            cached = self.cache.converted(object_id, self.default_namespace)
            if _is_conversion(cached):
                return cached
        result = self._convert_text(source_file)
        if object_id is not None:
            self.cache.store(object_id, self.default_namespace, (source_file.path, result))
        return source_file.path, result

    def _convert_text(self, source_file: SourceFile) -> _FileResult:
        converter = _Collector(self.default_namespace)
        result: _FileResult
        try:
            parsed = self.cache.documents(source_file)
        except InputError as error:
            result = error
        else:
            result = []
            for document in parsed:
                if not isinstance(document.content, Mapping):
                    continue  # empty documents and non-objects are no manifests
                location = Location(source_file.path, document.index)
                try:
                    result.append(
                        converter.convert_document(Fields(document.content, location, ""))
                    )
                except InputError as error:
                    result.append(error)
        return result

    def prepare(self, files: Iterable[SourceFile]) -> None:
        """Convert, ahead of ``load``, the files of every source a command will load.

        Each content is converted once however many sources share it; with several workers,
        all that is new is converted in one parallel pass.
        """
        self._convert_in_parallel(list(files))

    def _convert_in_parallel(self, files: list[SourceFile]) -> None:
        """Convert the files not converted yet on several cores, when there is enough to do."""
        todo = [
            f
            for f in _distinct_contents(files)
            if f.object_id not in self._converted
            and not self.cache.has(f.object_id or "", self.default_namespace)
        ]
        if not todo or self.workers <= 1 or not can_fork():
            return
        if sum(f.size for f in todo) < PARALLEL_THRESHOLD:
            return
        # Largest first, dealt round-robin: the processes finish at about the same time.
        todo.sort(key=lambda f: -f.size)
        own, *chunks = [todo[i :: self.workers] for i in range(self.workers)]
        directory = self.cache.directory
        tasks = [(chunk, directory, self.default_namespace) for chunk in chunks if chunk]

        def convert_own_share() -> None:
            # This process takes a share too, rather than wait: its results need no pickling.
            for source_file in own:
                self._converted[source_file.object_id or ""] = self._convert_content(source_file)

        for chunk_results in run_forked(_convert_chunk, tasks, convert_own_share):
            for object_id, path, result in chunk_results:
                self._converted[object_id] = (path, result)

    def load(self, files: Iterable[SourceFile], *, keep_going: bool = False) -> Loaded:
        """Read every document of every file into one Cluster.

        Without ``keep_going`` the first invalid input raises InputError. With it, a file that
        cannot be parsed, or a document that is invalid, is skipped and recorded in ``errors``.
        """
        files = list(files)
        self._convert_in_parallel(files)
        collector = _Collector(self.default_namespace)
        errors: list[InputError] = []
        for source_file in files:
            result = self._convert_file(source_file)
            documents_or_errors = [result] if isinstance(result, InputError) else result
            for item in documents_or_errors:
                try:
                    if isinstance(item, InputError):
                        raise item
                    collector.add_document(item)
                except InputError as error:
                    if not keep_going:
                        raise
                    errors.append(error)
        return Loaded(collector.cluster(), tuple(collector.warnings), tuple(errors))


PARALLEL_THRESHOLD: Final = 1024 * 1024  # bytes of YAML before parsing on two cores pays


def _convert_chunk(
    task: tuple[list[SourceFile], Path | None, str],
) -> list[tuple[str, str, _FileResult]]:
    """In a worker process: parse and convert some files; model objects travel back."""
    files, directory, default_namespace = task
    loader = Loader(ParseCache(directory, versioned=False), default_namespace=default_namespace)
    return [(f.object_id or "", *loader._convert_content(f)) for f in files]  # noqa: SLF001


def _is_conversion(value: object) -> TypeGuard[tuple[str, _FileResult]]:
    """Whether a cache entry has the shape of ``Loader._convert_content``'s answer."""
    return (
        isinstance(value, tuple)
        and len(value) == 2  # noqa: PLR2004 - (path, result)
        and isinstance(value[0], str)
        and isinstance(value[1], list | InputError)
    )


def _distinct_contents(files: Iterable[SourceFile]) -> list[SourceFile]:
    """One file per content among those git could name (the others convert in order)."""
    seen: dict[str, SourceFile] = {}
    for source_file in files:
        if source_file.object_id is not None:
            seen.setdefault(source_file.object_id, source_file)
    return list(seen.values())


def _moved(location: Location | None, path: str) -> Location | None:
    return None if location is None else replace(location, path=path)


def _relocated_error(error: InputError, path: str) -> InputError:
    return type(error)(replace(error.location, path=path), error.message)


def _relocated_object(found: _Converted, path: str) -> _Converted:
    if isinstance(found, _HostNetworkWorkload):
        return replace(found, origin=replace(found.origin, path=path))
    if isinstance(found, NetworkPolicy):
        return _relocated_policy(found, path)
    return replace(found, origin=_moved(found.origin, path))


def _relocated_policy(policy: NetworkPolicy, path: str) -> NetworkPolicy:
    """A policy whose rules, peers and ports, not only itself, are found at ``path``."""

    def rules(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        return tuple(
            replace(
                rule,
                peers=None
                if rule.peers is None
                else tuple(replace(p, origin=_moved(p.origin, path)) for p in rule.peers),
                ports=tuple(replace(p, origin=_moved(p.origin, path)) for p in rule.ports),
                origin=_moved(rule.origin, path),
            )
            for rule in rules
        )

    return replace(
        policy,
        ingress=rules(policy.ingress),
        egress=rules(policy.egress),
        origin=_moved(policy.origin, path),
    )


def _relocated(result: _FileResult, path: str) -> _FileResult:
    """A file's conversion as it reads at ``path``: every location names that file."""
    if isinstance(result, InputError):
        return _relocated_error(result, path)
    return [
        _relocated_error(item, path)
        if isinstance(item, InputError)
        else _ConvertedDocument(
            tuple(_relocated_object(found, path) for found in item.objects),
            tuple(replace(w, location=_moved(w.location, path)) for w in item.warnings),
        )
        for item in result
    ]


def load_cluster(
    files: Iterable[SourceFile], *, default_namespace: str = "default", keep_going: bool = False
) -> Loaded:
    """Read every document of every file into one Cluster (see ``Loader.load``)."""
    return Loader(default_namespace=default_namespace).load(files, keep_going=keep_going)


__all__ = ["Loaded", "Loader", "ParseCache", "load_cluster"]
