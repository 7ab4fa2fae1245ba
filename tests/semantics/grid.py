"""The upstream e2e netpol model as YAML, and truth tables over it.

Kubernetes' test/e2e/network/netpol suite probes namespaces x, y, z, each holding pods a, b, c
that serve ports 80 and 81 on TCP, UDP and SCTP. A case states, per probe (protocol, port),
the 9x9 table of which source pod may reach which destination pod. Here the same model is
written as manifests, read through ``load_cluster``, evaluated, and read back as tables.

A pod's traffic to itself is loopback, which policies do not govern (the matrix leaves it
out), so the diagonal is never compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from textwrap import dedent, indent
from typing import Final

from netpoldiff.evaluate import evaluate
from netpoldiff.manifests import Loaded, load_cluster
from netpoldiff.matrix import Matrix
from netpoldiff.model import WorkloadEndpoint
from netpoldiff.ports import Protocol
from netpoldiff.sources import SourceFile

NAMESPACES: Final = ("x", "y", "z")
PODS: Final = ("a", "b", "c")
PORTS: Final = (80, 81)
MEMBERS: Final = tuple(f"{namespace}/{pod}" for namespace in NAMESPACES for pod in PODS)

Probe = tuple[Protocol, int]
Cell = tuple[str, str]
"""(source, destination), each written ``namespace/pod``."""

TCP80: Final[Probe] = (Protocol.TCP, 80)
TCP81: Final[Probe] = (Protocol.TCP, 81)
UDP80: Final[Probe] = (Protocol.UDP, 80)
UDP81: Final[Probe] = (Protocol.UDP, 81)
SCTP80: Final[Probe] = (Protocol.SCTP, 80)
SCTP81: Final[Probe] = (Protocol.SCTP, 81)
ALL_PROBES: Final = (TCP80, TCP81, UDP80, UDP81, SCTP80, SCTP81)

_ALLOWED_MARK: Final = "."
_DENIED_MARK: Final = "X"
_LOOPBACK_MARK: Final = "-"


def probe_name(probe: Probe) -> str:
    """``TCP/80``."""
    return f"{probe[0]}/{probe[1]}"


def port_name(protocol: Protocol, port: int) -> str:
    """The container port names of the model: ``serve-80-tcp``."""
    return f"serve-{port}-{protocol.value.lower()}"


def _members(pattern: str) -> tuple[str, ...]:
    """Pods a pattern names: ``x/a``, ``x/*``, ``*/a`` or ``*``; a pattern must name some."""
    if pattern in {"*", "*/*"}:
        return MEMBERS
    namespace, _, pod = pattern.partition("/")
    found = tuple(
        member
        for member in MEMBERS
        if namespace in {"*", member.split("/")[0]} and pod in {"*", member.split("/")[1]}
    )
    if not found:
        msg = f"pattern {pattern!r} names no pod of the model"
        raise ValueError(msg)
    return found


def _cells(sources: str, destinations: str) -> frozenset[Cell]:
    return frozenset((s, d) for s in _members(sources) for d in _members(destinations) if s != d)


@dataclass(frozen=True, slots=True)
class ExpectedGrid:
    """An expected truth table, written as edits to "everything allowed"; edits apply in order."""

    denied: frozenset[Cell] = frozenset()

    @classmethod
    def all_denied(cls) -> ExpectedGrid:
        """Every pair denied."""
        return cls(_cells("*", "*"))

    def allow(self, sources: str, destinations: str) -> ExpectedGrid:
        """Allow every pair from ``sources`` to ``destinations`` (patterns)."""
        return ExpectedGrid(self.denied - _cells(sources, destinations))

    def deny(self, sources: str, destinations: str) -> ExpectedGrid:
        """Deny every pair from ``sources`` to ``destinations`` (patterns)."""
        return ExpectedGrid(self.denied | _cells(sources, destinations))

    def deny_to(self, destinations: str) -> ExpectedGrid:
        """Deny every source to ``destinations``."""
        return self.deny("*", destinations)

    def deny_from(self, sources: str) -> ExpectedGrid:
        """Deny ``sources`` to every destination."""
        return self.deny(sources, "*")

    def allow_to(self, destinations: str) -> ExpectedGrid:
        """Allow every source to ``destinations``."""
        return self.allow("*", destinations)

    def allow_from(self, sources: str) -> ExpectedGrid:
        """Allow ``sources`` to every destination."""
        return self.allow(sources, "*")

    def allows(self, cell: Cell) -> bool:
        """Whether the pair is expected to connect."""
        return cell not in self.denied


ALLOWED: Final = ExpectedGrid()
DENIED: Final = ExpectedGrid.all_denied()


@dataclass(frozen=True, slots=True)
class Grid:
    """An observed truth table for one probe: the off-diagonal pairs that connect."""

    probe: Probe
    allowed: frozenset[Cell]

    def allows(self, cell: Cell) -> bool:
        """Whether the pair connects."""
        return cell in self.allowed


@dataclass(frozen=True, slots=True)
class GridModel:
    """The standard model, optionally with extra labels (what upstream's "updated" cases set).

    ``namespace_labels`` and ``pod_labels`` are added to the standard ``ns=<name>`` and
    ``pod=<name>`` labels; keys are a namespace name and ``namespace/pod``.
    """

    namespace_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    pod_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def to_yaml(self) -> str:
        """Namespace and Pod manifests, one document each."""
        documents = []
        for namespace in NAMESPACES:
            labels = {"ns": namespace, **self.namespace_labels.get(namespace, {})}
            documents.append(
                "apiVersion: v1\nkind: Namespace\n"
                f"metadata:\n  name: {namespace!r}\n  labels:\n{_label_lines(labels, 4)}"
            )
            for pod in PODS:
                pod_labels = {"pod": pod, **self.pod_labels.get(f"{namespace}/{pod}", {})}
                containers = "".join(
                    f"  - name: cont-{port}-{protocol.value.lower()}\n"
                    "    image: registry.k8s.io/e2e-test-images/agnhost:2.53\n"
                    "    ports:\n"
                    f"    - containerPort: {port}\n"
                    f"      protocol: {protocol.value}\n"
                    f"      name: {port_name(protocol, port)}\n"
                    for protocol in Protocol
                    for port in PORTS
                )
                documents.append(
                    "apiVersion: v1\nkind: Pod\n"
                    f"metadata:\n  name: {pod}\n  namespace: {namespace!r}\n"
                    f"  labels:\n{_label_lines(pod_labels, 4)}"
                    f"spec:\n  containers:\n{containers}"
                )
        return "---\n".join(documents)


def _label_lines(labels: Mapping[str, str], width: int) -> str:
    return "".join(f"{' ' * width}{key}: {value!r}\n" for key, value in labels.items())


STANDARD_MODEL: Final = GridModel()


def netpol(name: str, spec: str, namespace: str = "x") -> str:
    """A NetworkPolicy document; ``spec`` is the YAML body of ``spec`` (any indentation)."""
    body = indent(dedent(spec).strip("\n") + "\n", "  ")
    return (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata:\n  name: {name}\n  namespace: {namespace!r}\nspec:\n{body}"
    )


def join(*documents: str) -> str:
    """Several documents as one multi-document YAML text."""
    return "---\n".join(documents)


@dataclass(frozen=True, slots=True)
class GridResult:
    """The model plus some policies, loaded and evaluated."""

    loaded: Loaded
    matrix: Matrix

    def grid(self, probe: Probe) -> Grid:
        """The observed truth table of one probe."""
        protocol, port = probe
        index = self.matrix.index()
        allowed = set()
        for src in MEMBERS:
            for dst in MEMBERS:
                if src == dst:
                    continue
                connections = self.matrix.get_by_index(index[_pod(src)], index[_pod(dst)])
                if port in connections.ports(protocol):
                    allowed.add((src, dst))
        return Grid(probe, frozenset(allowed))

    def warning_codes(self) -> tuple[str, ...]:
        """The codes of the loader's warnings, sorted."""
        return tuple(sorted(warning.code for warning in self.loaded.warnings))


def _pod(member: str) -> WorkloadEndpoint:
    namespace, _, pod = member.partition("/")
    return WorkloadEndpoint(namespace, pod, "Pod")


def evaluate_grid(policies: str, model: GridModel = STANDARD_MODEL) -> GridResult:
    """Load the model and the policies (two files) and evaluate them."""
    loaded = load_cluster(
        [
            SourceFile("model.yaml", model.to_yaml().encode()),
            SourceFile("policies.yaml", policies.encode()),
        ]
    )
    found = {str(w.endpoint) for w in loaded.cluster.workloads}
    expected = {f"{_pod(member)}" for member in MEMBERS}
    if found != expected:
        msg = f"the model did not load as 9 pods: {sorted(found)}"
        raise AssertionError(msg)
    return GridResult(loaded, evaluate(loaded.cluster))


def differences(expected: ExpectedGrid, observed: Grid) -> list[Cell]:
    """The off-diagonal pairs where the tables disagree, in row-major order."""
    return [
        (src, dst)
        for src in MEMBERS
        for dst in MEMBERS
        if src != dst and expected.allows((src, dst)) != observed.allows((src, dst))
    ]


def _rows(allows: Mapping[Cell, bool]) -> list[str]:
    width = max(len(member) for member in MEMBERS)
    header = " " * width + " " + " ".join(member.rjust(width) for member in MEMBERS)
    rows = [header]
    for src in MEMBERS:
        marks = []
        for dst in MEMBERS:
            if src == dst:
                mark = _LOOPBACK_MARK
            else:
                mark = _ALLOWED_MARK if allows[src, dst] else _DENIED_MARK
            marks.append(mark.rjust(width))
        rows.append(src.ljust(width) + " " + " ".join(marks))
    return rows


def render_side_by_side(expected: ExpectedGrid, observed: Grid) -> str:
    """Both tables side by side (rows: source, columns: destination) and the differing cells."""
    cells = [(s, d) for s in MEMBERS for d in MEMBERS if s != d]
    left = _rows({cell: expected.allows(cell) for cell in cells})
    right = _rows({cell: observed.allows(cell) for cell in cells})
    width = max(len(row) for row in left)
    title = (
        f"{probe_name(observed.probe)}: expected vs observed "
        f"(rows: source, columns: destination; '{_ALLOWED_MARK}' connects, "
        f"'{_DENIED_MARK}' blocked, '{_LOOPBACK_MARK}' loopback, not compared)"
    )
    lines = [title, "expected".ljust(width) + "    observed"]
    lines.extend(f"{a.ljust(width)}    {b}" for a, b in zip(left, right, strict=True))
    for src, dst in differences(expected, observed):
        if expected.allows((src, dst)):
            lines.append(f"  {src} -> {dst}: expected to connect, observed blocked")
        else:
            lines.append(f"  {src} -> {dst}: expected blocked, observed to connect")
    return "\n".join(lines)


Expectations = tuple[tuple[Probe, ExpectedGrid], ...]


def on(expected: ExpectedGrid, *probes: Probe) -> Expectations:
    """The same expected table for several probes."""
    return tuple((probe, expected) for probe in probes)


def check_grids(result: GridResult, expectations: Iterable[tuple[Probe, ExpectedGrid]]) -> None:
    """Raise AssertionError with every mismatching table drawn side by side."""
    reports = []
    for probe, expected in expectations:
        observed = result.grid(probe)
        if differences(expected, observed):
            reports.append(render_side_by_side(expected, observed))
    if reports:
        raise AssertionError("\n\n".join(["truth tables differ:", *reports]))
