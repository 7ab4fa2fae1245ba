"""Which configuration counts, what the command line keeps, and how NEW's change is told."""

from __future__ import annotations

from pathlib import Path

import pytest

from netpoldiff.commands import Settings
from netpoldiff.commands.configured import configuration_change, configure
from netpoldiff.findings import ConfigurationChanged
from netpoldiff.render.plan import RenderPlan
from netpoldiff.sources import WORKING_TREE, Revision, Workspace
from tests.testing.gitrepo import GitRepo

CONFIGURED = """\
paths: [k8s]
namespace: shop
workload_kinds: ["Rollout.argoproj.io=spec.template"]
render: {mode: none, kustomize: [deploy/prod]}
fail_on: [opened, warnings]
"""


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write(".netpoldiff.yaml", CONFIGURED)
    repo.write("sub/.keep", "")
    repo.commit("configured")
    return repo


def test_the_configuration_fills_what_the_command_line_left_out(repo: GitRepo) -> None:
    workspace = Workspace.at(repo.root / "sub")
    configured = configure(Settings(start=workspace.start), workspace, Revision("HEAD"), ())
    settings = configured.settings
    assert settings.default_namespace == "shop"
    assert [kind.name for kind in settings.workload_kinds] == ["Rollout"]
    assert settings.render_plan == RenderPlan(mode="none", kustomizations=("deploy/prod",))
    # Repository paths, given from where the command runs.
    assert (configured.paths, configured.cli_paths) == (("../k8s",), False)
    assert configured.fail_on((), ("opened", "closed")) == ("opened",)


def test_options_given_on_the_command_line_win(repo: GitRepo) -> None:
    workspace = Workspace.at(repo.root)
    given = Settings(
        start=repo.root,
        default_namespace="cli",
        given=frozenset({"default_namespace", "workload_kinds"}),
    )
    configured = configure(given, workspace, Revision("HEAD"), ("other",))
    assert configured.settings.default_namespace == "cli"
    assert configured.settings.workload_kinds == ()
    assert (configured.paths, configured.cli_paths) == (("other",), True)
    assert configured.fail_on(("closed",), ("opened", "closed")) == ("closed",)


def test_dash_c_replaces_the_repository_file(repo: GitRepo) -> None:
    repo.write("ci.yaml", "namespace: ci\n")
    settings = Settings(start=repo.root, config_file="ci.yaml")
    configured = configure(settings, Workspace.at(repo.root), Revision("HEAD"), ())
    assert configured.settings.default_namespace == "ci"
    assert configured.paths == ()
    # Named outright for both sides: nothing to compare.
    repo.write(".netpoldiff.yaml", "namespace: other\n")
    assert configuration_change(Workspace.at(repo.root), configured.settings, WORKING_TREE) is None


@pytest.mark.parametrize(
    ("new_text", "expected"),
    [
        (CONFIGURED + "# a comment\n", None),
        (
            CONFIGURED.replace("shop", "other") + "exclude: [k8s]\n",
            ConfigurationChanged(".netpoldiff.yaml", "modified", ("exclude", "namespace")),
        ),
        (
            None,
            ConfigurationChanged(
                ".netpoldiff.yaml",
                "removed",
                ("paths", "namespace", "render", "workload_kinds", "fail_on"),
            ),
        ),
    ],
    ids=["same-settings", "modified", "removed"],
)
def test_new_configuration_is_compared_with_the_one_used(
    repo: GitRepo, new_text: str | None, expected: ConfigurationChanged | None
) -> None:
    workspace = Workspace.at(repo.root)
    used = configure(Settings(start=repo.root), workspace, Revision("HEAD"), ()).settings
    if new_text is None:
        (repo.root / ".netpoldiff.yaml").unlink()
    else:
        repo.write(".netpoldiff.yaml", new_text)
    assert configuration_change(workspace, used, WORKING_TREE) == expected


def test_a_configuration_added_or_broken_in_new_is_told_not_used(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "bare")
    repo.commit("nothing")
    workspace = Workspace.at(repo.root)
    used = configure(Settings(start=repo.root), workspace, Revision("HEAD"), ()).settings
    assert used.configuration is None
    repo.write(".netpoldiff.yaml", "exclude: [k8s]\n")
    added = ConfigurationChanged(".netpoldiff.yaml", "added", ("exclude",))
    assert configuration_change(workspace, used, WORKING_TREE) == added
    repo.write(".netpoldiff.yaml", "exclude: k8s\n")
    broken = configuration_change(workspace, used, WORKING_TREE)
    assert broken is not None
    assert broken.change == "unusable"
    assert "exclude must be a list of strings" in (broken.problem or "")
