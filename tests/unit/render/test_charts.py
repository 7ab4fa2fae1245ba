"""charts: a chart is copied out of its source with its values files and rendered as its release."""

from __future__ import annotations

from pathlib import Path

import yaml

from netpoldiff.render.charts import release_of, render
from netpoldiff.render.plan import HelmRelease, RenderPlan
from netpoldiff.render.tree import source_tree
from netpoldiff.sources import OnDisk, Workspace

CONFIG_MAP = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Values.x }}\n"
)


def test_the_release_the_plan_names_is_used() -> None:
    plan = RenderPlan(charts=(HelmRelease("./charts/web", release="web"),))
    assert release_of("charts/web", plan).release == "web"
    assert release_of("charts/api", plan) == HelmRelease("charts/api")


def test_a_chart_renders_as_its_release_with_its_values_into_its_namespace(
    tmp_path: Path,
) -> None:
    chart = tmp_path / "charts" / "c"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("x: a\n")
    (chart / "templates" / "cm.yaml").write_text(CONFIG_MAP)
    (tmp_path / "prod.yaml").write_text("x: b\n")
    workspace = Workspace.at(tmp_path)
    tree = source_tree(workspace, OnDisk("."))
    assert tree is not None
    release = HelmRelease("charts/c", values=("prod.yaml",), release="shop", namespace="team")
    [rendered] = render(workspace, tree, "charts/c", RenderPlan(charts=(release,)))
    assert rendered.path == "charts/c (release shop)"
    assert rendered.namespace == "team"
    [config_map] = [d for d in yaml.safe_load_all(rendered.data) if d]
    assert config_map["metadata"]["name"] == "shop-b"
