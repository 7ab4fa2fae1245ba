"""``netpoldiff plan`` as a runbook: numbered steps with their commands, in text and Markdown.

Each step says what to run (``kubectl apply -f FILE`` or ``kubectl delete KIND NAME``), the
Argo CD sync wave that enforces the order, and what the step opens and closes on its way.
A plan that cannot avoid every window says which flows stay exposed or cut, after which step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Final

from netpoldiff.diff import MatrixDiff
from netpoldiff.kinds import NAMESPACE
from netpoldiff.plan import Plan, Violation
from netpoldiff.plan_steps import Step, intermediate_manifest
from netpoldiff.report.lines import change_lines
from netpoldiff.report.reports import PlanReport, Style
from netpoldiff.report.words import coverage_gaps, plural

ROWS_SHOWN: Final = 8  # rows of flows listed under one step before "and N more"
SYNC_WAVE: Final = "argocd.argoproj.io/sync-wave"


def command(step: Step) -> str:
    """The kubectl command of one step."""
    ref = step.ref
    widened = intermediate_manifest(step)
    if widened is not None:
        # JSON is YAML, and kubectl reads it from stdin: one line to copy.
        return f"kubectl apply -f - <<'EOF'\n{json.dumps(widened)}\nEOF"
    if step.action == "delete":
        kind = ref.kind.lower()
        where = f" -n {ref.namespace}" if ref.namespace is not None else ""
        return f"kubectl delete {kind} {ref.name}{where}"
    if step.origin is None:
        if ref.kind == NAMESPACE:
            return f"kubectl apply -f -  # the Namespace {ref.name} as NEW declares it"
        return f"kubectl apply -f -  # the {ref.kind} {ref} as NEW declares it"
    return f"kubectl apply -f {step.origin.path}"


def object_name(step: Step) -> str:
    """``NetworkPolicy shop/allow-web``, ``Deployment shop/web``, ``Namespace shop``."""
    return f"{step.ref.kind} {step.ref}"


def shared_files(steps: Sequence[Step]) -> dict[str, list[int]]:
    """Files that hold the objects of several apply steps: step numbers (from 1) by file."""
    by_file: dict[str, list[int]] = {}
    for number, step in enumerate(steps, 1):
        # A widened step applies its own manifest, not its file.
        if step.action == "apply" and step.origin is not None and step.intermediate is None:
            by_file.setdefault(step.origin.path, []).append(number)
    return {path: numbers for path, numbers in by_file.items() if len(numbers) > 1}


def effect_rows(diff: MatrixDiff, report: PlanReport) -> list[str]:
    """``+ a -> b  TCP/80`` rows of what one step (or window) opens and closes."""
    lines = change_lines(diff, report.compared.changes, why=False)
    rows = [
        f"{line.sign} {', '.join(line.sources)} -> {', '.join(line.destinations)}  "
        f"{line.connections}"
        for line in lines
    ]
    if len(rows) > ROWS_SHOWN:
        rows = [*rows[:ROWS_SHOWN], f"... and {len(rows) - ROWS_SHOWN} more"]
    return rows


def window_diff(report: PlanReport, index: int) -> MatrixDiff:
    """What the state after step ``index + 1`` exposes (+) and cuts (-), as a diff."""
    violation: Violation = report.plan.violations[index]
    return MatrixDiff(
        report.plan.states[0], report.plan.states[0], violation.exposed, violation.cut
    )


def verdict(plan: Plan) -> str:
    """One line: safe, or what no order avoids."""
    if not plan.steps:
        return "Nothing to roll out: no object differs."
    if plan.safe:
        return (
            "Safe order: every step keeps the flows both sides allow and opens no flow that "
            "neither allows."
        )
    exposed = sum(v.counts()[0] for v in plan.violations)
    cut = sum(v.counts()[1] for v in plan.violations)
    how = "the least" if plan.exact else "a small (not proven least)"
    return (
        f"No order avoids every window; this one has {how} exposure, then outage: "
        f"{plural(exposed, 'pair-step')} exposed, {plural(cut, 'pair-step')} cut."
    )


def _steps_text(report: PlanReport) -> list[str]:
    plan = report.plan
    out: list[str] = []
    shared = shared_files(plan.steps)
    for index, step in enumerate(plan.steps):
        number = index + 1
        what: str = step.action
        if step.intermediate is not None:
            later = next(
                n for n, other in enumerate(plan.steps, 1) if other.ref == step.ref and n > number
            )
            what = f"apply widened (OLD's and NEW's rules together, until step {later})"
        out.append(f"{number}. {object_name(step)}: {what}")
        out.extend(f"     {line}" for line in command(step).split("\n"))
        origin = step.origin if step.intermediate is None else None
        if step.action == "apply" and origin is not None and origin.path in shared:
            numbers = [str(n) for n in shared[origin.path] if n != number]
            others = ("step " if len(numbers) == 1 else "steps ") + ", ".join(numbers)
            which = f"document {origin.document}" if origin.document else "this object"
            out.append(f"     apply {which} of that file alone (it also holds {others})")
        if step.intermediate is None:
            out.append(f'     sync wave: {SYNC_WAVE}: "{number}"')
        else:
            out.append("     no sync wave applies one object twice: apply this step by hand")
        out.extend(f"       {row}" for row in effect_rows(plan.step_diff(index), report))
        if index < len(plan.violations) and plan.violations[index].counts() != (0, 0):
            out.append("     until a later step, beyond OLD and NEW: exposed (+), cut (-)")
            out.extend(f"       {row}" for row in effect_rows(window_diff(report, index), report))
        out.append("")
    return out[:-1] if out else out


def _runbook(report: PlanReport) -> list[str]:
    """The two sides, the verdict and the steps: the runbook in either format."""
    return [
        f"{report.header.old} -> {report.header.new}",
        verdict(report.plan),
        "",
        *_steps_text(report),
    ]


def _page(out: list[str], report: PlanReport) -> list[str]:
    """``out`` and what the plan does not cover, as one piece."""
    gaps = coverage_gaps(report.compared)
    if gaps:
        out = [*out, f"Not covered: {gaps}."]
    return ["\n".join(out).rstrip("\n") + "\n"]


def render_text(report: PlanReport, style: Style) -> Iterable[str]:  # noqa: ARG001
    """The runbook for a terminal."""
    lines = _runbook(report)
    return _page([f"netpoldiff plan {lines[0]}", *lines[1:]], report)


def _fenced(lines: list[str]) -> list[str]:
    """Lines in a code block whose fence no backtick run in them can close."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", *lines, fence]


def render_markdown(report: PlanReport, style: Style) -> Iterable[str]:  # noqa: ARG001
    """The runbook for a pull request."""
    heading = f"### netpoldiff plan: {plural(len(report.plan.steps), 'step')}"
    return _page([heading, "", *_fenced(_runbook(report))], report)
