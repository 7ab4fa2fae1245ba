"""Worker processes that read manifests: a killed one fails the run, Ctrl-C ends them all."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from netpoldiff.manifests import loader as loading
from netpoldiff.manifests.workers import WorkerDied, run_forked
from tests.conftest import CliRunner, assert_one_line_error

POLICY = (
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
    "metadata: {{name: p{index}, namespace: shop}}\nspec: {{podSelector: {{}}}}\n"
)


def _square(number: int) -> int:
    return number * number


def _killed(_task: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _broken(_task: object) -> None:
    msg = "broken"
    raise ValueError(msg)


def _sleep(_task: object) -> None:
    time.sleep(60)


def test_results_come_back_from_every_worker() -> None:
    ran_here = []
    results = run_forked(_square, [2, 3, 4], lambda: ran_here.append(True))
    assert sorted(results) == [4, 9, 16]
    assert ran_here == [True]
    assert multiprocessing.active_children() == []


def test_a_worker_the_kernel_kills_fails_the_run_instead_of_hanging() -> None:
    with pytest.raises(WorkerDied, match="killed by SIGKILL"):
        list(run_forked(_killed, [1], lambda: None))
    assert multiprocessing.active_children() == []


def test_an_exception_in_a_worker_is_raised_here() -> None:
    with pytest.raises(ValueError, match="broken"):
        list(run_forked(_broken, [1], lambda: None))


def test_ctrl_c_here_ends_every_worker() -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        list(run_forked(_sleep, [1, 2], interrupted))
    assert time.monotonic() - began < 10
    assert multiprocessing.active_children() == []


@pytest.fixture
def parallel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory whose files are read by two processes (whatever the machine's cores)."""
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    for index in range(4):
        (tmp_path / f"p{index}.yaml").write_text(POLICY.format(index=index), encoding="utf-8")
    return tmp_path


def test_a_killed_worker_is_one_line_and_exit_2(
    run_cli: CliRunner, parallel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "_convert_chunk", _killed)
    result = run_cli("matrix", str(parallel), "--no-cache")
    assert_one_line_error(result, "worker process reading manifests was killed by SIGKILL")


def test_ctrl_c_during_the_parallel_read_is_one_line_and_leaves_no_worker(
    run_cli: CliRunner, parallel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "_convert_chunk", _sleep)

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(loading.Loader, "_convert_content", interrupted)
    result = run_cli("matrix", str(parallel), "--no-cache")
    assert_one_line_error(result, "interrupted")
    assert multiprocessing.active_children() == []
