"""Hostile kustomizations in a pull request: each refused with one line, exit 2.

Each case commits the fixture's overlays, then a NEW commit whose prod overlay tries
something a gate on untrusted pull requests must not do. Most are refused before kustomize
runs (the message names the kustomization file and what it asked for); the rest kustomize
refuses itself under the load restrictor, and the message names the overlay.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliRunner, assert_one_line_error
from tests.testing.overlays import overlay_repository

PROD = "deploy/overlays/prod"
KUSTOMIZATION = f"{PROD}/kustomization.yaml"
EXEC_GENERATOR = """\
apiVersion: example.com/v1
kind: Pwn
metadata:
  name: pwn
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: /bin/sh
"""
CONTAINER_TRANSFORMER = """\
apiVersion: builtin
kind: LabelTransformer
metadata:
  name: looks-builtin
  annotations:
    config.kubernetes.io/function: |
      container:
        image: attacker/image
"""
HELM = "helmCharts:\n- name: web\n  repo: https://charts.example.com\n  version: 1.0.0\n"

CASES = {
    "remote-base": (
        {KUSTOMIZATION: "resources:\n- github.com/attacker/repo//base?ref=main\n"},
        ("deploy/overlays/prod/kustomization.yaml", "github.com/attacker/repo//base?ref=main"),
    ),
    "remote-https": (
        {KUSTOMIZATION: "resources:\n- https://example.com/all.yaml\n"},
        ("remote base or resource", "https://example.com/all.yaml"),
    ),
    "missing-path-kustomize-would-fetch": (
        {KUSTOMIZATION: "resources:\n- example.com/attacker/repo\n"},
        ("example.com/attacker/repo", "never fetches"),
    ),
    "dotdot-escape-of-the-source": (
        {KUSTOMIZATION: "resources:\n- ../../../../etc\n"},
        ("'../../../../etc' is outside the source",),
    ),
    "dotdot-file-outside-the-overlay": (
        {KUSTOMIZATION: "resources:\n- ../staging/web-ingress.yaml\n"},
        (KUSTOMIZATION, "kustomize failed", "web-ingress.yaml"),
    ),
    "exec-generator": (
        {
            KUSTOMIZATION: "resources: [../../base]\ngenerators: [pwn.yaml]\n",
            f"{PROD}/pwn.yaml": EXEC_GENERATOR,
        },
        ("pwn.yaml", "KRM functions (exec or container) are not run"),
    ),
    "container-transformer-inline": (
        {
            KUSTOMIZATION: "resources: [../../base]\ntransformers:\n- |\n"
            + "".join(f"  {line}\n" for line in CONTAINER_TRANSFORMER.splitlines())
        },
        ("transformers", "KRM functions (exec or container) are not run"),
    ),
    "plugin-generator": (
        {
            KUSTOMIZATION: "resources: [../../base]\ngenerators: [plugin.yaml]\n",
            f"{PROD}/plugin.yaml": "apiVersion: someteam.example.com/v1\nkind: Gen\n"
            "metadata: {name: g}\n",
        },
        ("plugin Gen is not run",),
    ),
    "helm-charts": ({KUSTOMIZATION: f"resources: [../../base]\n{HELM}"}, ("helmCharts",)),
    "helm-inflation-generator": (
        {KUSTOMIZATION: "resources: [../../base]\nhelmChartInflationGenerator:\n- chartName: x\n"},
        ("helmChartInflationGenerator",),
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_hostile_kustomization_is_refused_with_one_line(
    run_cli: CliRunner, tmp_path: Path, case: str
) -> None:
    repo = overlay_repository(tmp_path / "repo")
    files, fragments = CASES[case]
    for path, text in files.items():
        repo.write(path, text)
    repo.commit(case)
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD")
    assert_one_line_error(result, "in NEW (", *fragments)


def test_a_symbolic_link_in_a_directory_to_render_is_refused(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = overlay_repository(tmp_path / "repo")
    (repo.root / PROD / "passwd.yaml").symlink_to("/etc/passwd")
    repo.write(KUSTOMIZATION, "resources: [../../base, passwd.yaml]\n")
    repo.commit("a link to a file outside")
    result = run_cli("-C", str(repo.root), "HEAD~1", "HEAD")
    assert_one_line_error(result, f"{PROD}/passwd.yaml", "a symbolic link in a directory to render")
    # On disk too: the working tree is copied without following the link.
    result = run_cli("-C", str(repo.root), "HEAD~1")
    assert_one_line_error(result, f"{PROD}/passwd.yaml", "symbolic link")
