"""The tests mirror the package: a newcomer finds the test of a module next to its name.

``netpoldiff/a/b.py`` is tested in ``tests/unit/a/test_b.py``. The few modules without such a
file are listed below, each with where its behaviour is proved instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "netpoldiff"
UNIT = REPO_ROOT / "tests" / "unit"

# Modules whose tests live elsewhere, and why.
ELSEWHERE: Final = {
    "__init__.py": "the version string; `--version` is tested in tests/unit/cli/test_group.py",
    "__main__.py": "`python -m netpoldiff` calls cli.run; tests/e2e runs it as a subprocess",
    "cli/__init__.py": "main() and run() are tested in tests/unit/cli/test_main.py",
    "commands/__init__.py": "re-exports only",
    "configuration/__init__.py": "re-exports only",
    "evaluate/__init__.py": "evaluate() is tested in tests/unit/evaluate/test_engine.py",
    "github/__init__.py": "re-exports only",
    "manifests/__init__.py": "re-exports only",
    "report/__init__.py": "re-exports only",
    "sources/__init__.py": "re-exports only",
    "receive/__init__.py": "re-exports only",
    "render/__init__.py": "a docstring only",
    "render/helm_library.py": "one renderer behind render_chart: tests/unit/render/test_helm.py",
    "render/plan.py": "data only: read by the renderers and the configuration, in their tests",
    "operators.py": "operators' recipes as data: applied in tests/unit/manifests/test_operated.py",
}
# Unit test files about one concern across several modules of their package.
TOPICS: Final = {
    "cli/test_debug.py": "--debug, an option of every command",
    "cli/test_main.py": "main() of cli/__init__.py",
    "commands/test_usage_errors.py": "each class of failure, across the commands",
    "test_explain_tiers.py": "explain.py read through the admin tiers evaluate/ decides by",
}


def _expected_test(module: Path) -> Path:
    relative = module.relative_to(PACKAGE)
    return UNIT / relative.parent / f"test_{relative.stem}.py"


def test_every_module_has_its_unit_test_file() -> None:
    missing = [
        str(module.relative_to(PACKAGE))
        for module in sorted(PACKAGE.rglob("*.py"))
        if str(module.relative_to(PACKAGE)) not in ELSEWHERE
        and not _expected_test(module).is_file()
    ]
    assert missing == [], "no tests/unit/<path>/test_<name>.py for these modules"


def test_every_exception_names_a_module_that_exists() -> None:
    stale = [name for name in ELSEWHERE if not (PACKAGE / name).is_file()]
    assert stale == []


def test_every_unit_test_file_names_a_module() -> None:
    # A test file named for no module sends a newcomer looking for code that is not there.
    modules = {_expected_test(module) for module in PACKAGE.rglob("*.py")}
    orphans = [
        str(test.relative_to(UNIT))
        for test in sorted(UNIT.rglob("test_*.py"))
        if test not in modules and str(test.relative_to(UNIT)) not in TOPICS
    ]
    assert orphans == []


def test_every_topic_file_exists() -> None:
    assert [name for name in TOPICS if not (UNIT / name).is_file()] == []
