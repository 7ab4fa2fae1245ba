"""The server's hook: ``hook install --pre-receive`` in a bare repository, then real pushes.

Every push goes over ``file://`` from a clone, so git runs the installed hook as a server does:
the pushed objects in its quarantine directory, the pusher reading the report as ``remote:``
lines. ``hook run --pre-receive`` is also fed git's input directly, for what no push sends.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netpoldiff.hooks import MARKER
from tests.conftest import CliResult, CliRunner, assert_one_line_error
from tests.testing.gitrepo import GitRepo
from tests.testing.pushes import bare_repository

ZERO = "0" * 40
OPENED_FLOW = "+  0.0.0.0/0 except 10.0.0.0/8  ->  frontend/web[Deployment]  TCP/8080"
OPENED_REPORT = "Reachability: 1 row opened (2 flows), 0 closed."
CLOSED_REPORT = "Reachability: 0 rows opened, 1 closed."
REFUSED = "Push refused (--fail-on opened): see the report above."
DECLINED = "(pre-receive hook declined)"
APPROVE_CONFIG = """\
pre_receive:
  approvers: "ask #netsec (Jane or Ali) to review"
  approve_option: true
"""


def _install(run_cli: CliRunner, server: GitRepo, *args: str) -> CliResult:
    result = run_cli("hook", "install", "--pre-receive", "-C", str(server.root), *args)
    assert result.status == 0, result.err
    return result


def _served(run_cli: CliRunner, tmp_path: Path, *install: str, config: str = "") -> Setup:
    """A bare server whose ``main`` holds the demo's old manifests, and a clone of it."""
    server = bare_repository(tmp_path / "server.git")
    server.git("config", "receive.advertisePushOptions", "true")
    clone = GitRepo.init(tmp_path / "clone")
    clone.put_demo("old")
    if config:
        clone.write(".netpoldiff.yaml", config)
    clone.commit("old policies")
    clone.git("remote", "add", "origin", f"file://{server.root}")
    clone.git("push", "--quiet", "origin", "main")
    _install(run_cli, server, *install)
    return Setup(server, clone)


