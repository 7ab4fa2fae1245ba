"""Work shared with forked worker processes, that never hangs and never leaves one behind.

``multiprocessing.Pool`` waits forever for a worker the kernel killed (the out-of-memory
killer's SIGKILL leaves no answer to wait for), and Ctrl-C reaches every worker of the
terminal's process group, each printing its own traceback. Here each task has a process of its
own, watched through its sentinel: one that ends without an answer fails the run in one line,
and whatever ends the run (Ctrl-C included) ends the workers with it.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
from collections.abc import Callable, Iterator
from typing import Any, Final, TypeVar

from netpoldiff.errors import NetpoldiffError

Task = TypeVar("Task")
Result = TypeVar("Result")
_ANSWER: Final = "answer"
_FAILED: Final = "failed"


class WorkerDied(NetpoldiffError):  # noqa: N818 - what the user is told
    """A worker process ended without an answer (killed, or out of memory)."""


def _work(function: Callable[[Any], Any], task: object, answer: Any) -> None:  # noqa: ANN401
    # The terminal's Ctrl-C is the parent's to handle: a worker is ended by its parent.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        answer.send((_ANSWER, function(task)))
    except BaseException as error:  # noqa: BLE001 - carried to the parent, which raises it
        answer.send((_FAILED, error))
    finally:
        answer.close()


def can_fork() -> bool:
    """Whether this platform starts processes by forking (others read files in one process)."""
    return "fork" in multiprocessing.get_all_start_methods()


def _death(process: multiprocessing.process.BaseProcess) -> WorkerDied:
    process.join()
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        hint = " (out of memory?)" if -code == signal.SIGKILL else ""
        msg = f"a worker process reading manifests was killed by {name}{hint}"
    else:
        msg = f"a worker process reading manifests ended without an answer (status {code})"
    return WorkerDied(msg)


def run_forked(
    function: Callable[[Task], Result], tasks: list[Task], meanwhile: Callable[[], None]
) -> Iterator[Result]:
    """``function(task)`` for each task in a forked process, while ``meanwhile`` runs here.

    Yields the results as they arrive. A worker that dies raises WorkerDied; an exception in
    a worker is raised here; on any way out, every worker still running is ended.
    """
    context = multiprocessing.get_context("fork")
    running: dict[Any, tuple[multiprocessing.process.BaseProcess, Any]] = {}
    try:
        for task in tasks:
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(function, task, writer), daemon=True)
            process.start()
            writer.close()  # the child's end: EOF here once the child is gone
            running[reader] = (process, reader)
        meanwhile()
        while running:
            for ready in multiprocessing.connection.wait(list(running)):
                done, reader = running.pop(ready)
                try:
                    outcome, value = reader.recv()
                except EOFError:
                    raise _death(done) from None
                finally:
                    reader.close()
                done.join()
                if outcome == _FAILED:
                    raise value
                yield value
    finally:
        for left, reader in running.values():
            if left.is_alive():
                left.terminate()
            left.join()
            reader.close()
