"""``netpoldiff pr-comment`` on the command line: the report first, then the summary, then the post.

The conversation with GitHub itself is tested in tests/e2e/test_pr_comment.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netpoldiff.report.markdown import MARKER
from tests.conftest import CliRunner
from tests.testing.fakegithub import FakeGitHub, serving_the_cli
from tests.testing.gitrepo import demo_repository

DEMO = ("fixtures/demo/old", "fixtures/demo/new")
DEMO_TITLE = "### netpoldiff: 1 row opened (2 flows), 1 closed"


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """The fake API, with GITHUB_API_URL and GITHUB_TOKEN pointing the CLI at it."""
    with serving_the_cli(monkeypatch) as fake:
        yield fake


def test_a_missing_token_is_said_after_the_report(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The report is written first, as before the error classes were told apart.
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = run_cli("pr-comment", "--repo", "o/r", "--pr", "7", *DEMO)
    assert result.status == 2
    assert "### netpoldiff: 1 row opened (2 flows), 1 closed" in result.out
    assert result.err == "netpoldiff: pr-comment needs a GitHub token in GITHUB_TOKEN\n"


def test_output_file_gets_the_report_that_is_posted(
    github: FakeGitHub, run_cli: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "comment.md"
    result = run_cli("pr-comment", "--repo", "o/r", "--pr", "7", "-o", str(target), *DEMO)
    assert (result.status, result.out) == (0, "")
    written = target.read_text(encoding="utf-8")
    assert written.startswith(f"{MARKER}\n{DEMO_TITLE}\n")
    (post,) = github.calls("POST")
    assert post.body == {"body": written}


def test_an_empty_step_summary_variable_is_no_summary(
    github: FakeGitHub, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "")
    result = run_cli("pr-comment", "--repo", "o/r", "--pr", "7", *DEMO)
    assert result.status == 0, result.err
    assert len(github.calls("POST")) == 1


def test_sources_are_read_where_dash_c_says(
    github: FakeGitHub, run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = demo_repository(tmp_path / "repo")
    result = run_cli("pr-comment", "--repo", "o/r", "--pr", "7", "-C", str(repo.root), "HEAD~1")
    assert result.status == 0, result.err
    assert DEMO_TITLE in result.out  # HEAD~1 against the (clean) working tree
    assert len(github.calls("POST")) == 1
