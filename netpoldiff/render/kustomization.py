"""One kustomization file read before anything renders it: what it refers to, what it may not do.

A pull request controls every kustomization it touches, so each is checked here, before a
renderer runs: no remote base or resource (kustomize would fetch it), no Helm inflation, no
plugin or KRM function (exec or container), no path that leaves the source. What it refers
to (bases, components, patches, generator files) is listed, so that the files a rendering
consumes are not also read as plain manifests.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from netpoldiff.errors import InputError, Location

KUSTOMIZATION_NAMES: Final = ("kustomization.yaml", "kustomization.yml", "Kustomization")

# Keys whose entries are files or kustomization directories, each resolved from the file's folder.
_PATH_LISTS: Final = ("resources", "bases", "components", "crds", "configurations")
_PLUGIN_LISTS: Final = ("generators", "transformers", "validators")
_REFUSED: Final = {
    "helmCharts": "Helm inflation (helmCharts) is not run; render the chart as a chart",
    "helmChartInflationGenerator": "Helm inflation (helmChartInflationGenerator) is not run",
    "helmGlobals": "Helm inflation (helmGlobals) is not run",
}
# What kustomize would fetch instead of reading: a URL, an scp-like git address, a ref.
_REMOTE: Final = re.compile(
    r"://|^git@|\?ref=|^(github|gitlab|bitbucket)\.(com|org)/", re.IGNORECASE
)
_FUNCTION_ANNOTATIONS: Final = ("config.kubernetes.io/function", "config.k8s.io/function")
_BUILTIN: Final = "builtin"


@dataclass(frozen=True, slots=True)
class Kustomization:
    """A checked kustomization: its file, the directories and files it refers to."""

    file: str  # tree path of the kustomization file
    directories: tuple[str, ...]  # kustomization directories it builds on (bases, components)
    files: tuple[str, ...]  # files it reads (resources, patches, generator inputs)


def kustomization_file(directory: str, files: frozenset[str]) -> str | None:
    """The kustomization file of a directory (tree paths), as kustomize looks for it."""
    for name in KUSTOMIZATION_NAMES:
        path = name if directory == "." else f"{directory}/{name}"
        if path in files:
            return path
    return None


@dataclass(frozen=True, slots=True)
class TreeView:
    """What a check sees of the source: its files and folders, how to read and show them."""

    files: frozenset[str]
    folders: frozenset[str]
    load: Callable[[str], bytes]
    display: Callable[[str], str]


class _Reader:
    """Resolves and checks the references of one kustomization file."""

    def __init__(self, file: str, view: TreeView) -> None:
        self.file = file
        self.view = view
        self.shown = view.display(file)
        self.folder = posixpath.dirname(file) or "."
        self.directories: list[str] = []
        self.consumed: list[str] = []

    def fail(self, message: str) -> InputError:
        return InputError(Location(self.shown), message)

    def resolve(self, reference: str) -> str:
        """A reference as a tree path; refused when remote or outside the source."""
        if _REMOTE.search(reference):
            msg = f"remote base or resource {reference!r} is refused (netpoldiff never fetches)"
            raise self.fail(msg)
        if posixpath.isabs(reference):
            msg = f"{reference!r} is an absolute path; only the source's files are read"
            raise self.fail(msg)
        joined = posixpath.normpath(posixpath.join(self.folder, reference))
        if joined == ".." or joined.startswith("../"):
            msg = f"{reference!r} is outside the source ('../' escapes its root)"
            raise self.fail(msg)
        return joined

    def reference(self, reference: str, *, plugin: bool = False) -> None:
        """A file or kustomization directory; anything else kustomize would try to fetch."""
        path = self.resolve(reference)
        if path in self.view.folders:
            if plugin:
                msg = (
                    f"{reference!r}: a directory of generator or transformer configurations "
                    "is not rendered (plugins are not run)"
                )
                raise self.fail(msg)
            self.directories.append(path)
        elif path in self.view.files:
            if plugin:
                _check_plugin_config(self.view.load(path), self.view.display(path), self)
            self.consumed.append(path)
        else:
            msg = (
                f"{reference!r} is not a file or directory of the source (kustomize would try "
                "to fetch it as a remote base; netpoldiff never fetches)"
            )
            raise self.fail(msg)

    def file_reference(self, reference: str) -> None:
        """A file a patch or generator reads; kustomize reports one that is missing."""
        path = self.resolve(reference)
        if path in self.view.files:
            self.consumed.append(path)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield item


def _is_inline(entry: str) -> bool:
    return "\n" in entry or ":" in entry.split("/", 1)[0]


def read_kustomization(file: str, view: TreeView) -> Kustomization:
    """Check one kustomization file (a tree path) and list what it refers to."""
    reader = _Reader(file, view)
    content = _single_mapping(view.load(file), reader.shown)
    for key, why in _REFUSED.items():
        if key in content:
            raise reader.fail(why)
    for key in _PATH_LISTS:
        for entry in _strings(content.get(key)):
            reader.reference(entry)
    for key in _PLUGIN_LISTS:
        for entry in _strings(content.get(key)):
            if _is_inline(entry):
                _check_plugin_config(entry.encode(), f"{reader.shown} ({key})", reader)
            else:
                reader.reference(entry, plugin=True)
    _patch_files(content, reader)
    _generator_files(content, reader)
    return Kustomization(file, tuple(reader.directories), tuple(reader.consumed))


def _check_plugin_config(data: bytes, shown: str, reader: _Reader) -> None:
    """A generator or transformer configuration may name only kustomize's builtin plugins."""
    # Imported here: a run with nothing to render reads no YAML for it.
    from netpoldiff.manifests.yaml_docs import documents  # noqa: PLC0415

    for document in documents(data, shown, whole=True):
        content = document.content
        if not isinstance(content, Mapping):
            continue
        metadata = content.get("metadata")
        annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
        if isinstance(annotations, Mapping) and any(
            name in annotations for name in _FUNCTION_ANNOTATIONS
        ):
            msg = f"{shown}: KRM functions (exec or container) are not run"
            raise reader.fail(msg)
        if content.get("apiVersion") != _BUILTIN:
            kind = content.get("kind", "?")
            msg = f"{shown}: plugin {kind!s} is not run (only builtin ones are)"
            raise reader.fail(msg)


