"""The handler: each kind of failure is one line on stderr and the status the contract gives."""

from __future__ import annotations

import pytest

from tests.conftest import CliRunner, assert_one_line_error

DEMO = ("fixtures/demo/old", "fixtures/demo/new")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--staged", "HEAD", DEMO[1]), "--staged compares OLD with the index: give OLD only"),
        (
            ("matrix", DEMO[1], "--", "nothing.yaml"),
            "no manifest (*.yaml, *.yml, *.json) matches the paths nothing.yaml",
        ),
        ((*DEMO, "-o", ""), "--output: the file name is empty"),
        (("matrix", "no/such/dir"), "'no/such/dir': no such revision, file or directory"),
        (
            ("matrix", DEMO[1], "--namespace", "Web"),
            (
                "Invalid value for '--namespace': 'Web' is not a namespace name: it must be a "
                "DNS label (at most 63 lowercase letters, digits and '-', starting and ending "
                "with a letter or digit) (see `netpoldiff matrix --help`)"
            ),
        ),
    ],
    ids=["usage-staged-with-new", "usage-paths", "usage-empty-output", "source", "click-usage"],
)
def test_usage_and_source_errors_are_one_line_with_status_2(
    run_cli: CliRunner, arguments: tuple[str, ...], message: str
) -> None:
    result = run_cli(*arguments)
    assert_one_line_error(result)
    assert result.err == f"netpoldiff: {message}\n"


def test_a_missing_token_is_said_after_the_report(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The report is written first, as before the error classes were told apart.
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = run_cli("pr-comment", "--repo", "o/r", "--pr", "7", *DEMO)
    assert result.status == 2
    assert "### netpoldiff: 2 flows opened, 1 closed" in result.out
    assert result.err == "netpoldiff: pr-comment needs a GitHub token in GITHUB_TOKEN\n"
