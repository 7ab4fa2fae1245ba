"""What every command shares: Settings, reading and converting a source, PATH checks, --fail-on."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from netpoldiff.commands.shared import (
    FailOn,
    LoadedSource,
    Settings,
    check_paths,
    convert,
    fails,
    read,
    repository_paths,
    visible_warnings,
)
from netpoldiff.configuration import Configuration
from netpoldiff.diagnostics import Diagnostic
from netpoldiff.diff import MatrixDiff, diff_matrices
from netpoldiff.errors import InputError, Location, UsageError
from netpoldiff.evaluate import evaluate_pair
from netpoldiff.manifests import DEFAULT_NAMESPACE
from netpoldiff.sources import (
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_TOTAL_SIZE,
    HEAD,
    OnDisk,
    Workspace,
)
from netpoldiff.suppression import Ignore
from tests.conftest import FIXTURES, REPO_ROOT
from tests.testing.gitrepo import demo_repository

DEMO = FIXTURES / "demo"
SETTINGS = Settings(REPO_ROOT, use_cache=False)
POD_WITHOUT_NAMESPACE = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: []}\n"
# A /8 written with host bits: a likely mistake (NPD002), not an error.
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


def _load(directory: Path | str, settings: Settings = SETTINGS) -> LoadedSource:
    source = OnDisk(str(directory))
    files = read(settings.workspace(), source, (), settings)
    return convert(settings.loader(), source, files, settings)


def _tree(root: Path, **files: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_settings_defaults_are_the_owning_modules_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.start == Path.cwd()
    assert settings.default_namespace == DEFAULT_NAMESPACE
    assert (settings.keep_going, settings.use_cache) == (False, True)
    assert (settings.max_file_size, settings.max_total_size) == (
        DEFAULT_MAX_FILE_SIZE,
        DEFAULT_MAX_TOTAL_SIZE,
    )


def test_the_workspace_is_at_the_start_within_the_size_limits(tmp_path: Path) -> None:
    workspace = Settings(tmp_path, max_file_size=10, max_total_size=20).workspace()
    assert (workspace.start, workspace.repository) == (tmp_path, None)
    assert (workspace.max_file_size, workspace.max_total_size) == (10, 20)


def test_the_loader_puts_objects_without_a_namespace_in_the_default_namespace(
    tmp_path: Path,
) -> None:
    directory = _tree(tmp_path / "m", **{"pod.yaml": POD_WITHOUT_NAMESPACE})
    loaded = _load(directory, Settings(REPO_ROOT, default_namespace="prod", use_cache=False))
    assert [w.namespace for w in loaded.cluster.workloads] == ["prod"]


@pytest.mark.parametrize("use_cache", [True, False], ids=["cache", "no-cache"])
def test_the_loader_writes_the_conversion_cache_only_when_asked(
    tmp_path: Path, use_cache: bool
) -> None:
    repo = demo_repository(tmp_path / "repo")
    settings = Settings(repo.root, use_cache=use_cache)
    files = read(settings.workspace(), HEAD, (), settings)
    convert(settings.loader(), HEAD, files, settings)
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "netpoldiff"
    assert (cache.exists() and any(cache.rglob("*"))) is use_cache


def test_read_stops_at_the_first_unreadable_file_unless_keep_going(tmp_path: Path) -> None:
    directory = _tree(tmp_path / "m", **{"big.yaml": "x" * 100, "pod.yaml": POD_WITHOUT_NAMESPACE})
    strict = Settings(REPO_ROOT, max_file_size=90, use_cache=False)
    with pytest.raises(
        InputError, match=r"big\.yaml: 100 bytes is over the limit of 90 \(--max-file-size\)"
    ):
        read(strict.workspace(), OnDisk(str(directory)), (), strict)
    lenient = Settings(REPO_ROOT, max_file_size=90, keep_going=True, use_cache=False)
    files = read(lenient.workspace(), OnDisk(str(directory)), (), lenient)
    assert [e.location.path for e in files.errors] == [f"{directory}/big.yaml"]
    assert [f.path for f in files.files] == [f"{directory}/pod.yaml"]


def test_convert_keeps_the_warnings_and_errors_of_reading_and_of_converting(
    tmp_path: Path,
) -> None:
    directory = _tree(
        tmp_path / "m",
        **{
            "big.yaml": "x" * 1000,  # refused by reading
            "bad.yaml": "a: [1, 2\n",  # refused by converting
            "p.yaml": POLICY_WITH_WARNING,  # a warning of converting
            "pod.YAML": POD_WITHOUT_NAMESPACE,  # skipped with a warning by reading
        },
    )
    loaded = _load(directory, Settings(REPO_ROOT, max_file_size=999, keep_going=True))
    assert sorted(Path(e.location.path).name for e in loaded.errors) == ["bad.yaml", "big.yaml"]
    assert sorted(w.code for w in loaded.warnings) == ["NPD002", "NPD005"]
    assert loaded.file_count == 2  # read: bad.yaml and p.yaml
    assert (loaded.source, loaded.label) == (OnDisk(str(directory)), str(directory))


def test_visible_warnings_hide_what_annotations_configuration_and_options_name(
    tmp_path: Path,
) -> None:
    annotated = POLICY_WITH_WARNING.replace(
        "{name: p, namespace: a}",
        "{name: p, namespace: a, annotations: {netpoldiff.io/ignore: NPD002}}",
    )
    directory = _tree(tmp_path / "m", **{"p.yaml": annotated, "pod.YAML": POD_WITHOUT_NAMESPACE})
    loaded = _load(directory)
    assert [a.codes for a in loaded.ignored] == [frozenset({"NPD002"})]
    shown, suppressed = visible_warnings(loaded.warnings, loaded, SETTINGS)
    assert [w.code for w in shown] == ["NPD005"]
    assert (suppressed.count, suppressed.means) == (1, ("annotation",))
    # The configuration's ignore and --ignore add up.
    configured = Configuration(".netpoldiff.yaml", ignore=frozenset({"NPD005"}))
    settings = dataclasses.replace(SETTINGS, ignore=frozenset({"NPD002"}), configuration=configured)
    assert settings.ignored == Ignore(frozenset({"NPD005"}), frozenset({"NPD002"}))
    shown, suppressed = visible_warnings(loaded.warnings, loaded, settings)
    assert shown == ()
    assert suppressed.means == ("annotation", "configuration", "command-line")


def test_paths_that_match_a_manifest_on_either_side_pass(tmp_path: Path) -> None:
    empty = _load(_tree(tmp_path / "empty"))
    demo = _load(DEMO / "new")
    check_paths(["x.yaml"], empty, demo)
    check_paths(["x.yaml"], demo, empty)
    check_paths([], empty)  # no PATH given: an empty source is no mistake


def test_paths_that_match_no_manifest_on_any_side_are_a_usage_error(tmp_path: Path) -> None:
    empty = _load(_tree(tmp_path / "empty"))
    with pytest.raises(UsageError) as raised:
        check_paths(["a.yaml", "b/"], empty, empty)
    assert str(raised.value) == "no manifest (*.yaml, *.yml, *.json) matches the paths a.yaml b/"


def _diff(old: Path, new: Path) -> MatrixDiff:
    return diff_matrices(*evaluate_pair(_load(old).cluster, _load(new).cluster))


@pytest.fixture(scope="module")
def diffs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MatrixDiff | None]:
    """A change that only opens flows, one that only closes them, the demo's, and no diff."""
    root = tmp_path_factory.mktemp("diffs")
    sides = {}
    for name, changed in (("opens", "frontend.yaml"), ("closes", "shop.yaml")):
        sides[name] = shutil.copytree(DEMO / "old", root / name)
        shutil.copyfile(DEMO / "new" / changed, sides[name] / changed)
    return {
        "opens": _diff(DEMO / "old", sides["opens"]),
        "closes": _diff(DEMO / "old", sides["closes"]),
        "both": _diff(DEMO / "old", DEMO / "new"),
        "none": _diff(DEMO / "old", DEMO / "old"),
        "matrix": None,
    }


