"""``diff_command``: the sources it compares by default, its report, the status it implies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netpoldiff.commands import FailOn, Report, Settings, diff_command
from netpoldiff.errors import UsageError
from netpoldiff.sources import HEAD, OnDisk, Revision
from tests.conftest import REPO_ROOT
from tests.testing.gitrepo import GitRepo

SETTINGS = Settings(REPO_ROOT, use_cache=False)
OLD, NEW = OnDisk("fixtures/demo/old"), OnDisk("fixtures/demo/new")
POLICY_WITH_WARNING = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: a}
spec:
  podSelector: {}
  ingress:
    - from:
        - ipBlock: {cidr: 10.0.0.1/8}
"""
POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a}
spec: {containers: [{name: web, image: web}]}
"""


def _json(report: Report) -> dict[str, Any]:
    document: dict[str, Any] = json.loads("".join(report.chunks))
    return document


@pytest.fixture
def half_staged(tmp_path: Path) -> GitRepo:
    """Old manifests committed; the frontend change (opens 2) staged, the shop change not."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.commit("old policies")
    repo.put_demo("new", "frontend.yaml")
    repo.git("add", "--all")
    repo.put_demo("new", "shop.yaml")
    return repo


def test_without_sources_it_compares_head_with_the_working_tree(half_staged: GitRepo) -> None:
    report = diff_command(
        None, None, output_format="json", settings=Settings(half_staged.root, use_cache=False)
    )
    document = _json(report)
    assert (document["old"], document["new"]) == ("HEAD", "working tree")
    assert document["summary"] == {"opened": 2, "closed": 1}


def test_staged_compares_old_with_the_index(half_staged: GitRepo) -> None:
    settings = Settings(half_staged.root, use_cache=False)
    document = _json(diff_command(None, None, staged=True, output_format="json", settings=settings))
    assert (document["old"], document["new"]) == ("HEAD", "index")
    assert document["summary"] == {"opened": 2, "closed": 0}
    empty = Revision("4b825dc642cb6eb9a060e54bf8d69288fbee4904")  # git's empty tree
    against_nothing = _json(
        diff_command(empty, None, staged=True, output_format="json", settings=settings)
    )
    assert against_nothing["old"] == str(empty)
    assert against_nothing["added_endpoints"]


def test_the_report_is_rendered_in_the_format_asked(half_staged: GitRepo) -> None:
    settings = Settings(half_staged.root, use_cache=False)
    text = "".join(diff_command(HEAD, None, settings=settings).chunks)
    markdown = "".join(diff_command(HEAD, None, output_format="markdown", settings=settings).chunks)
    assert text.endswith("Reachability: 1 row opened (2 flows), 1 closed.\n")
    assert "### netpoldiff: 1 row opened (2 flows), 1 closed" in markdown
    assert "\033[" not in text
    assert "\033[" in "".join(diff_command(HEAD, None, settings=settings, color=True).chunks)


@pytest.mark.parametrize(
    ("old", "new", "exit_code", "fail_on", "status"),
    [
        (OLD, NEW, False, (), 0),
        (OLD, NEW, True, (), 1),
        (OLD, OLD, True, (), 0),
        (OLD, NEW, False, ("opened",), 1),
        (NEW, NEW, False, ("any",), 0),
        (OLD, NEW, False, ("warnings",), 0),
    ],
    ids=[
        "no-gate",
        "exit-code-on-change",
        "exit-code-without-change",
        "fail-on-opened",
        "fail-on-any-without-change",
        "fail-on-warnings-without-warnings",
    ],
)
def test_the_exit_status_follows_exit_code_and_fail_on(
    old: OnDisk, new: OnDisk, exit_code: bool, fail_on: tuple[FailOn, ...], status: int
) -> None:
    report = diff_command(old, new, settings=SETTINGS, exit_code=exit_code, fail_on=fail_on)
    assert report.exit_status == status
    assert report.changed is (old != new)


def test_paths_restrict_both_sides() -> None:
    report = diff_command(OLD, NEW, ["frontend.yaml"], output_format="json", settings=SETTINGS)
    document = _json(report)
    # Were OLD read whole, every flow of its other files would show as closed.
    assert document["summary"] == {"opened": 1, "closed": 0}


