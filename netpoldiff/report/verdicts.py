"""How an explanation reads: the verdict on the pair, each direction, each deciding rule."""

from __future__ import annotations

from typing import Final, Literal

from netpoldiff.explain import (
    NETWORK_POLICY_TIER,
    Decision,
    DirectionVerdict,
    Explanation,
    Port,
    Tier,
    port_connections,
)
from netpoldiff.model import Endpoint, ExternalEndpoint
from netpoldiff.ports import NO_CONNECTIONS, ConnectionSet
from netpoldiff.report.labels import endpoint_label

Direction = Literal["egress", "ingress"]

# Under a diff's changed flows: how to ask why one of them is as it is.
EXPLAIN_HINT: Final = "Why one flow?"
EXPLAIN_COMMAND: Final = "netpoldiff explain NEW SRC DST"
OUTSIDE_NOTE: Final = "outside the cluster, where no NetworkPolicy applies"
# The tiers as a reviewer knows them, in the order they are asked.
TIER_WORDS: Final[dict[Tier, str]] = {
    "admin": "admin tier",
    "networkpolicy": "NetworkPolicy",
    "baseline": "baseline tier",
}
_ACTION_WORDS: Final = {"allow": "allows", "deny": "denies", "pass": "passes"}
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


def _tiers(verdict: DirectionVerdict) -> list[Tier]:
    """The tiers that decided part of a direction, in the order they are asked."""
    return list(dict.fromkeys(decision.tier for decision in verdict.decided_by))


def is_tiered(verdict: DirectionVerdict) -> bool:
    """Whether an admin or baseline rule took part: then every row names its tier."""
    return any(tier != NETWORK_POLICY_TIER for tier in _tiers(verdict))


def direction_text(direction: Direction, endpoint: Endpoint, verdict: DirectionVerdict) -> str:
    """``Ingress of shop/api[Deployment]: isolated by 2 policies; allows TCP/8080``.

    Where admin policies took part: ``decided by 2 policies (admin tier, NetworkPolicy)``.
    """
    title = f"{direction.capitalize()} of {endpoint_label(endpoint)}"
    if isinstance(endpoint, ExternalEndpoint):
        return f"{title}: not isolated ({OUTSIDE_NOTE})"
    if not verdict.isolated:
        if verdict.decided_by:  # the rules that match only pass it on
            return (
                f"{title}: not isolated (the admin rules that match pass it on, and no "
                f"NetworkPolicy selects it for {direction})"
            )
        return f"{title}: not isolated (no NetworkPolicy selects it for {direction})"
    count = len({decision.policy for decision in verdict.decided_by})
    policies = "1 policy" if count == 1 else f"{count} policies"
    allows = connections_text(verdict.allowed)
    if not is_tiered(verdict):
        return f"{title}: isolated by {policies}; allows {allows}"
    tiers = ", ".join(TIER_WORDS[tier] for tier in _tiers(verdict))
    return f"{title}: decided by {policies} ({tiers}); allows {allows}"


def _where(decision: Decision) -> str:
    origin = decision.origin
    if origin is None:
        return ""
    return origin.path if origin.line is None else f"{origin.path}:{origin.line}"


def decision_row(direction: Direction, decision: Decision, *, tiered: bool = False) -> list[str]:
    """The policy (and rule), what it does about the other end, and where it is written.

    ``tiered``: admin policies took part in this direction, so a NetworkPolicy's row names
    its kind, and a rule that allows nothing allows none of what reached NetworkPolicies.
    """
    where = _where(decision)
    if decision.tier != NETWORK_POLICY_TIER:
        return _admin_row(direction, decision, where)
    policy = f"NetworkPolicy {decision.policy}" if tiered else str(decision.policy)
    if decision.rule is None:
        peer = "source" if direction == "ingress" else "destination"
        return [policy, f"isolates: no {direction} rule matches the {peer}", where]
    rule = f"{policy} {direction}[{decision.rule}]"
    if not decision.connections:
        if tiered:  # its ports were decided above, or are names the destination lacks
            return [rule, "allows none of what reaches NetworkPolicies", where]
        # A rule's numeric ports always allow something: only names can come to nothing.
        return [rule, "allows nothing: its named ports are not declared by the destination", where]
    return [rule, f"allows {connections_text(decision.connections)}", where]


def _admin_row(direction: Direction, decision: Decision, where: str) -> list[str]:
    """``admin tier: AdminNetworkPolicy deny-b ingress[2] 'deny-all'``, ``denies every port``."""
    ref = decision.policy
    name = f" {decision.rule_name!r}" if decision.rule_name else ""
    rule = f"{TIER_WORDS[decision.tier]}: {ref.kind} {ref} {direction}[{decision.rule}]{name}"
    what = f"{_ACTION_WORDS[decision.action]} {connections_text(decision.connections)}"
    if decision.action == "pass":
        what += " on to the next tier"
    return [rule, what, where]


def decision_rows(direction: Direction, verdict: DirectionVerdict) -> list[list[str]]:
    """A direction's rows in the order they decide; where admin policies took part, the rest.

    What no tier decided is allowed by default: said in a last row, as no policy's.
    """
    tiered = is_tiered(verdict)
    rows = [decision_row(direction, d, tiered=tiered) for d in verdict.decided_by]
    if tiered:
        decided = NO_CONNECTIONS
        for decision in verdict.decided_by:
            if decision.action == "allow":
                decided = decided | decision.connections
        rest = verdict.allowed - decided
        if rest:
            why = "no NetworkPolicy selects it and no baseline rule decides it"
            rows.append(["default allow", f"allows {connections_text(rest)}: {why}", ""])
    return rows
