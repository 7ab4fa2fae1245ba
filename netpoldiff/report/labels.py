"""What every human-readable report shares: endpoint labels and compact groups of sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from netpoldiff.addresses import V4_SPACE, V6_SPACE, IPSet, family_cidrs
from netpoldiff.bitsets import iter_bits
from netpoldiff.diff import MatrixDiff
from netpoldiff.matrix import Matrix, workload_masks
from netpoldiff.model import Endpoint, ExternalEndpoint, WorkloadEndpoint

ANYWHERE_OUTSIDE = "anywhere outside the cluster"
LISTED_PER_NAMESPACE = 8  # workloads of one namespace named in a row before they are counted
LEFT_OUT_NAMED = 3  # beyond that, the workloads a group leaves out are named instead, up to this


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
    """How many workloads each namespace has, to say "all of ns" instead of listing them.

    ``members`` holds the workloads of each namespace, so that a group can name those it
    leaves out; a population built from counts alone counts them instead.
    """

    by_namespace: dict[str, int]
    externals: int
    members: dict[str, list[WorkloadEndpoint]] = field(default_factory=dict)

    @classmethod
    def of(cls, matrix: Matrix) -> Population:
        """The population of the endpoints present in a matrix."""
        return cls.of_endpoints(matrix.present_endpoints())

    @classmethod
    def of_diff(cls, diff: MatrixDiff) -> Population:
        """The population of the endpoints present on either side of a diff."""
        present = diff.old.present | diff.new.present
        return cls.of_endpoints(diff.endpoints[i] for i in iter_bits(present))

    @classmethod
    def of_endpoints(cls, endpoints: Iterable[Endpoint]) -> Population:
        """The population of some endpoints."""
        members: dict[str, list[WorkloadEndpoint]] = defaultdict(list)
        externals = 0
        for endpoint in endpoints:
            if isinstance(endpoint, WorkloadEndpoint):
                members[endpoint.namespace].append(endpoint)
            else:
                externals += 1
        counts = {namespace: len(workloads) for namespace, workloads in members.items()}
        return cls(counts, externals, dict(members))


def _most_of(namespace: str, names: list[str], population: Population) -> str:
    """``ns/* except a[Kind]`` when few are left out, else ``ns/ (k of n workloads)``.

    Used for groups too long to list. Several left-out names are bracketed, because a row
    joins its labels with commas.
    """
    total = population.by_namespace.get(namespace, 0)
    counted = f"{namespace}/ ({len(names)} of {total} workloads)"
    members = population.members.get(namespace, [])
    if len(members) != total or total - len(names) > LEFT_OUT_NAMED:
        return counted
    included = set(names)
    prefix = len(namespace) + 1
    left_out = sorted(str(e)[prefix:] for e in members if str(e) not in included)
    if len(left_out) == 1:
        return f"{namespace}/* except {left_out[0]}"
    return f"{namespace}/* except ({', '.join(left_out)})"


def _labels(
    whole: set[str],
    names: dict[str, list[str]],
    population: Population,
    externals: list[ExternalEndpoint],
) -> list[str]:
    """Labels for whole namespaces (``ns/*``), listed workloads, then external addresses.

    ``names`` lists the members of every namespace only partly included, and of whole
    namespaces with a single workload (a name says more than ``ns/*`` there).
    """
    present = whole | names.keys()
    absent = sorted(population.by_namespace.keys() - present)
    labels: list[str] = []
    if population.by_namespace and len(whole) == len(population.by_namespace):
        labels.append("any workload")
    elif whole == present and 0 < len(absent) < len(whole):
        # Everything but a few namespaces: say which are left out.
        labels.append("any workload but " + ", ".join(f"{ns}/*" for ns in absent))
    else:
        for namespace in sorted(present):
            total = population.by_namespace.get(namespace, 0)
            if namespace in whole and total > 1:
                labels.append(f"{namespace}/*")
            elif len(names[namespace]) > LISTED_PER_NAMESPACE:
                # A long list of names reads as noise: name what is left out, or count them
                # (JSON lists every pair).
                labels.append(_most_of(namespace, names[namespace], population))
            else:
                labels.extend(names[namespace])
    if externals and len(externals) == population.externals:
        labels.append(ANYWHERE_OUTSIDE)
    elif externals:
        # Blocks are disjoint: one label for their union reads better than one per block.
        union = externals[0].addresses
        for external in externals[1:]:
            union = union | external.addresses
        labels.append(addresses_label(union))
    return labels


def describe_group(endpoints: Sequence[Endpoint], population: Population) -> list[str]:
    """Short labels for a set of endpoints: whole namespaces as ``ns/*``, then the rest."""
    by_namespace: dict[str, list[str]] = defaultdict(list)
    externals: list[ExternalEndpoint] = []
    for endpoint in endpoints:
        if isinstance(endpoint, WorkloadEndpoint):
            by_namespace[endpoint.namespace].append(str(endpoint))
        else:
            externals.append(endpoint)
    whole = {
        ns
        for ns, members in by_namespace.items()
        if len(members) == population.by_namespace.get(ns)
    }
    return _labels(whole, dict(by_namespace), population, externals)


class MaskDescriber:
    """``describe_group`` for bitmasks of a matrix, without listing whole namespaces."""

    def __init__(self, matrix: Matrix) -> None:
        self.matrix = matrix
        self.population = Population.of(matrix)
        workloads, namespaces = workload_masks(matrix.endpoints, iter_bits(matrix.present))
        self.namespace_masks: dict[str, int] = defaultdict(int, namespaces)
        self.externals = matrix.present & ~workloads

    def describe(self, mask: int) -> list[str]:
        """Short labels for the endpoints of ``mask``."""
        endpoints = self.matrix.endpoints
        whole: set[str] = set()
        names: dict[str, list[str]] = {}
        for namespace, members in self.namespace_masks.items():
            part = mask & members
            if not part:
                continue
            if part == members:
                whole.add(namespace)
                if self.population.by_namespace[namespace] > 1:
                    continue
            names[namespace] = [str(endpoints[i]) for i in iter_bits(part)]
        externals = [endpoints[i] for i in iter_bits(mask & self.externals)]
        return _labels(
            whole, names, self.population, [e for e in externals if isinstance(e, ExternalEndpoint)]
        )


def sources_by_connections(matrix: Matrix, dst: int) -> list[tuple[str, int]]:
    """The sources of one destination as (connections, source mask), widest group first."""
    groups = [
        (str(connections), sources, connections.is_all())
        for connections, sources in matrix.columns[dst].items()
    ]
    groups.sort(key=lambda group: (not group[2], -group[1].bit_count(), group[0]))
    return [(text, sources) for text, sources, _ in groups]
