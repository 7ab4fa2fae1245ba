"""workers: run_forked and the worker's side of it, directly.

A worker the kernel kills, an exception carried back and Ctrl-C during the parallel read,
through the loader and the command line, are in tests/hostile/test_workers.py.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Generator, Iterator

import pytest

from netpoldiff.errors import NetpoldiffError
from netpoldiff.manifests import workers
from netpoldiff.manifests.workers import WorkerDied, run_forked

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="needs fork")


def _square(number: int) -> int:
    return number * number


def _exit_with(status: int) -> None:
    os._exit(status)


def _signal_self(number: int) -> None:
    os.kill(os.getpid(), number)


def _slower_for_smaller(number: int) -> int:
    time.sleep(0.1 * (3 - number))
    return number


def _pid(_task: object) -> int:
    return os.getpid()


def test_every_task_runs_in_a_process_of_its_own() -> None:
    pids = list(run_forked(_pid, [1, 2, 3], lambda: None))
    assert len(set(pids)) == 3
    assert os.getpid() not in pids


def test_results_are_yielded_as_they_arrive() -> None:
    assert list(run_forked(_slower_for_smaller, [0, 1, 2], lambda: None)) == [2, 1, 0]


def test_no_task_still_runs_meanwhile() -> None:
    ran: list[bool] = []
    assert list(run_forked(_square, [], lambda: ran.append(True))) == []
    assert ran == [True]


@pytest.mark.parametrize(
    ("function", "task", "message"),
    [
        (_exit_with, 3, "ended without an answer (status 3)"),
        (_signal_self, signal.SIGTERM, "was killed by SIGTERM"),
        (_signal_self, signal.SIGKILL, "was killed by SIGKILL (out of memory?)"),
    ],
    ids=["exit-status", "sigterm", "sigkill"],
)
def test_a_worker_that_ends_without_an_answer_says_how(
    function: Callable[[int], None], task: int, message: str
) -> None:
    with pytest.raises(WorkerDied) as died:
        list(run_forked(function, [task], lambda: None))
    assert isinstance(died.value, NetpoldiffError)  # one line on stderr, exit status 2
    assert str(died.value) == f"a worker process reading manifests {message}"
    assert multiprocessing.active_children() == []


def test_leaving_early_ends_the_workers_still_running_and_reaps_the_others() -> None:
    results = run_forked(_sleep_unless_first, [0, 1, 2], lambda: None)
    assert isinstance(results, Generator)
    assert next(results) == 0
    time.sleep(0.2)  # task 1 has ended by now; task 2 sleeps on
    began = time.monotonic()
    results.close()
    assert time.monotonic() - began < 10
    assert multiprocessing.active_children() == []


def _sleep_unless_first(number: int) -> int:
    if number == 2:
        time.sleep(60)
    elif number == 1:
        time.sleep(0.05)
    return number


@pytest.fixture
def sigint_restored() -> Iterator[None]:
    handler = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, handler)


def test_a_worker_sends_its_answer_and_ignores_ctrl_c(sigint_restored: None) -> None:
    del sigint_restored
    reader, writer = multiprocessing.Pipe(duplex=False)
    workers._work(_square, 7, writer)
    assert reader.recv() == ("answer", 49)
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    with pytest.raises(EOFError):
        reader.recv()  # the worker closed its end


def test_a_worker_sends_its_exception(sigint_restored: None) -> None:
    del sigint_restored
    reader, writer = multiprocessing.Pipe(duplex=False)
    workers._work(_exit_with_an_error, None, writer)
    outcome, error = reader.recv()
    assert outcome == "failed"
    assert isinstance(error, KeyError)
    assert error.args == ("missing",)


def _exit_with_an_error(_task: object) -> None:
    raise KeyError("missing")
