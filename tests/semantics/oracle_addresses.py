"""Addresses for the naive oracle, read from CIDR text with the standard library only."""

from __future__ import annotations

import ipaddress

from netpoldiff.addresses import IPSet
from netpoldiff.intervals import IntervalSet
from netpoldiff.model import ExternalEndpoint


class PartitionError(AssertionError):
    """An external endpoint that an ipBlock only partly covers: the atoms are not exact."""


def cidr_addresses(cidr: str) -> IPSet:
    """The addresses of a CIDR, host bits ignored, via the ``ipaddress`` module."""
    network = ipaddress.ip_network(cidr, strict=False)
    block = IntervalSet.of((int(network.network_address), int(network.broadcast_address)))
    return IPSet(v4=block) if network.version == 4 else IPSet(v6=block)


def inside(endpoint: ExternalEndpoint, block: IPSet, what: str) -> bool:
    """Whether every address of ``endpoint`` is in ``block`` (``what`` names the block).

    Raises PartitionError when only some are: external atoms must never be cut by a block.
    """
    if endpoint.addresses.issubset(block):
        return True
    if endpoint.addresses & block:
        msg = f"external {endpoint} is only partly inside {what}"
        raise PartitionError(msg)
    return False
