"""``--equivalent``: whether both sides allow exactly the same flows, and if not, why not.

Equivalence is strict: the same endpoints and, pair by pair, the same connections. A workload
added, removed, renamed or moved is a different set of endpoints, so not equivalent, even when
no flow changes. And it is only ever claimed for a complete analysis: a changed object that was
not evaluated, input skipped with --keep-going, or a side where nothing was read could hide any
difference, so the verdict is then "cannot tell", never "equivalent".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from netpoldiff.errors import Location
from netpoldiff.model import Endpoint, WorkloadEndpoint
from netpoldiff.report.reports import DiffReport, Side
from netpoldiff.report.words import NAMES_SHOWN, plural
from netpoldiff.unevaluated import Unevaluated

Verdict = Literal["equivalent", "not equivalent", "cannot tell"]

EQUIVALENT_LINE: Final = "equivalent: both revisions allow exactly the same flows"

_WHY_NOT_EVALUATED: Final = {
    "selects-nothing": "selects no workload in the input",
    "kind-not-evaluated": "is of a kind netpoldiff does not evaluate",
    "not-read": "was not read (a template)",
}
_WHY_NOT_READ: Final = {
    "template": _WHY_NOT_EVALUATED["not-read"],
    "not-followed": "was not read (a symbolic link or submodule, not followed)",
}


@dataclass(frozen=True, slots=True)
class Equivalence:
    """What tells the two sides of a diff apart, and what the analysis could not see."""

    opened: int  # pairs NEW allows more on (a moved workload's compared with its own)
    closed: int  # pairs NEW allows less on
    added: tuple[WorkloadEndpoint, ...]
    removed: tuple[WorkloadEndpoint, ...]
    moved: tuple[tuple[WorkloadEndpoint, WorkloadEndpoint], ...]  # (old, new)
    unevaluated: tuple[Unevaluated, ...]
    skipped: tuple[tuple[Location, Side], ...]
    nothing_read: tuple[Side, ...]

    @property
    def complete(self) -> bool:
        """Whether every changed object was read and evaluated on both sides."""
        return not (self.unevaluated or self.skipped or self.nothing_read)

    @property
    def differs(self) -> bool:
        """Whether the evaluated sides differ in their endpoints or in a pair's connections."""
        return bool(self.opened or self.closed or self.added or self.removed or self.moved)

    @property
    def verdict(self) -> Verdict:
        """``cannot tell`` whenever something was not evaluated: never a false "equivalent"."""
        if not self.complete:
            return "cannot tell"
        return "not equivalent" if self.differs else "equivalent"


def equivalence(report: DiffReport) -> Equivalence:
    """What the report shows about the equivalence of its two sides."""
    diff, view = report.diff, report.view
    moves = report.changes.workload_moves
    moved = {endpoint for pair in moves.items() for endpoint in pair}
    return Equivalence(
        # Flows that moved with their workload are the move's, told once as the move.
        opened=view.opened_count(),
        closed=view.closed_count(),
        added=_workloads(e for e in diff.added_endpoints() if e not in moved),
        removed=_workloads(e for e in diff.removed_endpoints() if e not in moved),
        moved=tuple(sorted((old, new) for new, old in moves.items())),
        unevaluated=report.unevaluated,
        skipped=tuple(
            (error.location, side)
            for error, side in zip(report.errors, report.error_sides, strict=True)
        ),
        nothing_read=report.nothing_read,
    )


def _workloads(endpoints: Iterable[Endpoint]) -> tuple[WorkloadEndpoint, ...]:
    # Every endpoint outside the cluster is on both sides: only workloads come and go.
    return tuple(e for e in endpoints if isinstance(e, WorkloadEndpoint))


def verdict_line(found: Equivalence, *, name: Callable[[str], str] = str) -> str:
    """The verdict in one line, with what differs or what was not evaluated.

    ``name`` writes a name from the input (Markdown: inline code).
    """
    match found.verdict:
        case "equivalent":
            return EQUIVALENT_LINE
        case "not equivalent":
            return f"not equivalent: {'; '.join(_differences(found, name))}"
        case _:
            return f"cannot tell: {_listed(_gaps(found, name), '; ')}"


def _differences(found: Equivalence, name: Callable[[str], str]) -> list[str]:
    parts = []
    if found.opened and found.closed:
        parts.append(f"{plural(found.opened, 'flow')} opened, {found.closed} closed")
    elif found.opened or found.closed:
        verb = "opened" if found.opened else "closed"
        parts.append(f"{plural(found.opened or found.closed, 'flow')} {verb}")
    for verb, endpoints in (("added", found.added), ("removed", found.removed)):
        if endpoints:
            names = [name(str(e)) for e in endpoints]
            parts.append(f"{_noun(len(names), 'workload')} {verb}: {_listed(names, ', ')}")
    if found.moved:
        moves = [f"{name(str(old))} to {name(str(new))}" for old, new in found.moved]
        # Policies cannot tell the pods apart, yet the endpoint is another one.
        what = f"{_noun(len(moves), 'workload')} moved or renamed (another endpoint)"
        parts.append(f"{what}: {_listed(moves, ', ')}")
    return parts


def _gaps(found: Equivalence, name: Callable[[str], str]) -> list[str]:
    gaps = []
    for entry in found.unevaluated:
        if entry.ref is None:
            what = f"{name(entry.name)} ({entry.change})"
        else:
            what = f"{name(str(entry.ref))} ({name(entry.ref.kind)}, {entry.change})"
        why = _WHY_NOT_READ[entry.unread] if entry.reason == "not-read" else None
        gaps.append(f"{what} {why or _WHY_NOT_EVALUATED[entry.reason]}")
    gaps.extend(
        f"{name(str(location))} in {side.upper()} was skipped" for location, side in found.skipped
    )
    gaps.extend(f"nothing was read in {side.upper()}" for side in found.nothing_read)
    return gaps


def _noun(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def _listed(items: Sequence[str], separator: str) -> str:
    """The first few items; the report below the verdict lists them all."""
    shown = separator.join(items[:NAMES_SHOWN])
    more = len(items) - NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown
