"""The one error hierarchy: every failure a user can cause is a NetpoldiffError."""

from __future__ import annotations

from dataclasses import dataclass


class NetpoldiffError(Exception):
    """An error caused by the input or the invocation, reported as one line with exit status 2."""


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
        return f"{self.path} ({', '.join(details)})" if details else self.path


class InputError(NetpoldiffError):
    """A manifest that cannot be read or is invalid, with the place it was found."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message

    def __reduce__(self) -> tuple[type[InputError], tuple[Location, str]]:
        # Errors travel back from the processes that parse files in parallel.
        return (type(self), (self.location, self.message))


class SourceError(NetpoldiffError):
    """A source (revision, directory, file) that cannot be resolved or read."""


@dataclass(frozen=True, slots=True)
class InputWarning:
    """A likely mistake in the input that does not stop the analysis; codes are stable."""

    code: str
    message: str
    location: Location | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.message} [{self.code}]"
