"""What changed inside a modified policy, in the words of its manifest, matched by meaning.

Rules, peers and ports are matched by what they say, not where they are written: a policy's
rules, a rule's peers and its ports are each ORed ("traffic is allowed if it matches at least
one rule", "a list of sources ... items in this list are combined using a logical OR"), so
their order and repetition never change what it allows. An inserted rule reads as one added
rule, a reordered list as nothing, and a changed peer or port inside an otherwise-same rule as
that one change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeVar

from netpoldiff.model import NAMESPACE_NAME_LABEL
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, Peer, PolicyPort, Rule
from netpoldiff.ports import PROTOCOLS
from netpoldiff.selectors import LabelSelector

REORDERED: Final = "same rules, reordered"
REPEATED: Final = "same rules, repeated entries added or removed"
NAMED_IN_A_RULE: Final = 3  # peers or ports that name an edited rule before "and N more"
ANYWHERE: Final = "anywhere"  # a rule without peers: "matches all sources" (or destinations)
ALL_PORTS: Final = "all ports"  # a rule without ports: "matches all ports"

_Member = TypeVar("_Member", bound=Hashable)


def namespaces_text(selector: LabelSelector) -> str:
    """``any namespace``, ``namespace shop`` (its name label only), ``namespaces team=a``."""
    if selector.is_empty():
        return "any namespace"
    if not selector.expressions and len(selector.match_labels) == 1:
        key, value = selector.match_labels[0]
        if key == NAMESPACE_NAME_LABEL:
            return f"namespace {value}"
    return f"namespaces {selector}"


def peer_text(peer: Peer) -> str:
    """One peer: ``app=web``, ``app=web in namespaces team=a``, ``10.0.0.0/8 except 10.1.0.0/16``.

    Selectors read in kubectl's syntax, as ``LabelSelector`` writes them.
    """
    if isinstance(peer, IPBlockPeer):
        return f"{peer.cidr} except {','.join(peer.excepts)}" if peer.excepts else peer.cidr
    pods = peer.pod_selector
    pods_text = "any pod" if pods is None or pods.is_empty() else str(pods)
    if peer.namespace_selector is None:
        # "If namespaceSelector is not specified, ... pods in the policy's own namespace."
        return pods_text
    where = namespaces_text(peer.namespace_selector)
    # "If podSelector is not specified, ... all pods in the namespaces selected."
    return where if pods is None else f"{pods_text} in {where}"


def port_text(port: PolicyPort) -> str:
    """One port entry: ``TCP/443``, ``TCP/8000-8080``, ``TCP/http``, ``UDP/all``."""
    if port.port is None:
        return f"{port.protocol}/all"
    if port.end_port is not None:
        return f"{port.protocol}/{port.port}-{port.end_port}"
    return f"{port.protocol}/{port.port}"


def _port_order(port: PolicyPort) -> tuple[int, int, str]:
    """A whole protocol first, then numbers, then names."""
    if port.port is None:
        return (0, 0, "")
    if isinstance(port.port, int):
        return (1, port.port, "")
    return (2, 0, port.port)


def ports_text(ports: Iterable[PolicyPort]) -> str:
    """A rule's ports as a connection set reads: ``TCP/80,443,http UDP/53``; ``all ports``."""
    listed = list(ports)
    parts = []
    for protocol in PROTOCOLS:
        # In order, not as written: the entries' order in the manifest means nothing.
        entries = sorted((p for p in listed if p.protocol == protocol), key=_port_order)
        if entries:
            parts.append(f"{protocol}/" + ",".join(port_text(p).partition("/")[2] for p in entries))
    return " ".join(parts) if parts else ALL_PORTS


def _distinct(members: Iterable[_Member]) -> list[_Member]:
    """Each member once, in the order first written."""
    return list(dict.fromkeys(members))


