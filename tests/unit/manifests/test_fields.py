"""fields: typed, located access to a manifest's fields, and the API server's name rules."""

from __future__ import annotations

import pytest

from tests.unit.manifests.loading import (
    CONFIGMAP,
    Bad,
    assert_refused,
    labelled_pod,
    load_error,
    netpol,
)

ERROR_CASES: dict[str, Bad] = {
    # labels
    "label-value-yaml-boolean-on": Bad(
        labelled_pod("app: on"), 1, 6, ("metadata.labels.app", "a boolean", "unquoted on")
    ),
    "label-value-yaml-boolean-yes": Bad(labelled_pod("enabled: yes"), 1, 6, ("unquoted yes",)),
    "label-value-yaml-boolean-false": Bad(labelled_pod("enabled: false"), 1, 6, ("a boolean",)),
    "label-value-float": Bad(
        labelled_pod("tier: web\nversion: 1.0"), 1, 7, ("a number", "unquoted 1.0")
    ),
    "label-value-integer": Bad(labelled_pod("replicas: 3"), 1, 6, ("a number", "unquoted 3")),
    # go-yaml reads 22:22 as text (YAML 1.1's base 60 is not implemented), not a valid value.
    "label-value-sexagesimal": Bad(labelled_pod("port: 22:22"), 1, 6, ("label value '22:22'",)),
    "label-value-a-list": Bad(labelled_pod("app: [web]"), 1, 6, ("a list",)),
    "label-key-with-space": Bad(labelled_pod("'app name': web"), 1, 6, ("label key 'app name'",)),
    "label-key-leading-dash": Bad(labelled_pod("'-app': web"), 1, 6, ("label key '-app'",)),
    "label-key-name-too-long": Bad(labelled_pod(f"{'a' * 64}: web"), 1, 6, ("label key",)),
    "label-key-prefix-uppercase": Bad(
        labelled_pod("Example.com/app: web"), 1, 6, ("'Example.com/app'", "prefix")
    ),
    "label-key-prefix-empty": Bad(labelled_pod("/app: web"), 1, 6, ("'/app'",)),
    "label-key-name-empty": Bad(labelled_pod("example.com/: web"), 1, 6, ("'example.com/'",)),
    "label-value-too-long": Bad(labelled_pod(f"app: {'a' * 64}"), 1, 6, ("label value",)),
    "label-value-leading-dash": Bad(labelled_pod("app: '-web'"), 1, 6, ("label value '-web'",)),
    "label-value-with-space": Bad(labelled_pod("app: 'my app'"), 1, 6, ("label value 'my app'",)),
    "labels-a-list": Bad(labelled_pod("- app"), 1, 5, ("metadata.labels", "must be a mapping")),
    "template-label-invalid": Bad(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n"
        "    metadata:\n      labels:\n        app: on\n    spec: {containers: []}\n",
        1,
        8,
        ("spec.template.metadata.labels.app", "unquoted on"),
    ),
    "namespace-label-invalid": Bad(
        CONFIGMAP + "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
        "  labels:\n    team: 'a/b'\n",
        2,
        10,
        ("label value 'a/b'",),
    ),
    # object names, as the API server validates them
    "namespace-name-not-a-dns-label": Bad(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Team_A\n", 1, 4, ("Team_A",)
    ),
    "object-namespace-not-a-dns-label": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: Team_A\nspec: {}\n",
        1,
        5,
        ("Team_A",),
    ),
    "network-policy-name-not-a-dns-subdomain": Bad(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: Allow_All\n",
        1,
        4,
        ("Allow_All",),
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_invalid_input_raises_input_error(case: Bad) -> None:
    assert_refused(case)


def test_error_text_names_file_document_and_line() -> None:
    error = load_error(CONFIGMAP + netpol("ingress: [{ports: [{port: 0}]}]"))
    assert str(error).startswith("m.yaml (document 2, line 9): spec.ingress[0].ports[0].port: ")
