"""located: mappings read from YAML keep the line of each key and of themselves."""

from __future__ import annotations

from netpoldiff.manifests.located import Located
from netpoldiff.manifests.yaml_docs import documents


def test_a_key_is_found_at_its_line_and_a_missing_one_at_the_mapping() -> None:
    (document,) = documents(b"kind: Pod\nmetadata:\n  name: web\n", "pod.yaml")
    top = document.content
    assert isinstance(top, Located)
    metadata = top["metadata"]
    assert isinstance(metadata, Located)
    assert (top.line_of("kind"), top.line_of("metadata"), metadata.line_of("name")) == (1, 2, 3)
    assert metadata.line_of("namespace") == metadata.line == 3


def test_a_mapping_made_without_key_lines_answers_its_own_line() -> None:
    mapping = Located(7)
    mapping["name"] = "web"
    assert (mapping.line_of("name"), mapping.raw, dict(mapping)) == (7, {}, {"name": "web"})
