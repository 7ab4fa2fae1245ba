"""Diagnostics: likely mistakes in the input, each code defined once with its severity.

A diagnostic does not stop the analysis. Its code is stable (scripts, suppressions and SARIF
rules key on it), its severity and summary come from the one registry here, and its location
points as close as the reader knows: file, document, line of the rule, peer or port.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from netpoldiff.errors import Location
from netpoldiff.printable import printable

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, slots=True)
class Code:
    """One kind of diagnostic: its stable code, severity, what it means, how it reads.

    ``summary`` is its line in the README's table; ``template`` its message, whose fields
    the place that finds it fills in.
    """

    code: str
    severity: Severity
    summary: str
    template: str
    # The fields that make two of these the same warning in two revisions, where the message
    # also counts or lists what an unrelated change moves (empty: the whole message does).
    same_by: tuple[str, ...] = ()

    def at(self, location: Location | None, **fields: str) -> Diagnostic:
        """A diagnostic of this kind, found at ``location``."""
        identity = "\n".join(fields[name] for name in self.same_by) if self.same_by else None
        return Diagnostic(self.code, self.template.format(**fields), location, identity)


CODES: Final[dict[str, Code]] = {}


def _register(
    code: str, severity: Severity, summary: str, template: str, same_by: tuple[str, ...] = ()
) -> Code:
    if code in CODES:
        msg = f"{code} is defined twice"
        raise AssertionError(msg)
    CODES[code] = found = Code(code, severity, summary, template, same_by)
    return found


HOST_NETWORK: Final = _register(
    "NPD001",
    "warning",
    "a `hostNetwork` workload is left out of the matrix",
    "{workload} uses hostNetwork: NetworkPolicy does not govern it, so it is left out of the "
    "matrix",
)
HOST_BITS: Final = _register(
    "NPD002",
    "warning",
    "an `ipBlock` CIDR has host bits set (`10.0.0.1/8`); it is read as its network",
    "{field}: {cidr} has host bits set; read as {network}",
)
IGNORED_RULES: Final = _register(
    "NPD003",
    "warning",
    "a policy has rules for a direction its `policyTypes` does not list; they are ignored",
    "spec.{direction} has rules but spec.policyTypes does not list {Direction}: they are ignored",
)
NOT_FOLLOWED: Final = _register(
    "NPD004",
    "warning",
    "a symbolic link or a submodule was skipped, not followed",
    "{what}",
)
NOT_READ_SUFFIX: Final = _register(
    "NPD005",
    "warning",
    "a file named like a manifest in another case (`deny.YAML`) is not read, as "
    "`kubectl apply -f DIR` does not read it",
    "not read: kubectl apply -f DIR reads only .yaml, .yml and .json",
)

SELECTS_NOTHING: Final = _register(
    "NPD006",
    "warning",
    "a policy's `podSelector` selects no workload of its namespace in the input: its effect "
    "is not shown (a typo in a label, or workloads kept elsewhere)",
    "{policy}: spec.podSelector selects no workload of namespace {namespace} in the input, "
    "so its effect is not shown",
)
PEER_SELECTS_NOTHING: Final = _register(
    "NPD007",
    "warning",
    "a peer's selectors (`podSelector`, `namespaceSelector`) match no workload in the input",
    "{policy}: {field} selects no workload in the input",
)
NAMED_PORT_UNDECLARED: Final = _register(
    "NPD008",
    "warning",
    "a rule names a port that no workload it could reach declares: it matches nothing",
    "{policy}: {field}: no {destinations} declares a {protocol} port named {port}, so it "
    "matches nothing",
)

NOTHING_READ: Final = _register(
    "NPD009",
    "warning",
    "no workload and no policy was read under the paths given: the report shows nothing",
    "{source}: no workload or policy was read under {paths}",
)
KIND_NOT_EVALUATED: Final = _register(
    "NPD010",
    "warning",
    "a policy of a kind netpoldiff does not evaluate (Cilium, Calico, Antrea, ...): flows it "
    "allows or denies are not shown",
    "{kind} {name} is not evaluated: flows it allows or denies are not shown",
)
TEMPLATE_SKIPPED: Final = _register(
    "NPD011",
    "warning",
    "a file found under the paths is a template, not a manifest (Go template actions "
    "`{{ }}`, a Helm chart's `templates/`): it is skipped",
    "{what}: a template, not a manifest; skipped (render it to diff what it makes)",
)

ADMIN_PEER_NOT_EVALUATED: Final = _register(
    "NPD012",
    "warning",
    "an admin policy's `nodes` or `domainNames` peer: manifests declare no nodes or DNS "
    "answers, so it matches nothing here",
    "{peer}: manifests declare no node and no DNS answer, so this peer matches nothing here "
    "and flows it decides are not shown",
)
NETWORKS_MAY_HOLD_PODS: Final = _register(
    "NPD013",
    "warning",
    "an admin policy's `networks` CIDR may hold pod addresses (a private range short of a "
    "whole family): it is matched against addresses outside the cluster only",
    "{policy}: networks {cidr} may hold pod addresses, which manifests do not give: it is "
    "matched against addresses outside the cluster only",
)
SAME_PRIORITY: Final = _register(
    "NPD014",
    "warning",
    "two admin policies of one tier share a priority and could match the same connection: "
    "the API lets an implementation apply either",
    "{policy} and {other} share priority {priority} in the {tier} tier and could match the "
    "same {direction} connection: the API lets an implementation apply either (netpoldiff "
    "asks {first} first)",
)
ADMIN_SELECTS_NOTHING: Final = _register(
    "NPD015",
    "warning",
    "an admin policy's `subject` selects no workload in the input: its effect is not shown",
    "{policy}: spec.subject selects no workload in the input, so its effect is not shown",
)

PORTS_WITHOUT_PEERS: Final = _register(
    "NPD016",
    "warning",
    "a rule has `ports` but no `from` (`to`): it allows every peer (every namespace and every "
    "external address) on those ports",
    "{policy}: {field} has ports but no {peers}: it allows every peer (every namespace and "
    "every external address) on {connections}{hint}",
)
DNS_BLOCKED: Final = _register(
    "NPD017",
    "warning",
    "a policy isolates workloads for egress and lets them reach no DNS server over UDP "
    "(kube-dns, OpenShift's DNS, or any address on UDP/53): they cannot resolve names",
    "{policy} isolates {count} for egress ({names}) and {none} reach a DNS server over UDP: "
    "neither the cluster's DNS (kube-dns, OpenShift's) nor any address on UDP/53, so names do "
    "not resolve",
    same_by=("policy",),  # which workloads it isolates moves with every workload added
)
IPV4_ONLY: Final = _register(
    "NPD018",
    "warning",
    "an `ipBlock` (or admin `networks`) `0.0.0.0/0` has no IPv6 counterpart `::/0` while other "
    "policies name IPv6 addresses, or its `except` list has none: on dual-stack clusters IPv6 "
    "stays closed (or open)",
    "{policy}: {field}: {shape}: on a dual-stack cluster, {effect}",
)
REDUNDANT_RULE: Final = _register(
    "NPD019",
    "warning",
    "a rule allows nothing that another rule of the same policy does not: it is redundant",
    "{policy}: {field} is covered by {other}: every peer and port it allows, that rule allows too",
)
DUPLICATE_POLICY: Final = _register(
    "NPD020",
    "warning",
    "two policies of one namespace say the same thing",
    "{policy} says the same as {other}: one of them is redundant",
)
COVERED_POLICY: Final = _register(
    "NPD021",
    "warning",
    "a policy is covered by others: they select every pod it selects and allow every flow it "
    "allows, so removing it changes nothing",
    "{policy}: other policies select every pod it selects and allow every flow it allows to "
    "the workloads in the input ({others}), so removing it changes nothing",
    same_by=("policy",),  # the policies that cover it can change while it stays covered
)
DNS_TCP_BLOCKED: Final = _register(
    "NPD022",
    "warning",
    "a policy isolates workloads for egress and lets them reach DNS over UDP but not TCP: "
    "answers too large for UDP, asked again over TCP, fail",
    "{policy} isolates {count} for egress ({names}) and lets {them} reach DNS over UDP but not "
    "TCP: answers too large for UDP (asked again over TCP) fail",
    same_by=("policy",),
)

# Warnings about input a report does not see (not followed, not read, not evaluated): a diff
# names each of them, whether or not OLD had it, since they bound what its answer covers.
READING_GAPS: Final = frozenset(
    code.code
    for code in (NOT_FOLLOWED, NOT_READ_SUFFIX, NOTHING_READ, KIND_NOT_EVALUATED, TEMPLATE_SKIPPED)
)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A likely mistake in the input that does not stop the analysis; codes are stable."""

    code: str
    message: str
    location: Location | None = None
    # What makes it the same warning in another revision, when not the whole message (the
    # registry's ``same_by``): read to tell which warnings a change introduces.
    identity: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Messages quote input: escaped when made, so that every output shows the same text.
        object.__setattr__(self, "message", printable(self.message))

    @property
    def severity(self) -> Severity:
        """How much it matters, from the registry."""
        return CODES[self.code].severity

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.message} [{self.code}]"
