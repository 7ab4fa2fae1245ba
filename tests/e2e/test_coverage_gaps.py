"""What a diff cannot show is said, never read as "no change": the fixture cases, end to end.

Each case has golden reports in every format (tests/e2e/test_golden.py); here, what each must
say and the exit status under each ``--fail-on``.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import CliRunner, assert_one_line_error
from tests.e2e.test_golden import case_args

NO_CHANGE = "No reachability changes."


def _diff(run_cli: CliRunner, case: str, *options: str) -> tuple[int, str]:
    old, new = f"fixtures/{case}/old", f"fixtures/{case}/new"
    result = run_cli(old, new, "--no-cache", *case_args(case), *options)
    return result.status, result.out


# Exit status with no --fail-on, then with each condition.
STATUSES = {
    # The operator's pods are read: the mesh opens between alertmanager replicas.
    "operator-mesh-opened": {"": 0, "opened": 1, "closed": 0, "any": 1, "warnings": 0},
    # A typo'd selector selects nothing: no flow moves, and it is a warning.
    "selector-typo": {"": 0, "opened": 0, "closed": 0, "any": 0, "warnings": 1},
    # A vendor's policy is not evaluated: no flow moves in the matrix, and it is a warning.
    "vendor-policy-added": {"": 0, "opened": 0, "closed": 0, "any": 0, "warnings": 1},
    # Nothing read on either side: nothing to compare, which is a warning, not a pass.
    "nothing-read": {"": 0, "opened": 0, "closed": 0, "any": 0, "warnings": 1},
    # OLD's policy is skipped (--keep-going): incomplete, so every gate fails.
    "error-in-old": {"": 0, "opened": 1, "closed": 1, "any": 1, "warnings": 1},
}


@pytest.mark.parametrize(
    ("case", "condition", "status"),
    [(case, c, s) for case, by in STATUSES.items() for c, s in by.items()],
)
def test_exit_status_under_each_fail_on(
    run_cli: CliRunner, case: str, condition: str, status: int
) -> None:
    options = ("--fail-on", condition) if condition else ()
    assert _diff(run_cli, case, *options)[0] == status


@pytest.mark.parametrize(
    "case", ["selector-typo", "vendor-policy-added", "nothing-read", "error-in-old"]
)
@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_no_report_of_an_incomplete_diff_says_no_change(
    run_cli: CliRunner, case: str, output_format: str
) -> None:
    _, out = _diff(run_cli, case, "--format", output_format)
    assert NO_CHANGE not in out
    assert "no reachability changes\n" not in out


def test_the_operator_mesh_is_opened_between_alertmanager_replicas(run_cli: CliRunner) -> None:
    _, out = _diff(run_cli, "operator-mesh-opened", "--format", "json")
    document = json.loads(out)
    [flow] = document["opened"]
    main = {"type": "workload", "namespace": "monitoring", "kind": "Alertmanager", "name": "main"}
    assert (flow["src"], flow["dst"]) == (main, main)
    assert flow["connections"] == [
        {"protocol": "TCP", "ports": [[9094, 9094]]},
        {"protocol": "UDP", "ports": [[9094, 9094]]},
    ]


@pytest.mark.parametrize(
    ("case", "entry"),
    [
        (
            "selector-typo",
            {
                "kind": "NetworkPolicy",
                "namespace": "shop",
                "name": "paymentservice",
                "change": "added",
                "reason": "selects-nothing",
                "file": "fixtures/selector-typo/new/paymentservice-netpol.yaml",
                "line": 3,
            },
        ),
        (
            "vendor-policy-added",
            {
                "kind": "CiliumNetworkPolicy",
                "namespace": "shop",
                "name": "isolate-payments",
                "change": "added",
                "reason": "kind-not-evaluated",
                "file": "fixtures/vendor-policy-added/new/cilium.yaml",
                "line": 3,
            },
        ),
    ],
)
def test_json_lists_the_changed_object_whose_effect_is_not_shown(
    run_cli: CliRunner, case: str, entry: dict[str, object]
) -> None:
    document = json.loads(_diff(run_cli, case, "--format", "json")[1])
    assert document["unevaluated"] == [entry]
    assert all(w["side"] == "new" and w["introduced"] for w in document["warnings"])


def test_nothing_read_is_said_for_each_side(run_cli: CliRunner) -> None:
    document = json.loads(_diff(run_cli, "nothing-read", "--format", "json")[1])
    assert document["nothing_read"] == ["old", "new"]
    assert document["summary"] == {"opened": 0, "closed": 0}
    _, text = _diff(run_cli, "nothing-read")
    assert text.endswith("Nothing to compare: no workload or policy was read on either side.\n")


def test_an_error_in_old_says_it_is_in_old(run_cli: CliRunner) -> None:
    result = run_cli("fixtures/error-in-old/old", "fixtures/error-in-old/new", "--no-cache")
    where = "fixtures/error-in-old/old/netpol.yaml (document 1, line 15)"
    assert_one_line_error(result, f"in OLD (fixtures/error-in-old/old): {where}")
    document = json.loads(_diff(run_cli, "error-in-old", "--format", "json")[1])
    assert [d["side"] for d in document["error_details"]] == ["old"]
    assert re.match(r"in OLD \(fixtures/error-in-old/old\): ", document["errors"][0])
