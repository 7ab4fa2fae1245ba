"""Faults injected where a bug could be, to see the handler answer it."""

from __future__ import annotations

import pytest


@pytest.fixture
def broken_evaluator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the evaluator fail as a bug would."""

    def broken(*_args: object, **_kwargs: object) -> None:
        message = "boom"
        raise RuntimeError(message)

    monkeypatch.setattr("netpoldiff.commands.matrix.evaluate", broken)
