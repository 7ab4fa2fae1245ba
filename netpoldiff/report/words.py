"""The words reports share: how changes, causes and counts read, in text and in Markdown."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final

from netpoldiff.admin_policies import ADMIN_KINDS
from netpoldiff.changes import SubjectChange
from netpoldiff.findings import ConfigurationChanged, DefaultDenyRemoved, Finding
from netpoldiff.kinds import NAMESPACE, NETWORK_POLICY
from netpoldiff.model import ObjectRef
from netpoldiff.object_edits import ObjectChange
from netpoldiff.plan_steps import Step
from netpoldiff.report.lines import ChangeLine
from netpoldiff.report.reports import DiffReport, Side
from netpoldiff.reverts import ChangedObject
from netpoldiff.suppression import IGNORE_ANNOTATION, Means, Suppressed
from netpoldiff.unevaluated import Unevaluated, Unread

SELECTS_NOTHING_HEADING = "Changed, but selecting no workload in the input: effect not shown"
NOT_EVALUATED_HEADING = "Changed, of a kind netpoldiff does not evaluate: effect not shown"
NOT_READ_HEADING = "Changed but not analysed: a template, not a manifest (render it to diff it)"
NOT_FOLLOWED_HEADING = (
    "Changed but not analysed: a symbolic link or submodule, not followed (what it points to "
    "may hold manifests)"
)
CONFIGURATION_HEADING = "Repository configuration changed"
OBJECTS_HEADING = "Objects changed"
FINDINGS_HEADING = "Findings"
WORKLOADS_HEADING = "Workloads added and removed"
NAMES_SHOWN = 5  # names listed in a finding before "and N more"
CAUSES_SHOWN = 6  # causes listed on a line before "and N more"


def plural(count: int, noun: str) -> str:
    """``1 workload``, ``2 workloads``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


_MEANS_WORDS: Final[Mapping[Means, str]] = {
    "annotation": f"{IGNORE_ANNOTATION} annotations",
    "configuration": "the configuration's ignore",
    "command-line": "--ignore",
}


def suppressed_text(suppressed: Suppressed) -> str:
    """``3 warnings suppressed (netpoldiff.io/ignore annotations, --ignore)``, or nothing."""
    if not suppressed.count:
        return ""
    means = ", ".join(_MEANS_WORDS[m] for m in suppressed.means)
    return f"{plural(suppressed.count, 'warning')} suppressed ({means})"


def kept_warnings_text(count: int) -> str:
    """``12 warnings that OLD had too are not listed (netpoldiff lint lists every one)``."""
    if not count:
        return ""
    had = "that OLD had too is" if count == 1 else "that OLD had too are"
    return f"{plural(count, 'warning')} {had} not listed (netpoldiff lint lists every one)"


