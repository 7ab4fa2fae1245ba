"""Protocols, port sets and ConnectionSet: which (protocol, port) pairs a flow may use."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from netpoldiff.intervals import IntervalSet

MIN_PORT: Final = 1
MAX_PORT: Final = 65535
ALL_PORTS: Final = IntervalSet.of((MIN_PORT, MAX_PORT))
NO_PORTS: Final = IntervalSet()


class Protocol(StrEnum):
    """The protocols a NetworkPolicy can name, in report order."""

    TCP = "TCP"
    UDP = "UDP"
    SCTP = "SCTP"


PROTOCOLS: Final = tuple(Protocol)
_INDEX: Final = {protocol: index for index, protocol in enumerate(PROTOCOLS)}


@dataclass(frozen=True, slots=True)
class ConnectionSet:
    """A set of (protocol, port) pairs, one canonical PortSet per protocol.

    There is exactly one way to say "everything" (every port of every protocol): compare with
    ``ALL_CONNECTIONS`` or call ``is_all()``; nothing stores it separately.
    """

    by_protocol: tuple[IntervalSet, IntervalSet, IntervalSet] = (NO_PORTS, NO_PORTS, NO_PORTS)
    # Connection sets key every column of a matrix: hashing them once, not per lookup, is
    # a large share of evaluation time at 100,000 workloads.
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(self.by_protocol))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def of(cls, protocol: Protocol, ports: IntervalSet = ALL_PORTS) -> ConnectionSet:
        """The given ports (default: all) of one protocol."""
        slots = [NO_PORTS, NO_PORTS, NO_PORTS]
        slots[_INDEX[protocol]] = ports & ALL_PORTS
        return cls((slots[0], slots[1], slots[2]))

    def ports(self, protocol: Protocol) -> IntervalSet:
        """The ports of one protocol."""
        return self.by_protocol[_INDEX[protocol]]

    def items(self) -> Iterator[tuple[Protocol, IntervalSet]]:
        """(protocol, ports) for each protocol with at least one port, in protocol order."""
        for protocol, ports in zip(PROTOCOLS, self.by_protocol, strict=True):
            if ports:
                yield protocol, ports

    def is_empty(self) -> bool:
        """Whether no (protocol, port) pair is in the set."""
        return not any(self.by_protocol)

    def __bool__(self) -> bool:
        return any(self.by_protocol)

    def is_all(self) -> bool:
        """Whether every port of every protocol is in the set."""
        return self == ALL_CONNECTIONS

    def __or__(self, other: ConnectionSet) -> ConnectionSet:
        if self is other:
            return self
        a, b = self.by_protocol, other.by_protocol
        return ConnectionSet((a[0] | b[0], a[1] | b[1], a[2] | b[2]))

    def __and__(self, other: ConnectionSet) -> ConnectionSet:
        if self is other:
            return self
        a, b = self.by_protocol, other.by_protocol
        return ConnectionSet((a[0] & b[0], a[1] & b[1], a[2] & b[2]))

    def __sub__(self, other: ConnectionSet) -> ConnectionSet:
        a, b = self.by_protocol, other.by_protocol
        return ConnectionSet((a[0] - b[0], a[1] - b[1], a[2] - b[2]))

    def issubset(self, other: ConnectionSet) -> bool:
        """Whether every pair of this set is in ``other``."""
        return (self - other).is_empty()

    def __str__(self) -> str:
        """The shorter of the direct and the complement form, e.g. ``all but TCP/9555``.

        The direct form lists what is in the set: ``all``, ``none``, ``TCP/80,443`` or
        ``TCP/all UDP/53``. The complement form says what is not: ``all but `` and the direct
        form of ``ALL_CONNECTIONS - self``. Shorter means fewer characters; a tie reads
        directly. JSON never uses this text: its contract shape is in ``report/json_report``.
        """
        direct = self.direct_text()
        if self.is_empty():
            return direct
        complement = f"all but {(ALL_CONNECTIONS - self).direct_text()}"
        return complement if len(complement) < len(direct) else direct

    def direct_text(self) -> str:
        """What is in the set, protocol by protocol: ``all``, ``none``, ``TCP/all UDP/53``."""
        if self.is_all():
            return "all"
        if self.is_empty():
            return "none"
        parts = []
        for protocol, ports in self.items():
            parts.append(f"{protocol}/{'all' if ports == ALL_PORTS else ports}")
        return " ".join(parts)


ALL_CONNECTIONS: Final = ConnectionSet((ALL_PORTS, ALL_PORTS, ALL_PORTS))
NO_CONNECTIONS: Final = ConnectionSet()
