"""Admin policy manifests to model objects, defaulted and validated as the API server does.

Two API versions of policy.networking.k8s.io are read: v1alpha1 (AdminNetworkPolicy,
BaselineAdminNetworkPolicy) and v1alpha2 (ClusterNetworkPolicy). Their CRDs validate with
OpenAPI bounds and CEL rules; each one netpoldiff enforces is quoted where it is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from netpoldiff.addresses import CidrError, IPSet, parse_cidr
from netpoldiff.admin_policies import (
    ADMIN_NETWORK_POLICY,
    BASELINE_ADMIN_NETWORK_POLICY,
    CLUSTER_NETWORK_POLICY,
    AdminAction,
    AdminPeer,
    AdminPolicy,
    AdminRule,
    AdminTier,
    NamespacesPeer,
    NetworksPeer,
    PodsPeer,
    Subject,
    UnresolvedPeer,
)
from netpoldiff.diagnostics import ADMIN_PEER_NOT_EVALUATED, Diagnostic
from netpoldiff.manifests.fields import Fields, describe
from netpoldiff.manifests.policies import port_name_problem, protocol, selector
from netpoldiff.model import ObjectRef
from netpoldiff.policies import PolicyPort
from netpoldiff.ports import MAX_PORT, MIN_PORT, Protocol
from netpoldiff.selectors import LabelSelector

GROUP: Final = "policy.networking.k8s.io"
V1ALPHA1: Final = f"{GROUP}/v1alpha1"
V1ALPHA2: Final = f"{GROUP}/v1alpha2"
MAX_PRIORITY: Final = 1000
MAX_NETWORKS: Final = 25


@dataclass(frozen=True, slots=True)
class _Version:
    """What one API version allows: its actions by name, its list bounds, its port shape."""

    actions: dict[str, AdminAction]
    max_rules: int
    max_peers: int
    ports_key: str
    namespace_selector_required: bool


_V1ALPHA1: Final = _Version(
    {"Allow": AdminAction.ALLOW, "Deny": AdminAction.DENY, "Pass": AdminAction.PASS},
    max_rules=100,
    max_peers=100,
    ports_key="ports",
    namespace_selector_required=True,
)
# "The `Allow` action has been renamed to `Accept`"; "Reduced MaxItems from 100 to 25".
_V1ALPHA2: Final = _Version(
    {"Accept": AdminAction.ALLOW, "Deny": AdminAction.DENY, "Pass": AdminAction.PASS},
    max_rules=25,
    max_peers=25,
    ports_key="protocols",
    namespace_selector_required=False,
)


def admin_kind(api_version: object, kind: object) -> bool:
    """Whether an object is an admin policy of a version netpoldiff evaluates."""
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return False
    if api_version == V1ALPHA1:
        return kind in {ADMIN_NETWORK_POLICY, BASELINE_ADMIN_NETWORK_POLICY}
    return api_version == V1ALPHA2 and kind == CLUSTER_NETWORK_POLICY


def admin_policy(fields: Fields, name: str, warnings: list[Diagnostic]) -> AdminPolicy:
    """An admin policy of any version; raises InputError where the API server would reject."""
    kind = str(fields.get("kind"))
    metadata = fields.mapping("metadata")
    if kind == BASELINE_ADMIN_NETWORK_POLICY and name != "default" and metadata is not None:
        # CEL on the object: "Only one baseline admin network policy with
        # metadata.name=\"default\" can be created in the cluster".
        msg = f'{name!r}: only one BaselineAdminNetworkPolicy, named "default", can exist'
        raise metadata.error("name", msg)
    spec = fields.mapping("spec")
    if spec is None:
        raise fields.error("spec", "is required")
    version = _V1ALPHA2 if kind == CLUSTER_NETWORK_POLICY else _V1ALPHA1
    tier, priority = _tier_and_priority(spec, kind)
    actions = dict(version.actions)
    if kind == BASELINE_ADMIN_NETWORK_POLICY:
        del actions["Pass"]  # BANP's action enum: "Allow", "Deny"
    reader = _Reader(version, actions, warnings)
    subject_fields = spec.mapping("subject")
    if subject_fields is None:
        raise spec.error("subject", "is required")
    return AdminPolicy(
        ref=ObjectRef(kind, None, name),
        tier=tier,
        priority=priority,
        subject=reader.subject(subject_fields),
        ingress=reader.rules(spec, "ingress", "from", egress=False),
        egress=reader.rules(spec, "egress", "to", egress=True),
        origin=fields.where(),
        subject_origin=spec.where("subject"),
    )


def _tier_and_priority(spec: Fields, kind: str) -> tuple[AdminTier, int | None]:
    if kind == BASELINE_ADMIN_NETWORK_POLICY:
        return AdminTier.BASELINE, None
    tier = AdminTier.ADMIN
    if kind == CLUSTER_NETWORK_POLICY:
        text = spec.string("tier")
        if text is None:
            raise spec.error("tier", "is required (Admin or Baseline)")
        if text not in {"Admin", "Baseline"}:
            raise spec.error("tier", f"{text!r} is not a tier (Admin or Baseline)")
        tier = AdminTier(text.lower())
    priority = spec.get("priority")
    if priority is None:
        raise spec.error("priority", "is required")
    if type(priority) is not int:
        raise spec.error("priority", f"must be a number, not {describe(priority)}")
    # "Priority is a value from 0 to 1000."
    if not 0 <= priority <= MAX_PRIORITY:
        raise spec.error("priority", f"{priority} is not between 0 and {MAX_PRIORITY}")
    return tier, priority


def _exactly_one(fields: Fields, keys: tuple[str, ...]) -> str:
    """The one key of ``keys`` set in ``fields`` ("exactly one of the fields must be set")."""
    present = [key for key in keys if fields.has(key)]
    unknown = sorted(str(key) for key in fields.data if key not in keys)
    one_of = ", ".join(keys)
    if unknown:
        raise fields.error(None, f"unknown field {unknown[0]!r}: set exactly one of {one_of}")
    if len(present) != 1:
        raise fields.error(None, f"must set exactly one of {one_of}")
    return present[0]


@dataclass(slots=True)
class _Reader:
    version: _Version
    actions: dict[str, AdminAction]
    warnings: list[Diagnostic]

    def _selector(self, fields: Fields, key: str, *, required: bool) -> LabelSelector:
        nested = fields.mapping(key)
        if nested is None:
            if required:
                raise fields.error(key, "is required")
            # "if empty, it selects all Namespaces"
            return LabelSelector()
        return selector(nested)

    def _pods(self, fields: Fields) -> PodsPeer:
        required = self.version.namespace_selector_required
        return PodsPeer(
            self._selector(fields, "namespaceSelector", required=required),
            self._selector(fields, "podSelector", required=True),
            origin=fields.where(),
        )

    def subject(self, fields: Fields) -> Subject:
        """``spec.subject``: namespaces, or pods by namespace and pod selectors."""
        # "Namespaces is used to select pods via namespace selectors"; "Pods is used to select
        # pods via namespace AND pod selectors".
        key = _exactly_one(fields, ("namespaces", "pods"))
        nested = fields.mapping(key)
        if nested is None:
            raise fields.error(key, "must be a mapping")
        if key == "namespaces":
            return NamespacesPeer(selector(nested), origin=fields.where())
        return self._pods(nested)

    def _peer(self, fields: Fields, *, egress: bool) -> AdminPeer:
        # Ingress peers are namespaces or pods; egress ones also addresses, nodes and names.
        keys: tuple[str, ...] = ("namespaces", "pods")
        if egress:
            keys = (*keys, "networks", "nodes", "domainNames")
        key = _exactly_one(fields, keys)
        if key == "networks":
            return self._networks(fields)
        if key == "domainNames":
            # Names resolve at run time: no manifest says to which addresses.
            names = fields.strings(key) or []
            self.warnings.append(ADMIN_PEER_NOT_EVALUATED.at(fields.where(key), peer=key))
            return UnresolvedPeer(key, tuple(sorted(set(names))), origin=fields.where())
        nested = fields.mapping(key)
        if nested is None:
            raise fields.error(key, "must be a mapping")
        if key == "namespaces":
            return NamespacesPeer(selector(nested), origin=fields.where())
        if key == "nodes":
            # "Nodes defines a way to select a set of nodes in the cluster": manifests
            # declare none, so it matches nothing here.
            self.warnings.append(ADMIN_PEER_NOT_EVALUATED.at(fields.where(key), peer=key))
            return UnresolvedPeer(key, (str(selector(nested)),), origin=fields.where())
        return self._pods(nested)

    def _networks(self, fields: Fields) -> NetworksPeer:
        cidrs = fields.strings("networks") or []
        # "Networks can have upto 25 CIDRs specified"; listType=set, minItems 1.
        if not cidrs:
            raise fields.error("networks", "must list at least one CIDR")
        if len(cidrs) > MAX_NETWORKS:
            raise fields.error("networks", f"has {len(cidrs)} CIDRs; at most {MAX_NETWORKS}")
        if len(set(cidrs)) != len(cidrs):
            raise fields.error("networks", "lists a CIDR twice (it is a set)")
        addresses = IPSet()
        for cidr in cidrs:
            try:
                parsed = parse_cidr(cidr)
            except CidrError as error:
                raise fields.error("networks", str(error)) from None
            addresses = addresses | parsed.addresses
        return NetworksPeer(tuple(cidrs), addresses, origin=fields.where())

    def _ports(self, rule: Fields) -> tuple[PolicyPort, ...] | None:
        key = self.version.ports_key
        if not rule.has(key):
            # "If Ports is not set then the rule does not filter traffic via port."
            return None
        items = rule.mappings(key) or []
        if not items:
            raise rule.error(key, "must list at least one port when set")
        read = _v1alpha2_port if key == "protocols" else _v1alpha1_port
        self._bound(rule, key, len(items), self.version.max_peers)
        return tuple(port for item in items for port in read(item))

    def _bound(self, fields: Fields, key: str, count: int, limit: int) -> None:
        if count > limit:
            raise fields.error(key, f"has {count} items; at most {limit}")

    def rules(
        self, spec: Fields, key: str, peers_key: str, *, egress: bool
    ) -> tuple[AdminRule, ...]:
        """``spec.ingress`` or ``spec.egress``, in the order written (the order they apply)."""
        items = spec.mappings(key) or []
        self._bound(spec, key, len(items), self.version.max_rules)
        return tuple(self._rule(item, peers_key, egress=egress) for item in items)

    def _rule(self, rule: Fields, peers_key: str, *, egress: bool) -> AdminRule:
        text = rule.string("action")
        if text is None:
            raise rule.error("action", "is required")
        action = self.actions.get(text)
        if action is None:
            allowed = ", ".join(self.actions)
            raise rule.error("action", f"{text!r} is not an action here (one of {allowed})")
        peers = rule.mappings(peers_key) or []
        # "This field must be defined and contain at least one item."
        if not peers:
            raise rule.error(peers_key, "must list at least one peer")
        self._bound(rule, peers_key, len(peers), self.version.max_peers)
        name = rule.string("name") or ""
        if len(name) > 100:  # noqa: PLR2004 - the CRD's maxLength
            raise rule.error("name", "is longer than 100 characters")
        read = tuple(self._peer(peer, egress=egress) for peer in peers)
        ports = self._ports(rule)
        # The CRD's rule: "networks/nodes/domainNames peer cannot be set with namedPorts since
        # there are no namedPorts for networks/nodes/domainNames".
        if any(isinstance(p.port, str) for p in ports or ()) and any(
            isinstance(peer, NetworksPeer | UnresolvedPeer) for peer in read
        ):
            msg = "names a port, which a networks, nodes or domainNames peer of the rule lacks"
            raise rule.error(self.version.ports_key, msg)
        return AdminRule(action, read, ports, name, origin=rule.where())


def _named(fields: Fields, key: str) -> tuple[PolicyPort, ...]:
    """A named port, once per protocol: the API's names carry none, a pod's are unique."""
    name = fields.required_string(key)
    problem = port_name_problem(name)
    if problem:
        raise fields.error(key, problem)
    return tuple(PolicyPort(p, name, origin=fields.where()) for p in Protocol)


def _number(fields: Fields, key: str) -> int:
    value = fields.get(key)
    if value is None:
        raise fields.error(key, "is required")
    if type(value) is not int:
        raise fields.error(key, f"must be a number, not {describe(value)}")
    if not MIN_PORT <= value <= MAX_PORT:
        raise fields.error(key, f"{value} is not between {MIN_PORT} and {MAX_PORT}")
    return value


def _range(fields: Fields, protocol_: Protocol, *, strict: bool) -> PolicyPort:
    start, end = _number(fields, "start"), _number(fields, "end")
    # v1alpha2's CEL: "Start port must be less than End port"; v1alpha1 says so in words only,
    # and a range that ends before it starts is refused rather than read as matching nothing.
    if end < start or (strict and end == start):
        relation = "less than" if strict else "at most"
        raise fields.error("end", f"{end}: start ({start}) must be {relation} end")
    return PolicyPort(protocol_, start, end, origin=fields.where())


def _v1alpha1_port(item: Fields) -> tuple[PolicyPort, ...]:
    key = _exactly_one(item, ("portNumber", "namedPort", "portRange"))
    if key == "namedPort":
        return _named(item, key)
    nested = item.mapping(key)
    if nested is None:
        raise item.error(key, "must be a mapping")
    # "Protocol is the network protocol (TCP, UDP, or SCTP) which traffic must match. If not
    # specified, this field defaults to TCP."
    protocol_ = protocol(nested)
    if key == "portRange":
        return (_range(nested, protocol_, strict=False),)
    return (PolicyPort(protocol_, _number(nested, "port"), origin=nested.where()),)


_PROTOCOLS: Final[dict[str, Protocol]] = {
    "tcp": Protocol.TCP,
    "udp": Protocol.UDP,
    "sctp": Protocol.SCTP,
}


def _v1alpha2_port(item: Fields) -> tuple[PolicyPort, ...]:
    key = _exactly_one(item, (*_PROTOCOLS, "destinationNamedPort"))
    if key == "destinationNamedPort":
        return _named(item, key)
    nested = item.mapping(key)
    if nested is None:
        raise item.error(key, "must be a mapping")
    port = nested.mapping("destinationPort")
    if port is None:
        # tcp/udp/sctp have minProperties 1: destinationPort is their only field.
        raise nested.error("destinationPort", "is required")
    which = _exactly_one(port, ("number", "range"))
    protocol_ = _PROTOCOLS[key]
    if which == "number":
        return (PolicyPort(protocol_, _number(port, "number"), origin=port.where()),)
    bounds = port.mapping("range")
    if bounds is None:
        raise port.error("range", "must be a mapping")
    return (_range(bounds, protocol_, strict=True),)
