"""``netpoldiff plan OLD NEW`` on the command line."""

from __future__ import annotations

from tests.conftest import REPO_ROOT, CliRunner


def test_plan_prints_the_runbook_and_exits_zero_when_safe(run_cli: CliRunner) -> None:
    result = run_cli("plan", "fixtures/plans/default-deny/old", "fixtures/plans/default-deny/new")
    assert result.status == 0, result.err
    assert result.out.startswith("netpoldiff plan fixtures/plans/default-deny/old -> ")
    assert "1. NetworkPolicy shop/web-to-api: apply" in result.out


def test_plan_needs_both_sources(run_cli: CliRunner) -> None:
    result = run_cli("plan", "fixtures/plans/default-deny/old")
    assert result.status == 2
    assert "NEW" in result.err


def test_the_readme_shows_the_plan_as_it_is(run_cli: CliRunner) -> None:
    result = run_cli("plan", "fixtures/plans/default-deny/old", "fixtures/plans/default-deny/new")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split(
        "$ netpoldiff plan fixtures/plans/default-deny/old fixtures/plans/default-deny/new\n", 1
    )[1].split("```", 1)[0]
    assert shown == result.out
