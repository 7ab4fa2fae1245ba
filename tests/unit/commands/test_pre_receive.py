"""commands/pre_receive: whose configuration protects, and what each update is compared with.

Run on bare repositories fed git's input directly; tests/e2e/test_pre_receive.py pushes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netpoldiff.commands import ReceiveJob, Settings, pre_receive_command, protection
from netpoldiff.errors import UsageError
from tests.testing.gitrepo import GitRepo
from tests.testing.pushes import bare_repository

ZERO = "0" * 40
CONFIG = """\
fail_on: [any]
pre_receive:
  protect: ["refs/heads/release/*"]
  timeout: 5
  on_timeout: accept
"""


def _server(tmp_path: Path, config: str | None) -> tuple[GitRepo, GitRepo]:
    server = bare_repository(tmp_path / "server.git")
    clone = GitRepo.init(tmp_path / "clone")
    clone.put_demo("old")
    if config is not None:
        clone.write(".netpoldiff.yaml", config)
    clone.commit("old")
    clone.git("push", "--quiet", str(server.root), "main")
    return server, clone


def _job(server: GitRepo, *lines: str, **options: object) -> ReceiveJob:
    return ReceiveJob(lines, Settings(start=server.root, use_cache=False), **options)  # type: ignore[arg-type]


def test_the_default_branch_configuration_protects(tmp_path: Path) -> None:
    server, _ = _server(tmp_path, CONFIG)

    protected = protection(_job(server, protect=("refs/heads/hotfix",)))

    assert protected.default_branch == "refs/heads/main"
    assert protected.patterns == ("refs/heads/release/*", "refs/heads/hotfix")
    assert (protected.fail_on, protected.timeout, protected.on_timeout) == (("any",), 5.0, "accept")


def test_the_command_line_wins_over_the_configuration(tmp_path: Path) -> None:
    server, _ = _server(tmp_path, CONFIG)

    protected = protection(_job(server, fail_on=("opened",), timeout=0.0, on_timeout="refuse"))

    assert (protected.fail_on, protected.timeout, protected.on_timeout) == (
        ("opened",),
        0.0,
        "refuse",
    )


def test_without_configuration_an_opened_flow_refuses_within_a_minute(tmp_path: Path) -> None:
    server = bare_repository(tmp_path / "empty.git")

    protected = protection(_job(server))

    assert (protected.fail_on, protected.timeout, protected.on_timeout) == (
        ("opened",),
        60.0,
        "refuse",
    )
    assert protected.patterns == ()


def test_a_bad_protect_pattern_is_a_usage_error(tmp_path: Path) -> None:
    server = bare_repository(tmp_path / "empty.git")

    with pytest.raises(UsageError, match="--protect: 'release' is not a branch pattern"):
        protection(_job(server, protect=("release",)))


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a git repository"):
        protection(ReceiveJob((), Settings(start=tmp_path)))


def test_the_first_push_of_the_default_branch_is_compared_with_the_empty_tree(
    tmp_path: Path,
) -> None:
    server = bare_repository(tmp_path / "empty.git")
    clone = GitRepo.init(tmp_path / "clone")
    clone.put_demo("old")
    tip = clone.commit("old")
    clone.git("push", "--quiet", str(server.root), "main:refs/heads/elsewhere")

    report = pre_receive_command(_job(server, f"{ZERO} {tip} refs/heads/main"))

    assert report.exit_status == 1
    assert "empty tree" in "".join(report.chunks)


def test_unrelated_history_on_a_new_protected_branch_is_compared_with_the_empty_tree(
    tmp_path: Path,
) -> None:
    server, _ = _server(tmp_path, None)
    other = GitRepo.init(tmp_path / "other")
    other.put_demo("new", "shop.yaml")
    tip = other.commit("unrelated")
    other.git("push", "--quiet", str(server.root), "main:refs/heads/other")

    job = _job(server, f"{ZERO} {tip} refs/heads/release/9", protect=("refs/heads/release/*",))
    report = pre_receive_command(job)

    assert "empty tree" in "".join(report.chunks)
