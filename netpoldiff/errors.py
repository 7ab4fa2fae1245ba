"""The one error hierarchy: every failure a user can cause is a NetpoldiffError."""

from __future__ import annotations

from dataclasses import dataclass

from netpoldiff.printable import printable
from netpoldiff.records import pickled_by_fields

# Messages quote input freely (a label key, a value, a file name), and once a message is built
# nothing tells the input's characters from ours; so they are escaped when a message is made,
# and every output (the one-line error, text, Markdown, JSON) prints the same harmless text.
# Paths in a Location are data (files are matched by them) and are escaped only as text.


class NetpoldiffError(Exception):
    """An error caused by the input or the invocation, reported as one line with exit status 2."""

    def __str__(self) -> str:
        return printable(super().__str__())


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Location:
    """Where in the input an object or an error sits: file, document (1-based), line (1-based)."""

    path: str
    document: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        details = []
        if self.document is not None:
            details.append(f"document {self.document}")
        if self.line is not None:
            details.append(f"line {self.line}")
        path = printable(self.path)
        return f"{path} ({', '.join(details)})" if details else path


class InputError(NetpoldiffError):
    """A manifest that cannot be read or is invalid, with the place it was found.

    ``side`` names the side of a diff it was found on (``OLD (abc1234)``): the same path may
    be fine on the other side, so a message that did not say which would mislead.
    """

    def __init__(self, location: Location, message: str, side: str | None = None) -> None:
        message = printable(message)
        where = f"in {printable(side)}: {location}" if side else str(location)
        super().__init__(f"{where}: {message}")
        self.location = location
        self.message = message
        self.side = side

    def on_side(self, side: str) -> InputError:
        """The same error, said to be found on one side of a diff."""
        return InputError(self.location, self.message, side)

    def __reduce__(self) -> tuple[type[InputError], tuple[Location, str, str | None]]:
        # Errors travel back from the processes that parse files in parallel.
        return (type(self), (self.location, self.message, self.side))


class SourceError(NetpoldiffError):
    """A source (revision, directory, file, git's list of pushed refs) that cannot be read."""


class WriteError(NetpoldiffError):
    """A report, hook or job summary that cannot be written where it was asked for."""


class UsageError(NetpoldiffError):
    """A misuse of the command line: contradicting options, a malformed or missing value.

    Apart from SourceError so the handler can tell them apart; both exit with status 2.
    """
