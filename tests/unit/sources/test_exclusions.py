"""``exclude``: a path leaves out itself and what is below it; a glob matches whole paths."""

from __future__ import annotations

import pytest

from netpoldiff.sources import Exclusions


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        ("k8s/examples", "k8s/examples/a.yaml", True),
        ("k8s/examples", "k8s/examples", True),
        ("k8s/examples", "k8s/examples-2/a.yaml", False),
        ("k8s/examples", "k8s/a.yaml", False),
        ("k8s/web.yaml", "k8s/web.yaml", True),
        (".", "anything/at/all.yaml", True),
        ("*.tmpl.yaml", "deep/down/x.tmpl.yaml", True),
        ("*.tmpl.yaml", "x.yaml", False),
        ("charts/*/templates/*", "charts/shop/templates/np.yaml", True),
        ("charts/*/templates/*", "charts/shop/values.yaml", False),
        ("./k8s/*.json", "k8s/a.json", True),
        ("k8s/[ab].yaml", "k8s/a.yaml", True),
    ],
)
def test_a_pattern_leaves_out_what_it_names(pattern: str, path: str, *, excluded: bool) -> None:
    assert (path in Exclusions((pattern,))) is excluded


def test_no_pattern_leaves_out_nothing() -> None:
    assert "k8s/a.yaml" not in Exclusions()
