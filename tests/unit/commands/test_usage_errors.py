"""Each failure has its class: misuse (UsageError), what cannot be read, what cannot be written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from netpoldiff.commands import (
    Settings,
    append_step_summary,
    diff_command,
    hook_install_command,
    matrix_command,
    post_pr_comment,
)
from netpoldiff.errors import SourceError, UsageError, WriteError
from netpoldiff.sources import HEAD, OnDisk
from tests.conftest import REPO_ROOT
from tests.testing.gitrepo import GitRepo

SETTINGS = Settings(REPO_ROOT, use_cache=False)
TOKEN = "a-token"  # noqa: S105 - never sent: the checks come first


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: diff_command(HEAD, OnDisk("fixtures/demo/new"), staged=True, settings=SETTINGS),
            "--staged compares OLD with the index: give OLD only",
        ),
        (
            lambda: matrix_command(
                OnDisk("fixtures/demo/new"), ["nothing.yaml"], settings=SETTINGS
            ),
            "no manifest (*.yaml, *.yml, *.json) matches the paths nothing.yaml",
        ),
        (
            lambda: post_pr_comment("report", repository="o/r", number=7, token=""),
            "pr-comment needs a GitHub token in GITHUB_TOKEN",
        ),
        (
            lambda: post_pr_comment("report", repository="o r", number=7, token=TOKEN),
            "--repo 'o r' must be OWNER/NAME (letters, digits, '-', '_', '.')",
        ),
        (
            lambda: post_pr_comment(
                "report", repository="o/r", number=7, token=TOKEN, api_url="ftp://example"
            ),
            "GITHUB_API_URL 'ftp://example' is not an http:// or https:// URL",
        ),
        (
            lambda: diff_command(HEAD, HEAD, output_format="checkstyle", settings=SETTINGS),
            "unknown report format 'checkstyle' (one of: text, markdown, json, dot, sarif, github)",
        ),
        (
            lambda: matrix_command(
                OnDisk("fixtures/demo/new"), output_format="dot", settings=SETTINGS
            ),
            "unknown report format 'dot' (one of: text, json)",
        ),
    ],
    ids=[
        "staged-with-new",
        "paths-match-nothing",
        "no-token",
        "malformed-repo",
        "api-url-not-http",
        "unknown-diff-format",
        "unknown-matrix-format",
    ],
)
def test_misuse_of_the_command_line_raises_usage_error(
    call: Callable[[], object], message: str
) -> None:
    with pytest.raises(UsageError) as raised:
        call()
    assert str(raised.value) == message
    assert not isinstance(raised.value, SourceError)


def test_a_source_that_cannot_be_read_stays_a_source_error() -> None:
    with pytest.raises(SourceError) as raised:
        matrix_command(OnDisk("no/such/dir"), settings=SETTINGS)
    assert not isinstance(raised.value, UsageError)


def test_what_cannot_be_written_is_a_write_error(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match=r"GITHUB_STEP_SUMMARY .*: cannot append the report"):
        append_step_summary(str(tmp_path), "report")  # a directory, not a file
    repo = GitRepo.init(tmp_path / "repo")
    (repo.root / ".git" / "hooks" / "pre-commit").mkdir(parents=True)
    with pytest.raises(WriteError, match="is a directory, not a hook"):
        hook_install_command("pre-commit", settings=Settings(repo.root))
