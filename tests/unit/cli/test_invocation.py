"""What a run carries besides a command's options: its Settings, its typed SOURCEs, its PATHs."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from netpoldiff.cli import options, run_options
from netpoldiff.cli.invocation import Invocation, paths_from, settings_from, source_from
from netpoldiff.commands import Settings
from netpoldiff.errors import SourceError
from netpoldiff.sources import HEAD, MergeBase, OnDisk, Revision, Source, Workspace
from tests.conftest import CliRunner, assert_one_line_error
from tests.testing.gitrepo import demo_repository


@click.command()
@options.common
@click.pass_context
def _with_common(context: click.Context, /, **_options: object) -> tuple[Settings, tuple[str, ...]]:
    return settings_from(context), paths_from(context)


@click.command()
@run_options.directory
@click.pass_context
def _with_directory_only(context: click.Context, /, **_options: object) -> Settings:
    return settings_from(context)


def _settings(*args: str, invocation: Invocation | None = None) -> Settings:
    settings: Settings = _with_common.main(args=list(args), standalone_mode=False, obj=invocation)[
        0
    ]
    return settings


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty directory of our own."""
    monkeypatch.chdir(tmp_path)
    return Path.cwd()


def test_without_options_the_settings_are_the_settings_defaults_here(here: Path) -> None:
    assert _settings() == Settings(start=here)


def test_each_reading_option_becomes_its_setting(here: Path) -> None:
    settings = _settings(
        "--namespace",
        "prod",
        "--keep-going",
        "--no-cache",
        "--max-file-size",
        "10",
        "--max-total-size",
        "20",
    )
    assert settings == Settings(
        start=here,
        default_namespace="prod",
        keep_going=True,
        use_cache=False,
        max_file_size=10,
        max_total_size=20,
    )


def test_a_command_without_the_reading_options_gets_the_settings_defaults(here: Path) -> None:
    (here / "sub").mkdir()
    settings = _with_directory_only.main(args=["-C", "sub"], standalone_mode=False)
    assert settings == Settings(start=here / "sub")


def test_dash_c_is_made_absolute(here: Path) -> None:
    (here / "a" / "b").mkdir(parents=True)
    start = _settings("-C", "a/../a/b").start
    assert start.is_absolute()
    assert start == here / "a" / "b"


def test_the_commands_dash_c_wins_over_the_groups(here: Path) -> None:
    (here / "group").mkdir()
    (here / "command").mkdir()
    group = Invocation(directory="group")
    assert _settings(invocation=group).start == here / "group"
    assert _settings("-C", "command", invocation=group).start == here / "command"


def test_a_dash_c_that_cannot_be_resolved_is_a_source_error(here: Path) -> None:
    (here / "loop").symlink_to(here / "loop")
    with pytest.raises(SourceError, match=r"^-C loop: cannot be used: "):
        _settings("-C", "loop")


def test_a_vanished_current_directory_is_one_line(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    result = run_cli("matrix", "k8s")
    assert_one_line_error(result)
    assert result.err == (
        "netpoldiff: the current directory: cannot be used: No such file or directory\n"
    )


def test_paths_are_those_main_was_given_after_double_dash() -> None:
    invocation = Invocation(paths=("k8s/a.yaml", "--debug"))
    _, paths = _with_common.main(args=[], standalone_mode=False, obj=invocation)
    assert paths == ("k8s/a.yaml", "--debug")
    _, none = _with_common.main(args=[], standalone_mode=False)
    assert none == ()


def test_a_source_left_out_is_none_for_the_commands_default(tmp_path: Path) -> None:
    workspace = Workspace.at(demo_repository(tmp_path).root)
    assert source_from(workspace, None) is None


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("HEAD", HEAD),
        ("HEAD~1", Revision("HEAD~1")),
        ("main...HEAD", MergeBase("main", "HEAD")),
        ("k8s", OnDisk("k8s")),
        ("k8s/shop.yaml", OnDisk("k8s/shop.yaml")),
        ("index", Revision("index")),
    ],
    ids=["head", "parent", "merge-base", "directory", "file", "branch-named-index"],
)
def test_a_source_argument_is_typed_once(tmp_path: Path, text: str, source: Source) -> None:
    repo = demo_repository(tmp_path)
    repo.git("branch", "index")
    assert source_from(Workspace.at(repo.root), text) == source


@pytest.mark.usefixtures("here")
def test_only_options_set_on_the_command_line_count_as_given() -> None:
    assert _settings("--namespace", "prod", "--keep-going").given == frozenset(
        {"default_namespace", "keep_going"}
    )
    assert _settings().given == frozenset()
