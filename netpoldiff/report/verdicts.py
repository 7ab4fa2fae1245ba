"""How an explanation reads: the verdict on the pair, each direction, each deciding rule."""

from __future__ import annotations

from typing import Final, Literal

from netpoldiff.explain import Decision, DirectionVerdict, Explanation, Port, port_connections
from netpoldiff.model import Endpoint, ExternalEndpoint
from netpoldiff.ports import ConnectionSet
from netpoldiff.report.labels import endpoint_label

Direction = Literal["egress", "ingress"]

# Under a diff's changed flows: how to ask why one of them is as it is.
EXPLAIN_HINT: Final = "Why one flow?"
EXPLAIN_COMMAND: Final = "netpoldiff explain NEW SRC DST"
OUTSIDE_NOTE: Final = "outside the cluster, where no NetworkPolicy applies"
_EXEMPT: Final = {
    "outside": "not evaluated: both ends are outside the cluster, where no NetworkPolicy applies",
    "loopback": (
        "not evaluated: a bare Pod's traffic to itself is loopback, which NetworkPolicies do "
        "not govern"
    ),
}


def port_text(port: Port) -> str:
    """``TCP/8080``."""
    protocol, number = port
    return f"{protocol}/{number}"


def connections_text(connections: ConnectionSet) -> str:
    """``TCP/8080``, ``all but TCP/22``; ``every port`` for all, ``nothing`` for none."""
    if connections.is_all():
        return "every port"
    return "nothing" if connections.is_empty() else str(connections)


def _blame(explanation: Explanation) -> str:
    """Which direction keeps the connections asked about from passing."""
    wanted = port_connections(explanation.port)
    blocking = [
        direction
        for direction, verdict in (("egress", explanation.egress), ("ingress", explanation.ingress))
        if not verdict.allowed & wanted
    ]
    if not blocking:
        return ": egress and ingress allow nothing in common"
    return " by " + " and ".join(blocking)


def verdict_text(explanation: Explanation) -> str:
    """``allowed on TCP/8080``, ``denied by ingress``, ``denied on TCP/9 by egress (...)``."""
    if explanation.exempt is not None:
        return _EXEMPT[explanation.exempt]
    allowed = explanation.allowed
    port = explanation.port
    if allowed:
        return f"allowed on {port_text(port) if port else connections_text(allowed)}"
    text = f"denied on {port_text(port)}" if port else "denied"
    text += _blame(explanation)
    if explanation.connections:
        text += f" (allowed on {connections_text(explanation.connections)})"
    return text


def direction_text(direction: Direction, endpoint: Endpoint, verdict: DirectionVerdict) -> str:
    """``Ingress of shop/api[Deployment]: isolated by 2 policies; allows TCP/8080``."""
    title = f"{direction.capitalize()} of {endpoint_label(endpoint)}"
    if isinstance(endpoint, ExternalEndpoint):
        return f"{title}: not isolated ({OUTSIDE_NOTE})"
    if not verdict.isolated:
        return f"{title}: not isolated (no NetworkPolicy selects it for {direction})"
    count = len({decision.policy for decision in verdict.decided_by})
    policies = "1 policy" if count == 1 else f"{count} policies"
    return f"{title}: isolated by {policies}; allows {connections_text(verdict.allowed)}"


def decision_row(direction: Direction, decision: Decision) -> list[str]:
    """The policy (and rule), what it does about the other end, and where it is written."""
    origin = decision.origin
    where = ""
    if origin is not None:
        where = origin.path if origin.line is None else f"{origin.path}:{origin.line}"
    policy = str(decision.policy)
    if decision.rule is None:
        peer = "source" if direction == "ingress" else "destination"
        return [policy, f"isolates: no {direction} rule matches the {peer}", where]
    rule = f"{policy} {direction}[{decision.rule}]"
    if not decision.connections:
        # A rule's numeric ports always allow something: only names can come to nothing.
        return [rule, "allows nothing: its named ports are not declared by the destination", where]
    return [rule, f"allows {connections_text(decision.connections)}", where]
