"""A kustomization's references, and what it is refused before rendering."""

from __future__ import annotations

import pytest

from netpoldiff.errors import InputError
from netpoldiff.render.kustomization import TreeView, kustomization_file, read_kustomization

FILES = {
    "base/kustomization.yaml": b"resources: [np.yaml]\n",
    "base/np.yaml": b"kind: NetworkPolicy\n",
    "prod/Kustomization": (
        b"resources: [../base, extra.yaml]\npatches: [{path: patch.yaml}]\n"
        b"configMapGenerator: [{name: c, files: [key=conf.txt]}]\n"
    ),
    "prod/extra.yaml": b"kind: Pod\n",
    "prod/patch.yaml": b"kind: NetworkPolicy\n",
    "prod/conf.txt": b"x\n",
}


def _view(files: dict[str, bytes]) -> TreeView:
    return TreeView(
        frozenset(files), frozenset({".", "base", "prod"}), files.__getitem__, lambda p: p
    )


def test_references_are_resolved_from_the_kustomization_folder() -> None:
    assert kustomization_file("prod", frozenset(FILES)) == "prod/Kustomization"
    found = read_kustomization("prod/Kustomization", _view(FILES))
    assert found.directories == ("base",)
    assert set(found.files) == {"prod/extra.yaml", "prod/patch.yaml", "prod/conf.txt"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"resources: [git@github.com:a/b.git]\n", "remote base or resource"),
        (b"components: ['https://x/y?ref=v1']\n", "remote base or resource"),
        (b"resources: [../../up]\n", "outside the source"),
        (b"resources: [/etc]\n", "absolute path"),
        (b"resources: [nowhere]\n", "never fetches"),
        (b"helmCharts: []\n", "helmCharts"),
        (b"generators: [../base]\n", "plugins are not run"),
        (b"---\n---\n", "holds one mapping"),
    ],
    ids=["scp-git", "ref", "escape", "absolute", "missing", "helm", "plugin-dir", "empty"],
)
def test_what_a_kustomization_may_not_do_is_refused(text: bytes, message: str) -> None:
    files = {**FILES, "prod/Kustomization": text}
    with pytest.raises(InputError, match=message) as caught:
        read_kustomization("prod/Kustomization", _view(files))
    assert str(caught.value).startswith("prod/Kustomization: ")