def _labels_text(labels: Iterable[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in labels) + "}"


def _pairs_change(before: Iterable[tuple[str, str]], after: Iterable[tuple[str, str]]) -> str:
    old, new = dict(before), dict(after)
    parts = [f"+{k}={v}" for k, v in sorted(new.items()) if old.get(k) != v and k not in old]
    parts += [f"{k}={old[k]}->{v}" for k, v in sorted(new.items()) if k in old and old[k] != v]
    parts += [f"-{k}={v}" for k, v in sorted(old.items()) if k not in new]
    return ", ".join(parts)


def subject_change_text(change: SubjectChange) -> str:
    """``shop/web[Deployment]: labels +tier=web``, ``namespace shop: labels ...``."""
    subject = (
        f"namespace {change.subject}" if isinstance(change.subject, str) else str(change.subject)
    )
    if change.kind == "added":
        return f"{subject}: added with labels {_labels_text(change.after)}"
    if change.kind == "removed":
        return f"{subject}: removed"
    return f"{subject}: {change.kind} {_pairs_change(change.before, change.after)}"


def cause_text(changed: ChangedObject) -> str:
    """``prod/allow-web (added)``, ``deny-all (AdminNetworkPolicy, added)``.

    For a workload or a namespace: what changed on it.
    """
    if changed.moved is not None:
        old, new = changed.moved
        return f"{new} moved from {old}"
    if changed.details:
        return "; ".join(subject_change_text(detail) for detail in changed.details)
    if changed.ref.namespace is None:  # a cluster-scoped policy: its kind tells which tier
        return f"{changed.ref.name} ({changed.ref.kind}, {changed.change})"
    return f"{changed.ref} ({changed.change})"


def why(line: ChangeLine) -> str:
    """The causes of a line: the objects without whose change its pairs would not differ.

    Joint causes (only together do they change a pair) read as one ``together: a + b``.
    """
    single = [cause_text(c.object) for c in line.causes if not c.joint]
    joint = [cause_text(c.object) for c in line.causes if c.joint]
    shown = single[:CAUSES_SHOWN]
    if len(single) > CAUSES_SHOWN:
        shown.append(f"and {len(single) - CAUSES_SHOWN} more")
    if joint:
        shown.append("together: " + " + ".join(joint))
    return "; ".join(shown)


def _object_name(ref: ObjectRef) -> str:
    """``shop/allow-web``, ``shop/web[Deployment]``, ``namespace shop``, ``admin (Kind)``.

    A workload or a namespace says its kind: a policy and a workload may share a name.
    """
    if ref.kind == NETWORK_POLICY:
        return str(ref)
    if ref.kind == NAMESPACE:
        return f"namespace {ref.name}"
    if ref.namespace is None:
        return f"{ref.name} ({ref.kind})"
    return f"{ref}[{ref.kind}]"


def object_change_lines(objects: Iterable[ObjectChange]) -> list[tuple[str, str, str]]:
    """(sign, object, what changed) for every changed policy and every renamed workload.

    Policies come first. A workload's other changes are said elsewhere: added and removed ones
    in their own list, labels and named ports in the WHY of the flows they move. A rename is
    one line, on the new name.
    """
    policies: list[tuple[str, str, str]] = []
    workloads: list[tuple[str, str, str]] = []
    for entry in objects:
        name = _object_name(entry.ref)
        if entry.ref.kind == NETWORK_POLICY or entry.ref.kind in ADMIN_KINDS:
            rows = policies
        elif entry.change == "renamed":  # only policies and workloads are renamed
            rows = workloads
        else:
            continue
        if entry.change == "modified":
            rows.extend(("~", name, edit) for edit in entry.edits)
        elif entry.renamed_from is not None:
            before = entry.renamed_from
            verb = "renamed" if before.namespace == entry.ref.namespace else "moved"
            same = "same labels and ports" if rows is workloads else "same rules"
            rows.append((">", name, f"{verb} from {_object_name(before)} ({same})"))
        else:
            rows.append(("+" if entry.change == "added" else "-", name, entry.change))
    return policies + workloads


def change_counts(report: DiffReport) -> str:
    """``1 row opened (2 flows), 1 closed``: what a reader can count, then what it stands for.

    A row is one line of the report, as the reader sees it. A flow is one (source,
    destination) pair, as JSON lists it under ``opened``/``closed`` and counts in ``summary``.
    A row groups flows: a namespace as ``ns/*``, or an address block that other policies'
    ipBlocks cut into ranges every policy treats alike (``0.0.0.0/0 except 10.0.0.0/8`` can
    be two ranges, so two flows). The flows are said only when they differ from the rows. A
    row that both opens and closes (``~``) counts once in each direction. A moved workload's
    flows that moved with it are not counted (JSON lists them as its new and old pairs).
    """
    lines, view = report.lines, report.view
    counts: list[str] = []
    for verb, rows, flows in (
        ("opened", sum(1 for line in lines if line.opened), view.opened_count()),
        ("closed", sum(1 for line in lines if line.closed), view.closed_count()),
    ):
        text = f"{plural(rows, 'row')} {verb}" if not counts else f"{rows} {verb}"
        counts.append(text if flows == rows else f"{text} ({plural(flows, 'flow')})")
    return ", ".join(counts)


def moved_text(report: DiffReport) -> str:
    """``1 workload moved with its flows``."""
    count = len(report.moves)
    return f"{plural(count, 'workload')} moved with {'its' if count == 1 else 'their'} flows"


def workload_rows(report: DiffReport) -> list[tuple[str, str]]:
    """(sign, workload) of every workload added (+) or removed (-); moves are objects changed."""
    moves = report.changes.workload_moves
    moved = {endpoint for pair in moves.items() for endpoint in pair}
    diff = report.diff
    rows = [("+", str(e)) for e in diff.added_endpoints() if e not in moved]
    rows += [("-", str(e)) for e in diff.removed_endpoints() if e not in moved]
    return rows


def plan_step_text(number: int, step: Step) -> str:
    """``1. apply NetworkPolicy shop/allow-web``."""
    return f"{number}. {step.action} {step.ref.kind} {step.ref}"


def summary_line(report: DiffReport) -> str:
    """``Reachability: 3 rows opened, 1 closed.``; ``No reachability changes.`` when complete.

    The counts are ``change_counts``: rows, and the flows behind them when those differ.

    "No reachability changes" is read as a guarantee: it is said only when every changed
    object was read and evaluated, and otherwise says what it does not cover.
    """
    diff = report.diff
    if len(report.nothing_read) == len(("old", "new")):
        return "Nothing to compare: no workload or policy was read on either side."
    if not diff.is_empty() and report.view.is_empty():
        counts = f"Reachability: no flow changed but by {moved_text(report)}."
    elif diff.is_empty():
        counts = "No reachability changes."
    else:
        counts = f"Reachability: {change_counts(report)}."
    gaps = coverage_gaps(report)
    if not gaps:
        return counts
    if diff.is_empty():
        return f"No reachability changes among the objects evaluated. Not covered: {gaps}."
    return f"{counts} Not covered: {gaps}."


def coverage_gaps(report: DiffReport) -> str:
    """What a report does not cover, in a few words, or ``""`` when it covers everything."""
    gaps = []
    objects = [u for u in report.unevaluated if u.ref is not None]
    if objects:
        count = len(objects)
        effect = "effect is" if count == 1 else "effects are"
        gaps.append(f"{plural(count, 'changed object')} whose {effect} not shown")
    if len(objects) < len(report.unevaluated):
        gaps.append(
            f"{plural(len(report.unevaluated) - len(objects), 'file')} changed but not analysed"
        )
    if report.errors:
        gaps.append(plural(len(report.errors), "input") + " skipped")
    gaps.extend(f"nothing read in {side.upper()}" for side in report.nothing_read)
    return ", ".join(gaps)


def unevaluated_groups(report: DiffReport) -> list[tuple[str, list[Unevaluated]]]:
    """The changed objects whose effect is not shown, under their heading, in report order."""
    groups = [
        (SELECTS_NOTHING_HEADING, [u for u in report.unevaluated if u.reason == "selects-nothing"]),
        (
            NOT_EVALUATED_HEADING,
            [u for u in report.unevaluated if u.reason == "kind-not-evaluated"],
        ),
        (NOT_READ_HEADING, [u for u in report.unevaluated if _unread(u) == "template"]),
        (NOT_FOLLOWED_HEADING, [u for u in report.unevaluated if _unread(u) == "not-followed"]),
    ]
    return [(heading, entries) for heading, entries in groups if entries]


def _unread(entry: Unevaluated) -> Unread | None:
    return entry.unread if entry.reason == "not-read" else None


def unevaluated_text(entry: Unevaluated) -> str:
    """``shop/allow-pay (NetworkPolicy, added)`` and where it is; a file: ``x.yaml (added)``."""
    if entry.ref is None:
        return f"{entry.name} ({entry.change})"
    where = f" at {entry.origin}" if entry.origin is not None else ""
    return f"{entry.ref} ({entry.ref.kind}, {entry.change}){where}"


def nothing_read_text(report: DiffReport, side: Side) -> str:
    """``Nothing read in OLD (HEAD~1 (abc1234)): no workload or policy under k8s/.``."""
    label = report.header.old if side == "old" else report.header.new
    under = f" under {' '.join(report.paths)}" if report.paths else ""
    return f"Nothing read in {side.upper()} ({label}): no workload or policy{under}."


def configuration_change_text(change: ConfigurationChanged) -> str:
    """What NEW does to the repository configuration, and that OLD's read both sides.

    OLD's counts so that a change cannot hide itself by editing what is read: said plainly,
    since what NEW's configuration would read is not what the report shows.
    """
    used = "OLD's was used to read both sides"
    keys = ", ".join(change.keys)
    listed = f" ({keys})" if keys else ""
    match change.change:
        case "added":
            what = f"NEW adds {change.path}{listed}; OLD has none, so neither side used one"
        case "removed":
            what = f"NEW removes {change.path}{listed}; {used}"
        case "modified":
            what = f"NEW changes {change.path} ({keys} differ); {used}"
        case "unusable":
            what = f"NEW's {change.path} cannot be used ({change.problem}); {used}"
    return f"{what}. The new configuration takes effect once the change is in OLD."


def _names(names: Sequence[str], name: Callable[[str], str]) -> str:
    shown = ", ".join(name(n) for n in names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def finding_text(
    finding: Finding,
    *,
    name: Callable[[str], str] = str,
    strong: Callable[[str], str] = str,
) -> str:
    """One finding in a sentence: what it opens, for how many flows, and because of what.

    ``name`` writes a name (Markdown: inline code), ``strong`` the risk (Markdown: bold).
    """
    if isinstance(finding.detail, ConfigurationChanged):
        return configuration_change_text(finding.detail)
    if isinstance(finding.detail, DefaultDenyRemoved):
        deny = finding.detail
        policies = ", ".join(f"{name(str(ref))} {what}" for ref, what in deny.policies)
        return (
            f"Removes a default deny: namespace {name(deny.namespace)} no longer denies all "
            f"{strong(deny.direction)} by default ({policies}); "
            f"{plural(finding.flows, 'flow')} opened there."
        )
    about = _names([str(e) for e in finding.endpoints], name)
    match finding.kind:
        case "ingress-from-outside":
            what = f"Opens flows {strong('from outside the cluster')} to {about}"
        case "egress-to-outside":
            what = f"Opens flows {strong('to outside the cluster')} from {about}"
        case "cross-namespace":
            what = f"Opens flows {strong('across namespaces')} to {about}"
        case "all-ports":
            what = f"Opens {strong('every port')} of a protocol for {about}"
        case _:
            what = (
                f"Opens namespace {name(finding.namespace or '')} "
                f"{strong('to every namespace')}: {about}"
            )
    causes = _names([_object_name(r) for r in finding.objects], name)
    label = "cause" if len(finding.objects) == 1 else "causes"
    because = f"; {label}: {causes}" if causes else ""
    return f"{what} ({plural(finding.flows, 'flow')}{because})."
