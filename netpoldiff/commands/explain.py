"""``netpoldiff explain SOURCE FROM TO``: why one pair is allowed or denied, rule by rule."""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Sequence
from typing import Final

from netpoldiff.addresses import IPSet
from netpoldiff.commands.configured import configure
from netpoldiff.commands.shared import (
    Report,
    Settings,
    check_paths,
    convert,
    read,
    visible_warnings,
)
from netpoldiff.errors import UsageError
from netpoldiff.evaluate import evaluate
from netpoldiff.explain import Port, explain
from netpoldiff.intervals import IntervalSet
from netpoldiff.matrix import Matrix
from netpoldiff.model import Endpoint, WorkloadEndpoint
from netpoldiff.ports import MAX_PORT, MIN_PORT, Protocol
from netpoldiff.report.formats import EXPLAIN_FORMATS, format_named
from netpoldiff.report.reports import ExplainReport, Style
from netpoldiff.sources import Source, Workspace
from netpoldiff.unmatched import unmatched

# ns/name, ns/name[Kind], or name (in the default namespace) and name[Kind].
_WORKLOAD: Final = re.compile(
    r"(?:(?P<namespace>[^/\[\]]+)/)?(?P<name>[^/\[\]]+)(?:\[(?P<kind>[^/\[\]]+)\])?"
)
_PORT: Final = re.compile(r"(?P<protocol>[A-Za-z]+)/(?P<port>[0-9]{1,5})")
CLOSE_MATCHES: Final = 3


def parse_port(text: str) -> Port:
    """``TCP/8080`` as (protocol, port); the protocol in any case."""
    match = _PORT.fullmatch(text)
    protocols = ", ".join(Protocol)
    if match is None or match["protocol"].upper() not in Protocol.__members__:
        msg = f"{text!r} is not PROTOCOL/PORT, such as TCP/443 (protocols: {protocols})"
        raise UsageError(msg)
    number = int(match["port"])
    if not MIN_PORT <= number <= MAX_PORT:
        msg = f"{text!r}: the port must be between {MIN_PORT} and {MAX_PORT}"
        raise UsageError(msg)
    return Protocol(match["protocol"].upper()), number


def _address(text: str) -> IPSet | None:
    """The one address ``text`` is, if it is an IP address (v4 or v6)."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    block = IntervalSet.of((int(address), int(address)))
    return IPSet(v4=block) if address.version == 4 else IPSet(v6=block)  # noqa: PLR2004


def _is_block(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def find_endpoint(
    matrix: Matrix, text: str, *, role: str, source: str, default_namespace: str
) -> Endpoint:
    """The endpoint FROM or TO (``role``) names: a workload of ``matrix``, or an address.

    An address is always outside the cluster (pod addresses are not in manifests): it names
    the external block that holds it, which every policy treats alike.
    """
    address = _address(text)
    if address is not None:
        return next(e for e in matrix.externals() if address.issubset(e.addresses))
    if _is_block(text):
        msg = f"{role} {text}: give one IP address, not an address block"
        raise UsageError(msg)
    match = _WORKLOAD.fullmatch(text)
    if match is None:
        msg = f"{role} {text!r} is not ns/name, ns/name[Kind] or an IP address"
        raise UsageError(msg)
    namespace, name = match["namespace"] or default_namespace, match["name"]
    kind = match["kind"]
    workloads = matrix.workloads()
    named = [w for w in workloads if (w.namespace, w.name) == (namespace, name)]
    found = [w for w in named if kind is None or w.kind.lower() == kind.lower()]
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(str(w) for w in found)
        msg = f"{role} {namespace}/{name} names several workloads: {listed}; add the kind"
        raise UsageError(msg)
    where = source if match["namespace"] else f"namespace {namespace} of {source}"
    hint = _did_you_mean(named or _alike(workloads, namespace, name))
    msg = f"{role} {text}: no such workload in {where}{hint}"
    raise UsageError(msg)


def _alike(
    workloads: Sequence[WorkloadEndpoint], namespace: str, name: str
) -> list[WorkloadEndpoint]:
    """Workloads named alike: of that name in another namespace, of a similar name in this one."""
    found = [workload for workload in workloads if workload.name == name]
    here = [workload for workload in workloads if workload.namespace == namespace]
    close = difflib.get_close_matches(name, {w.name for w in here}, n=CLOSE_MATCHES)
    found += sorted((w for w in here if w.name in close), key=lambda w: close.index(w.name))
    return found


def _did_you_mean(workloads: Sequence[WorkloadEndpoint]) -> str:
    """`` (did you mean ns/name[Kind]?)`` for the first few, or nothing."""
    if not workloads:
        return ""
    return f" (did you mean {', '.join(str(w) for w in workloads[:CLOSE_MATCHES])}?)"


def explain_command(
    source: Source,
    from_text: str,
    to_text: str,
    paths: Sequence[str] = (),
    *,
    port: Port | None = None,
    workspace: Workspace | None = None,
    output_format: str = "text",
    settings: Settings | None = None,
) -> Report:
    """``netpoldiff explain SOURCE FROM TO``: why FROM may or may not open connections to TO.

    Read as ``matrix`` reads SOURCE (its configuration, PATHs, --keep-going); FROM and TO are
    ``ns/name``, ``ns/name[Kind]`` or an IP address.
    """
    settings = settings or Settings()
    render = format_named(EXPLAIN_FORMATS, output_format)
    workspace = workspace or settings.workspace()
    configured = configure(settings, workspace, source, paths)
    settings = configured.settings
    files = read(workspace, source, configured.paths, settings)
    loaded = convert(settings.loader(), source, files, settings)
    if configured.cli_paths:
        check_paths(paths, loaded)
    settings.progress.evaluating(files.label, loaded.objects)
    matrix = evaluate(loaded.cluster)
    namespace = settings.default_namespace
    source_endpoint, destination = (
        find_endpoint(matrix, text, role=role, source=files.label, default_namespace=namespace)
        for role, text in (("FROM", from_text), ("TO", to_text))
    )
    explanation = explain(matrix, loaded.cluster, source_endpoint, destination, port)
    found = loaded.warnings + unmatched(loaded.cluster, matrix)
    warnings, suppressed = visible_warnings(found, loaded, settings)
    report = ExplainReport(
        str(source), explanation, warnings=warnings, errors=loaded.errors, suppressed=suppressed
    )
    settings.progress.reporting()
    return Report(render(report, Style()), 0)
