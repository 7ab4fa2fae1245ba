"""Golden reports: every fixture with an expected/ folder, in every format, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO_ROOT, CliRunner

# (fixture, source inside it, expected file, extra arguments)
CASES = [
    ("demo", "new", "matrix.txt", ()),
    ("demo", "new", "matrix.json", ("--format", "json")),
    ("demo", "old", "matrix-old.txt", ()),
]


@pytest.mark.parametrize(
    ("fixture", "source", "expected_name", "extra"),
    CASES,
    ids=[f"{fixture}-{name}" for fixture, _, name, _ in CASES],
)
def test_report_matches_golden_file(
    run_cli: CliRunner,
    update_golden: bool,
    fixture: str,
    source: str,
    expected_name: str,
    extra: tuple[str, ...],
) -> None:
    source_path = (FIXTURES / fixture / source).relative_to(REPO_ROOT).as_posix()
    result = run_cli("matrix", source_path, *extra)
    assert result.status == 0, result.err
    expected_path = FIXTURES / fixture / "expected" / expected_name
    if update_golden:
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(result.out, encoding="utf-8")
    actual_path = expected_path.with_name(f"actual_{expected_name}")
    expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else ""
    if result.out != expected:
        actual_path.write_text(result.out, encoding="utf-8")
        pytest.fail(
            f"{expected_path.relative_to(REPO_ROOT)} differs from the output; the output is in "
            f"{actual_path.relative_to(REPO_ROOT)}. Review, then run `make update-golden`."
        )
    actual_path.unlink(missing_ok=True)


def test_every_expected_file_is_checked() -> None:
    checked = {Path(fixture) / "expected" / name for fixture, _, name, _ in CASES}
    present = {
        p.relative_to(FIXTURES)
        for p in FIXTURES.glob("*/expected/*")
        if not p.name.startswith("actual_")
    }
    assert present == checked
