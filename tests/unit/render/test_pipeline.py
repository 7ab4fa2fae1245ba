"""render_source: which directories render, and which plain files they take away."""

from __future__ import annotations

from pathlib import Path

from netpoldiff.render.pipeline import render_source
from netpoldiff.render.plan import RenderPlan
from netpoldiff.sources import OnDisk, Workspace
from tests.testing.overlays import OVERLAYS

PLAIN = "kind: ConfigMap\napiVersion: v1\nmetadata: {name: notes}\n"


def _paths(plan: RenderPlan, paths: tuple[str, ...] = ()) -> list[str]:
    workspace = Workspace.at(OVERLAYS.parent.parent)
    source = OnDisk("fixtures/kustomize-overlays/new")
    files = workspace.read(source, paths)
    rendered = render_source(workspace, source, files, paths, plan)
    return [f.path.replace(f"{source.path}/", "") for f in rendered.files]


def test_auto_renders_the_overlays_and_not_the_base_they_use() -> None:
    assert _paths(RenderPlan()) == [
        "base/api.yaml via overlays/prod",
        "base/api.yaml via overlays/staging",
        "base/policies.yaml via overlays/prod",
        "base/policies.yaml via overlays/staging",
        "base/web.yaml via overlays/prod",
        "base/web.yaml via overlays/staging",
        "overlays/staging/web-ingress.yaml via overlays/staging",
    ]


def test_none_renders_only_what_is_named() -> None:
    assert "base/web.yaml" in _paths(RenderPlan(mode="none"))
    named = RenderPlan(mode="none", kustomizations=("overlays/prod",))
    assert "base/web.yaml via overlays/prod" in _paths(named)


def test_a_file_no_kustomization_names_stays_a_plain_manifest(tmp_path: Path) -> None:
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "kustomization.yaml").write_text("resources: []\n")
    (tmp_path / "k" / "notes.yaml").write_text(PLAIN)
    workspace = Workspace.at(tmp_path)
    files = workspace.read(OnDisk("k"))
    rendered = render_source(workspace, OnDisk("k"), files, (), RenderPlan())
    assert [f.path for f in rendered.files] == ["k/notes.yaml"]
