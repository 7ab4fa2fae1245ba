"""Golden reports: every fixture case with old/ and new/, in every registered format, byte for byte.

The formats are read from the registry, so a new format fails here until its golden files
exist. Run ``make update-golden`` after an intended change and review the diff of fixtures/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netpoldiff.report.formats import DIFF_FORMATS, EXPLAIN_FORMATS, LINT_FORMATS, MATRIX_FORMATS
from tests.conftest import FIXTURES, REPO_ROOT, CliRunner

# A golden file is named for its format (diff.json, diff.dot, diff.sarif), or by the usual
# suffix where the format has one.
SUFFIX = {"text": "txt", "markdown": "md"}


def _golden(report: str, output_format: str) -> str:
    return f"{report}.{SUFFIX.get(output_format, output_format)}"


MATRIX_CASES = [
    *(("demo", "new", _golden("matrix", name), name) for name in MATRIX_FORMATS),
    ("demo", "old", "matrix-old.txt", "text"),
]


# One pair of the demo: a named port resolved on the destination, a policy that only isolates.
# The pair each case explains: NetworkPolicies only, then every tier of admin policies.
EXPLAIN_PAIRS = {"demo": ("frontend/web", "shop/catalog"), "admin-tiers": ("shop/web", "shop/db")}
EXPLAIN_CASES = [
    (case, _golden("explain", name), name) for case in EXPLAIN_PAIRS for name in EXPLAIN_FORMATS
]


# The warnings of one source with mistakes of several kinds, in two files.
LINT_CASES = [("lint-report", _golden("lint", name), name) for name in LINT_FORMATS]

# SARIF names the tool's version: kept out of the golden files, which a release would churn.
_TOOL_VERSION = re.compile(r'("name": "netpoldiff",\n *"version": )"[^"]*"')


def _without_version(output: str) -> str:
    return _TOOL_VERSION.sub(r'\1"(version)"', output)


def case_args(case: str) -> list[str]:
    """The options a case is run with: its ``args`` file (one per line), if it has one."""
    args = FIXTURES / case / "args"
    return args.read_text(encoding="utf-8").split() if args.exists() else []


def _diff_cases() -> list[tuple[str, str, str]]:
    return [
        (case.name, _golden("diff", output_format), output_format)
        for case in sorted(FIXTURES.iterdir())
        if (case / "old").is_dir() and (case / "new").is_dir()
        for output_format in DIFF_FORMATS
    ]


DIFF_CASES = _diff_cases()


def _check(result_out: str, expected_path: Path, update_golden: bool) -> None:
    result_out = _without_version(result_out)
    if update_golden:
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(result_out, encoding="utf-8")
    actual_path = expected_path.with_name(f"actual_{expected_path.name}")
    expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else ""
    if result_out != expected:
        actual_path.write_text(result_out, encoding="utf-8")
        pytest.fail(
            f"{expected_path.relative_to(REPO_ROOT)} differs from the output; the output is in "
            f"{actual_path.relative_to(REPO_ROOT)}. Review, then run `make update-golden`."
        )
    actual_path.unlink(missing_ok=True)


@pytest.mark.parametrize(
    ("case", "expected_name", "output_format"),
    DIFF_CASES,
    ids=[f"{case}-{name}" for case, name, _ in DIFF_CASES],
)
def test_diff_report_matches_golden_file(
    run_cli: CliRunner, update_golden: bool, case: str, expected_name: str, output_format: str
) -> None:
    old, new = (f"fixtures/{case}/{side}" for side in ("old", "new"))
    options = ("--format", output_format, "--color", "never", "--no-cache", *case_args(case))
    result = run_cli(old, new, *options)
    assert result.status == 0, result.err
    _check(result.out, FIXTURES / case / "expected" / expected_name, update_golden)


@pytest.mark.parametrize(
    ("case", "source", "expected_name", "output_format"),
    MATRIX_CASES,
    ids=[f"{case}-{name}" for case, _, name, _ in MATRIX_CASES],
)
def test_matrix_report_matches_golden_file(
    run_cli: CliRunner,
    update_golden: bool,
    case: str,
    source: str,
    expected_name: str,
    output_format: str,
) -> None:
    result = run_cli("matrix", f"fixtures/{case}/{source}", "--format", output_format)
    assert result.status == 0, result.err
    _check(result.out, FIXTURES / case / "expected" / expected_name, update_golden)


@pytest.mark.parametrize(
    ("case", "expected_name", "output_format"),
    EXPLAIN_CASES,
    ids=[f"{case}-{name}" for case, name, _ in EXPLAIN_CASES],
)
def test_explain_report_matches_golden_file(
    run_cli: CliRunner, update_golden: bool, case: str, expected_name: str, output_format: str
) -> None:
    pair = EXPLAIN_PAIRS[case]
    result = run_cli("explain", f"fixtures/{case}/new", *pair, "--format", output_format)
    assert result.status == 0, result.err
    _check(result.out, FIXTURES / case / "expected" / expected_name, update_golden)


@pytest.mark.parametrize(
    ("case", "expected_name", "output_format"),
    LINT_CASES,
    ids=[f"{case}-{name}" for case, name, _ in LINT_CASES],
)
def test_lint_report_matches_golden_file(
    run_cli: CliRunner, update_golden: bool, case: str, expected_name: str, output_format: str
) -> None:
    result = run_cli("lint", f"fixtures/{case}", "--format", output_format, "--no-cache")
    assert result.status == 0, result.err
    _check(result.out, FIXTURES / case / "expected" / expected_name, update_golden)


def test_every_expected_file_is_checked() -> None:
    checked = {Path(case) / "expected" / name for case, name, _ in DIFF_CASES}
    checked |= {Path(case) / "expected" / name for case, _, name, _ in MATRIX_CASES}
    checked |= {Path(case) / "expected" / name for case, name, _ in EXPLAIN_CASES}
    checked |= {Path(case) / "expected" / name for case, name, _ in LINT_CASES}
    present = {
        p.relative_to(FIXTURES)
        for p in FIXTURES.glob("*/expected/*")
        if not p.name.startswith("actual_")
    }
    assert present == checked
    assert len(DIFF_CASES) >= len(DIFF_FORMATS)  # the discovery found the demo at least
