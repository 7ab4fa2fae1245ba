"""The runbook of a plan: commands, sync waves, effects, windows, in text and Markdown."""

from __future__ import annotations

import pytest

from netpoldiff.errors import Location
from netpoldiff.model import ObjectRef
from netpoldiff.plan_steps import Step
from netpoldiff.report.runbook import command, shared_files
from netpoldiff.reverts import ChangedObject

POLICY = ObjectRef.network_policy("shop", "allow-web")
UNIT = ChangedObject(POLICY, "modified")
ADMIN = ObjectRef("AdminNetworkPolicy", None, "guard")


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            Step("apply", POLICY, UNIT, Location("k8s/shop.yaml", 2, 10)),
            "kubectl apply -f k8s/shop.yaml",
        ),
        (Step("delete", POLICY, UNIT), "kubectl delete networkpolicy allow-web -n shop"),
        (
            Step("delete", ObjectRef("Deployment", "shop", "web"), UNIT),
            "kubectl delete deployment web -n shop",
        ),
        (
            Step("apply", ObjectRef("Namespace", None, "shop"), UNIT),
            "kubectl apply -f -  # the Namespace shop as NEW declares it",
        ),
        # Admin policies are cluster-scoped: no namespace in their commands.
        (
            Step("apply", ADMIN, UNIT, Location("k8s/admin.yaml", 1, 1)),
            "kubectl apply -f k8s/admin.yaml",
        ),
        (Step("delete", ADMIN, UNIT), "kubectl delete adminnetworkpolicy guard"),
        (
            Step("delete", ObjectRef("BaselineAdminNetworkPolicy", None, "default"), UNIT),
            "kubectl delete baselineadminnetworkpolicy default",
        ),
        (
            Step("delete", ObjectRef("ClusterNetworkPolicy", None, "guard"), UNIT),
            "kubectl delete clusternetworkpolicy guard",
        ),
        (
            Step("apply", ADMIN, UNIT),
            "kubectl apply -f -  # the AdminNetworkPolicy guard as NEW declares it",
        ),
    ],
    ids=[
        "apply-file",
        "delete-policy",
        "delete-workload",
        "namespace-without-file",
        "apply-admin-file",
        "delete-admin",
        "delete-baseline",
        "delete-cluster-network-policy",
        "admin-without-file",
    ],
)
def test_each_step_has_its_kubectl_command(step: Step, expected: str) -> None:
    assert command(step) == expected


def test_files_holding_several_applied_objects_are_named_with_their_steps() -> None:
    at = Location("k8s/shop.yaml", 1, 1)
    steps = [
        Step("apply", POLICY, UNIT, at),
        Step("delete", ObjectRef.network_policy("shop", "old"), UNIT, at),
        Step("apply", ObjectRef.network_policy("shop", "b"), UNIT, at),
        Step("apply", ObjectRef.network_policy("shop", "c"), UNIT, Location("k8s/other.yaml")),
    ]
    assert shared_files(steps) == {"k8s/shop.yaml": [1, 3]}
