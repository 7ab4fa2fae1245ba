"""The one table of kinds: which apiVersion and kind netpoldiff models, and where pods live."""

from __future__ import annotations

import pytest

from netpoldiff.kinds import (
    KINDS,
    NAMESPACE,
    NETWORK_POLICY,
    WORKLOAD_KINDS,
    modelled_kind,
    policy_kind_not_evaluated,
    qualified_kind,
)


@pytest.mark.parametrize(
    ("api_version", "kind", "modelled"),
    [
        ("v1", "Pod", "Pod"),
        ("v1", "Namespace", "Namespace"),
        ("v1", "ReplicationController", "ReplicationController"),
        ("apps/v1", "Deployment", "Deployment"),
        ("apps/v1beta2", "DaemonSet", "DaemonSet"),
        ("extensions/v1beta1", "Deployment", "Deployment"),
        ("extensions/v1beta1", "ReplicaSet", "ReplicaSet"),
        ("batch/v1", "Job", "Job"),
        ("batch/v1beta1", "CronJob", "CronJob"),
        ("networking.k8s.io/v1", "NetworkPolicy", "NetworkPolicy"),
        ("extensions/v1beta1", "StatefulSet", None),
        ("v1", "Deployment", None),
        ("apps/v1", "Pod", None),
        ("networking.k8s.io/v1beta1", "NetworkPolicy", None),
        ("extensions/v1beta1", "NetworkPolicy", None),
        ("crd.projectcalico.org/v1", "NetworkPolicy", None),
        ("cilium.io/v2", "CiliumNetworkPolicy", None),
        ("v1", "Service", None),
        ("v1", "pod", None),
        (None, "Pod", None),
        ("v1", None, None),
        (1, "Pod", None),
        ("v1", ["Pod"], None),
    ],
    ids=[
        "core-pod",
        "core-namespace",
        "core-replication-controller",
        "apps-deployment",
        "apps-any-version",
        "extensions-deployment",
        "extensions-replicaset",
        "batch-job",
        "batch-cronjob",
        "networkpolicy-v1",
        "statefulset-never-in-extensions",
        "deployment-not-in-core",
        "pod-not-in-apps",
        "networkpolicy-only-v1",
        "networkpolicy-not-in-extensions",
        "calico-networkpolicy-is-another-object",
        "unmodelled-crd",
        "unmodelled-core-kind",
        "kinds-are-case-sensitive",
        "no-api-version",
        "no-kind",
        "api-version-not-text",
        "kind-not-text",
    ],
)
def test_a_kind_is_modelled_only_in_the_groups_that_serve_it(
    api_version: object, kind: object, modelled: str | None
) -> None:
    found = modelled_kind(api_version, kind)
    assert (found.name if found is not None else None) == modelled


@pytest.mark.parametrize(
    ("kind", "template"),
    [
        ("Pod", ()),
        ("Deployment", ("spec", "template")),
        ("StatefulSet", ("spec", "template")),
        ("DaemonSet", ("spec", "template")),
        ("ReplicaSet", ("spec", "template")),
        ("ReplicationController", ("spec", "template")),
        ("Job", ("spec", "template")),
        ("CronJob", ("spec", "jobTemplate", "spec", "template")),
        ("Namespace", None),
        ("NetworkPolicy", None),
    ],
    ids=str,
)
def test_each_kind_says_where_the_template_of_its_pods_is(
    kind: str, template: tuple[str, ...] | None
) -> None:
    """Pods are selected by their template's labels; a CronJob's sit under jobTemplate (CC-22)."""
    assert KINDS[kind].pod_template == template
    assert KINDS[kind].is_workload == (template is not None)


def test_the_workload_kinds_are_those_that_run_pods_in_table_order() -> None:
    assert WORKLOAD_KINDS == (
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
    )
    assert NAMESPACE not in WORKLOAD_KINDS
    assert NETWORK_POLICY not in WORKLOAD_KINDS


def test_every_kind_is_filed_under_its_own_name() -> None:
    assert all(name == kind.name for name, kind in KINDS.items())


@pytest.mark.parametrize(
    ("api_version", "kind", "modelled"),
    [
        ("", "Pod", "Pod"),
        ("/v1", "Pod", "Pod"),
        ("apps/", "Deployment", "Deployment"),
        ("networking.k8s.io/", "NetworkPolicy", "NetworkPolicy"),
        ("", "Deployment", None),
        ("v1/", "Pod", None),
        ("apps/v1/x", "Deployment", None),
    ],
    ids=[
        "empty-is-the-core-group",
        "empty-group-with-slash",
        "empty-version",
        "empty-version-of-networkpolicy",
        "empty-is-not-apps",
        "version-as-group",
        "two-slashes",
    ],
)
def test_api_version_is_split_as_the_api_server_splits_it(
    api_version: str, kind: str, modelled: str | None
) -> None:
    # apimachinery's ParseGroupVersion: the group before the one "/" ("" for the core group);
    # more than one "/" is no group version (kubectl refuses the object). The decoder fills an
    # empty version from the endpoint the object is sent to (gvkWithDefaults), so kubectl's
    # apply of "apps/" or "networking.k8s.io/" reaches the served version.
    found = modelled_kind(api_version, kind)
    assert (found.name if found is not None else None) == modelled


@pytest.mark.parametrize(
    ("api_version", "kind", "expected"),
    [
        ("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", "AdminNetworkPolicy"),
        (
            "policy.networking.k8s.io/v1alpha1",
            "BaselineAdminNetworkPolicy",
            "BaselineAdminNetworkPolicy",
        ),
        ("policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy", "ClusterNetworkPolicy"),
        ("crd.antrea.io/v1beta1", "ClusterNetworkPolicy", "ClusterNetworkPolicy"),
        ("cilium.io/v2", "CiliumNetworkPolicy", "CiliumNetworkPolicy"),
        ("projectcalico.org/v3", "NetworkPolicy", "NetworkPolicy"),
        ("crd.projectcalico.org/v1", "GlobalNetworkPolicy", "GlobalNetworkPolicy"),
        ("security.istio.io/v1", "AuthorizationPolicy", "AuthorizationPolicy"),
        # Kinds that do not enforce, and groups that serve no such kind, are not policies.
        ("projectcalico.org/v3", "StagedNetworkPolicy", None),
        ("networking.k8s.io/v1", "AdminNetworkPolicy", None),
        ("example.com/v1", "CiliumNetworkPolicy", None),
        ("cilium.io/v2", None, None),
        ("cilium.io/v2", ["CiliumNetworkPolicy"], None),
        (None, "CiliumNetworkPolicy", None),
    ],
)
def test_policy_kinds_not_evaluated_are_known_by_kind_and_group(
    api_version: object, kind: object, expected: str | None
) -> None:
    found = policy_kind_not_evaluated(api_version, kind)
    assert (found.name if found else None) == expected


@pytest.mark.parametrize(
    ("kind", "api_version", "expected"),
    [
        ("AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy"),
        ("NetworkPolicy", "projectcalico.org/v3", "NetworkPolicy.projectcalico.org"),
        ("ClusterNetworkPolicy", "crd.antrea.io/v1beta1", "ClusterNetworkPolicy.crd.antrea.io"),
        (
            "AuthorizationPolicy",
            "policy.linkerd.io/v1beta1",
            "AuthorizationPolicy.policy.linkerd.io",
        ),
    ],
)
def test_a_kind_name_two_groups_share_is_written_with_its_group(
    kind: str, api_version: str, expected: str
) -> None:
    assert qualified_kind(kind, api_version) == expected
