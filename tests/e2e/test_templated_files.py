"""A repository as teams keep it: plain manifests beside a Helm chart and a templated example.

Templates found under the paths are skipped with a warning; one that changed is reported as
changed but not analysed (and fails --fail-on); one named explicitly is a one-line error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunner, assert_one_line_error
from tests.testing.gitrepo import GitRepo

EXAMPLE = "examples/policy.yaml"
CHART_TEMPLATE = "chart/templates/policy.yaml"
TEMPLATED_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .Values.name }}
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: {{ .Values.app | quote }}
"""
# Valid YAML and a valid policy: a chart's templates/ folder is a template whatever it holds.
CHART_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec: {podSelector: {}}
"""
NOT_ANALYSED = "Changed but not analysed"


def _mixed_repository(root: Path) -> GitRepo:
    """Plain manifests under k8s/, a Helm chart, a templated example, a README: one commit."""
    repo = GitRepo.init(root)
    repo.put_demo("old")
    repo.write("chart/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    repo.write("chart/values.yaml", "name: web\napp: web\n")
    repo.write(CHART_TEMPLATE, CHART_POLICY)
    repo.write(EXAMPLE, TEMPLATED_POLICY)
    repo.write("README.md", "# shop\n")
    repo.commit("manifests, chart and example")
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return _mixed_repository(tmp_path / "repo")


def test_a_readme_only_commit_passes_and_names_the_skipped_templates(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    repo.write("README.md", "# shop\n\nMore words.\n")
    repo.commit("docs")
    # The chart is rendered (--render auto); the example, outside any chart, is skipped.
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD")
    assert result.status == 0, result.err
    assert "No reachability changes." in result.out
    assert NOT_ANALYSED not in result.out
    assert f"{EXAMPLE} (line 4): a Go template action" in result.out
    document = json.loads(run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--format", "json").out)
    assert (document["incomplete"], document["unevaluated"]) == (False, [])
    assert [w["code"] for w in document["warnings"] if w["code"] == "NPD011"] == ["NPD011"]
    # Not rendered, the chart's templates are skipped too, each named.
    unrendered = run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--render", "none")
    assert unrendered.status == 0, unrendered.err
    assert f"{CHART_TEMPLATE}: in the templates/ folder of the Helm chart chart" in unrendered.out


def test_the_installed_hook_accepts_a_readme_only_commit(run_cli: CliRunner, repo: GitRepo) -> None:
    assert run_cli("hook", "install", "-C", str(repo.root)).status == 0
    repo.write("README.md", "# shop\n\nMore words.\n")
    repo.git("add", "README.md")
    committed = repo.run("commit", "-m", "docs")
    assert committed.returncode == 0, committed.stdout + committed.stderr


@pytest.mark.parametrize(
    ("edit", "change"),
    [
        (lambda repo: repo.write(EXAMPLE, TEMPLATED_POLICY + "  # tuned\n"), "modified"),
        (lambda repo: (repo.root / EXAMPLE).unlink(), "removed"),
        (lambda repo: repo.write("examples/other.yaml", TEMPLATED_POLICY), "added"),
    ],
    ids=["modified", "removed", "added"],
)
def test_a_changed_template_is_changed_but_not_analysed_and_fails_fail_on(
    run_cli: CliRunner, repo: GitRepo, edit: object, change: str
) -> None:
    assert callable(edit)
    edit(repo)
    repo.commit("example")
    path = "examples/other.yaml" if change == "added" else EXAMPLE
    root = str(repo.root)
    text = run_cli("-C", root, "HEAD~1", "HEAD")
    assert text.status == 0, text.err
    assert f"{NOT_ANALYSED}: a template, not a manifest" in text.out
    assert f"? {path} ({change})" in text.out
    assert "Not covered: 1 file changed but not analysed." in text.out
    markdown = run_cli("-C", root, "HEAD~1", "HEAD", "--format", "markdown").out
    assert f"> - {path} ({change})" in markdown
    document = json.loads(run_cli("-C", root, "HEAD~1", "HEAD", "--format", "json").out)
    assert document["incomplete"] is True
    assert document["unevaluated"] == [
        {
            "kind": None,
            "namespace": None,
            "name": path,
            "change": change,
            "reason": "not-read",
            "file": path,
        }
    ]
    assert run_cli("-C", root, "HEAD~1", "HEAD", "--fail-on", "opened").status == 1


def test_a_changed_chart_template_is_changed_but_not_analysed(
    run_cli: CliRunner, repo: GitRepo
) -> None:
    repo.write(CHART_TEMPLATE, CHART_POLICY.replace("deny-all", "deny-everything"))
    repo.commit("chart")
    # Not rendered (--render none), a changed chart template is a file not analysed.
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--render", "none")
    assert f"? {CHART_TEMPLATE} (modified)" in result.out
    # Read as a manifest it would be a policy renamed, and a deny-all closes flows.
    assert "No reachability changes among the objects evaluated." in result.out


def test_templates_compared_between_two_directories_by_their_path_inside_each(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    for side in ("old", "new"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "policy.yaml").write_text(TEMPLATED_POLICY, encoding="utf-8")
    same = run_cli("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--fail-on", "any")
    assert same.status == 0, same.out + same.err
    (tmp_path / "new" / "policy.yaml").write_text(TEMPLATED_POLICY + "# x\n", encoding="utf-8")
    changed = run_cli("diff", str(tmp_path / "old"), str(tmp_path / "new"))
    assert f"? {tmp_path / 'new' / 'policy.yaml'} (modified)" in changed.out


@pytest.mark.parametrize(
    "arguments",
    [
        ("HEAD", "HEAD", "--", EXAMPLE),
        ("matrix", "HEAD", "--", EXAMPLE),
        ("matrix", EXAMPLE),
        ("matrix", ".", "--", EXAMPLE),
        ("HEAD", "--", EXAMPLE),
        ("HEAD", "HEAD", "--", CHART_TEMPLATE, "chart/Chart.yaml"),
    ],
    ids=[
        "diff-path",
        "matrix-path",
        "matrix-source-file",
        "directory-path",
        "working-tree-path",
        "chart-template-path",
    ],
)
def test_a_template_named_explicitly_is_a_one_line_error(
    run_cli: CliRunner, repo: GitRepo, monkeypatch: pytest.MonkeyPatch, arguments: tuple[str, ...]
) -> None:
    monkeypatch.chdir(repo.root)
    result = run_cli(*arguments)
    assert_one_line_error(result, "this is a template, not a manifest; render it")


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("k8s/broken.yaml", "found under the paths; if it is no manifest, narrow the paths"),
        ("overlay/broken.yaml", "overlay is a Kustomize directory: render it (kustomize build)"),
        ("chart/ci/broken.yaml", "chart is a Helm chart: render it (helm template)"),
    ],
    ids=["plain", "kustomize", "chart"],
)
def test_an_invalid_file_found_by_a_walk_suggests_how_to_leave_it_out(
    run_cli: CliRunner, repo: GitRepo, path: str, hint: str
) -> None:
    repo.write("overlay/kustomization.yaml", "resources: [../k8s]\n")
    repo.write(path, "kind: [unclosed\n")
    repo.commit("broken")
    # Not rendering (--render none), the walk meets the file as a plain manifest.
    walked = run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--render", "none")
    assert_one_line_error(walked, f"{path} (document 1, line 2): invalid YAML", hint)
    assert "exclude line to .netpoldiff.yaml" in walked.err
    named = run_cli("-C", str(repo.root), "HEAD~1", "HEAD", "--render", "none", "--", path)
    assert_one_line_error(named, f"{path} (document 1, line 2): invalid YAML")
    assert "narrow the paths" not in named.err
