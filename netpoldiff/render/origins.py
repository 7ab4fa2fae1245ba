"""A rendered stream turned back into files named after where each object was written.

kustomize, asked for ``buildMetadata: [originAnnotations]``, notes on each object the file it
came from (``config.kubernetes.io/origin``, relative to the overlay). The annotation is taken
off again (it changes nothing else), and the objects of each original file become one
``SourceFile`` named ``base/policy.yaml via overlays/prod``. Each object is written on one
line at the document index and line of the document it came from, when that document can be
found, so errors and causes point at the file and line a reviewer opens.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from netpoldiff.errors import InputError
from netpoldiff.manifests.located import Located
from netpoldiff.sources import SourceFile
from netpoldiff.sources.files import blob_id

ORIGIN: Final = "config.kubernetes.io/origin"
_VIA: Final = " via "


@dataclass(frozen=True, slots=True)
class Place:
    """Where a document starts in its file: its 1-based index and line."""

    document: int
    line: int


@dataclass(slots=True)
class _Group:
    """The rendered objects that came from one file, with the place each was found at."""

    placed: list[tuple[Place, dict[str, object]]] = field(default_factory=list)
    unplaced: list[dict[str, object]] = field(default_factory=list)


def _origin_path(annotation: object, overlay: str) -> str | None:
    """The tree path an origin annotation names (None: remote, or no file)."""
    if not isinstance(annotation, str):
        return None
    fields = dict(line.split(": ", 1) for line in annotation.splitlines() if ": " in line)
    if "repo" in fields:
        return None
    path = fields.get("path") or fields.get("configuredIn")
    if path is None:
        return None
    return posixpath.normpath(posixpath.join(overlay, path.strip().strip("'\"")))


def _strip_origin(content: Mapping[str, object]) -> tuple[dict[str, object], object]:
    """A plain copy of an object without its origin annotation, and the annotation."""
    plain: dict[str, object] = json.loads(json.dumps(content))
    metadata = plain.get("metadata")
    if not isinstance(metadata, dict):
        return plain, None
    annotations = metadata.get("annotations")
    if not isinstance(annotations, dict):
        return plain, None
    origin = annotations.pop(ORIGIN, None)
    if not annotations:
        del metadata["annotations"]
    return plain, origin


def _identity(content: Mapping[str, object]) -> tuple[object, object]:
    metadata = content.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    return content.get("kind"), name


def _places(data: bytes, shown: str) -> list[tuple[tuple[object, object], Place]]:
    """Each object document of an original file: its kind and name, and where it starts."""
    # Imported here: a run with nothing to render reads no YAML for it.
    from netpoldiff.manifests.yaml_docs import documents  # noqa: PLC0415

    try:
        return [
            (_identity(d.content), Place(d.index, d.content.line))
            for d in documents(data, shown, whole=True)
            if isinstance(d.content, Located)
        ]
    except InputError:
        return []  # the renderer read it; where its objects stand is only a nicety


def _find(
    plain: Mapping[str, object], places: list[tuple[tuple[object, object], Place]]
) -> Place | None:
    """The document an object was rendered from: same kind, its name within the new name."""
    kind, name = _identity(plain)
    candidates = [
        (original, place)
        for (original_kind, original), place in places
        if original_kind == kind
        and isinstance(original, str)
        and isinstance(name, str)
        and original in name
    ]
    exact = [pair for pair in candidates if pair[0] == name]
    chosen = (exact or candidates)[:1]
    if not chosen:
        return None
    places.remove(((kind, chosen[0][0]), chosen[0][1]))
    return chosen[0][1]


def _laid_out(group: _Group) -> bytes:
    """The group's objects as a YAML stream, each at its original document and line if it fits.

    A document of comments counts as a document for kubectl (and netpoldiff), so ``#``
    lines pad both the index and the line; one that would have to go back is written next.
    """
    lines: list[str] = []
    document, filled = 1, False
    placed = sorted(group.placed, key=lambda pair: (pair[0].document, pair[0].line))
    wanted: list[tuple[Place | None, dict[str, object]]] = [*placed]
    wanted += [(None, content) for content in group.unplaced]
    for place, content in wanted:
        target = place.document if place is not None else document + (1 if filled else 0)
        if target <= document and filled:
            target = document + 1
        while document < target:
            if not filled:
                lines.append("#")
            lines.append("---")
            document, filled = document + 1, False
        while place is not None and len(lines) + 1 < place.line:
            lines.append("#")
        lines.append(json.dumps(content, ensure_ascii=False, separators=(", ", ": ")))
        filled = True
    return ("\n".join(lines) + "\n").encode("utf-8")


def rendered_files(
    objects: Iterable[Mapping[str, object]],
    *,
    overlay: str,
    read: Callable[[str], bytes | None],
    display: Callable[[str], str],
) -> tuple[SourceFile, ...]:
    """The rendered objects of one overlay (tree path) as files named for their origins."""
    groups: dict[str, _Group] = {}
    places: dict[str, list[tuple[tuple[object, object], Place]]] = {}
    for content in objects:
        plain, annotation = _strip_origin(content)
        origin = _origin_path(annotation, overlay) or overlay
        group = groups.setdefault(origin, _Group())
        if origin not in places:
            data = read(origin)
            places[origin] = [] if data is None else _places(data, display(origin))
        place = _find(plain, places[origin])
        if place is None:
            group.unplaced.append(plain)
        else:
            group.placed.append((place, plain))
    files = []
    for origin, group in sorted(groups.items()):
        data = _laid_out(group)
        path = f"{display(origin)}{_VIA}{display(overlay)}"
        files.append(SourceFile(path, data, blob_id(data)))
    return tuple(files)


def written_in(path: str) -> str:
    """The file a rendered object is written in: ``base/p.yaml`` of ``base/p.yaml via overlays/x``.

    Other paths as they are. Annotations on lines (SARIF, GitHub) need the file itself.
    """
    written, via, _ = path.partition(_VIA)
    return written if via else path
