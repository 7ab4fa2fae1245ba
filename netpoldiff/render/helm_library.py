"""Helm's Go SDK as a renderer (``helm-python-sdk``), and what both Helm renderers share.

The library renders what ``helm template`` prints, as far as it can (see ``render_chart`` in
helm.py for where the two differ); the values files and error messages are checked and made
here for both.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from netpoldiff.errors import InputError, Location, SourceError
from netpoldiff.render.plan import HelmRelease
from netpoldiff.sources import DEFAULT_MAX_FILE_SIZE

# The rendered stream is read as one manifest file, so it gets a file's size limit; so does
# each values file, which Helm reads whole.
MAX_OUTPUT: Final = DEFAULT_MAX_FILE_SIZE
# What helm uses when neither --namespace nor a kubeconfig names one; given outright, so that
# both renderers agree and no kubeconfig is read.
DEFAULT_NAMESPACE: Final = "default"
LIBRARY: Final = "helm_python"


@dataclass(frozen=True, slots=True)
class Values:
    """The values files of a release: absolute paths, each a small file inside ``root``."""

    root: Path
    files: tuple[Path, ...]


def values_files(release: HelmRelease, values_root: Path) -> Values:
    """The values files, each checked to be a small file inside the tree."""
    root = values_root.resolve()
    files = []
    for name in release.values:
        path = (root / name).resolve()
        where = Location(name)
        if not path.is_relative_to(root):
            raise InputError(where, f"values file of chart {release.chart} is outside the tree")
        if not path.is_file():
            raise InputError(where, f"values file of chart {release.chart} not found")
        if path.stat().st_size > MAX_OUTPUT:
            raise InputError(where, f"values file is larger than {MAX_OUTPUT} bytes")
        files.append(path)
    return Values(root, tuple(files))


def cannot_render(release: HelmRelease, problem: str) -> SourceError:
    """No renderer can run here: a fault of the machine, not of the chart."""
    return SourceError(f"{release.chart}: cannot render the Helm chart: {problem}")


def failure(release: HelmRelease, detail: str, chart_dir: Path, root: Path) -> InputError:
    """A renderer's message as one line, with repository paths for the private copy's."""
    detail = detail.replace(str(chart_dir), release.chart).replace(f"{root}{os.sep}", "")
    return InputError(Location(release.chart), " ".join(detail.split()))


def in_thread(render: Callable[[], bytes], release: HelmRelease, timeout: float) -> bytes:
    """``render()`` within the timeout; a daemon thread, so an abandoned one never holds exit.

    (A thread pool would: its threads are joined when the interpreter exits.)
    """
    outcome: list[bytes | Exception] = []

    def work() -> None:
        try:
            outcome.append(render())
        except Exception as error:  # noqa: BLE001 - raised again below, in the caller's thread
            outcome.append(error)

    thread = threading.Thread(target=work, name=f"helm {release.chart}", daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        raise InputError(
            Location(release.chart), f"rendering the chart took longer than {timeout:g} seconds"
        )
    result = outcome[0]
    if isinstance(result, Exception):
        raise result
    return result


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's merge of ``-f`` files (mergeMaps): maps merge key by key, anything else replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def render_with_library(chart_dir: Path, release: HelmRelease, values: Values) -> bytes:
    """The chart rendered by Helm's library, as ``helm template`` would print it."""
    try:
        import helm_python as helm  # noqa: PLC0415 - a 75 MB Go library: loaded only to render
    except Exception as error:  # noqa: BLE001 - HelmLibraryError, or a broken install
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise cannot_render(release, f"Helm's library cannot be loaded: {first}") from None
    merged: dict[str, Any] = {}
    for path, name in zip(values.files, release.values, strict=True):
        try:
            merged = _merge(merged, helm.values_from_yaml(path.read_bytes().decode("utf-8")))
        except (helm.HelmError, UnicodeDecodeError) as error:
            detail = f"values file of chart {release.chart}: {error}"
            raise InputError(Location(name), " ".join(detail.split())) from None
    try:
        helm.validate_release_name(release.release)
    except helm.HelmError as error:
        detail = f"release name {release.release!r}: {error}"
        raise failure(release, detail, chart_dir, values.root) from None
    try:
        # Loaded for each render: rendering drops disabled dependencies from the loaded chart.
        with helm.Chart.load(chart_dir) as chart:
            _check_vendored(chart.metadata, chart.dependencies, release)
            manifests = chart.render(
                merged, name=release.release, namespace=release.namespace or DEFAULT_NAMESPACE
            )
            crds = chart.crds  # after rendering: without those of disabled dependencies
    except helm.HelmError as error:
        raise failure(release, str(error), chart_dir, values.root) from None
    return _stream(crds, manifests, release)


def _check_vendored(
    metadata: Mapping[str, Any], loaded: list[dict[str, Any]], release: HelmRelease
) -> None:
    """Every dependency in Chart.yaml is in charts/, as Helm checks before it renders."""
    declared = {str(dependency.get("name")) for dependency in metadata.get("dependencies") or ()}
    missing = sorted(declared - {str(dependency.get("name")) for dependency in loaded})
    if missing:
        raise InputError(
            Location(release.chart),
            f"dependency {', '.join(missing)} of Chart.yaml is not in charts/ (charts are "
            "rendered offline: vendor it with helm dependency build)",
        )


def _applied(template: str, text: str) -> bool:
    """Whether a rendered template is applied: not NOTES.txt, a test, or empty (as helm)."""
    return (
        not template.endswith("NOTES.txt")
        and "/templates/tests/" not in template
        and bool(text.strip())
    )


def _stream(
    crds: list[dict[str, str]], manifests: Mapping[str, str], release: HelmRelease
) -> bytes:
    """The rendered files as helm template prints them: ``# Source:`` before each."""
    parts = [f"---\n# Source: {crd['filename']}\n{crd['data']}\n" for crd in crds]
    parts += [
        f"---\n# Source: {template}\n{text}\n"
        for template, text in sorted(manifests.items())
        if _applied(template, text)
    ]
    stream = "".join(parts).encode("utf-8")
    if len(stream) > MAX_OUTPUT:
        raise InputError(
            Location(release.chart), f"the rendered chart is larger than {MAX_OUTPUT} bytes"
        )
    return stream
