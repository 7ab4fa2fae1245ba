"""Compare two matrices over the same endpoints: which flows a change opens and closes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from netpoldiff.bitsets import iter_bits
from netpoldiff.columns import Column, column_difference
from netpoldiff.matrix import Matrix
from netpoldiff.model import Endpoint
from netpoldiff.ports import NO_CONNECTIONS, ConnectionSet


@dataclass(frozen=True, slots=True)
class PairChange:
    """What one ordered pair gained (opened) and lost (closed); one of them is non-empty."""

    src: int
    dst: int
    opened: ConnectionSet
    closed: ConnectionSet


@dataclass(frozen=True, slots=True)
class MatrixDiff:
    """Per destination, the sources whose connections NEW added (opened) and removed (closed).

    Both matrices number the same endpoints, so the diff is per-cell set subtraction.
    """

    old: Matrix
    new: Matrix
    opened: tuple[Column, ...]
    closed: tuple[Column, ...]

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        """The shared endpoint numbering."""
        return self.new.endpoints

    def added_endpoints(self) -> list[Endpoint]:
        """Endpoints only NEW has."""
        return [self.endpoints[i] for i in iter_bits(self.new.present & ~self.old.present)]

    def removed_endpoints(self) -> list[Endpoint]:
        """Endpoints only OLD has."""
        return [self.endpoints[i] for i in iter_bits(self.old.present & ~self.new.present)]

    def changes(self) -> Iterator[PairChange]:
        """Every changed pair, by destination then source."""
        for dst, (opened, closed) in enumerate(zip(self.opened, self.closed, strict=True)):
            if not opened and not closed:
                continue
            by_source: dict[int, list[ConnectionSet]] = defaultdict(
                lambda: [NO_CONNECTIONS, NO_CONNECTIONS]
            )
            for connections, sources in opened.items():
                for src in iter_bits(sources):
                    by_source[src][0] = connections
            for connections, sources in closed.items():
                for src in iter_bits(sources):
                    by_source[src][1] = connections
            for src in sorted(by_source):
                gained, lost = by_source[src]
                yield PairChange(src, dst, gained, lost)

    def moved(self, moves: Mapping[int, int]) -> MatrixDiff:
        """The diff read with each endpoint ``old`` of ``moves`` known as its ``new`` in OLD.

        A moved workload's flows then compare with its own flows before the move: what
        stayed the same is no change, and only what the move changed is opened or closed.
        """
        if not moves:
            return self
        return diff_matrices(self.old.moved(moves), self.new)

    def opened_count(self) -> int:
        """Number of pairs with opened connections."""
        return sum(m.bit_count() for column in self.opened for m in column.values())

    def closed_count(self) -> int:
        """Number of pairs with closed connections."""
        return sum(m.bit_count() for column in self.closed for m in column.values())

    def is_empty(self) -> bool:
        """Whether reachability is the same on both sides."""
        return not any(self.opened) and not any(self.closed)


def diff_matrices(old: Matrix, new: Matrix) -> MatrixDiff:
    """The flows NEW opens and closes relative to OLD; both must share one endpoint numbering."""
    if old.endpoints != new.endpoints:
        msg = "matrices of a diff must be evaluated over the same endpoints"
        raise ValueError(msg)
    opened: list[Column] = []
    closed: list[Column] = []
    for old_column, new_column in zip(old.columns, new.columns, strict=True):
        if old_column is new_column or old_column == new_column:
            opened.append({})
            closed.append({})
            continue
        opened.append(column_difference(new_column, old_column))
        closed.append(column_difference(old_column, new_column))
    return MatrixDiff(old, new, tuple(opened), tuple(closed))
