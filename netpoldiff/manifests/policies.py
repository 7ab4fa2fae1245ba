"""NetworkPolicy manifests to model objects, defaulted and validated as the API server does."""

from __future__ import annotations

import re
from typing import Final

from netpoldiff.addresses import CidrError, parse_cidr
from netpoldiff.diagnostics import HOST_BITS, IGNORED_RULES, Diagnostic
from netpoldiff.manifests.fields import (
    Fields,
    describe,
    label_key_problem,
    label_value_problem,
)
from netpoldiff.manifests.rule_keys import peer_hint, refuse_rule_keys
from netpoldiff.model import ObjectRef
from netpoldiff.policies import IPBlockPeer, NetworkPolicy, Peer, PodPeer, PolicyPort, Rule
from netpoldiff.ports import MAX_PORT, MIN_PORT, Protocol
from netpoldiff.selectors import LabelSelector, Operator, Requirement

# IANA_SVC_NAME, as validation.IsValidPortName checks it: at most 15 lowercase letters, digits
# and single dashes, with at least one letter, neither starting nor ending with a dash.
_PORT_NAME: Final = re.compile(r"(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*")
_PORT_NAME_LIMIT: Final = 15


def port_name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid named port (IANA_SVC_NAME), or None."""
    if name.isdigit():
        return f"port {name!r} is a quoted number; write it unquoted"
    if len(name) > _PORT_NAME_LIMIT or not _PORT_NAME.fullmatch(name) or name.endswith("-"):
        return (
            f"port name {name!r} is not valid: at most 15 lowercase letters, digits and "
            "single '-', with at least one letter, not starting or ending with '-'"
        )
    return None


def selector(fields: Fields) -> LabelSelector:
    """A LabelSelector from its manifest form."""
    match_labels = fields.labels("matchLabels")
    requirements = []
    for expression in fields.mappings("matchExpressions") or ():
        key = expression.required_string("key")
        key_problem = label_key_problem(key)
        if key_problem:
            raise expression.error("key", key_problem)
        operator_text = expression.required_string("operator")
        try:
            operator = Operator(operator_text)
        except ValueError:
            allowed = ", ".join(op.value for op in Operator)
            msg = f"{operator_text!r} is not a valid operator (one of {allowed})"
            raise expression.error("operator", msg) from None
        values = expression.strings("values") or []
        if operator in {Operator.IN, Operator.NOT_IN} and not values:
            raise expression.error("values", f"must be non-empty when operator is {operator}")
        if operator in {Operator.EXISTS, Operator.DOES_NOT_EXIST} and values:
            raise expression.error("values", f"must be empty when operator is {operator}")
        for value in values:
            problem = label_value_problem(value)
            if problem:
                raise expression.error("values", problem)
        requirements.append(Requirement(key, operator, tuple(sorted(set(values)))))
    return LabelSelector.build(match_labels, tuple(requirements))


def _optional_selector(fields: Fields, key: str, peers_key: str) -> LabelSelector | None:
    nested = fields.mapping(key)
    if nested is None:
        return None
    refuse_rule_keys(nested, "a label selector", peers_key)
    return selector(nested)


def _ip_block(fields: Fields, warnings: list[Diagnostic]) -> IPBlockPeer:
    cidr = fields.required_string("cidr")
    try:
        parsed = parse_cidr(cidr)
    except CidrError as error:
        raise fields.error("cidr", str(error)) from None
    if parsed.host_bits_set:
        warnings.append(_host_bits_warning(fields, "cidr", cidr))
    addresses = parsed.addresses
    excepts = fields.strings("except") or []
    for text in excepts:
        try:
            excluded = parse_cidr(text)
        except CidrError as error:
            raise fields.error("except", str(error)) from None
        # "Except values will be rejected if they are outside the cidr range": the API
        # requires each to be a strict subset of cidr.
        if not (
            excluded.addresses.issubset(parsed.addresses)
            and excluded.prefix_length > parsed.prefix_length
        ):
            raise fields.error("except", f"{text} must be a strict subset of cidr {cidr}")
        if excluded.host_bits_set:
            warnings.append(_host_bits_warning(fields, "except", text))
        addresses = addresses - excluded.addresses
    return IPBlockPeer(cidr, tuple(excepts), addresses, origin=fields.where())


def _host_bits_warning(fields: Fields, key: str, cidr: str) -> Diagnostic:
    network = str(parse_cidr(cidr).addresses)
    return HOST_BITS.at(fields.where(key), field=fields.field_path(key), cidr=cidr, network=network)


def _peer(fields: Fields, warnings: list[Diagnostic], peers_key: str) -> Peer:
    ip_block = fields.mapping("ipBlock")
    namespace_selector = _optional_selector(fields, "namespaceSelector", peers_key)
    pod_selector = _optional_selector(fields, "podSelector", peers_key)
    if ip_block is not None:
        if namespace_selector is not None or pod_selector is not None:
            msg = "ipBlock may not be combined with podSelector or namespaceSelector"
            raise fields.error(None, msg)
        refuse_rule_keys(ip_block, "an ipBlock", peers_key)
        refuse_rule_keys(fields, "a peer", peers_key)
        return _ip_block(ip_block, warnings)
    if namespace_selector is None and pod_selector is None:
        msg = "must specify a peer: podSelector, namespaceSelector or ipBlock"
        raise fields.error(None, msg + peer_hint(fields, peers_key))
    refuse_rule_keys(fields, "a peer", peers_key)
    return PodPeer(namespace_selector, pod_selector, origin=fields.where())


def protocol(fields: Fields, *, empty_means_tcp: bool = False) -> Protocol:
    """The ``protocol`` field, TCP when not specified.

    A container port's empty protocol is defaulted too; a policy port's is rejected.
    """
    text = fields.string("protocol")
    if text is None or (empty_means_tcp and not text):
        return Protocol.TCP
    try:
        return Protocol(text)
    except ValueError:
        msg = f"{text!r} is not a supported protocol (TCP, UDP or SCTP)"
        raise fields.error("protocol", msg) from None


def _check_range(fields: Fields, key: str, number: int) -> None:
    if not MIN_PORT <= number <= MAX_PORT:
        raise fields.error(key, f"{number} is not between {MIN_PORT} and {MAX_PORT}")


def _port(fields: Fields) -> PolicyPort:
    protocol_ = protocol(fields)
    port = fields.get("port")
    end_port = fields.integer("endPort")
    if port is None:
        if end_port is not None:
            raise fields.error("endPort", "may not be set without a numeric port")
        return PolicyPort(protocol_, origin=fields.where())
    if isinstance(port, str):
        problem = port_name_problem(port)
        if problem:
            raise fields.error("port", problem)
        if end_port is not None:
            raise fields.error("endPort", "may not be set when port is a named port")
        return PolicyPort(protocol_, port, origin=fields.where())
    if type(port) is not int:
        raise fields.error("port", f"must be a number or a port name, not {describe(port)}")
    _check_range(fields, "port", port)
    if end_port is not None:
        _check_range(fields, "endPort", end_port)
        if end_port < port:
            raise fields.error(
                "endPort", f"{end_port} must be greater than or equal to port {port}"
            )
    return PolicyPort(protocol_, port, end_port, origin=fields.where())


def _rules(spec: Fields, key: str, peers_key: str, warnings: list[Diagnostic]) -> tuple[Rule, ...]:
    rules = []
    for rule in spec.mappings(key) or ():
        peer_fields = rule.mappings(peers_key)
        # "If this field is empty or missing, this rule matches all sources/destinations."
        peers = tuple(_peer(p, warnings, peers_key) for p in peer_fields) if peer_fields else None
        ports = tuple(_port(p) for p in rule.mappings("ports") or ())
        rules.append(Rule(peers, ports, origin=rule.where()))
    return tuple(rules)


def network_policy(
    fields: Fields, policy_ref: ObjectRef, warnings: list[Diagnostic]
) -> NetworkPolicy:
    """A NetworkPolicy after defaulting; raises InputError where the API server would reject."""
    spec = fields.mapping("spec") or Fields({}, fields.document, "spec")
    refuse_rule_keys(spec, "a NetworkPolicy spec", None)
    pod_selector_fields = spec.mapping("podSelector")
    pod_selector = LabelSelector() if pod_selector_fields is None else selector(pod_selector_fields)
    ingress = _rules(spec, "ingress", "from", warnings)
    egress = _rules(spec, "egress", "to", warnings)
    types = spec.strings("policyTypes") or []
    if len(types) > 2:  # noqa: PLR2004 - Ingress and Egress
        raise spec.error("policyTypes", "may not specify more than two policyTypes")
    for policy_type in types:
        if policy_type not in {"Ingress", "Egress"}:
            msg = f"{policy_type!r} is not a policy type (Ingress or Egress)"
            raise spec.error("policyTypes", msg)
    if types:
        affects_ingress, affects_egress = "Ingress" in types, "Egress" in types
    else:
        # "If this field is not specified, it will default based on the existence of ingress
        # or egress rules; policies that contain an egress section are assumed to affect
        # egress, and all policies (whether or not they contain an ingress section) are
        # assumed to affect ingress."
        affects_ingress, affects_egress = True, bool(egress)
    for direction, rules, affected in (
        ("ingress", ingress, affects_ingress),
        ("egress", egress, affects_egress),
    ):
        if rules and not affected:
            where = spec.where(direction)
            warnings.append(
                IGNORED_RULES.at(where, direction=direction, Direction=direction.capitalize())
            )
    return NetworkPolicy(
        ref=policy_ref,
        pod_selector=pod_selector,
        affects_ingress=affects_ingress,
        affects_egress=affects_egress,
        ingress=ingress,
        egress=egress,
        origin=fields.where(),
        selector_origin=spec.where("podSelector") if pod_selector_fields is not None else None,
    )
