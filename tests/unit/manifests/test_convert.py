"""convert: which objects a document holds (kinds, lists) and the namespace they are in."""

from __future__ import annotations

import textwrap

import pytest

from netpoldiff.errors import Location
from netpoldiff.model import ContainerPort, Namespace, Workload
from tests.unit.manifests.loading import (
    CONFIGMAP,
    PATH,
    POD_WEB,
    POLICY_DENY,
    TCP,
    Bad,
    assert_refused,
    load,
    namespace_name,
    summary,
)

DOCUMENT_CASES: dict[str, tuple[str, list[str], list[str]]] = {
    "documents-without-api-version-or-kind-skipped": (
        "kind: Pod\nmetadata: {name: a}\nspec: {containers: []}\n---\n"
        "apiVersion: v1\nmetadata: {name: b}\nspec: {containers: []}\n---\n"
        "metadata: {name: c}\nspec: {podSelector: {}}\n---\n" + POD_WEB,
        ["default/web[Pod]"],
        [],
    ),
    "non-string-kind-skipped": (
        "apiVersion: v1\nkind: 42\nmetadata: {name: a}\n---\n" + POD_WEB,
        ["default/web[Pod]"],
        [],
    ),
    "kind-list": (
        "apiVersion: v1\nkind: List\nitems:\n"
        + textwrap.indent(POD_WEB, "  ").replace("  apiVersion", "- apiVersion", 1)
        + textwrap.indent(POLICY_DENY, "  ").replace("  apiVersion", "- apiVersion", 1),
        ["default/web[Pod]"],
        ["default/deny"],
    ),
    "kind-list-items-without-kind-skipped": (
        (
            "apiVersion: v1\nkind: List\nitems:\n"
            "- {apiVersion: v1, metadata: {name: a}, spec: {containers: []}}\n"
        ),
        [],
        [],
    ),
    "kind-list-empty": ("apiVersion: v1\nkind: List\nitems: []\n", [], []),
    "kind-list-nested": (
        (
            "apiVersion: v1\nkind: List\nitems:\n"
            "- apiVersion: networking.k8s.io/v1\n"
            "  kind: NetworkPolicyList\n"
            "  items:\n"
            "  - {metadata: {name: a, namespace: x}, spec: {}}\n"
        ),
        [],
        ["x/a"],
    ),
    "network-policy-list-items-omit-kind-and-api-version": (
        (
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nmetadata: {}\nitems:\n"
            "- metadata: {name: a}\n  spec: {podSelector: {}}\n"
            "- metadata: {name: b, namespace: shop}\n  spec: {}\n"
        ),
        [],
        ["default/a", "shop/b"],
    ),
    "deployment-list-items-omit-kind-and-api-version": (
        (
            "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n"
            "- metadata: {name: a}\n"
            "  spec: {template: {metadata: {labels: {app: a}}, spec: {containers: []}}}\n"
            "- metadata: {name: b, namespace: shop}\n"
            "  spec: {template: {spec: {containers: []}}}\n"
        ),
        ["default/a[Deployment]", "shop/b[Deployment]"],
        [],
    ),
    "pod-list-items-keep-their-own-kind": (
        (
            "apiVersion: v1\nkind: PodList\nitems:\n"
            "- {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: []}}\n"
        ),
        ["default/a[Pod]"],
        [],
    ),
    "staged-calico-policy-skipped": (
        "apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata: {name: a}\n",
        [],
        [],
    ),
    "service-skipped": (
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
            "spec: {selector: {app: web}, ports: [{port: 80}]}\n"
        ),
        [],
        [],
    ),
    "configmap-skipped": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {port: '80'}\n",
        [],
        [],
    ),
    "crd-skipped": (
        (
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
            "metadata: {name: widgets.example.com}\n"
            "spec: {group: example.com, names: {kind: Widget, plural: widgets},"
            " scope: Namespaced}\n"
        ),
        [],
        [],
    ),
    "custom-resource-skipped": (
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n",
        [],
        [],
    ),
    "network-policy-of-another-version-skipped": (
        (
            "apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\nmetadata: {name: future}\n"
            "spec: {podSelector: {}}\n"
        ),
        [],
        [],
    ),
    "pod-kind-of-another-group-skipped": (
        "apiVersion: example.com/v1\nkind: Pod\nmetadata: {name: fake}\nspec: {}\n",
        [],
        [],
    ),
    "unmodelled-kinds-beside-modelled-ones": (
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\n"
        + POD_WEB
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
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


def test_typed_list_items_get_the_list_api_version_and_item_kind() -> None:
    text = (
        "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n"
        "- metadata: {name: a}\n"
        "  spec:\n"
        "    template:\n"
        "      metadata: {labels: {app: a}}\n"
        "      spec: {containers: [{name: c, ports: [{containerPort: 80, name: http}]}]}\n"
    )
    assert load(text).cluster.workloads == (
        Workload("default", "Deployment", "a", (("app", "a"),), (ContainerPort(80, TCP, "http"),)),
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            (
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n"
                "- metadata: {name: a}\n  spec: {}\n"
                "- metadata: {name: b}\n  spec: {}\n"
            ),
            6,
        ),
        (
            (
                "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n"
                "- metadata: {name: a}\n  spec: {template: {spec: {}}}\n"
                "- metadata: {name: b}\n  spec: {template: {spec: {}}}\n"
            ),
            6,
        ),
        (
            (
                "apiVersion: v1\nkind: List\nitems:\n"
                "- {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {}}\n"
                "- {apiVersion: v1, kind: Pod, metadata: {name: b}, spec: {}}\n"
            ),
            5,
        ),
    ],
    ids=["network-policy-list", "deployment-list", "kind-list"],
)
def test_list_items_keep_their_line(text: str, line: int) -> None:
    loaded = load(text)
    origins = [w.origin for w in loaded.cluster.workloads]
    origins += [p.origin for p in loaded.cluster.policies]
    assert origins[-1] == Location(PATH, 1, line)


