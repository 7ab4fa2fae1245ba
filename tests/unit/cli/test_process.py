"""process: the interpreter set up for a run, and left frozen at its end."""

from __future__ import annotations

import gc
import io
import sys

import pytest

from netpoldiff.cli.process import leave_frozen, prepare


def test_prepare_sets_up_the_interpreter_for_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # no reconfigure: left as it is
    monkeypatch.setattr(sys, "getrecursionlimit", lambda: 1000)
    limits: list[int] = []
    monkeypatch.setattr(sys, "setrecursionlimit", limits.append)
    was_enabled = gc.isenabled()
    try:
        prepare()
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()
    assert limits == [10_000]
    out.write("ns/caf\u00e9")  # not encodable in ASCII: escaped, not an error
    out.flush()
    assert out.buffer.getvalue() == b"ns/caf\\xe9"


def test_leave_frozen_leaves_the_run_s_objects_out_of_the_last_collection() -> None:
    try:
        leave_frozen()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