ERROR = InputError(Location("k8s/bad.yaml", 1, 2), "invalid YAML")
WARNING = Diagnostic("NPD002", "10.0.0.1/8 has host bits set", Location("k8s/p.yaml"))


@pytest.mark.parametrize(
    ("fail_on", "diff", "errors", "warnings", "failed"),
    [
        ((), "both", True, True, False),
        (("opened",), "opens", False, False, True),
        (("opened",), "closes", False, False, False),
        (("closed",), "closes", False, False, True),
        (("closed",), "opens", False, False, False),
        (("any",), "opens", False, False, True),
        (("any",), "closes", False, False, True),
        (("any",), "none", False, False, False),
        (("opened", "closed"), "none", False, False, False),
        (("warnings",), "none", False, True, True),
        (("warnings",), "both", False, False, False),
        (("opened",), "matrix", False, False, False),
        (("warnings",), "matrix", False, False, False),
        (("opened",), "none", True, False, True),
        (("warnings",), "matrix", True, False, True),
    ],
    ids=[
        "no-condition-never-fails",
        "opened-on-opening",
        "opened-on-closing",
        "closed-on-closing",
        "closed-on-opening",
        "any-on-opening",
        "any-on-closing",
        "any-on-no-change",
        "opened-or-closed-on-no-change",
        "warnings-with-warnings",
        "warnings-without-warnings",
        "opened-on-a-matrix",
        "warnings-on-a-clean-matrix",
        "incomplete-diff-fails-any-condition",
        "incomplete-matrix-fails-any-condition",
    ],
)
def test_fail_on_conditions(
    diffs: dict[str, MatrixDiff | None],
    fail_on: tuple[FailOn, ...],
    diff: str,
    errors: bool,
    warnings: bool,
    failed: bool,
) -> None:
    verdict = fails(
        fail_on,
        errors=(ERROR,) if errors else (),
        warnings=(WARNING,) if warnings else (),
        diff=diffs[diff],
    )
    assert verdict is failed


def test_annotated_paths_are_files_from_the_top_of_the_repository() -> None:
    below = Workspace.at(REPO_ROOT / "fixtures")
    on_disk = repository_paths(below, OnDisk("demo/new"))
    assert on_disk("demo/new/shop.yaml") == "fixtures/demo/new/shop.yaml"
    assert on_disk("demo/new/p.yaml via demo/new/overlay") == "fixtures/demo/new/p.yaml"
    # Git lists repository paths already.
    assert repository_paths(below, HEAD)("k8s/p.yaml") == "k8s/p.yaml"
