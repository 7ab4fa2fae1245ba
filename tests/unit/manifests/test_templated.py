"""Which files are templates, not manifests, and the hint for a file found under the paths."""

from __future__ import annotations

import pytest

from netpoldiff.errors import Location
from netpoldiff.manifests.templated import (
    chart_of,
    chart_template_error,
    fix_hint,
    template_error,
    template_line,
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: b\n", None),
        ("a: {{ x }}\n", 1),
        ("a: b\nname: web-{{ .Release.Name }}\n", 2),
        ("{{- if .Values.on }}\na: b\n{{- end }}\n", 1),
        ("a: it's {{ x }}\n", 1),
        ('{"a": {{ .Values.n }}}', 1),
        ("a: b\n# {{ x }}\n", None),
        ("a: b #{{ x }}\n", None),
        ('name: "{{ x }}"\n', None),
        ("name: '{{ x }}'\n", None),
        ("a: 'it''s {{ x }}'\n", None),
        ('a: "x\\"{{ y }}"\n', None),
        ('a: "x\n  {{ y }} z"\nb: c\n', None),
        ('{"a": "{{ x }}"}', None),
        ('x: "{{ include "y" . }}"\n', 1),
        ("data: |\n  {{ x }}\n\n  more\nb: c\n", None),
        ("- >-\n  {{ x }}\n- b\n", None),
        ("data: |\n  a\n{{- end }}\n", 3),
    ],
    ids=[
        "plain",
        "value",
        "in-a-plain-scalar",
        "control-at-line-start",
        "after-an-apostrophe",
        "json-value",
        "comment",
        "trailing-comment",
        "double-quoted",
        "single-quoted",
        "escaped-single-quote",
        "escaped-double-quote",
        "multi-line-quoted",
        "json-string",
        "breaks-its-quotes",
        "block-scalar",
        "folded-block-scalar-in-sequence",
        "ends-a-block-scalar",
    ],
)
def test_a_template_is_an_action_where_yaml_reads_structure(text: str, line: int | None) -> None:
    assert template_line(text.encode()) == line


def test_a_template_error_says_how_to_proceed_and_its_reason_is_the_warning() -> None:
    error = template_error("x.yaml", 4)
    assert error.location == Location("x.yaml", line=4)
    assert error.message.endswith(
        "render it (helm template, kustomize build) and diff the "
        "output, or leave it out of the paths"
    )
    assert error.reason == "a Go template action ({{ ... }}) outside quoted strings"
    chart = chart_template_error("c/templates/a.yaml", "c")
    assert chart.reason == "in the templates/ folder of the Helm chart c"


@pytest.mark.parametrize(
    ("path", "chart"),
    [
        ("c/templates/a.yaml", "c"),
        ("c/templates/sub/a.yaml", "c"),
        ("c/charts/d/templates/a.yaml", "c/charts/d"),
        ("templates/a.yaml", "."),
        ("c/values.yaml", None),
        ("e/templates/a.yaml", None),
    ],
)
def test_a_file_of_a_charts_templates_folder_is_a_template_when_its_chart_is_listed(
    path: str, chart: str | None
) -> None:
    listed = {"c/Chart.yaml", "c/charts/d/Chart.yaml", "Chart.yaml", path}
    if path.startswith("e/"):
        listed -= {"Chart.yaml"}
    assert chart_of(path, listed) == chart


@pytest.mark.parametrize(
    ("listed", "start"),
    [
        ((), "found under the paths; if it is no manifest, narrow the paths (-- PATH)"),
        (("a/kustomization.yml",), "a is a Kustomize directory: render it (kustomize build), or"),
        (("a/b/Chart.yaml",), "a/b is a Helm chart: render it (helm template), or narrow"),
    ],
)
def test_the_hint_names_the_kustomize_directory_or_chart_around_the_file(
    listed: tuple[str, ...], start: str
) -> None:
    hint = fix_hint("a/b/x.yaml", {"a/b/x.yaml", *listed})
    assert hint.startswith(start)
    assert hint.endswith("or add an exclude line to .netpoldiff.yaml")
