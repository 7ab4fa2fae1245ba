"""schemas: which fields of each kind are read; the decoder builds those and checks the rest.

That the decoder keeps only these fields, and still refuses what kubectl refuses elsewhere, is
in test_decoder.py and test_refusals.py.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from netpoldiff.kinds import KINDS, WORKLOAD_KINDS
from netpoldiff.manifests.schemas import HEAD, Each, Items, Schema, schema_for

CONTAINER: Schema = {"name": None, "ports": None, "restartPolicy": None}
POD_SPEC: Schema = {
    "hostNetwork": None,
    "containers": Each(CONTAINER),
    "initContainers": Each(CONTAINER),
}
# Of the annotations, netpoldiff.io/ignore only (which warnings the object hides).
METADATA: Schema = {
    "name": None,
    "namespace": None,
    "labels": None,
    "annotations": {"netpoldiff.io/ignore": None},
}
TEMPLATE: Schema = {"metadata": {"labels": None}, "spec": POD_SPEC}
OTHER: Schema = {**HEAD, "metadata": METADATA, "spec": {"template": TEMPLATE}}


SCHEMA_CASES: dict[str, tuple[object, Schema]] = {
    "pod": ("Pod", {**HEAD, "metadata": METADATA, "spec": POD_SPEC}),
    "deployment": ("Deployment", {**HEAD, "metadata": METADATA, "spec": {"template": TEMPLATE}}),
    "cronjob": (
        "CronJob",
        {**HEAD, "metadata": METADATA, "spec": {"jobTemplate": {"spec": {"template": TEMPLATE}}}},
    ),
    "network-policy-spec-whole": ("NetworkPolicy", {**HEAD, "metadata": METADATA, "spec": None}),
    "namespace": ("Namespace", {**HEAD, "metadata": METADATA}),
    # Any other kind may keep a pod template (a Rollout, a CloneSet): its names and
    # spec.template are read, nothing else.
    "service-names-and-template": ("Service", OTHER),
    "configmap-names-and-template": ("ConfigMap", OTHER),
    "no-kind": (None, HEAD),
    "kind-not-a-string": (42, HEAD),
    "list": ("List", {**HEAD, "items": Items(None)}),
    "pod-list": ("PodList", {**HEAD, "items": Items("Pod")}),
    "network-policy-list": ("NetworkPolicyList", {**HEAD, "items": Items("NetworkPolicy")}),
    "service-list": ("ServiceList", {**HEAD, "items": Items("Service")}),
}


@pytest.mark.parametrize(("kind", "schema"), SCHEMA_CASES.values(), ids=list(SCHEMA_CASES))
def test_schema_for(kind: object, schema: Schema) -> None:
    assert schema_for(kind) == schema


def _at(schema: Schema, path: tuple[str, ...]) -> object:
    found: object = schema
    for key in path:
        assert isinstance(found, Mapping), (path, key)
        found = found[key]
    return found


@pytest.mark.parametrize("kind", WORKLOAD_KINDS)
def test_every_workload_kind_keeps_its_pod_template(kind: str) -> None:
    # What the loader reads of a workload: its name and namespace, and its pod template's
    # labels, host network and container ports.
    schema = schema_for(kind)
    path = KINDS[kind].pod_template
    assert path is not None
    assert _at(schema, ("metadata",)) == METADATA
    assert _at(schema, (*path, "spec")) == POD_SPEC
    if path:
        assert _at(schema, (*path, "metadata")) == {"labels": None}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_keeps_its_head_and_its_list_keeps_items_of_it(kind: str) -> None:
    assert HEAD.items() <= schema_for(kind).items()
    assert schema_for(f"{kind}List") == {**HEAD, "items": Items(kind)}
