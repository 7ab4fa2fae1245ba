"""Helm charts in the pipeline: each chart copied out of its source and rendered (helm.py).

A chart directory's templates are never plain manifests; the chart and its values files are
copied out of the source like an overlay and handed to ``render_chart``.
"""

from __future__ import annotations

import posixpath
import tempfile
from dataclasses import replace
from pathlib import Path

from netpoldiff.render.helm import render_chart
from netpoldiff.render.materialise import materialise
from netpoldiff.render.plan import HelmRelease, RenderPlan
from netpoldiff.render.tree import Tree
from netpoldiff.sources import SourceFile, Workspace
from netpoldiff.sources.files import blob_id


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
    release = replace(release_of(chart, plan), chart=shown)
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
        data = render_chart(
            copy / chart,
            replace(release, values=values),
            command=plan.helm_command,
            timeout=plan.timeout,
            values_root=copy,
        )
    path = f"{shown} (release {release.release})"
    # Helm installs the objects that name no namespace in the release's namespace.
    return (SourceFile(path, data, blob_id(data), namespace=release.namespace),)
