"""ignore_annotation: each object's ``netpoldiff.io/ignore``, read as the loader reads objects."""

from __future__ import annotations

import pytest

from netpoldiff.errors import Location
from netpoldiff.suppression import Annotated
from tests.unit.manifests.loading import PATH, Bad, assert_refused, load


def _object(api_version: str, kind: str, rest: str = "", *, ignore: str = "NPD003") -> str:
    """An object whose annotation is on line 6."""
    return (
        f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: obj\n  annotations:\n"
        f"    netpoldiff.io/ignore: {ignore!r}\n    other.io/note: kept out\n{rest}"
    )


POLICY = _object("networking.k8s.io/v1", "NetworkPolicy", "spec: {podSelector: {}}\n")
READ_KINDS = {
    "network-policy": POLICY,
    "namespace": _object("v1", "Namespace"),
    "deployment": _object(
        "apps/v1",
        "Deployment",
        "spec: {template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c}]}}}\n",
    ),
    "host-network-pod": _object("v1", "Pod", "spec: {hostNetwork: true, containers: []}\n"),
    "admin-policy": _object(
        "policy.networking.k8s.io/v1alpha1",
        "AdminNetworkPolicy",
        "spec: {priority: 1, subject: {namespaces: {}}}\n",
    ),
    "policy-not-evaluated": _object("cilium.io/v2", "CiliumNetworkPolicy", "spec: {}\n"),
    "custom-workload": _object(
        "argoproj.io/v1alpha1",
        "Rollout",
        "spec: {template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c}]}}}\n",
    ),
}


@pytest.mark.parametrize("text", READ_KINDS.values(), ids=READ_KINDS.keys())
def test_every_object_read_keeps_its_annotation_for_its_whole_document(text: str) -> None:
    loaded = load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n" + text)
    assert loaded.ignored == (Annotated(Location(PATH, 2), frozenset({"NPD003"})),)


def test_codes_are_read_as_a_comma_separated_list() -> None:
    loaded = load(_object("v1", "Namespace", ignore=" npd003 , NPD005"))
    assert loaded.ignored == (Annotated(Location(PATH, 1), frozenset({"NPD003", "NPD005"})),)


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: obj}\n",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: obj, annotations: {a.io/b: c}}\n",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: obj, annotations: null}\n",
        # Annotations are not otherwise read: one that is no mapping is not judged here.
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: obj, annotations: [x]}\n",
        # An object netpoldiff does not read is not judged either, however it is annotated.
        _object("v1", "ConfigMap", ignore="NPD999"),
    ],
    ids=["no-annotations", "others-only", "null", "not-a-mapping", "kind-not-read"],
)
def test_an_object_without_the_annotation_hides_nothing(text: str) -> None:
    assert load(text).ignored == ()


def test_each_item_of_a_list_hides_only_on_its_own_lines() -> None:
    items = (
        "apiVersion: v1\nkind: List\nitems:\n"  # lines 1-3
        "- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n"  # lines 4-6
        "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: b\n"  # lines 7-10
        "    annotations: {netpoldiff.io/ignore: NPD001}\n"  # line 11
        "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: c\n"  # lines 12-15
        "    annotations: {netpoldiff.io/ignore: NPD002}\n"  # line 16
    )
    assert load(items).ignored == (
        Annotated(Location(PATH, 1, 7), frozenset({"NPD001"}), 11),
        Annotated(Location(PATH, 1, 12), frozenset({"NPD002"}), None),
    )


REFUSED = {
    "unknown-code": Bad(
        _object("v1", "Namespace", ignore="NPD003,NPD0O5"),
        1,
        6,
        ("metadata.annotations.netpoldiff.io/ignore: unknown warning code 'NPD0O5'",),
    ),
    "all": Bad(_object("v1", "Namespace", ignore="all"), 1, 6, ("'all' is not a code",)),
    "no-code": Bad(_object("v1", "Namespace", ignore=", "), 1, 6, ("names no code",)),
    "not-a-string": Bad(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: obj\n  annotations:\n"
        "    netpoldiff.io/ignore: [NPD003]\n",
        1,
        6,
        ("netpoldiff.io/ignore: must be a string, not a list",),
    ),
}


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_an_annotation_that_names_no_known_code_is_an_error_at_its_line(case: Bad) -> None:
    assert_refused(case)
