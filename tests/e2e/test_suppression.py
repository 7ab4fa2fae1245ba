"""Suppressing warnings end to end: annotations, ``ignore`` in the configuration, ``--ignore``.

One file of two NetworkPolicies and a pod, in a real git repository. ``quiet`` has rules for a
direction its policyTypes leaves out (NPD003, line 9) and selects nothing (NPD006, line 7);
``loud`` has the same NPD003 (line 19). Each policy's annotations are on one line, so the lines
stay put whatever they say.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

import pytest

from tests.conftest import CliRunner, assert_one_line_error
from tests.testing.gitrepo import GitRepo

QUIET_NPD006: Final = ("NPD006", 7)
QUIET_NPD003: Final = ("NPD003", 9)
LOUD_NPD003: Final = ("NPD003", 19)
ALL_THREE: Final = {QUIET_NPD006, QUIET_NPD003, LOUD_NPD003}
POLICIES: Final = "k8s/policies.yaml"


def policies(quiet: str = "", loud: str = "") -> str:
    """The policies, each annotated with ``netpoldiff.io/ignore: <codes>`` when codes are given."""

    def annotations(codes: str) -> str:
        return f"{{netpoldiff.io/ignore: {codes!r}}}" if codes else "{}"

    return f"""\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: quiet
  annotations: {annotations(quiet)}
