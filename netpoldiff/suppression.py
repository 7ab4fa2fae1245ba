"""Suppression: which warnings a run hides, and a count of them, so that hiding is never silent.

Three means add up. An object's ``netpoldiff.io/ignore`` annotation hides the codes it names
for warnings located in that object; the repository configuration's ``ignore`` list and
``--ignore`` on the command line hide codes everywhere. The commands apply ``suppress`` once,
where they gather a source's warnings, and the reports show what is left and the count of what
was hidden.

Every code must be one the registry defines: a misspelt code would otherwise leave its warning
showing while its author believes it handled. There is no ``all``: each code is named, so that
a check added later is never hidden by an annotation written before it existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from netpoldiff.diagnostics import CODES, Diagnostic
from netpoldiff.errors import Location

IGNORE_ANNOTATION: Final = "netpoldiff.io/ignore"

Means = Literal["annotation", "configuration", "command-line"]
MEANS: Final[tuple[Means, ...]] = ("annotation", "configuration", "command-line")


class CodeListError(ValueError):
    """A list of codes that names none, or a code the registry does not define."""


def known_code(text: str) -> str:
    """One code of the registry, written in any case (``npd003`` is ``NPD003``)."""
    code = text.strip().upper()
    if code in CODES:
        return code
    if code == "ALL":
        msg = "'all' is not a code: name each code, so that checks added later still show"
        raise CodeListError(msg)
    first, last = min(CODES), max(CODES)
    msg = f"unknown warning code {text.strip()!r} (the codes are {first} to {last})"
    raise CodeListError(msg)


def parse_codes(text: str) -> frozenset[str]:
    """The codes of ``NPD003,NPD005``: comma-separated, spaces allowed, empty items skipped."""
    codes = frozenset(known_code(item) for item in text.split(",") if item.strip())
    if not codes:
        msg = f"{text!r} names no code (give codes such as NPD003,NPD005)"
        raise CodeListError(msg)
    return codes


@dataclass(frozen=True, slots=True)
class Annotated:
    """The codes one object's ``netpoldiff.io/ignore`` annotation hides, and where it stands.

    ``where`` is the object's file and document. When a document holds several objects (the
    items of a ``List``), each item stands on lines ``where.line`` to ``last_line`` (None: to
    the document's end), so an item's annotation hides nothing of its neighbours'; otherwise
    ``where.line`` is None and the object is the whole document.
    """

    where: Location
    codes: frozenset[str]
    last_line: int | None = None

    def holds(self, location: Location) -> bool:
        """Whether a warning found at ``location`` is one of this object's."""
        first = self.where.line
        if first is None:
            return True
        line = location.line
        return (
            line is not None
            and first <= line
            and (self.last_line is None or line <= self.last_line)
        )


@dataclass(frozen=True, slots=True)
class Ignore:
    """The codes a whole run hides: the configuration's ``ignore`` and ``--ignore``, added up."""

    configured: frozenset[str] = frozenset()
    given: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Suppressed:
    """The warnings a run hid, and the means that hid them (in the order of MEANS)."""

    warnings: tuple[Diagnostic, ...] = ()
    means: tuple[Means, ...] = ()

    @property
    def count(self) -> int:
        """How many warnings were hidden: every report says so."""
        return len(self.warnings)


NOTHING_SUPPRESSED: Final = Suppressed()


def suppress(
    warnings: Iterable[Diagnostic], ignore: Ignore, annotated: Iterable[Annotated] = ()
) -> tuple[tuple[Diagnostic, ...], Suppressed]:
    """The warnings left to show, and those hidden by ``ignore`` or by their object's annotation.

    ``annotated`` are the annotations of the source the warnings were found in: a warning is
    matched to its object by file and document (and, in a ``List``, by line).
    """
    by_document: dict[tuple[str, int | None], list[Annotated]] = {}
    for entry in annotated:
        by_document.setdefault((entry.where.path, entry.where.document), []).append(entry)
    shown: list[Diagnostic] = []
    hidden: list[Diagnostic] = []
    used: set[Means] = set()
    for warning in warnings:
        means = _means(warning, ignore, by_document)
        if means:
            hidden.append(warning)
            used.update(means)
        else:
            shown.append(warning)
    return tuple(shown), Suppressed(tuple(hidden), tuple(m for m in MEANS if m in used))


def _means(
    warning: Diagnostic,
    ignore: Ignore,
    by_document: Mapping[tuple[str, int | None], Sequence[Annotated]],
) -> set[Means]:
    """Every means that hides ``warning`` (none: it shows)."""
    found: set[Means] = set()
    location = warning.location
    if location is not None and location.document is not None:
        objects = by_document.get((location.path, location.document), ())
        if any(warning.code in entry.codes and entry.holds(location) for entry in objects):
            found.add("annotation")
    if warning.code in ignore.configured:
        found.add("configuration")
    if warning.code in ignore.given:
        found.add("command-line")
    return found
