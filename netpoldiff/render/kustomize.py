"""``kustomize build`` (or ``kubectl kustomize``) of one overlay in a materialised tree.

Run with the load restrictor on (``LoadRestrictionsRootOnly``, also kustomize's default, said
outright so no configuration can change it), without ``--enable-alpha-plugins``,
``--enable-exec`` or ``--enable-helm``: kustomize then runs no plugin, no KRM function and no
Helm. The overlay's kustomization is copied with ``buildMetadata: [originAnnotations]`` added,
so each object says which file it came from.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from netpoldiff.errors import InputError, Location, SourceError
from netpoldiff.render.sandbox import run_bounded

NO_RENDERER: Final = (
    "rendering {overlay} needs kustomize or kubectl on PATH: install kustomize "
    "(https://kubectl.docs.kubernetes.io/installation/kustomize/) or kubectl, name one with "
    "--kustomize PROGRAM, or read the plain files with --render none"
)
_ORIGIN_ANNOTATIONS: Final = "originAnnotations"
_RESTRICTOR: Final = ("--load-restrictor", "LoadRestrictionsRootOnly")
# kubectl prefixes its log lines: "E1205 22:46:47.308531    637 run.go:72] ".
_KLOG: Final = re.compile(r"^[IWEF]\d{4} [\d:.]+\s+\d+ [^\]]*\] ")
_MAX_ERROR: Final = 300  # characters of the renderer's message kept in the one-line error


def renderer(command: str | None, overlay: str) -> list[str]:
    """The program and subcommand: ``--kustomize PROGRAM``, else kustomize, else kubectl."""
    candidates = [command] if command is not None else ["kustomize", "kubectl"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found is not None:
            kubectl = Path(found).name.startswith("kubectl")
            return [found, "kustomize" if kubectl else "build"]
    if command is not None:
        msg = f"--kustomize {command}: no such program (to render {overlay})"
        raise SourceError(msg)
    raise SourceError(NO_RENDERER.format(overlay=overlay))


def with_origin_annotations(data: bytes, shown: str) -> bytes:
    """The kustomization, as JSON (which is YAML), with origin annotations asked for."""
    # Imported here: a run with nothing to render reads no YAML for it.
    from netpoldiff.manifests.yaml_docs import documents  # noqa: PLC0415

    found = [d.content for d in documents(data, shown, whole=True) if d.content is not None]
    content: dict[str, object] = json.loads(json.dumps(found[0]))
    metadata = content.get("buildMetadata")
    listed = [m for m in metadata if isinstance(m, str)] if isinstance(metadata, list) else []
    missing = [] if _ORIGIN_ANNOTATIONS in listed else [_ORIGIN_ANNOTATIONS]
    content["buildMetadata"] = [*listed, *missing]
    return json.dumps(content).encode("utf-8")


def _one_line(text: str) -> str:
    lines = [_KLOG.sub("", line).strip() for line in text.splitlines() if line.strip()]
    said = " ".join(lines).removeprefix("Error: ").removeprefix("error: ")
    return said if len(said) <= _MAX_ERROR else f"{said[:_MAX_ERROR]}..."


def build(
    program: list[str],
    root: Path,
    overlay: str,
    *,
    shown: str,
    timeout: float,
    max_output: int,
) -> list[Mapping[str, object]]:
    """The objects ``overlay`` (a directory of the tree copied to ``root``) renders to.

    Errors name the overlay's kustomization file (``shown``).
    """
    # Imported here: a run with nothing to render reads no YAML for it.
    from netpoldiff.manifests.yaml_docs import documents  # noqa: PLC0415

    where = Location(shown)
    directory = root.joinpath(*overlay.split("/")) if overlay != "." else root
    with tempfile.TemporaryDirectory(prefix="netpoldiff-home-") as home:
        outcome = run_bounded(
            [*program, *_RESTRICTOR, str(directory)],
            cwd=Path(home),
            home=Path(home),
            timeout=timeout,
            max_output=max_output,
        )
    # A path of the temporary tree means nothing to a reader: show it as the source's root.
    said = _one_line(outcome.errors.replace(f"{root}/", "").replace(str(root), "."))
    if outcome.stopped == "timeout":
        raise InputError(where, f"kustomize did not finish within {timeout:g} seconds")
    if outcome.stopped == "output":
        raise InputError(where, f"rendered to more than {max_output:,} bytes (--max-file-size)")
    if outcome.status != 0:
        raise InputError(where, f"kustomize failed: {said or f'exit status {outcome.status}'}")
    rendered = f"{shown} (rendered)"
    return [
        d.content
        for d in documents(outcome.output, rendered, whole=True)
        if isinstance(d.content, Mapping)
    ]
