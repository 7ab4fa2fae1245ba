"""decoder: a composed document built into values as kubectl sends them, only where read."""

from __future__ import annotations

import textwrap

import pytest

from netpoldiff.manifests import load_cluster
from netpoldiff.sources import SourceFile
from tests.unit.manifests.loading import (
    CONFIGMAP,
    Bad,
    assert_refused,
    load,
)

ERROR_CASES: dict[str, Bad] = {
    # YAML
    "duplicate-key": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n",
        1,
        5,
        ("duplicate key 'name'", "first one is on line 4"),
    ),
    "duplicate-key-in-flow-mapping": Bad(
        CONFIGMAP + "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: x, a: y}}\n",
        2,
        7,
        ("duplicate key 'a'", "line 7"),
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_invalid_input_raises_input_error(case: Bad) -> None:
    assert_refused(case)


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (
            "base: &base {app: web, tier: front}\nlabels:\n  <<: *base\n  tier: back\n",
            (("app", "web"), ("tier", "back")),
        ),
        (
            "labels:\n  <<: [{app: first}, {app: second, tier: t}]\n",
            (("app", "first"), ("tier", "t")),
        ),
    ],
    ids=["explicit-key-overrides-merged", "earlier-merge-wins"],
)
def test_yaml_merge_keys_follow_yaml_rules(
    labels: str, expected: tuple[tuple[str, str], ...]
) -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
        + textwrap.indent(labels, "  ")
        + "spec: {containers: []}\n"
    )
    (found,) = load(text).cluster.workloads
    assert found.labels == expected


def test_fields_netpoldiff_does_not_read_are_not_parsed_or_validated() -> None:
    # Only the fields that decide reachability are built from YAML (for speed): a duplicate key
    # in a ConfigMap's data, or a container's env, is not netpoldiff's to judge.
    text = (
        CONFIGMAP
        + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  x: '1'\n  x: '3'\n"
        + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        + "  - name: c\n    env: [{name: A, value: '1'}]\n"
        + "    resources: {limits: {cpu: 1, cpu: 2}}\n"
    )
    loaded = load_cluster([SourceFile("m.yaml", text.encode())])
    assert [w.name for w in loaded.cluster.workloads] == ["p"]