spec:
  podSelector: {{matchLabels: {{app: nothing}}}}
  policyTypes: [Ingress]
  egress: [{{}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: loud
  annotations: {annotations(loud)}
spec:
  podSelector: {{}}
  policyTypes: [Ingress]
  egress: [{{}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: web, labels: {{app: web}}}}
spec: {{containers: [{{name: c}}]}}
"""


def repository(root: Path, *, quiet: str = "", loud: str = "", configuration: str = "") -> GitRepo:
    """``main``: the policies annotated as asked, and the configuration when one is given."""
    repo = GitRepo.init(root)
    repo.write(POLICIES, policies(quiet, loud))
    if configuration:
        repo.write(".netpoldiff.yaml", configuration)
    repo.commit("policies")
    return repo


def change(repo: GitRepo, *, quiet: str = "", loud: str = "") -> None:
    """Branch ``pr``: the same policies, annotated anew."""
    repo.git("switch", "--quiet", "-c", "pr")
    repo.write(POLICIES, policies(quiet, loud))
    repo.commit("annotations changed")


def document(run_cli: CliRunner, repo: GitRepo, *args: str) -> dict[str, object]:
    result = run_cli("-C", str(repo.root), *args, "--format", "json")
    assert result.status == 0, result.err
    found: dict[str, object] = json.loads(result.out)
    return found


def warnings_of(found: dict[str, object]) -> set[tuple[str, int]]:
    entries = found["warnings"]
    assert isinstance(entries, list)
    return {(entry["code"], entry["line"]) for entry in entries}


# ---- the annotation: its codes, its document ------------------------------------------------

ANNOTATION_CASES: dict[str, tuple[str, str, set[tuple[str, int]]]] = {
    "none": ("", "", ALL_THREE),
    "one-code-hides-that-code-in-its-document-only": (
        "NPD003",
        "",
        {QUIET_NPD006, LOUD_NPD003},
    ),
    "two-codes": ("NPD003, npd006", "", {LOUD_NPD003}),
    "a-code-the-document-does-not-have-hides-nothing-elsewhere": (
        "",
        "NPD006",
        ALL_THREE,
    ),
    "each-document-its-own": ("NPD006", "NPD003", {QUIET_NPD003}),
}


@pytest.mark.parametrize("command", ["matrix", "explain"])
@pytest.mark.parametrize(
    ("quiet", "loud", "shown"), ANNOTATION_CASES.values(), ids=ANNOTATION_CASES.keys()
)
def test_an_annotation_hides_only_its_codes_and_only_in_its_document(
    run_cli: CliRunner,
    tmp_path: Path,
    command: str,
    quiet: str,
    loud: str,
    shown: set[tuple[str, int]],
) -> None:
    repo = repository(tmp_path / "repo", quiet=quiet, loud=loud)
    pair = ("default/web", "default/web") if command == "explain" else ()
    found = document(run_cli, repo, command, "main", *pair)
    assert warnings_of(found) == shown
    assert found["suppressed"] == len(ALL_THREE) - len(shown)


# ---- the configuration and the command line add up ----------------------------------------

IGNORE_CASES: dict[str, tuple[str, tuple[str, ...], set[tuple[str, int]], str]] = {
    "configuration": (
        "ignore: [NPD006]\n",
        (),
        {QUIET_NPD003, LOUD_NPD003},
        "1 warning suppressed (the configuration's ignore)",
    ),
    "command-line-repeated": (
        "",
        ("--ignore", "NPD006", "--ignore", "NPD003"),
        set(),
        "3 warnings suppressed (--ignore)",
    ),
    "command-line-comma-separated": (
        "",
        ("--ignore", "npd003,NPD006"),
        set(),
        "3 warnings suppressed (--ignore)",
    ),
    "configuration-and-command-line-add-up": (
        "ignore: [NPD006]\n",
        ("--ignore", "NPD003"),
        set(),
        "3 warnings suppressed (the configuration's ignore, --ignore)",
    ),
}


@pytest.mark.parametrize(
    ("configuration", "args", "shown", "said"), IGNORE_CASES.values(), ids=IGNORE_CASES.keys()
)
def test_the_configuration_and_ignore_options_hide_codes_everywhere(
    run_cli: CliRunner,
    tmp_path: Path,
    configuration: str,
    args: tuple[str, ...],
    shown: set[tuple[str, int]],
    said: str,
) -> None:
    repo = repository(tmp_path / "repo", configuration=configuration)
    found = document(run_cli, repo, "matrix", "main", *args)
    assert warnings_of(found) == shown
    assert found["suppressed"] == len(ALL_THREE) - len(shown)
    text = run_cli("-C", str(repo.root), "matrix", "main", *args)
    assert text.out.rstrip("\n").endswith(said)


def test_the_three_means_are_named_in_the_count(run_cli: CliRunner, tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", quiet="NPD003", configuration="ignore: [NPD006]\n")
    text = run_cli("-C", str(repo.root), "matrix", "main", "--ignore", "NPD003")
    assert text.out.rstrip("\n").endswith(
        "3 warnings suppressed (netpoldiff.io/ignore annotations, the configuration's ignore, "
        "--ignore)"
    )


# ---- every format counts what it hid -------------------------------------------------------

COUNT_CASES: dict[str, tuple[tuple[str, ...], str]] = {
    "diff-text": (("main", "pr"), "1 warning suppressed (netpoldiff.io/ignore annotations)\n"),
    "diff-markdown": (
        ("main", "pr", "--format", "markdown"),
        "\n1 warning suppressed (netpoldiff.io/ignore annotations)\n",
    ),
    "diff-json": (("main", "pr", "--format", "json"), '"suppressed": 1,'),
    "matrix-text": (("matrix", "pr"), "1 warning suppressed (netpoldiff.io/ignore annotations)\n"),
    "matrix-json": (("matrix", "pr", "--format", "json"), '"suppressed": 1}'),
    "explain-text": (
        ("explain", "pr", "default/web", "default/web"),
        "1 warning suppressed (netpoldiff.io/ignore annotations)\n",
    ),
    "explain-json": (
        ("explain", "pr", "default/web", "default/web", "--format", "json"),
        '"suppressed": 1}',
    ),
    "lint-text": (("lint", "pr"), "; 1 warning suppressed (netpoldiff.io/ignore annotations)\n"),
    "lint-json": (("lint", "pr", "--format", "json"), '"suppressed": 1}'),
}


@pytest.mark.parametrize(("args", "said"), COUNT_CASES.values(), ids=COUNT_CASES.keys())
def test_every_format_says_how_many_warnings_were_suppressed(
    run_cli: CliRunner, tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    repo = repository(tmp_path / "repo")
    change(repo, loud="NPD003")
    result = run_cli("-C", str(repo.root), *args)
    assert result.status == 0, result.err
    assert said in result.out
    # Of the two NPD003, quiet's is left: loud's is gone from the list. A diff's text and
    # Markdown count quiet's, which OLD had too, instead of listing it.
    listed = 0 if args[:2] == ("main", "pr") and "json" not in args else 1
    assert result.out.count("NPD003") == listed
    assert "line 19" not in result.out
    assert '"line": 19' not in result.out


def test_a_report_with_nothing_suppressed_says_nothing_of_it(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = repository(tmp_path / "repo")
    assert "suppressed" not in run_cli("-C", str(repo.root), "matrix", "main").out
    assert document(run_cli, repo, "matrix", "main")["suppressed"] == 0


# ---- a diff: what the change introduces, after suppression ---------------------------------

INTRODUCED_CASES: dict[str, tuple[str, str, dict[tuple[str, int], bool], int]] = {
    # OLD hides quiet's NPD006; NEW drops the annotation: the change brings it back.
    "annotation-removed": (
        "",
        "",
        {QUIET_NPD006: True, QUIET_NPD003: False, LOUD_NPD003: False},
        0,
    ),
    # NEW hides loud's NPD003 too: it shows nowhere, and nothing is introduced.
    "annotation-added": ("NPD006", "NPD003", {QUIET_NPD003: False}, 2),
}


@pytest.mark.parametrize(
    ("quiet", "loud", "introduced", "suppressed"),
    INTRODUCED_CASES.values(),
    ids=INTRODUCED_CASES.keys(),
)
def test_a_diff_says_introduced_of_the_warnings_left_after_suppression(
    run_cli: CliRunner,
    tmp_path: Path,
    quiet: str,
    loud: str,
    introduced: dict[tuple[str, int], bool],
    suppressed: int,
) -> None:
    repo = repository(tmp_path / "repo", quiet="NPD006")
    change(repo, quiet=quiet, loud=loud)
    found = document(run_cli, repo, "main", "pr")
    entries = found["warnings"]
    assert isinstance(entries, list)
    assert {(e["code"], e["line"]): e["introduced"] for e in entries} == introduced
    assert found["suppressed"] == suppressed


def test_a_change_cannot_hide_its_warnings_by_adding_ignore_to_the_configuration(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = repository(tmp_path / "repo")
    repo.git("switch", "--quiet", "-c", "pr")
    repo.write(".netpoldiff.yaml", "ignore: [NPD003, NPD006]\n")
    repo.commit("hide the warnings")
    found = document(run_cli, repo, "main", "pr")
    assert warnings_of(found) == ALL_THREE  # OLD's configuration read both sides
    assert found["suppressed"] == 0
    findings = found["findings"]
    assert isinstance(findings, list)
    (changed,) = [f["message"] for f in findings if f["kind"] == "configuration-changed"]
    assert changed.startswith("NEW adds .netpoldiff.yaml (ignore);")


# ---- --fail-on warnings --------------------------------------------------------------------

FAIL_ON_CASES: dict[str, tuple[str, tuple[str, ...], int]] = {
    "some-suppressed-still-fail": ("ignore: [NPD006]\n", (), 1),
    "all-suppressed-pass": ("ignore: [NPD006]\n", ("--ignore", "NPD003"), 0),
}


@pytest.mark.parametrize("command", ["diff", "matrix"])
@pytest.mark.parametrize(
    ("configuration", "args", "status"), FAIL_ON_CASES.values(), ids=FAIL_ON_CASES.keys()
)
def test_fail_on_warnings_counts_only_the_warnings_left(
    run_cli: CliRunner,
    tmp_path: Path,
    command: str,
    configuration: str,
    args: tuple[str, ...],
    status: int,
) -> None:
    repo = repository(tmp_path / "repo", configuration=configuration)
    change(repo, quiet="NPD003")
    sources = ("main", "pr") if command == "diff" else ("matrix", "pr")
    result = run_cli("-C", str(repo.root), *sources, "--fail-on", "warnings", *args)
    assert result.status == status, (result.out, result.err)


# ---- a code that does not exist is an error, wherever it is written -------------------------


def test_an_unknown_code_in_an_annotation_is_one_line_naming_side_file_and_line(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = repository(tmp_path / "repo")
    change(repo, loud="NPD003,NPD03")
    assert_one_line_error(
        run_cli("-C", str(repo.root), "main", "pr"),
        "in NEW (",
        f"{POLICIES} (document 2, line 15): metadata.annotations.netpoldiff.io/ignore: "
        "unknown warning code 'NPD03' (the codes are NPD001 to",
    )


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            ("--ignore", "NPD0003"),
            ("Invalid value for '--ignore': unknown warning code 'NPD0003'",),
        ),
        (("--ignore", "all"), ("'all' is not a code: name each code",)),
    ],
    ids=["typo", "all"],
)
def test_an_unknown_code_on_the_command_line_is_one_line(
    run_cli: CliRunner, tmp_path: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    repo = repository(tmp_path / "repo")
    for command in (("matrix", "main"), ("main",), ("explain", "main", "web", "web")):
        assert_one_line_error(run_cli("-C", str(repo.root), *command, *args), *fragments)


def test_an_unknown_code_in_the_configuration_is_one_line_naming_file_and_line(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    repo = repository(tmp_path / "repo", configuration="paths: [k8s]\nignore: [NPD006, NPD0O3]\n")
    assert_one_line_error(
        run_cli("-C", str(repo.root), "matrix", "main"),
        ".netpoldiff.yaml (line 2): ignore: unknown warning code 'NPD0O3'",
    )
