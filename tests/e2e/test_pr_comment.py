"""``netpoldiff pr-comment`` against a local fake of the GitHub REST API.

The fake is tests/testing/fakegithub.py. The CLI runs in-process; the server runs in a thread
on 127.0.0.1 and stops with the test. Every test asserts what GitHub would end up with (the
comments) and what the user sees.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from netpoldiff.report.markdown import MARKER
from tests.conftest import CliResult, CliRunner
from tests.testing.fakegithub import FakeGitHub, Recorded, serve, serving_the_cli

OLD = "fixtures/demo/old"
NEW = "fixtures/demo/new"
COMMENTS_PATH = "/repos/o/r/issues/7/comments"
DEMO_TITLE = "### netpoldiff: 1 row opened (2 flows), 1 closed"
NO_CHANGE_TITLE = "### netpoldiff: no reachability changes"


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """The fake API, with GITHUB_API_URL and GITHUB_TOKEN pointing the CLI at it."""
    with serving_the_cli(monkeypatch) as fake:
        yield fake
    assert not fake.overflowed, "the client made more requests than any run needs"


def _comment(run_cli: CliRunner, *args: str) -> CliResult:
    return run_cli("pr-comment", "--repo", "o/r", "--pr", "7", *args)


def _bot_comments(fake: FakeGitHub) -> list[dict[str, object]]:
    return [c for c in fake.thread() if MARKER in str(c["body"])]


def _listings(fake: FakeGitHub) -> list[Recorded]:
    """The requests that listed the pull request's comments (not the one asking who we are)."""
    return [g for g in fake.calls("GET") if g.path.endswith("/comments")]


def _one_line(result: CliResult) -> str:
    assert result.err.startswith("netpoldiff: "), result.err
    assert result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    return result.err


def _humans(count: int) -> list[str]:
    return [f"human comment {i}" for i in range(count)]


def test_first_run_creates_exactly_one_comment_with_the_marker(
    github: FakeGitHub, run_cli: CliRunner
) -> None:
    github.seed("o", "r", 7, *_humans(5))  # three pages of two: the list is read to its end

    result = _comment(run_cli, OLD, NEW)

    assert result.status == 0, result.err
    posts = github.calls("POST")
    assert len(posts) == 1
    assert posts[0].path == COMMENTS_PATH
    assert posts[0].body is not None
    body = posts[0].body["body"]
    assert body.startswith(f"{MARKER}\n{DEMO_TITLE}\n")
    assert "| 🟢 opened | `0.0.0.0/0 except 10.0.0.0/8` | `frontend/web[Deployment]` |" in body
    assert body == result.out  # what is posted is what the log shows
    assert github.calls("PATCH") == []
    created = _bot_comments(github)
    assert len(created) == 1
    assert created[0]["body"] == body
    assert result.err == f"netpoldiff: created comment {created[0]['id']} on o/r#7\n"
    # The list was paged to its end, asking for the largest pages GitHub serves.
    gets = _listings(github)
    assert [g.query.get("page", ["1"])[0] for g in gets] == ["1", "2", "3"]
    assert {g.query["per_page"][0] for g in gets} == {"100"}
    assert {r.authorization for r in github.requests} == {f"Bearer {github.token}"}
    assert [c["body"] for c in github.thread()[:5]] == _humans(5)


@pytest.mark.parametrize(
    ("before", "after", "page"),
    [(3, 2, "2"), (5, 0, "3")],
    ids=["marker-on-page-2", "marker-on-page-3"],
)
def test_a_later_run_edits_the_earlier_comment_found_on_any_page(
    github: FakeGitHub, run_cli: CliRunner, before: int, after: int, page: str
) -> None:
    github.seed("o", "r", 7, *_humans(before))
    first = _comment(run_cli, OLD, NEW)
    assert first.status == 0, first.err
    github.seed("o", "r", 7, *_humans(after))
    (comment,) = _bot_comments(github)
    github.requests.clear()

    second = _comment(run_cli, NEW, OLD)  # the reverse change: a different body

    assert second.status == 0, second.err
    assert github.calls("POST") == []
    (patch,) = github.calls("PATCH")
    assert patch.path == f"/repos/o/r/issues/comments/{comment['id']}"
    assert patch.body == {"body": second.out}
    assert "### netpoldiff: 1 row opened, 1 closed (2 flows)" in second.out
    (updated,) = _bot_comments(github)
    assert updated["id"] == comment["id"]
    assert updated["body"] == second.out
    assert len(github.thread()) == before + after + 1
    assert second.err == f"netpoldiff: updated comment {comment['id']} on o/r#7\n"
    # The list was read in order, from page 1, at least as far as the page holding the comment.
    pages = [g.query.get("page", ["1"])[0] for g in _listings(github)]
    assert pages == [str(n) for n in range(1, len(pages) + 1)]
    assert page in pages


