"""The command line: ``main`` runs the click group under the one error handler."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable

from netpoldiff.cli.group import cli
from netpoldiff.cli.handler import exit_status
from netpoldiff.cli.invocation import Invocation
from netpoldiff.cli.progress import status_line


def main(argv: Iterable[str] | None = None) -> None:
    """Run the command line; map every failure to one line on stderr and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    # Everything after the first "--" is a PATH, never an option or a revision.
    paths: list[str] = []
    if "--" in args:
        split = args.index("--")
        args, paths = args[:split], args[split + 1 :]
    # Names from manifests may not be encodable on this terminal: never fail on printing them.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    # A run builds millions of long-lived objects and few cycles: the cyclic collector would
    # spend about as long rescanning them as the run takes, and a run is short.
    gc.disable()
    # Documents may nest MAX_DEPTH levels; building them recurses a few frames per level.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    invocation = Invocation(tuple(paths), status=status_line(sys.stderr, sys.stdout))
    try:
        with exit_status(invocation):
            cli.main(args=args, prog_name="netpoldiff", standalone_mode=False, obj=invocation)
    finally:
        # Everything the run allocated is still young: the first collection after it would
        # rescan all of it (about a tenth of a second at 10,000 workloads). Moved to the old
        # generation instead, it is rescanned only by a full collection, when it is due.
        gc.freeze()
        gc.enable()
        gc.unfreeze()


def run() -> None:
    """The ``netpoldiff`` program: ``main``, then an exit that does not rescan the run's objects.

    The interpreter collects cycles once more as it exits, over every object still alive:
    most of the time between the report's last byte and the end of the process (about 20 ms of
    a 0.2 s diff). Frozen, they are left to be freed; ``main`` alone, called again and again
    in one process, keeps collecting as usual.
    """
    try:
        main()
    finally:
        gc.freeze()


__all__ = ["main", "run"]