def _patch_files(content: Mapping[str, object], reader: _Reader) -> None:
    for key in ("patches", "patchesJson6902", "replacements"):
        entries = content.get(key)
        for entry in entries if isinstance(entries, list) else ():
            path = entry.get("path") if isinstance(entry, Mapping) else None
            if isinstance(path, str):
                reader.file_reference(path)
    for entry in _strings(content.get("patchesStrategicMerge")):
        if not _is_inline(entry):
            reader.file_reference(entry)
    openapi = content.get("openapi")
    if isinstance(openapi, Mapping) and isinstance(openapi.get("path"), str):
        reader.file_reference(str(openapi["path"]))


def _generator_files(content: Mapping[str, object], reader: _Reader) -> None:
    for key in ("configMapGenerator", "secretGenerator"):
        entries = content.get(key)
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, Mapping):
                continue
            for item in [*_strings(entry.get("files")), *_strings(entry.get("envs"))]:
                reader.file_reference(item.rpartition("=")[2])
            if isinstance(entry.get("env"), str):
                reader.file_reference(str(entry["env"]))


def _single_mapping(data: bytes, shown: str) -> Mapping[str, object]:
    """The one mapping a kustomization file holds."""
    # Imported here: a run with nothing to render reads no YAML for it.
    from netpoldiff.manifests.yaml_docs import documents  # noqa: PLC0415

    found = [d.content for d in documents(data, shown, whole=True) if d.content is not None]
    if len(found) != 1 or not isinstance(found[0], Mapping):
        raise InputError(Location(shown), "a kustomization file holds one mapping")
    return found[0]
