"""What every human-readable report shares: endpoint labels and compact groups of sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from netpoldiff.addresses import V4_SPACE, V6_SPACE, IPSet, family_cidrs
from netpoldiff.matrix import Matrix, iter_bits
from netpoldiff.model import Endpoint, ExternalEndpoint, WorkloadEndpoint

ANYWHERE_OUTSIDE = "anywhere outside the cluster"


def _family_text(addresses: IPSet, family: int) -> str | None:
    space, everything = (V4_SPACE, "0.0.0.0/0") if family == 4 else (V6_SPACE, "::/0")  # noqa: PLR2004
    intervals = addresses.v4 if family == 4 else addresses.v6  # noqa: PLR2004
    if not intervals:
        return None
    if intervals == space:
        return everything
    inside = family_cidrs(intervals, family)
    outside = family_cidrs(space - intervals, family)
    if len(outside) < len(inside):
        return f"{everything} except {','.join(outside)}"
    return ",".join(inside)


def addresses_label(addresses: IPSet) -> str:
    """Addresses as CIDRs, written as ``0.0.0.0/0 except ...`` when that is shorter."""
    parts = [text for family in (4, 6) if (text := _family_text(addresses, family))]
    return " and ".join(parts) if parts else "(no address)"


def endpoint_label(endpoint: Endpoint) -> str:
    """``ns/name[Kind]`` for a workload, CIDRs for an external block."""
    if isinstance(endpoint, WorkloadEndpoint):
        return str(endpoint)
    return addresses_label(endpoint.addresses)


@dataclass(frozen=True, slots=True)
class Population:
    """How many workloads each namespace has, to say "all of ns" instead of listing them."""

    by_namespace: dict[str, int]
    externals: int

    @classmethod
    def of(cls, matrix: Matrix) -> Population:
        """The population of the endpoints present in a matrix."""
        return cls.of_endpoints(matrix.present_endpoints())

    @classmethod
    def of_endpoints(cls, endpoints: Iterable[Endpoint]) -> Population:
        """The population of some endpoints."""
        counts: dict[str, int] = defaultdict(int)
        externals = 0
        for endpoint in endpoints:
            if isinstance(endpoint, WorkloadEndpoint):
                counts[endpoint.namespace] += 1
            else:
                externals += 1
        return cls(dict(counts), externals)


def describe_group(endpoints: Sequence[Endpoint], population: Population) -> list[str]:
    """Short labels for a set of endpoints: whole namespaces as ``ns/*``, then the rest."""
    by_namespace: dict[str, list[WorkloadEndpoint]] = defaultdict(list)
    externals: list[ExternalEndpoint] = []
    for endpoint in endpoints:
        if isinstance(endpoint, WorkloadEndpoint):
            by_namespace[endpoint.namespace].append(endpoint)
        else:
            externals.append(endpoint)
    labels: list[str] = []
    whole = [
        ns
        for ns, members in by_namespace.items()
        if len(members) == population.by_namespace.get(ns)
    ]
    absent = sorted(population.by_namespace.keys() - by_namespace.keys())
    if population.by_namespace and len(whole) == len(population.by_namespace):
        labels.append("any workload")
    elif len(whole) == len(by_namespace) and 0 < len(absent) < len(whole):
        # Everything but a few namespaces: say which are left out.
        labels.append("any workload but " + ", ".join(f"{ns}/*" for ns in absent))
    else:
        for namespace in sorted(by_namespace):
            members = by_namespace[namespace]
            if namespace in whole and len(members) > 1:
                labels.append(f"{namespace}/*")
            else:
                labels.extend(str(member) for member in members)
    if externals and len(externals) == population.externals:
        labels.append(ANYWHERE_OUTSIDE)
    elif externals:
        # Blocks are disjoint: one label for their union reads better than one per block.
        union = externals[0].addresses
        for external in externals[1:]:
            union = union | external.addresses
        labels.append(addresses_label(union))
    return labels


def sources_by_connections(matrix: Matrix, dst: int) -> Iterable[tuple[str, list[Endpoint]]]:
    """The sources of one destination grouped by allowed connections, widest group first."""
    groups = []
    for connections, sources in matrix.columns[dst].items():
        members = [matrix.endpoints[i] for i in iter_bits(sources)]
        groups.append((str(connections), members, connections.is_all()))
    groups.sort(key=lambda group: (not group[2], -len(group[1]), group[0]))
    return [(text, members) for text, members, _ in groups]
