"""The Helm seam: a chart that must render says so while Helm rendering is missing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from netpoldiff.errors import SourceError
from netpoldiff.render.charts import release_of, render
from netpoldiff.render.plan import HelmRelease, RenderPlan
from netpoldiff.render.tree import source_tree
from netpoldiff.sources import OnDisk, Workspace


def test_the_release_the_plan_names_is_used() -> None:
    plan = RenderPlan(charts=(HelmRelease("./charts/web", release="web"),))
    assert release_of("charts/web", plan).release == "web"
    assert release_of("charts/api", plan) == HelmRelease("charts/api")


@pytest.mark.skipif(
    importlib.util.find_spec("netpoldiff.render.helm") is not None, reason="Helm rendering exists"
)
def test_a_chart_is_an_error_while_helm_rendering_is_not_available(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "Chart.yaml").write_text("name: c\n")
    workspace = Workspace.at(tmp_path)
    tree = source_tree(workspace, OnDisk("."))
    assert tree is not None
    with pytest.raises(SourceError, match="c: Helm rendering is not available"):
        render(workspace, tree, "c", RenderPlan())