def test_warnings_are_news_only(tmp_path: Path) -> None:
    warned = tmp_path / "warned"
    warned.mkdir()
    (warned / "p.yaml").write_text(POLICY_WITH_WARNING, encoding="utf-8")
    (warned / "pod.yaml").write_text(POD, encoding="utf-8")
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "pod.yaml").write_text(POD, encoding="utf-8")
    settings = Settings(tmp_path, use_cache=False)
    fixed = diff_command(
        OnDisk("warned"),
        OnDisk("clean"),
        output_format="json",
        settings=settings,
        fail_on=["warnings"],
    )
    assert (fixed.exit_status, _json(fixed)["warnings"]) == (0, [])
    broken = diff_command(
        OnDisk("clean"),
        OnDisk("warned"),
        output_format="json",
        settings=settings,
        fail_on=["warnings"],
    )
    assert broken.exit_status == 1
    assert [w["code"] for w in _json(broken)["warnings"]] == ["NPD002"]


def test_a_file_broken_on_both_sides_is_one_error(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.put_demo("old")
    repo.write("k8s/bad.yaml", "a: [1, 2\n")
    repo.commit("old policies and a broken file")
    repo.put_demo("new")
    repo.commit("new policies, the file still broken")
    settings = Settings(repo.root, keep_going=True, use_cache=False)
    report = diff_command(
        Revision("HEAD~1"), HEAD, output_format="json", settings=settings, fail_on=["closed"]
    )
    document = _json(report)
    assert document["incomplete"] is True
    assert len(document["errors"]) == 1
    assert "k8s/bad.yaml (document 1, line 2)" in document["errors"][0]
    assert document["summary"] == {"opened": 2, "closed": 1}
    assert report.exit_status == 1  # an incomplete analysis vouches for nothing


def _on_disk(case: str) -> tuple[OnDisk, OnDisk]:
    return OnDisk(f"fixtures/{case}/old"), OnDisk(f"fixtures/{case}/new")


@pytest.mark.parametrize(
    ("case", "status"),
    [("policy-split", 0), ("demo", 1), ("vendor-policy-added", 1)],
    ids=["equivalent", "not-equivalent", "cannot-tell"],
)
def test_with_equivalent_the_exit_status_is_the_verdict(case: str, status: int) -> None:
    report = diff_command(*_on_disk(case), settings=SETTINGS, equivalent=True)
    assert report.exit_status == status


@pytest.mark.parametrize(
    ("gate", "option"),
    [({"exit_code": True}, "--exit-code"), ({"fail_on": ("opened",)}, "--fail-on")],
    ids=["exit-code", "fail-on"],
)
def test_equivalent_refuses_another_gate_before_reading_anything(
    gate: dict[str, Any], option: str
) -> None:
    missing = OnDisk("no/such/directory")
    message = f"--equivalent and {option} cannot be combined: the verdict is the exit status"
    with pytest.raises(UsageError) as raised:
        diff_command(missing, missing, settings=SETTINGS, equivalent=True, **gate)
    assert str(raised.value) == message


def test_equivalent_decides_the_exit_status_whatever_the_configuration_fails_on(
    tmp_path: Path,
) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write(".netpoldiff.yaml", "fail_on: [warnings]\n")
    repo.write("k8s/pod.yaml", POD)
    repo.write("k8s/p.yaml", POLICY_WITH_WARNING.replace("10.0.0.1/8", "10.0.0.0/8"))
    repo.commit("a policy")
    repo.write("k8s/p.yaml", POLICY_WITH_WARNING)  # host bits set: a warning, the same meaning
    repo.commit("the same policy, with a warning")
    settings = Settings(repo.root, use_cache=False)
    assert diff_command(Revision("HEAD~1"), HEAD, settings=settings).exit_status == 1
    report = diff_command(Revision("HEAD~1"), HEAD, settings=settings, equivalent=True)
    assert report.exit_status == 0
    assert report.fail_on == ()
