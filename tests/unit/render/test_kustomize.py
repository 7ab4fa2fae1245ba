"""The renderer program, the origin annotations asked for, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netpoldiff.errors import InputError, SourceError
from netpoldiff.render.kustomize import build, renderer, with_origin_annotations


def test_kubectl_is_run_as_kubectl_kustomize_when_no_kustomize_is_on_path() -> None:
    program = renderer(None, "overlay")
    assert Path(program[0]).name in {"kustomize", "kubectl"}
    assert program[1] == ("kustomize" if Path(program[0]).name == "kubectl" else "build")


def test_a_missing_program_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SourceError, match="needs kustomize or kubectl on PATH"):
        renderer(None, "overlays/prod/kustomization.yaml")


def test_origin_annotations_are_added_once() -> None:
    data = b"resources: [a.yaml]\nbuildMetadata: [originAnnotations, managedByLabel]\n"
    content = json.loads(with_origin_annotations(data, "k.yaml"))
    assert content["buildMetadata"] == ["originAnnotations", "managedByLabel"]
    assert json.loads(with_origin_annotations(b"resources: []\n", "k.yaml"))["buildMetadata"] == [
        "originAnnotations"
    ]


def test_a_failed_build_is_one_line_naming_the_overlay(tmp_path: Path) -> None:
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "kustomization.yaml").write_text("resources: [missing.yaml]\n")
    with pytest.raises(InputError) as caught:
        build(
            renderer(None, "o"),
            tmp_path,
            "o",
            shown="o/kustomization.yaml",
            timeout=60,
            max_output=1 << 20,
        )
    assert str(caught.value).startswith("o/kustomization.yaml: kustomize failed: ")
    assert "\n" not in str(caught.value)
    assert str(tmp_path) not in str(caught.value)
