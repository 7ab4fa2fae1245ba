"""``comment_body``, ``append_step_summary``, ``post_pr_comment``: the comment and where it goes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netpoldiff.commands import Settings, append_step_summary, comment_body, post_pr_comment
from netpoldiff.errors import SourceError, UsageError
from netpoldiff.report.markdown import MARKER
from netpoldiff.sources import OnDisk
from tests.conftest import REPO_ROOT
from tests.testing.fakegithub import FakeGitHub, serve

SETTINGS = Settings(REPO_ROOT, use_cache=False)
OLD, NEW = OnDisk("fixtures/demo/old"), OnDisk("fixtures/demo/new")


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with serve(FakeGitHub()) as fake:
        yield fake


def test_the_body_is_the_markdown_diff_in_one_piece() -> None:
    report = comment_body(OLD, NEW, settings=SETTINGS, fail_on=["opened"])
    (body,) = report.chunks
    assert body.startswith(f"{MARKER}\n### netpoldiff: 1 row opened (2 flows), 1 closed\n")
    assert (report.exit_status, report.changed) == (1, True)
    unchanged = comment_body(OLD, OLD, settings=SETTINGS, fail_on=["any"])
    assert (unchanged.exit_status, unchanged.changed) == (0, False)


def test_a_body_file_is_posted_verbatim_and_counts_as_a_change(tmp_path: Path) -> None:
    body_file = tmp_path / "comment.md"
    body_file.write_text("### built elsewhere\n\nünïcode\n", encoding="utf-8")
    report = comment_body(OLD, OLD, body_file=str(body_file), settings=SETTINGS, fail_on=["any"])
    # Whatever it says, --skip-no-change must not hold it back.
    assert (tuple(report.chunks), report.exit_status, report.changed) == (
        ("### built elsewhere\n\nünïcode\n",),
        0,
        True,
    )


def test_a_body_file_that_cannot_be_read_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"missing\.md: cannot read --body-file: No such file"):
        comment_body(None, None, body_file=str(tmp_path / "missing.md"))
    latin = tmp_path / "latin.md"
    latin.write_bytes(b"caf\xe9\n")
    with pytest.raises(SourceError) as raised:
        comment_body(None, None, body_file=str(latin))
    assert str(raised.value) == f"{latin}: --body-file is not UTF-8 text (byte 0xe9 at offset 3)"


def test_the_step_summary_is_appended_to_never_replaced(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    append_step_summary(str(summary), "first\n")
    append_step_summary(str(summary), "second\n")
    assert summary.read_text(encoding="utf-8") == "first\nsecond\n"


def test_posting_creates_one_comment_with_the_marker_then_edits_it(github: FakeGitHub) -> None:
    def post(body: str) -> tuple[str, int | None]:
        posted = post_pr_comment(
            body, repository="o/r", number=7, token=github.token, api_url=github.api_url
        )
        return posted.action, posted.comment_id

    action, created = post("first report\n")
    assert action == "created"
    assert [c["body"] for c in github.thread()] == [f"{MARKER}\nfirst report\n"]
    assert post("first report\n") == ("unchanged", created)
    assert post(f"{MARKER}\nsecond report\n") == ("updated", created)
    assert [c["body"] for c in github.thread()] == [f"{MARKER}\nsecond report\n"]


def test_skip_if_new_posts_nothing_without_an_earlier_comment(github: FakeGitHub) -> None:
    posted = post_pr_comment(
        "no change\n",
        repository="o/r",
        number=7,
        token=github.token,
        api_url=github.api_url,
        skip_if_new=True,
    )
    assert posted.action == "skipped"
    assert github.calls("POST") == []
    assert github.thread() == []


@pytest.mark.parametrize(
    "api_url",
    ["http://[::1", "https://", "file:///tmp/api", "api.github.com"],
    ids=["unclosed-ipv6", "no-host", "file", "no-scheme"],
)
def test_an_api_url_that_is_not_http_is_refused_before_any_request(api_url: str) -> None:
    with pytest.raises(UsageError, match="is not an http:// or https:// URL"):
        post_pr_comment("report", repository="o/r", number=7, token="t", api_url=api_url)  # noqa: S106
