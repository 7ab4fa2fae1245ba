"""How far a command has got: what it tells as it goes, for the command line to show or not.

The commands tell; they never draw. The command line passes in what shows it (a line on a
terminal's stderr) and the core never hears of it.
"""

from __future__ import annotations

from typing import Final, Protocol


class Progress(Protocol):
    """Where a command tells how far it has got, phase by phase."""

    def reading(self, what: str, done: int, total: int) -> None:
        """``done`` of the ``total`` files of ``what`` (a source's label) read and converted."""
        ...

    def evaluating(self, what: str, objects: int) -> None:
        """Evaluating ``what``: its ``objects`` (namespaces, workloads, policies)."""
        ...

    def reporting(self) -> None:
        """Building and writing the report."""
        ...

    def done(self) -> None:
        """Nothing more to tell: the report is written, or the run stopped."""
        ...


class _Silent:
    """Progress told to nobody."""

    def reading(self, what: str, done: int, total: int) -> None:
        """Nothing."""

    def evaluating(self, what: str, objects: int) -> None:
        """Nothing."""

    def reporting(self) -> None:
        """Nothing."""

    def done(self) -> None:
        """Nothing."""


SILENT: Final[Progress] = _Silent()
