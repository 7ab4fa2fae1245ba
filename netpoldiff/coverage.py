"""Whether one selector, peer, rule or set of grants covers another: what redundancy asks.

The answers about selectors, peers and rules hold in every cluster: a rule said to cover
another covers it whatever pods and namespaces exist. They are sound, not complete: "covers"
is never said wrongly, but selectors that agree for reasons not reasoned about here (two
labels that always go together) are not recognised. Grants (peers as a mask, connections)
are answered exactly, over the endpoints of one matrix.
"""

from __future__ import annotations

from collections.abc import Iterable

from netpoldiff.addresses import IPSet
from netpoldiff.compiled import CompiledPorts
from netpoldiff.model import NAMESPACE_NAME_LABEL
from netpoldiff.policies import IPBlockPeer, PodPeer, Rule
from netpoldiff.ports import ALL_PORTS, NO_CONNECTIONS, ConnectionSet
from netpoldiff.selectors import LabelSelector, Operator, Requirement

Grant = tuple[int, ConnectionSet]
"""Some peers (a mask) on some connections."""


def _requirements(selector: LabelSelector) -> list[Requirement]:
    """A selector as requirements only: ``matchLabels`` k: v is ``k In (v)``."""
    pairs = [Requirement(key, Operator.IN, (value,)) for key, value in selector.match_labels]
    return [*pairs, *selector.expressions]


def _implies(known: Requirement, wanted: Requirement) -> bool:
    """Whether every label set meeting ``known`` meets ``wanted`` (on the same key)."""
    have, want = set(known.values), set(wanted.values)
    match wanted.operator:
        case Operator.EXISTS:
            return known.operator in {Operator.IN, Operator.EXISTS}
        case Operator.IN:
            return known.operator is Operator.IN and have <= want
        case Operator.NOT_IN:
            return (
                (known.operator is Operator.IN and not have & want)
                or (known.operator is Operator.NOT_IN and have >= want)
                or known.operator is Operator.DOES_NOT_EXIST
            )
        case Operator.DOES_NOT_EXIST:
            return known.operator is Operator.DOES_NOT_EXIST


def implies(narrow: LabelSelector, wide: LabelSelector) -> bool:
    """Whether every label set ``narrow`` selects, ``wide`` selects too."""
    if not wide.expressions and not narrow.expressions:
        # Label pairs only, the usual case: wide's must all be narrow's.
        return set(wide.match_labels) <= set(narrow.match_labels)
    known = _requirements(narrow)
    return all(
        any(k.key == wanted.key and _implies(k, wanted) for k in known)
        for wanted in _requirements(wide)
    )


def _namespaces(peer: PodPeer, namespace: str) -> LabelSelector:
    # A missing namespaceSelector means the policy's own namespace, which every namespace's
    # automatic name label tells apart.
    if peer.namespace_selector is None:
        return LabelSelector.build({NAMESPACE_NAME_LABEL: namespace})
    return peer.namespace_selector


def peer_covers(wide: PodPeer, narrow: PodPeer, namespace: str) -> bool:
    """Whether every pod ``narrow`` matches, ``wide`` matches (peers of one namespace's policy)."""
    # A missing podSelector means every pod of the selected namespaces: the empty selector.
    return implies(_namespaces(narrow, namespace), _namespaces(wide, namespace)) and implies(
        narrow.pod_selector or LabelSelector(), wide.pod_selector or LabelSelector()
    )


def ports_cover(wide: CompiledPorts, narrow: CompiledPorts) -> bool:
    """Whether every port ``narrow`` names, ``wide`` names too, toward any destination."""
    if not narrow.numeric.issubset(wide.numeric):
        return False
    # A named port resolves per destination: only the same name, or every port of its
    # protocol, surely covers it.
    return all(
        named in wide.named or wide.numeric.ports(named[1]) == ALL_PORTS for named in narrow.named
    )


def peers_cover(
    wide: tuple[IPBlockPeer | PodPeer, ...] | None,
    narrow: tuple[IPBlockPeer | PodPeer, ...] | None,
    namespace: str,
) -> bool:
    """Whether the peers ``wide`` lists match every peer ``narrow`` lists (None: all)."""
    if wide is None:
        return True
    if narrow is None:
        return False
    addresses = IPSet()
    for peer in wide:
        if isinstance(peer, IPBlockPeer):
            addresses = addresses | peer.addresses
    for peer in narrow:
        if isinstance(peer, IPBlockPeer):
            if not peer.addresses.issubset(addresses):
                return False
        elif not any(
            isinstance(other, PodPeer) and peer_covers(other, peer, namespace) for other in wide
        ):
            return False
    return True


def rule_covers(
    wide: tuple[Rule, CompiledPorts], narrow: tuple[Rule, CompiledPorts], namespace: str
) -> bool:
    """Whether rule ``wide`` allows every peer and port ``narrow`` allows (one policy's).

    Each rule comes with its compiled ports.
    """
    (wide_rule, wide_ports), (narrow_rule, narrow_ports) = wide, narrow
    return ports_cover(wide_ports, narrow_ports) and peers_cover(
        wide_rule.peers, narrow_rule.peers, namespace
    )


def grants_cover(grants: Iterable[Grant], peers: int, connections: ConnectionSet) -> bool:
    """Whether ``grants`` together give each of ``peers`` at least ``connections``."""
    if not peers or not connections:
        return True
    # The peers not yet given everything, by what they have been given so far.
    open_cells: dict[ConnectionSet, int] = {NO_CONNECTIONS: peers}
    for mask, given in grants:
        useful = given & connections
        if not useful or not mask & peers:
            continue
        cells: dict[ConnectionSet, int] = {}
        for held, cell in open_cells.items():
            inside, outside = cell & mask, cell & ~mask
            if outside:
                cells[held] = cells.get(held, 0) | outside
            if inside:
                now = held | useful
                if not connections.issubset(now):
                    cells[now] = cells.get(now, 0) | inside
        open_cells = cells
        if not open_cells:
            return True
    return False