class Setup:
    """The server and the clone that pushes to it."""

    def __init__(self, server: GitRepo, clone: GitRepo) -> None:
        self.server = server
        self.clone = clone

    def push(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.clone.run("push", "origin", *args)

    def has(self, ref: str) -> str | None:
        found = self.server.run("rev-parse", "--verify", "--quiet", ref)
        return found.stdout.strip() or None

    def has_object(self, sha: str) -> bool:
        return self.server.run("cat-file", "-e", sha).returncode == 0


@pytest.fixture
def served(run_cli: CliRunner, tmp_path: Path) -> Setup:
    return _served(run_cli, tmp_path)


@pytest.fixture
def release_protected(run_cli: CliRunner, tmp_path: Path) -> Setup:
    return _served(run_cli, tmp_path, "--protect", "refs/heads/release/*")


def _open_a_flow(repo: GitRepo) -> str:
    repo.put_demo("new", "frontend.yaml")
    return repo.commit("open a flow from the internet")


def _close_a_flow(repo: GitRepo) -> str:
    repo.put_demo("new", "shop.yaml")
    return repo.commit("close a flow")


# ---- install -------------------------------------------------------------------------------------


def test_install_in_a_bare_repository_writes_hooks_pre_receive(served: Setup) -> None:
    hook = served.server.root / "hooks" / "pre-receive"
    lines = hook.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith(f"{MARKER} (pre-receive)")
    assert lines[2].endswith("-m netpoldiff hook run --pre-receive")
    assert os.access(hook, os.X_OK)


def test_install_print_writes_the_script_to_stdout_and_no_file(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    result = run_cli(
        "hook", "install", "--pre-receive", "--print", "-C", str(tmp_path),
        "--protect", "refs/heads/release/*", "--timeout", "20", "--on-timeout", "accept",
    )  # fmt: skip

    assert (result.status, result.err) == (0, "")
    assert result.out.startswith("#!/bin/sh\n")
    assert result.out.endswith(
        "hook run --pre-receive --protect 'refs/heads/release/*' --timeout 20 --on-timeout accept\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pre-receive", "--protect", "main"), "--protect: 'main' is not a branch pattern"),
        (("--pre-commit", "--protect", "refs/heads/x"), "--protect is for --pre-receive only"),
        (("--pre-push", "--print"), "--print is for --pre-receive only"),
    ],
)
def test_install_refuses_options_it_cannot_honour(
    run_cli: CliRunner, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    server = bare_repository(tmp_path / "server.git")

    result = run_cli("hook", "install", "-C", str(server.root), *args)

    assert_one_line_error(result, message)
    assert not (server.root / "hooks" / "pre-receive").exists()


# ---- pushes --------------------------------------------------------------------------------------


def test_a_push_that_opens_a_flow_to_the_default_branch_is_refused(served: Setup) -> None:
    before = served.has("main")
    tip = _open_a_flow(served.clone)

    pushed = served.push("main")

    assert pushed.returncode != 0
    assert DECLINED in pushed.stderr
    assert "remote: refs/heads/main:" in pushed.stderr
    assert f"remote:   {OPENED_FLOW}" in pushed.stderr
    assert f"remote: {REFUSED}" in pushed.stderr
    # Short, for a terminal scrolling past: the opened flows first, then the risks.
    said = pushed.stderr
    assert said.index("remote: Opened by this push:") < said.index("remote: Findings")
    assert served.has("main") == before
    # The commit was read from the quarantine, which git dropped with the refusal.
    assert not served.has_object(tip)


def test_a_push_that_only_closes_flows_is_accepted(served: Setup) -> None:
    tip = _close_a_flow(served.clone)

    pushed = served.push("main")

    assert pushed.returncode == 0, pushed.stderr
    assert f"remote: {CLOSED_REPORT}" in pushed.stderr
    assert served.has("main") == tip


def test_a_push_to_an_unprotected_branch_passes_unread(served: Setup) -> None:
    tip = _open_a_flow(served.clone)

    pushed = served.push("HEAD:refs/heads/feature")

    assert pushed.returncode == 0, pushed.stderr
    assert "remote:" not in pushed.stderr
    assert served.has("feature") == tip


def test_a_tag_passes(served: Setup) -> None:
    _open_a_flow(served.clone)
    served.clone.git("tag", "-a", "-m", "a tag", "v1")

    pushed = served.push("v1")

    assert pushed.returncode == 0, pushed.stderr
    assert served.has("refs/tags/v1") is not None


def test_deleting_a_protected_branch_passes(release_protected: Setup) -> None:
    assert release_protected.push("main:refs/heads/release/1").returncode == 0

    pushed = release_protected.push(":refs/heads/release/1")

    assert pushed.returncode == 0, pushed.stderr
    assert release_protected.has("refs/heads/release/1") is None


def test_a_new_protected_branch_is_compared_with_the_default_branch(
    release_protected: Setup,
) -> None:
    base = release_protected.clone.sha("main")
    _close_a_flow(release_protected.clone)
    _open_a_flow(release_protected.clone)

    pushed = release_protected.push("HEAD:refs/heads/release/2")

    assert pushed.returncode != 0
    assert f"remote: netpoldiff {base} ({base[:7]}) -> " in pushed.stderr
    assert "remote: Reachability: 1 row opened (2 flows), 1 closed." in pushed.stderr
    assert release_protected.has("refs/heads/release/2") is None


def test_an_existing_protected_branch_is_compared_with_its_old_tip(
    release_protected: Setup,
) -> None:
    assert release_protected.push("main:refs/heads/release/1").returncode == 0
    tip = _close_a_flow(release_protected.clone)

    pushed = release_protected.push("HEAD:refs/heads/release/1")

    assert pushed.returncode == 0, pushed.stderr
    assert f"remote: {CLOSED_REPORT}" in pushed.stderr
    assert release_protected.has("refs/heads/release/1") == tip


def test_configuration_patterns_protect_branches(run_cli: CliRunner, tmp_path: Path) -> None:
    config = 'pre_receive:\n  protect: ["refs/heads/release/*"]\n'
    setup = _served(run_cli, tmp_path, config=config)
    _open_a_flow(setup.clone)

    refused = setup.push("HEAD:refs/heads/release/3")
    accepted = setup.push("HEAD:refs/heads/feature")

    assert refused.returncode != 0
    assert f"remote: {REFUSED}" in refused.stderr
    assert accepted.returncode == 0, accepted.stderr


def test_a_push_cannot_unprotect_itself_by_editing_the_configuration(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    config = 'pre_receive:\n  protect: ["refs/heads/release/*"]\n'
    setup = _served(run_cli, tmp_path, config=config)
    assert setup.push("main:refs/heads/release/1").returncode == 0
    # Everything a configuration could say to let this change through.
    setup.clone.write(
        ".netpoldiff.yaml",
        "paths: [elsewhere/]\nfail_on: [closed]\npre_receive:\n  approve_option: true\n",
    )
    _open_a_flow(setup.clone)

    pushed = setup.clone.run(
        "push", "-o", "netpoldiff.approve=my own rules", "origin", "HEAD:refs/heads/release/1"
    )

    assert pushed.returncode != 0
    assert f"remote: {REFUSED}" in pushed.stderr
    assert "remote: The push option netpoldiff.approve is not enabled" in pushed.stderr


def test_the_approve_push_option_lets_a_push_through_when_enabled(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    setup = _served(run_cli, tmp_path, config=APPROVE_CONFIG)
    tip = _open_a_flow(setup.clone)

    pushed = setup.clone.run(
        "push", "-o", "netpoldiff.approve=INC-42 load balancer", "origin", "main"
    )

    assert pushed.returncode == 0, pushed.stderr
    assert f"remote:   {OPENED_FLOW}" in pushed.stderr
    assert "remote: Approved with push option netpoldiff.approve: INC-42 load balancer" in (
        pushed.stderr
    )
    assert setup.has("main") == tip


def test_a_refusal_says_who_approves_and_how_to_override(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    setup = _served(run_cli, tmp_path, config=APPROVE_CONFIG)
    _open_a_flow(setup.clone)

    pushed = setup.push("main")

    assert pushed.returncode != 0
    assert "remote: To proceed: ask #netsec (Jane or Ali) to review" in pushed.stderr
    assert (
        'remote: Or push again with a reason, which is logged: git push -o netpoldiff.approve="..."'
        in (pushed.stderr)
    )


def test_the_approve_push_option_is_ignored_when_not_enabled(served: Setup) -> None:
    _open_a_flow(served.clone)

    pushed = served.clone.run("push", "-o", "netpoldiff.approve=trust me", "origin", "main")

    assert pushed.returncode != 0
    assert f"remote: {REFUSED}" in pushed.stderr
    assert (
        "remote: The push option netpoldiff.approve is not enabled for this repository "
        "(pre_receive: approve_option: true); it was ignored."
    ) in pushed.stderr
    assert "git push -o" not in pushed.stderr


# ---- hook run --pre-receive fed directly ---------------------------------------------------------


def _run(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, server: GitRepo, stdin: str, *args: str
) -> CliResult:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return run_cli("hook", "run", "--pre-receive", "-C", str(server.root), *args)


@pytest.mark.parametrize("timeout", ["0", "60"], ids=["in-process", "time-limited"])
@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("garbage", "pre-receive: unexpected input line 'garbage': it needs three fields"),
        (f"{ZERO} {'a' * 39} refs/heads/main", "the new object id is not 40 lowercase"),
        (f"{ZERO} {'a' * 40} main", "the ref is not a full ref name"),
        (f"{ZERO} {'a' * 40} refs/heads/main", "cannot read the pushed commit aaaaaaaaaaaa"),
    ],
    ids=["fields", "object-id", "ref", "unreadable"],
)
def test_malformed_input_refuses_the_push_in_one_line(
    run_cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    served: Setup,
    timeout: str,
    line: str,
    message: str,
) -> None:
    main = served.has("main")
    stdin = f"{main} {main} refs/heads/main\n{line}\n"

    result = _run(run_cli, monkeypatch, served.server, stdin, "--timeout", timeout)

    assert_one_line_error(result, message)


@pytest.mark.parametrize(
    ("on_timeout", "status", "decision"),
    [("refuse", 2, "push refused unchecked"), ("accept", 0, "push accepted unchecked")],
)
def test_the_time_limit_ends_the_check_and_says_so(
    run_cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    served: Setup,
    on_timeout: str,
    status: int,
    decision: str,
) -> None:
    main = served.has("main")
    # Thousands of updates to check, each read from git: far more than a tenth of a second.
    stdin = f"{main} {main} refs/heads/main\n" * 20_000

    result = _run(
        run_cli, monkeypatch, served.server, stdin, "--timeout", "0.1", "--on-timeout", on_timeout
    )

    assert result.status == status
    assert result.out == ""
    assert result.err == (
        f"netpoldiff: time limit of 0.1 s reached: {decision} (on_timeout: {on_timeout})\n"
    )


def test_the_configuration_sets_the_time_limit(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = "pre_receive:\n  timeout: 0.1\n  on_timeout: accept\n"
    setup = _served(run_cli, tmp_path, config=config)
    main = setup.has("main")

    result = _run(run_cli, monkeypatch, setup.server, f"{main} {main} refs/heads/main\n" * 20_000)

    assert (result.status, result.out) == (0, "")
    assert "time limit of 0.1 s reached: push accepted unchecked" in result.err


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*")
    }


def test_a_check_writes_nothing_to_the_repository_and_keeps_no_cache(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, served: Setup, tmp_path: Path
) -> None:
    cache_home = tmp_path / "cache-home"
    cache_home.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    old = served.has("main")
    tip = _close_a_flow(served.clone)
    assert served.push("HEAD:refs/heads/feature").returncode == 0  # the objects, on the server
    before = _snapshot(served.server.root)

    result = _run(run_cli, monkeypatch, served.server, f"{old} {tip} refs/heads/main\n")

    assert result.status == 0, result.err
    assert CLOSED_REPORT in result.out
    assert _snapshot(served.server.root) == before
    assert list(cache_home.iterdir()) == []


def test_the_cache_is_kept_only_in_the_directory_given(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, served: Setup, tmp_path: Path
) -> None:
    old = served.has("main")
    tip = _close_a_flow(served.clone)
    assert served.push("HEAD:refs/heads/feature").returncode == 0
    cache = tmp_path / "hook-cache"

    result = _run(
        run_cli,
        monkeypatch,
        served.server,
        f"{old} {tip} refs/heads/main\n",
        "--cache-dir",
        str(cache),
    )

    assert result.status == 0, result.err
    assert any(path.is_file() for path in cache.rglob("*"))
