"""``netpoldiff [diff]``: the exit status follows --exit-code and --fail-on."""

from __future__ import annotations

import pytest

from tests.conftest import CliRunner, assert_one_line_error


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


SPLIT = ("fixtures/policy-split/old", "fixtures/policy-split/new")
DEMO = ("fixtures/demo/old", "fixtures/demo/new")


@pytest.mark.parametrize("command", [(), ("diff",)], ids=["shorthand", "diff"])
def test_equivalent_gives_the_one_line_verdict_and_its_status(
    run_cli: CliRunner, command: tuple[str, ...]
) -> None:
    same = run_cli(*command, *SPLIT, "--equivalent")
    assert (same.status, same.out, same.err) == (
        0,
        "equivalent: both revisions allow exactly the same flows\n",
        "",
    )
    changed = run_cli(*command, *DEMO, "--equivalent")
    assert changed.status == 1
    assert changed.out.startswith("not equivalent: 2 flows opened, 1 closed\n\n")
    assert changed.out.endswith("Reachability: 1 row opened (2 flows), 1 closed.\n")


@pytest.mark.parametrize(
    ("command", "gate"),
    [
        ((), ("--exit-code",)),
        (("diff",), ("--fail-on", "closed")),
        ((), ("--fail-on", "any", "--fail-on", "warnings")),
    ],
    ids=["exit-code", "fail-on", "fail-on-twice"],
)
def test_equivalent_with_another_gate_is_a_one_line_usage_error(
    run_cli: CliRunner, command: tuple[str, ...], gate: tuple[str, ...]
) -> None:
    result = run_cli(*command, *SPLIT, "--equivalent", *gate)
    assert_one_line_error(result, f"--equivalent and {gate[0]} cannot be combined")