def _listed(
    members: Sequence[_Member] | None,
    text: Callable[[_Member], str],
    everything: str,
    shown: int | None = None,
) -> str:
    """Members joined by ``or`` (a rule ORs them); ``everything`` for none."""
    if not members:
        return everything
    texts = [text(m) for m in members]
    if shown is not None and len(texts) > shown:
        return " or ".join(texts[:shown]) + f" and {len(texts) - shown} more"
    return " or ".join(texts)


@dataclass(frozen=True, slots=True)
class _RuleMeaning:
    """What a rule says: its peers and ports as sets, equal when the rule means the same.

    ``peer_set`` None: every peer; ``port_set`` empty: every port. ``peers`` and ``ports``
    keep the manifest's order (without repeats) to be read.
    """

    peer_set: frozenset[Peer] | None
    port_set: frozenset[PolicyPort]
    peers: tuple[Peer, ...] | None = field(compare=False)
    ports: tuple[PolicyPort, ...] = field(compare=False)

    @classmethod
    def of(cls, rule: Rule) -> _RuleMeaning:
        peers = None if rule.peers is None else tuple(_distinct(rule.peers))
        ports = tuple(_distinct(rule.ports))
        return cls(None if peers is None else frozenset(peers), frozenset(ports), peers, ports)

    def shares_peers_and_ports(self, other: _RuleMeaning) -> bool:
        """Whether both rules keep some peer and some port ("every one" shares with itself)."""
        if self.peer_set is None or other.peer_set is None:
            peers = self.peer_set == other.peer_set
        else:
            peers = bool(self.peer_set & other.peer_set)
        return peers and (self.port_set == other.port_set or bool(self.port_set & other.port_set))

    def text(self, word: str) -> str:
        """``from app=web on TCP/80``."""
        return f"{word} {_listed(self.peers, peer_text, ANYWHERE)} on {ports_text(self.ports)}"


def _partner(member: Hashable) -> Hashable:
    """What a removed and an added member share when one replaces the other.

    An ipBlock keeps its cidr when only its excepts change; a port its protocol and number
    when only its range end changes. Nothing else is paired unless it is alone.
    """
    if isinstance(member, IPBlockPeer):
        return ("ipBlock", member.cidr)
    if isinstance(member, PolicyPort) and member.port is not None:
        return ("port", member.protocol, member.port)
    return None


def _member_edits(
    noun: str,
    before: Sequence[_Member] | None,
    after: Sequence[_Member] | None,
    text: Callable[[_Member], str],
    everything: str,
) -> list[str]:
    """A rule's peers or ports, compared as sets; None or empty means every one."""
    if not before or not after:
        if bool(before) == bool(after):
            return []
        return [f"{noun} {_listed(before, text, everything)} -> {_listed(after, text, everything)}"]
    gone = [m for m in before if m not in after]
    new = [m for m in after if m not in before]
    if len(gone) == 1 and len(new) == 1:
        return [f"{noun} {text(gone[0])} -> {text(new[0])}"]
    edits: list[str] = []
    for old in list(gone):
        key = _partner(old)
        match = next((m for m in new if key is not None and _partner(m) == key), None)
        if match is not None:
            edits.append(f"{noun} {text(old)} -> {text(match)}")
            gone.remove(old)
            new.remove(match)
    edits.extend(f"{noun} {text(m)} added" for m in new)
    edits.extend(f"{noun} {text(m)} removed" for m in gone)
    return edits


_LIKENESS: Final[tuple[Callable[[_RuleMeaning, _RuleMeaning], bool], ...]] = (
    lambda old, new: old.peer_set == new.peer_set,
    lambda old, new: old.port_set == new.port_set,
    _RuleMeaning.shares_peers_and_ports,
)


