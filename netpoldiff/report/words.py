"""The words reports share: how changes, causes and counts read, in text and in Markdown."""

from __future__ import annotations

from collections.abc import Iterable

from netpoldiff.changes import ChangeSet, SubjectChange
from netpoldiff.diff import MatrixDiff
from netpoldiff.policy_edits import policy_edits
from netpoldiff.report.lines import ChangeLine


def plural(count: int, noun: str) -> str:
    """``1 workload``, ``2 workloads``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


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


def why(line: ChangeLine) -> str:
    """The deciding policies of a line, or what else changed when no policy did."""
    if line.deciding:
        return ", ".join(f"{c.policy} ({c.change})" for c in line.deciding)
    if line.subject_changes:
        return "; ".join(subject_change_text(s) for s in line.subject_changes)
    if line.causes:
        return ", ".join(f"{c.policy}" for c in line.causes)
    return "no policy selects either side"


def policy_change_lines(changes: ChangeSet) -> list[tuple[str, str, str]]:
    """(sign, policy, what changed) for every policy object that changed textually."""
    renames = changes.renames
    renamed_from = set(renames.values())
    rows: list[tuple[str, str, str]] = []
    for policy, kind in changes.changed_policies:
        if kind == "modified":
            rows.extend(("~", str(policy), edit) for edit in policy_edits(changes, policy))
        elif kind == "added" and policy in renames:
            rows.append((">", str(policy), f"renamed from {renames[policy]} (same rules)"))
        elif kind == "added":
            rows.append(("+", str(policy), "added"))
        elif policy not in renamed_from:
            rows.append(("-", str(policy), "removed"))
    return rows


def summary_line(diff: MatrixDiff) -> str:
    """``Reachability: 3 opened, 1 closed.`` or ``No reachability changes.``."""
    if diff.is_empty():
        return "No reachability changes."
    return f"Reachability: {diff.opened_count()} opened, {diff.closed_count()} closed."
