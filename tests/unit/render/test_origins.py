"""Rendered objects back in files named for their origin, at their original document and line."""

from __future__ import annotations

import pytest

from netpoldiff.manifests.yaml_docs import Located, documents
from netpoldiff.render.origins import ORIGIN, rendered_files, written_in

ORIGINAL = b"""\
# two policies
apiVersion: v1
kind: NetworkPolicy
metadata: {name: a}
---
apiVersion: v1
kind: NetworkPolicy
metadata: {name: b}
"""


def _rendered(name: str) -> dict[str, object]:
    return {
        "kind": "NetworkPolicy",
        "metadata": {"name": f"prod-{name}", "annotations": {ORIGIN: "path: ../base/p.yaml\n"}},
    }


def test_objects_land_at_their_original_document_and_line_without_the_annotation() -> None:
    files = rendered_files(
        [_rendered("b"), _rendered("a")],
        overlay="overlays/prod",
        read=lambda path: ORIGINAL if path == "overlays/base/p.yaml" else None,
        display=lambda path: f"k8s/{path}",
    )
    assert [f.path for f in files] == ["k8s/overlays/base/p.yaml via k8s/overlays/prod"]
    found = [
        (d.index, d.content.line, d.content)
        for d in documents(files[0].data, "x")
        if isinstance(d.content, Located)
    ]
    assert [(index, line) for index, line, _ in found] == [(1, 2), (2, 6)]
    assert all("annotations" not in content["metadata"] for _, _, content in found)


@pytest.mark.parametrize(
    ("path", "written"),
    [
        ("k8s/overlays/base/p.yaml via k8s/overlays/prod", "k8s/overlays/base/p.yaml"),
        ("k8s/p.yaml", "k8s/p.yaml"),
    ],
    ids=["rendered", "plain"],
)
def test_a_rendered_object_is_written_in_the_file_before_via(path: str, written: str) -> None:
    assert written_in(path) == written