def _pairs(old: Sequence[_RuleMeaning], new: Sequence[_RuleMeaning]) -> list[tuple[int, int]]:
    """Which removed rule became which added one: same peers, else same ports, else both shared.

    Greedy in that order of likeness, then in manifest order, so the answer is deterministic.
    """
    taken_old: set[int] = set()
    pairs: dict[int, int] = {}
    for alike in _LIKENESS:
        for j, after in enumerate(new):
            if j in pairs:
                continue
            for i, before in enumerate(old):
                if i not in taken_old and alike(before, after):
                    pairs[j] = i
                    taken_old.add(i)
                    break
    return [(pairs[j], j) for j in sorted(pairs)]


def _rule_name(direction: str, word: str, before: _RuleMeaning, after: _RuleMeaning) -> str:
    """A changed rule named by what it kept: its peers, its ports, or else all it said."""
    if before.peer_set == after.peer_set:
        peers = _listed(after.peers, peer_text, ANYWHERE, NAMED_IN_A_RULE)
        return f"{direction} rule {word} {peers}"
    if before.port_set == after.port_set:
        return f"{direction} rule on {ports_text(after.ports)}"
    peers = _listed(before.peers, peer_text, ANYWHERE, NAMED_IN_A_RULE)
    return f"{direction} rule {word} {peers} on {ports_text(before.ports)}"


def _rule_edits(
    direction: str, word: str, before: Sequence[Rule], after: Sequence[Rule]
) -> list[str]:
    """The rules of one direction, matched by meaning: changed, then added, then removed."""
    old = _distinct(_RuleMeaning.of(r) for r in before)
    new = _distinct(_RuleMeaning.of(r) for r in after)
    kept_old, kept_new = set(old), set(new)
    removed = [r for r in old if r not in kept_new]
    added = [r for r in new if r not in kept_old]
    pairs = _pairs(removed, added)
    edits: list[str] = []
    for i, j in pairs:
        was, now = removed[i], added[j]
        name = _rule_name(direction, word, was, now)
        changed = [
            *_member_edits(word, was.peers, now.peers, peer_text, ANYWHERE),
            *_member_edits("port", was.ports, now.ports, port_text, "all"),
        ]
        edits.extend(f"{name}: {edit}" for edit in changed)
    paired_old, paired_new = {i for i, _ in pairs}, {j for _, j in pairs}
    edits.extend(
        f"{direction} rule added: {r.text(word)}"
        for j, r in enumerate(added)
        if j not in paired_new
    )
    edits.extend(
        f"{direction} rule removed: {r.text(word)}"
        for i, r in enumerate(removed)
        if i not in paired_old
    )
    return edits


_Written = tuple[frozenset[tuple[Peer, int]] | None, frozenset[tuple[PolicyPort, int]]]


def _written(rules: Sequence[Rule]) -> Counter[_Written]:
    """Rules with every repetition counted, their order aside."""
    return Counter(
        (
            None if rule.peers is None else frozenset(Counter(rule.peers).items()),
            frozenset(Counter(rule.ports).items()),
        )
        for rule in rules
    )


def describe_policy_edits(before: NetworkPolicy, after: NetworkPolicy) -> list[str]:
    """Edits from one version of a policy to the next, in manifest terms, matched by meaning.

    A policy whose manifest changed but not what it says gets one line saying so: its rules,
    peers or ports were reordered, or an entry was repeated or a repeat removed.
    """
    edits: list[str] = []
    if before.pod_selector != after.pod_selector:
        edits.append(f"podSelector: {before.pod_selector} -> {after.pod_selector}")
    for name, was, now in (
        ("Ingress", before.affects_ingress, after.affects_ingress),
        ("Egress", before.affects_egress, after.affects_egress),
    ):
        if was != now:
            edits.append(f"policyTypes: {name} {'added' if now else 'removed'}")
    edits.extend(_rule_edits("ingress", "from", before.ingress, after.ingress))
    edits.extend(_rule_edits("egress", "to", before.egress, after.egress))
    if edits or before == after:
        return edits
    same_count = all(
        _written(was) == _written(now)
        for was, now in ((before.ingress, after.ingress), (before.egress, after.egress))
    )
    return [REORDERED if same_count else REPEATED]
