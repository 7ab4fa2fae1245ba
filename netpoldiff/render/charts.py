"""Helm charts in the pipeline: one seam to the Helm renderer (``render/helm.py``).

A chart directory's templates are never plain manifests; the chart is copied out of the
source like an overlay and handed to ``netpoldiff.render.helm.render_chart``. Until that
module exists, a chart that must render is an error, never a silent skip.
"""

from __future__ import annotations

import importlib
import posixpath
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Protocol, cast

from netpoldiff.errors import SourceError
from netpoldiff.render.materialise import materialise
from netpoldiff.render.plan import HelmRelease, RenderPlan
from netpoldiff.render.tree import Tree
from netpoldiff.sources import SourceFile, Workspace
from netpoldiff.sources.files import blob_id


class _Helm(Protocol):
    """What the pipeline asks of the Helm module."""

    def render_chart(
        self, chart_dir: Path, release: HelmRelease, *, command: str | None, timeout: float
    ) -> bytes:
        """The chart's manifests, a YAML stream."""


def _helm(shown: str) -> _Helm:
    try:
        module = importlib.import_module("netpoldiff.render.helm")
    except ModuleNotFoundError:
        msg = (
            f"{shown}: Helm rendering is not available in this version of netpoldiff; "
            "read the other files with -- PATH, or --render none"
        )
        raise SourceError(msg) from None
    return cast("_Helm", module)


def release_of(chart: str, plan: RenderPlan) -> HelmRelease:
    """The release the plan names for a chart directory, or the default one."""
    for release in plan.charts:
        if posixpath.normpath(release.chart) == chart:
            return release
    return HelmRelease(chart)


def render(
    workspace: Workspace, tree: Tree, chart: str, plan: RenderPlan
) -> tuple[SourceFile, ...]:
    """A chart's manifests, rendered from a copy of the chart and its values files."""
    shown = tree.display(chart)
    helm = _helm(shown)
    release = release_of(chart, plan)
    with tempfile.TemporaryDirectory(prefix="netpoldiff-chart-") as scratch:
        copy = Path(scratch)
        values = tuple(posixpath.normpath(v) for v in release.values)
        materialise(
            tree,
            (chart, *values),
            copy,
            max_file_size=workspace.max_file_size,
            max_total_size=workspace.max_total_size,
        )
        copied = replace(release, values=tuple(str(copy / v) for v in values))
        data = helm.render_chart(
            copy / chart, copied, command=plan.helm_command, timeout=plan.timeout
        )
    path = f"{shown} (release {release.release})"
    return (SourceFile(path, data, blob_id(data)),)