def test_an_identical_report_is_not_rewritten(github: FakeGitHub, run_cli: CliRunner) -> None:
    github.seed("o", "r", 7, *_humans(3))
    first = _comment(run_cli, OLD, NEW)
    (comment,) = _bot_comments(github)
    github.requests.clear()

    second = _comment(run_cli, OLD, NEW)

    assert second.status == 0, second.err
    assert second.out == first.out
    assert github.calls("POST") == []
    assert github.calls("PATCH") == []
    assert {r.method for r in github.requests} == {"GET"}
    assert second.err == f"netpoldiff: unchanged comment {comment['id']} on o/r#7\n"


def test_skip_no_change_without_an_earlier_comment_posts_nothing(
    github: FakeGitHub, run_cli: CliRunner
) -> None:
    github.seed("o", "r", 7, *_humans(3))

    result = _comment(run_cli, "--skip-no-change", OLD, OLD)

    assert result.status == 0, result.err
    assert result.out.startswith(f"{MARKER}\n{NO_CHANGE_TITLE}\n")
    assert {r.method for r in github.requests} == {"GET"}
    assert _bot_comments(github) == []
    assert result.err == "netpoldiff: no change and no earlier comment on o/r#7: nothing posted\n"


def test_skip_no_change_still_rewrites_an_earlier_comment(
    github: FakeGitHub, run_cli: CliRunner
) -> None:
    github.seed("o", "r", 7, *_humans(2))
    assert _comment(run_cli, OLD, NEW).status == 0
    (comment,) = _bot_comments(github)
    github.requests.clear()

    result = _comment(run_cli, "--skip-no-change", OLD, OLD)

    assert result.status == 0, result.err
    assert github.calls("POST") == []
    (patch,) = github.calls("PATCH")
    assert patch.path == f"/repos/o/r/issues/comments/{comment['id']}"
    (updated,) = _bot_comments(github)
    assert str(updated["body"]).startswith(f"{MARKER}\n{NO_CHANGE_TITLE}\n")
    assert "opened" not in str(updated["body"])
    assert result.err == f"netpoldiff: updated comment {comment['id']} on o/r#7\n"


def test_skip_no_change_posts_a_change(github: FakeGitHub, run_cli: CliRunner) -> None:
    result = _comment(run_cli, "--skip-no-change", OLD, NEW)

    assert result.status == 0, result.err
    assert len(github.calls("POST")) == 1
    assert DEMO_TITLE in str(_bot_comments(github)[0]["body"])


def test_a_refused_post_exits_2_with_the_status_and_still_prints_the_report(
    github: FakeGitHub, run_cli: CliRunner
) -> None:
    github.failures["POST"] = (403, "Resource not accessible by integration")

    result = _comment(run_cli, OLD, NEW)

    assert result.status == 2
    line = _one_line(result)
    assert "403" in line
    assert "POST /repos/o/r/issues/7/comments" in line
    assert "Resource not accessible by integration" in line
    assert result.out.startswith(f"{MARKER}\n{DEMO_TITLE}\n")
    assert len(github.calls("POST")) == 1
    assert github.thread() == []


def test_a_refused_edit_exits_2_with_the_status(github: FakeGitHub, run_cli: CliRunner) -> None:
    assert _comment(run_cli, OLD, NEW).status == 0
    github.failures["PATCH"] = (403, "Must have admin rights to Repository.")

    result = _comment(run_cli, NEW, OLD)

    assert result.status == 2
    assert "HTTP 403" in _one_line(result)
    assert "PATCH /repos/o/r/issues/comments/" in result.err
    assert "1 row opened, 1 closed (2 flows)" in result.out


