"""Fixtures of the hostile-input tests."""

from __future__ import annotations

import pytest

from tests.hostile.measured import run_measured


@pytest.fixture(scope="module")
def startup(tmp_path_factory: pytest.TempPathFactory) -> float:
    """Seconds a subprocess takes to start netpoldiff and do nothing (``--version``)."""
    cwd = tmp_path_factory.mktemp("startup")
    runs = [run_measured(cwd, "--version") for _ in range(2)]
    assert all(run.status == 0 for run in runs), runs
    return min(run.seconds for run in runs)
