"""The command line: ``main`` runs the click group under the one error handler."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable

from netpoldiff.cli.group import cli
from netpoldiff.cli.handler import exit_status
from netpoldiff.cli.invocation import Invocation
from netpoldiff.cli.process import leave_frozen, prepare
from netpoldiff.cli.progress import status_line


def main(argv: Iterable[str] | None = None) -> None:
    """Run the command line; map every failure to one line on stderr and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    # Everything after the first "--" is a PATH, never an option or a revision.
    paths: list[str] = []
    if "--" in args:
        split = args.index("--")
        args, paths = args[:split], args[split + 1 :]
    prepare()
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

    ``main`` alone, called again and again in one process, keeps collecting as usual.
    """
    try:
        main()
    finally:
        leave_frozen()


__all__ = ["main", "run"]
