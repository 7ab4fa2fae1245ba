"""``netpoldiff [diff]``: the exit status follows --exit-code and --fail-on."""

from __future__ import annotations

import pytest

from tests.conftest import CliRunner


@pytest.mark.parametrize(
    ("arguments", "status"),
    [
        (("--exit-code",), 1),
        (("--fail-on", "opened"), 1),
        (("--fail-on", "closed"), 1),
        (("--fail-on", "any"), 1),
        (("--fail-on", "warnings"), 0),
        ((), 0),
    ],
    ids=[
        "exit-code",
        "fail-on-opened",
        "fail-on-closed",
        "fail-on-any",
        "fail-on-warnings",
        "plain",
    ],
)
def test_diff_exit_status_follows_the_gate(
    run_cli: CliRunner, arguments: tuple[str, ...], status: int
) -> None:
    result = run_cli("fixtures/demo/old", "fixtures/demo/new", *arguments)
    assert result.status == status
    assert result.out.endswith("Reachability: 1 row opened (2 flows), 1 closed.\n")


def test_a_change_that_moves_no_flow_passes_every_gate(run_cli: CliRunner) -> None:
    result = run_cli(
        "fixtures/policy-renamed/old",
        "fixtures/policy-renamed/new",
        "--exit-code",
        "--fail-on",
        "any",
    )
    assert result.status == 0
    assert result.out.endswith("No reachability changes.\n")
