"""What a format is given: one value per kind of report, built once by its command, and the style.

A format reads these and nothing else, so every format answers from the same data and a new
format needs no change in the commands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from netpoldiff.causes import Causes
from netpoldiff.changes import ChangeSet
from netpoldiff.diagnostics import READING_GAPS, Diagnostic
from netpoldiff.diff import MatrixDiff
from netpoldiff.errors import InputError
from netpoldiff.evaluate import Engine
from netpoldiff.explain import Explanation
from netpoldiff.findings import ConfigurationChanged, Finding, findings
from netpoldiff.introduced import Place, introduced_warnings, same_place
from netpoldiff.matrix import Matrix
from netpoldiff.object_edits import ObjectChange, changed_objects
from netpoldiff.plan import Plan, Planner
from netpoldiff.printable import printable
from netpoldiff.report.lines import ChangeLine, change_lines
from netpoldiff.suppression import NOTHING_SUPPRESSED, Suppressed
from netpoldiff.unevaluated import Unevaluated

Side = Literal["old", "new"]


def as_shown(path: str) -> str:
    """A path as the report shows it: already a path from the top of the repository."""
    return path


RepositoryPath = Callable[[str], str]
"""A path as shown (from where the command runs) -> from the top of its repository.

Formats that annotate files (SARIF, GitHub workflow commands) need the latter: code scanning
and the runner place annotations by repository path, wherever netpoldiff ran.
"""


@dataclass(frozen=True, slots=True)
class Style:
    """How a report is presented, apart from what it says: today, colour on or off."""

    color: bool = False


@dataclass(frozen=True, slots=True)
class DiffHeader:
    """How the two sides are named for people (revision, short sha, ref)."""

    old: str
    new: str

    def __post_init__(self) -> None:
        # Names come from the command line and from git (a branch may hold U+202E): escaped
        # once here, for every report that shows them.
        object.__setattr__(self, "old", printable(self.old))
        object.__setattr__(self, "new", printable(self.new))


# Not slots: ``lines`` is computed on first reading and kept (cached_property needs a __dict__).
@dataclass(frozen=True)
class DiffReport:
    """Everything a diff report shows.

    The two sides, what changed in reachability and in the objects, the warnings (NEW's;
    OLD's tell which the change introduces; both after suppression) and skipped input of the
    reading, the changed objects whose effect is not shown, and the sides where nothing was
    read under ``paths``.
    """

    old_source: str  # OLD as given on the command line, for machine formats
    new_source: str
    header: DiffHeader
    diff: MatrixDiff
    changes: ChangeSet
    warnings: tuple[Diagnostic, ...] = ()
    errors: tuple[InputError, ...] = ()
    unevaluated: tuple[Unevaluated, ...] = ()
    old_warnings: tuple[Diagnostic, ...] = ()
    nothing_read: tuple[Side, ...] = ()
    paths: tuple[str, ...] = ()
    error_sides: tuple[Side, ...] = ()  # of each error: one on both sides is NEW's
    # NEW's repository configuration, where it differs from OLD's (which read both sides).
    configuration_changes: tuple[ConfigurationChanged, ...] = ()
    # --equivalent: the formats people read lead with the verdict (report/equivalence.py).
    equivalence_verdict: bool = False
    # NEW's warnings that annotations, ignore: or --ignore hid: counted in every format.
    suppressed: Suppressed = NOTHING_SUPPRESSED
    # The engine that evaluated both sides: causes evaluate states between them with its work.
    engine: Engine | None = field(default=None, compare=False, repr=False)
    # NEW's paths from the top of the repository, for the formats that annotate files.
    repository_path: RepositoryPath = field(default=as_shown, compare=False, repr=False)
    # OLD's and NEW's paths within their source: two directories compare file for file.
    places: tuple[Place, Place] = field(default=(same_place, same_place), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.errors and len(self.error_sides) != len(self.errors):
            object.__setattr__(self, "error_sides", ("new",) * len(self.errors))

    @cached_property
    def _introduced(self) -> frozenset[Diagnostic]:
        old_place, new_place = self.places
        return introduced_warnings(self.old_warnings, self.warnings, old_place, new_place)

    def introduced(self, warning: Diagnostic) -> bool:
        """Whether OLD lacks this warning: the change brings it (netpoldiff/introduced.py)."""
        return warning in self._introduced

    @cached_property
    def listed_warnings(self) -> tuple[Diagnostic, ...]:
        """What text and Markdown list: NEW's warnings the change brings, and input not seen.

        Warnings about input the report does not see are listed whether or not OLD had them:
        they bound what "No reachability changes" covers.
        """
        return tuple(
            warning
            for warning in self.warnings
            if warning in self._introduced or warning.code in READING_GAPS
        )

    @property
    def kept_warnings(self) -> int:
        """How many of NEW's warnings OLD had too: counted, not listed, by text and Markdown."""
        return len(self.warnings) - len(self.listed_warnings)

    @property
    def is_complete(self) -> bool:
        """Whether every changed object was read and evaluated: "no change" is then a fact."""
        return not (self.errors or self.unevaluated or self.nothing_read)

    @property
    def incomplete(self) -> bool:
        """Whether input was skipped: unreadable, or a changed file not read (a template)."""
        return bool(self.errors) or any(u.reason == "not-read" for u in self.unevaluated)

    @cached_property
    def lines(self) -> tuple[ChangeLine, ...]:
        """The changed pairs grouped as a reviewer reads them.

        Computed when a format first asks: JSON lists every pair and never needs the grouping,
        which costs the most on a large diff.
        """
        return tuple(change_lines(self.view, self.changes, self.view_causes))

    @cached_property
    def moves(self) -> dict[int, int]:
        """Each moved workload: its endpoint number in OLD -> in NEW."""
        number = self.diff.new.index()
        return {number[old]: number[new] for new, old in self.changes.workload_moves.items()}

    @cached_property
    def view(self) -> MatrixDiff:
        """The diff as a reviewer reads it: a moved workload's flows compared with its own.

        JSON lists ``diff``, pair by pair as the contract says; the lines, counts and findings
        read this view, where a flow that moved with its workload is no change.
        """
        return self.diff.moved(self.moves)

    @cached_property
    def causes(self) -> Causes:
        """Why each changed pair of ``diff`` changed (JSON's pairs)."""
        return Causes(self.diff, self.changes, self.engine)

    @cached_property
    def view_causes(self) -> Causes:
        """Why each changed pair of ``view`` changed: the lines' and the findings' causes."""
        if not self.moves:
            return self.causes
        return Causes(self.view, self.changes, self.engine, moved=True)

    @cached_property
    def objects(self) -> tuple[ObjectChange, ...]:
        """Every changed object with its edits, computed once for every format."""
        return changed_objects(self.changes)

    @cached_property
    def rollout(self) -> tuple[Plan, Plan] | None:
        """(file order, safe order) when applying NEW's files in order would cut or expose.

        None when that order is safe, or the diff has no engine to evaluate states with.
        """
        if self.engine is None or self.diff.is_empty():
            return None
        planner = Planner(self.diff, self.changes, self.engine)
        naive = planner.naive()
        if naive.safe:
            return None
        return naive, planner.plan()

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """The risks the change brings, computed once for every format and ``--fail-on``."""
        return tuple(
            findings(self.view, self.changes, self.configuration_changes, self.view_causes)
        )


@dataclass(frozen=True, slots=True)
class MatrixReport:
    """Everything a matrix report shows: the source, its matrix, and how its reading went."""

    source: str  # SOURCE as given on the command line
    matrix: Matrix
    warnings: tuple[Diagnostic, ...] = ()
    errors: tuple[InputError, ...] = ()
    suppressed: Suppressed = NOTHING_SUPPRESSED  # the warnings hidden, counted in every format


@dataclass(frozen=True, slots=True)
class LintReport:
    """Everything ``lint`` shows: the source, its warnings, and the input it skipped."""

    source: str  # SOURCE as given on the command line
    warnings: tuple[Diagnostic, ...] = ()
    errors: tuple[InputError, ...] = ()
    repository_path: RepositoryPath = field(default=as_shown, compare=False, repr=False)
    suppressed: Suppressed = NOTHING_SUPPRESSED  # the warnings hidden, counted in every format


@dataclass(frozen=True)
class PlanReport:
    """A rollout plan from OLD to NEW, and the diff it orders (its input, gaps and objects)."""

    old_source: str
    new_source: str
    header: DiffHeader
    plan: Plan
    compared: DiffReport


@dataclass(frozen=True, slots=True)
class ExplainReport:
    """Everything an explanation shows: the source, why one pair is allowed or not, the reading."""

    source: str  # SOURCE as given on the command line
    explanation: Explanation
    warnings: tuple[Diagnostic, ...] = ()
    errors: tuple[InputError, ...] = ()
    suppressed: Suppressed = NOTHING_SUPPRESSED  # the warnings hidden, counted in every format
