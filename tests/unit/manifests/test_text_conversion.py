"""text_conversion: a file's text to its converted documents, or to where its stream breaks."""

from __future__ import annotations

from netpoldiff.errors import InputError
from netpoldiff.manifests.converted import ConvertedDocument
from netpoldiff.manifests.text_conversion import convert_text
from netpoldiff.model import Workload
from netpoldiff.sources import SourceFile

POD = b"apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: []}\n"


def test_each_document_is_converted_in_the_namespace_given() -> None:
    other = POD.replace(b"{name: web}", b"{name: api, namespace: ops}")
    bad = b"apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec: {}\n"
    result = convert_text(
        SourceFile("pods.yaml", POD + b"---\n" + other + b"---\n" + bad), "shop", ()
    )
    assert isinstance(result, list)
    first, second, third = result
    assert isinstance(first, ConvertedDocument)
    assert isinstance(second, ConvertedDocument)
    assert isinstance(third, InputError)  # refused alone: the others still count
    workloads = [obj for doc in (first, second) for obj in doc.objects]
    assert all(isinstance(obj, Workload) for obj in workloads)
    assert [(w.namespace, w.name) for w in workloads if isinstance(w, Workload)] == [
        ("shop", "web"),
        ("ops", "api"),
    ]


def test_a_broken_stream_keeps_what_came_before_the_break() -> None:
    result = convert_text(SourceFile("pods.yaml", POD + b"---\n- [unclosed\n"), "default", ())
    assert isinstance(result, tuple)
    before, error = result
    assert isinstance(before, list)
    assert [type(item) for item in before] == [ConvertedDocument]
    assert "pods.yaml (document 2" in str(error.location)


def test_a_template_is_an_error_at_its_first_directive() -> None:
    result = convert_text(SourceFile("t.yaml", b"kind: Pod\nname: {{ .Values.x }}\n"), "d", ())
    assert isinstance(result, InputError)
    assert result.location is not None
    assert result.location.line == 2