def test_objects_without_namespace_go_to_default() -> None:
    cluster = load(POD_WEB + "---\n" + POLICY_DENY).cluster
    assert summary(cluster) == (["default/web[Pod]"], ["default/deny"])
    assert cluster.namespaces == (Namespace("default", (namespace_name("default"),)),)


@pytest.mark.parametrize(
    ("namespace_line", "expected"),
    [("", "team"), ("namespace: ''", "team"), ("namespace: shop", "shop")],
    ids=["absent", "empty", "explicit-wins"],
)
def test_default_namespace_override(namespace_line: str, expected: str) -> None:
    text = (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  {namespace_line}\n"
        "spec: {containers: []}\n---\n"
        f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata:\n  name: deny\n  {namespace_line}\nspec: {{}}\n"
    )
    cluster = load(text, default_namespace="team").cluster
    assert summary(cluster) == ([f"{expected}/web[Pod]"], [f"{expected}/deny"])
    assert cluster.namespaces == (Namespace.implicit(expected),)


ERROR_CASES: dict[str, Bad] = {
    # metadata
    "metadata-missing": Bad(
        CONFIGMAP + "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec: {}\n",
        2,
        5,
        ("metadata", "required"),
    ),
    "metadata-a-list": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata: [p]\nspec: {}\n",
        1,
        3,
        ("metadata", "must be a mapping"),
    ),
    "name-missing": Bad(
        CONFIGMAP + "apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: shop\nspec: {}\n",
        2,
        8,
        ("metadata.name", "required"),
    ),
    "name-empty": Bad(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ''\n", 1, 4, ("metadata.name",)
    ),
    "name-a-number": Bad(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: 42\n",
        1,
        4,
        ("must be a string",),
    ),
    "namespace-a-number": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: 7\nspec: {}\n",
        1,
        5,
        ("metadata.namespace", "must be a string"),
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_invalid_input_raises_input_error(case: Bad) -> None:
    assert_refused(case)


# --- policy kinds read but not evaluated ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\n"
            "metadata: {name: deny, namespace: ignored}\nspec: {endpointSelector: {}}\n",
            ("CiliumClusterwideNetworkPolicy", None, "deny"),
            id="clusterwide-policy-is-cluster-scoped",
        ),
        pytest.param(
            "apiVersion: projectcalico.org/v3\nkind: NetworkPolicyList\nitems:\n"
            "- metadata: {name: a}\n  spec: {selector: all()}\n",
            ("NetworkPolicy.projectcalico.org", "default", "a"),
            id="calico-list-item-in-the-default-namespace",
        ),
        pytest.param(
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n"
            "metadata: {name: c, namespace: shop}\nspecs: [{endpointSelector: {}}]\n",
            ("CiliumNetworkPolicy", "shop", "c"),
            id="cilium-with-specs",
        ),
        pytest.param(
            "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
            "metadata: {name: i, namespace: shop}\nspec: {action: DENY}\n",
            ("AuthorizationPolicy.security.istio.io", "shop", "i"),
            id="istio-named-with-its-group",
        ),
    ],
)
def test_a_policy_kind_not_evaluated_is_read_and_warned_about(
    text: str, expected: tuple[str, str | None, str]
) -> None:
    loaded = load(text)
    [other] = loaded.cluster.unevaluated
    assert (other.ref.kind, other.ref.namespace, other.ref.name) == expected
    assert summary(loaded.cluster) == ([], [])
    [warning] = loaded.warnings
    assert warning.code == "NPD010"
    assert warning.message.startswith(f"{expected[0]} ")


def test_what_a_policy_kind_not_evaluated_says_is_its_spec() -> None:
    def content(spec: str, metadata: str = "{name: deny}") -> str:
        head = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\n"
        [other] = load(f"{head}metadata: {metadata}\nspec: {spec}\n").cluster.unevaluated
        return other.content

    assert content("{order: 1, ingress: []}") == content("{ingress: [], order: 1}")
    assert content("{order: 1}") != content("{order: 2}")
    assert content("{order: 1}") == content("{order: 1}", "{name: deny, labels: {a: b}}")