def test_a_missing_token_exits_2_before_any_request(
    github: FakeGitHub, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")

    result = _comment(run_cli, OLD, NEW)

    assert result.status == 2
    assert "GITHUB_TOKEN" in _one_line(result)
    assert github.requests == []
    assert DEMO_TITLE in result.out


def test_an_empty_token_exits_2_before_any_request(
    github: FakeGitHub, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "")

    result = _comment(run_cli, OLD, NEW)

    assert result.status == 2
    assert "GITHUB_TOKEN" in _one_line(result)
    assert github.requests == []


def test_a_wrong_token_is_a_401_in_one_line(
    github: FakeGitHub, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "not-the-token")

    result = _comment(run_cli, OLD, NEW)

    assert result.status == 2
    line = _one_line(result)
    assert "HTTP 401" in line
    assert "Bad credentials" in line
    assert [(r.path, r.authorization) for r in github.requests] == [
        ("/user", "Bearer not-the-token")
    ]
    assert github.thread() == []


def test_an_unreachable_api_is_one_line_with_status_2(
    github: FakeGitHub, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nothing listens on once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{port}")

    result = _comment(run_cli, OLD, NEW)

    assert result.status == 2
    assert "GitHub API GET /user failed: [Errno 111] Connection refused" in _one_line(result)
    assert github.requests == []


def test_body_file_posts_the_file_verbatim(
    github: FakeGitHub, run_cli: CliRunner, tmp_path: Path
) -> None:
    body = f"{MARKER}\n### built elsewhere\n\nünïcode and `code`\n"
    body_file = tmp_path / "comment.md"
    body_file.write_text(body, encoding="utf-8")

    result = _comment(run_cli, "--body-file", str(body_file))

    assert result.status == 0, result.err
    (post,) = github.calls("POST")
    assert post.body == {"body": body}
    assert result.out == body


def test_body_file_edits_the_earlier_comment(
    github: FakeGitHub, run_cli: CliRunner, tmp_path: Path
) -> None:
    body_file = tmp_path / "comment.md"
    body_file.write_text(f"{MARKER}\nfirst\n", encoding="utf-8")
    assert _comment(run_cli, "--body-file", str(body_file)).status == 0
    body_file.write_text(f"{MARKER}\nsecond\n", encoding="utf-8")

    result = _comment(run_cli, "--body-file", str(body_file))

    assert result.status == 0, result.err
    assert len(github.calls("POST")) == 1
    assert len(github.calls("PATCH")) == 1
    assert [c["body"] for c in github.thread()] == [f"{MARKER}\nsecond\n"]


def test_body_file_without_the_marker_still_leaves_one_comment(
    github: FakeGitHub, run_cli: CliRunner, tmp_path: Path
) -> None:
    """BUG: a --body-file without the hidden marker adds a new comment on every run.

    The contract promises one netpoldiff comment per pull request; the body is posted verbatim, so
    the next run cannot find it and posts another.
    """
    body_file = tmp_path / "comment.md"
    body_file.write_text("### netpoldiff report built by another job\n", encoding="utf-8")

    for _ in range(2):
        result = _comment(run_cli, "--body-file", str(body_file))
        assert result.status == 0, result.err

    assert len(github.calls("POST")) == 1, [c["body"] for c in github.thread()]
    assert len(github.thread()) == 1


def test_the_step_summary_gets_the_report_appended(
    github: FakeGitHub, run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    result = _comment(run_cli, OLD, NEW)

    assert result.status == 0, result.err
    assert summary.read_text(encoding="utf-8") == "# earlier step\n" + result.out
    assert DEMO_TITLE in result.out
    assert len(github.calls("POST")) == 1


def test_the_step_summary_gets_the_report_even_when_posting_fails(
    github: FakeGitHub, run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    github.failures["POST"] = (403, "Resource not accessible by integration")

    result = _comment(run_cli, OLD, NEW)

    assert result.status == 2
    assert summary.read_text(encoding="utf-8") == result.out
    assert DEMO_TITLE in result.out


def test_fail_on_opened_exits_1_after_posting(github: FakeGitHub, run_cli: CliRunner) -> None:
    result = _comment(run_cli, "--fail-on", "opened", OLD, NEW)

    assert result.status == 1
    assert len(github.calls("POST")) == 1
    (comment,) = _bot_comments(github)
    assert comment["body"] == result.out
    assert result.err == f"netpoldiff: created comment {comment['id']} on o/r#7\n"


def test_fail_on_closed_passes_a_change_that_only_opens(
    github: FakeGitHub, run_cli: CliRunner, tmp_path: Path
) -> None:
    only_opens = tmp_path / "only-opens"
    only_opens.mkdir()
    for name in ("frontend.yaml", "kube-system.yaml", "monitoring.json", "namespaces.yaml"):
        (only_opens / name).write_bytes((Path(NEW) / name).read_bytes())
    for name in ("payments.yaml", "shop.yaml"):
        (only_opens / name).write_bytes((Path(OLD) / name).read_bytes())

    result = _comment(run_cli, "--fail-on", "closed", OLD, str(only_opens))

    assert result.status == 0, result.err
    assert "1 row opened (2 flows)" in result.out
    assert len(github.calls("POST")) == 1


def test_enterprise_api_url_with_a_path_prefix(
    github: FakeGitHub, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    github.prefix = "/api/v3"
    github.seed("o", "r", 7, *_humans(3))
    monkeypatch.setenv("GITHUB_API_URL", f"{github.api_url}/")  # trailing slash as often set

    first = _comment(run_cli, OLD, NEW)
    second = _comment(run_cli, NEW, OLD)

    assert (first.status, second.status) == (0, 0), (first.err, second.err)
    assert {r.path.removesuffix("/user").split("/repos/")[0] for r in github.requests} == {
        "/api/v3"
    }
    assert len(github.calls("POST")) == 1
    assert len(github.calls("PATCH")) == 1
    assert [g.query.get("page", ["1"])[0] for g in _listings(github)] == ["1", "2"] * 2


def test_other_pull_requests_and_their_comments_are_left_alone(
    github: FakeGitHub, run_cli: CliRunner
) -> None:
    other = f"{MARKER}\nthe report of another pull request"
    github.seed("o", "r", 8, other)

    result = _comment(run_cli, OLD, NEW)

    assert result.status == 0, result.err
    assert github.calls("PATCH") == []
    assert len(github.calls("POST")) == 1
    assert github.comments[("o", "r", 8)][0]["body"] == other
    assert {g.path for g in _listings(github)} == {COMMENTS_PATH}


def test_the_token_does_not_follow_a_redirect_to_another_origin(
    github: FakeGitHub, run_cli: CliRunner
) -> None:
    """BUG: urllib follows a redirect with every header, so the token goes to any host.

    The client adds ``Authorization`` as an ordinary header, which urllib's redirect handler copies
    onto the redirected request whatever its host (``requests`` drops it across origins).
    """
    with serve(FakeGitHub(token="another token")) as elsewhere:  # noqa: S106 - a test value
        host_port = elsewhere.base_url.removeprefix("http://127.0.0.1")
        github.redirect = f"http://localhost{host_port}"  # another origin, same machine

        result = _comment(run_cli, OLD, NEW)

    assert [r.path for r in github.requests] == ["/user"]
    leaked = [r for r in elsewhere.requests if r.authorization == f"Bearer {github.token}"]
    assert leaked == [], f"the token was sent to {github.redirect}"
    assert result.status == 2


@pytest.mark.parametrize("repository", ["o", "o/r/x", "/r", "o/", "o/r\x1b[2J", "o/r x", "o/?q"])
def test_a_malformed_repo_is_rejected_without_a_request(
    github: FakeGitHub, run_cli: CliRunner, repository: str
) -> None:
    result = run_cli("pr-comment", "--repo", repository, "--pr", "7", OLD, NEW)

    assert result.status == 2
    assert "OWNER/NAME" in _one_line(result)
    assert "\x1b" not in result.err
    assert github.requests == []


@pytest.mark.parametrize("tells_login", [False, True], ids=["actions-token", "personal-token"])
def test_a_comment_someone_else_wrote_with_the_marker_is_never_overwritten(
    github: FakeGitHub, run_cli: CliRunner, tells_login: bool
) -> None:
    # A person quoting the report, or imitating it to have the bot write into their comment.
    github.tells_login = tells_login
    if tells_login:
        github.account = {"login": "ci-user", "type": "User"}
    quoted = f"{MARKER}\n### netpoldiff: looks fine to me"
    github.seed("o", "r", 7, quoted, f"> {MARKER}\n> quoted", user="mallory")
    if tells_login:  # when the token says who it is, another bot's comment is not ours either
        github.seed("o", "r", 7, f"{MARKER}\nanother bot's report", user="other[bot]", kind="Bot")

    first = _comment(run_cli, OLD, NEW)
    second = _comment(run_cli, NEW, OLD)

    assert (first.status, second.status) == (0, 0), (first.err, second.err)
    assert len(github.calls("POST")) == 1
    (patch,) = github.calls("PATCH")
    (own,) = [c for c in github.thread() if c["user"] == github.account]
    assert patch.path == f"/repos/o/r/issues/comments/{own['id']}"
    assert own["body"] == second.out
    assert [c["body"] for c in github.thread()[:2]] == [quoted, f"> {MARKER}\n> quoted"]
    if tells_login:
        assert github.thread()[2]["body"] == f"{MARKER}\nanother bot's report"
