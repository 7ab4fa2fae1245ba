"""A file's conversion moved to another path: the same content, found somewhere else.

Two sources often hold the same file (``old/x`` and ``new/x`` of two directories, a file that
moved between revisions): it is converted once, and its objects, warnings and errors are then
moved to each path it is read at, down to the lines of rules, peers and ports, with the
warnings its objects' annotations hide.
"""

from __future__ import annotations

from dataclasses import replace

from netpoldiff.errors import InputError, Location
from netpoldiff.manifests.converted import (
    Converted,
    ConvertedDocument,
    FileResult,
    HostNetworkWorkload,
)
from netpoldiff.policies import NetworkPolicy, Rule


def _moved(location: Location | None, path: str) -> Location | None:
    return None if location is None else replace(location, path=path)


def relocated_error(error: InputError, path: str) -> InputError:
    """An error about a file, as it reads at ``path``."""
    return type(error)(replace(error.location, path=path), error.message)


def _relocated_object(found: Converted, path: str) -> Converted:
    if isinstance(found, HostNetworkWorkload):
        return replace(found, origin=replace(found.origin, path=path))
    if isinstance(found, NetworkPolicy):
        return _relocated_policy(found, path)
    return replace(found, origin=_moved(found.origin, path))


def _relocated_policy(policy: NetworkPolicy, path: str) -> NetworkPolicy:
    """A policy whose rules, peers and ports, not only itself, are found at ``path``."""

    def rules(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        return tuple(
            replace(
                rule,
                peers=None
                if rule.peers is None
                else tuple(replace(p, origin=_moved(p.origin, path)) for p in rule.peers),
                ports=tuple(replace(p, origin=_moved(p.origin, path)) for p in rule.ports),
                origin=_moved(rule.origin, path),
            )
            for rule in rules
        )

    return replace(
        policy,
        ingress=rules(policy.ingress),
        egress=rules(policy.egress),
        origin=_moved(policy.origin, path),
        selector_origin=_moved(policy.selector_origin, path),
    )


def relocated(result: FileResult, path: str) -> FileResult:
    """A file's conversion as it reads at ``path``: every location names that file."""
    if isinstance(result, InputError):
        return relocated_error(result, path)
    return [
        relocated_error(item, path)
        if isinstance(item, InputError)
        else ConvertedDocument(
            tuple(_relocated_object(found, path) for found in item.objects),
            tuple(replace(w, location=_moved(w.location, path)) for w in item.warnings),
            tuple(replace(a, where=replace(a.where, path=path)) for a in item.ignored),
        )
        for item in result
    ]
