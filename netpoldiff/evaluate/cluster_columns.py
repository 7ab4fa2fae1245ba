"""One cluster's columns: each destination's sources by allowed connections, from its tiers.

Destinations that the same policies, rules and port names decide share one column (the key
is what decides it); a column is worked out only when something reads it, so a column two
evaluations share may never be. The engine (engine.py) keeps the cache between evaluations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from netpoldiff.columns import Column, LazyColumn, column_intersection, column_without
from netpoldiff.compiled import PortMap
from netpoldiff.evaluate.states import State
from netpoldiff.evaluate.tiers import Tier, decide
from netpoldiff.ports import ALL_CONNECTIONS

ColumnKey = tuple[object, ...]
"""What decides a column: external or not, named ports where they count, each tier's key."""


@dataclass(slots=True)
class ClusterColumns:
    """One cluster's columns, destination by destination, shared through ``cache``."""

    state: State
    present: int
    externals: int
    cache: dict[ColumnKey, Column]
    ingress: Sequence[Tier]
    egress: Sequence[Tier]
    keyed: list[Tier] = field(init=False)  # the tiers whose verdict varies: the column keys

    def __post_init__(self) -> None:
        self.keyed = [tier for tier in (*self.ingress, *self.egress) if tier.keys]

    def column(self, dst: int) -> Column:
        """The sources of ``dst`` by the connections they may open to it (shared, lazy)."""
        workload = self.state.workload_at.get(dst)
        if workload is None and not (self.externals >> dst) & 1:
            return {}  # a workload of another cluster of the universe
        port_map = self.state.port_maps[dst] if workload is not None else None
        keyed = self.keyed
        uses_names = any(tier.names[dst] for tier in keyed)
        # Destinations that the same policies, rules and port names decide share a column.
        key: ColumnKey = (
            workload is None,
            port_map if uses_names else None,
            *[tier.keys[dst] for tier in keyed],
        )
        column = self.cache.get(key)
        if column is None:
            # Worked out when first read: a column two evaluations share may never be.
            decided = partial(self._decide, dst, port_map, external=workload is None)
            column = self.cache[key] = LazyColumn(decided)
        if workload is not None and workload.is_bare_pod:
            column = LazyColumn(partial(column_without, column, 1 << dst))
        return column

    def _decide(self, dst: int, port_map: PortMap | None, *, external: bool) -> Column:
        # An external destination is not a pod: no policy governs its ingress, and traffic
        # between two externals is not in the matrix.
        workloads = self.state.selection.all_workloads
        sources = workloads if external else self.present
        admitted = decide(self.ingress, dst, port_map, {ALL_CONNECTIONS: sources})
        leaving = decide(self.egress, dst, port_map, {ALL_CONNECTIONS: self.present})
        # Allowed iff the source's egress AND the destination's ingress allow it.
        return column_intersection(leaving, admitted)
