"""``netpoldiff plan OLD NEW``: the order in which to apply a change, object by object."""

from __future__ import annotations

from collections.abc import Sequence

from netpoldiff.commands.diff import compare
from netpoldiff.commands.shared import Report, Settings
from netpoldiff.evaluate import Engine, Universe
from netpoldiff.plan import Planner
from netpoldiff.report.formats import PLAN_FORMATS, format_named
from netpoldiff.report.reports import PlanReport, Style
from netpoldiff.sources import Source, Workspace


def plan_command(
    old: Source,
    new: Source,
    paths: Sequence[str] = (),
    *,
    workspace: Workspace | None = None,
    output_format: str = "text",
    settings: Settings | None = None,
) -> Report:
    """``netpoldiff plan OLD NEW``: steps from OLD to NEW whose every state is safe, if any.

    Exit status 0 for a safe plan, 1 when no order avoids every window (the plan then says
    which flows stay exposed or cut); an incomplete reading also exits 1: a plan over input
    that was not all read cannot promise anything.
    """
    settings = settings or Settings()
    render = format_named(PLAN_FORMATS, output_format)
    workspace = workspace or settings.workspace()
    compared = compare(old, new, paths, workspace, settings).report
    engine = compared.engine or Engine(Universe.of([]))
    plan = Planner(compared.diff, compared.changes, engine).plan()
    report = PlanReport(str(old), str(new), compared.header, plan, compared)
    settings.progress.reporting()
    chunks = render(report, Style())
    failed = not plan.safe or compared.incomplete or bool(compared.unevaluated)
    return Report(chunks, 1 if failed else 0)
