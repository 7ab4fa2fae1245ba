"""yaml_docs: the documents of one file, YAML or JSON, read as kubectl reads them."""

from __future__ import annotations

import pytest

from tests.unit.manifests.loading import (
    CONFIGMAP,
    POD_WEB,
    POLICY_DENY,
    Bad,
    assert_refused,
    load,
    load_error,
    summary,
)

DOCUMENT_CASES: dict[str, tuple[str, list[str], list[str]]] = {
    "multi-document": (
        POD_WEB + "---\n" + POLICY_DENY + "---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
        "spec: {template: {spec: {containers: []}}}\n",
        ["default/web[Pod]", "shop/api[Deployment]"],
        ["default/deny"],
    ),
    "leading-separator-and-document-end-markers": (
        "---\n" + POD_WEB + "...\n---\n" + POLICY_DENY + "...\n",
        ["default/web[Pod]"],
        ["default/deny"],
    ),
    "empty-and-comment-only-documents": (
        "---\n---\n# nothing here\n---\n" + POD_WEB + "---\n\n---\n",
        ["default/web[Pod]"],
        [],
    ),
    "empty-file": ("", [], []),
    "comment-only-file": ("# generated\n", [], []),
    "scalar-and-sequence-documents-skipped": (
        "just some text\n---\n- a\n- b\n---\n" + POD_WEB,
        ["default/web[Pod]"],
        [],
    ),
    "json-indented": (
        (
            '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n'
            '  "metadata": {"name": "web", "labels": {"app": "web"}},\n'
            '  "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]}\n}\n'
        ),
        ["default/web[Pod]"],
        [],
    ),
    "json-tab-indented": (
        (
            '{\n\t"apiVersion": "networking.k8s.io/v1",\n\t"kind": "NetworkPolicy",\n'
            '\t"metadata": {\n\t\t"name": "deny"\n\t},\n\t"spec": {}\n}\n'
        ),
        [],
        ["default/deny"],
    ),
    "json-minified": (
        (
            '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod",'
            '"metadata":{"name":"web","labels":{"app.kubernetes.io\\/name":"web"}},'
            '"spec":{"containers":[]}}]}'
        ),
        ["default/web[Pod]"],
        [],
    ),
}


@pytest.mark.parametrize(
    ("text", "workloads", "policies"), DOCUMENT_CASES.values(), ids=list(DOCUMENT_CASES)
)
def test_documents(text: str, workloads: list[str], policies: list[str]) -> None:
    loaded = load(text)
    assert summary(loaded.cluster) == (workloads, policies)
    assert loaded.warnings == ()
    assert loaded.errors == ()


ERROR_CASES: dict[str, Bad] = {
    "syntax-error-in-second-document": Bad(
        CONFIGMAP + "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n   labels: {}\n",
        2,
        9,
        ("invalid YAML",),
    ),
    "syntax-unclosed-flow-sequence": Bad(
        "a: 1\n---\nb: [x, y\nc: 1\n---\nd: 1\n", 2, 4, ("invalid YAML",)
    ),
    "syntax-tab-indentation": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: p\n", 1, 4, ("invalid YAML",)
    ),
    "syntax-dedent-inside-document": Bad(
        "a: 1\n---\n  b: 2\n c: 3\n---\nd: 4\n", 2, 4, ("invalid YAML",)
    ),
    "syntax-dedent-inside-last-document": Bad(
        "a: 1\n---\nb: 2\n---\n  c: d\n e: f\n", 3, 6, ("invalid YAML",)
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_invalid_input_raises_input_error(case: Bad) -> None:
    assert_refused(case)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\x07\nspec: {}\n", 4),
        ("a: 1\n---\nb: 2\nc: \x00\n", 4),
        ("a: 1\nb: \x1b[31mred\n", 2),
    ],
    ids=["bell", "nul", "escape"],
)
def test_control_characters_rejected_with_line_on_one_line(text: str, line: int) -> None:
    error = load_error(text)
    assert error.location.line == line
    assert "\n" not in str(error)
