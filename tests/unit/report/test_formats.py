"""The registry of report formats: what the command line offers, and what a format may import."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Mapping

import click
import pytest

from netpoldiff.cli.group import cli
from netpoldiff.model import ObjectRef
from netpoldiff.report.equivalence import EQUIVALENT_LINE
from netpoldiff.report.formats import (
    DIFF_FORMATS,
    EXPLAIN_FORMATS,
    LINT_FORMATS,
    MATRIX_FORMATS,
)
from netpoldiff.report.reports import DiffReport
from netpoldiff.unevaluated import Unevaluated
from tests.conftest import REPO_ROOT
from tests.testing.builders import cluster, policy, workload
from tests.unit.report.reporting import diff_report, rendered


def _format_choices(*command_path: str) -> list[str]:
    """The ``--format`` choices of a command of the command line, as click offers them."""
    command: click.Command | None = cli
    for name in command_path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    assert command is not None
    (option,) = [p for p in command.params if "--format" in p.opts]
    assert isinstance(option.type, click.Choice)
    return [str(choice) for choice in option.type.choices]


@pytest.mark.parametrize(
    ("command_path", "registry"),
    [
        (("diff",), DIFF_FORMATS),
        (("matrix",), MATRIX_FORMATS),
        (("explain",), EXPLAIN_FORMATS),
        (("hook", "run"), DIFF_FORMATS),
        (("lint",), LINT_FORMATS),
    ],
    ids=["diff", "matrix", "explain", "hook-run", "lint"],
)
def test_format_choices_are_the_registry_keys_in_order(
    command_path: tuple[str, ...], registry: Mapping[str, object]
) -> None:
    assert _format_choices(*command_path) == list(registry)


def test_formats_keep_their_order_text_markdown_json_dot() -> None:
    assert list(DIFF_FORMATS) == ["text", "markdown", "json", "dot", "sarif", "github"]
    assert list(MATRIX_FORMATS) == ["text", "json"]
    assert list(EXPLAIN_FORMATS) == ["text", "json"]
    assert list(LINT_FORMATS) == ["text", "json", "sarif", "github"]


def _imports_tabulate(*args: str) -> bool:
    """Whether a run of netpoldiff imports tabulate (``-X importtime`` lists every import)."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "netpoldiff", *args, "--no-cache"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()}
    return "tabulate" in imported


@pytest.mark.parametrize(
    "args",
    [
        ("fixtures/demo/old", "fixtures/demo/new", "--format", "json"),
        ("fixtures/demo/old", "fixtures/demo/new", "--format", "markdown"),
        ("fixtures/demo/old", "fixtures/demo/new", "--format", "dot"),
        ("matrix", "fixtures/demo/new", "--format", "json"),
        ("explain", "fixtures/demo/new", "frontend/web", "shop/cart", "--format", "json"),
        ("fixtures/demo/old", "fixtures/demo/new", "--format", "sarif"),
        ("lint", "fixtures/demo/new", "--format", "github"),
    ],
    ids=["diff-json", "diff-markdown", "diff-dot", "matrix-json", "explain-json", "sarif", "lint"],
)
def test_tabulate_is_imported_only_when_a_table_is_drawn(args: tuple[str, ...]) -> None:
    # Start-up time is paid on every run (a hook runs on every commit), and the registry
    # imports every format: the text format imports tabulate where it draws a table.
    assert not _imports_tabulate(*args)


def test_the_text_format_imports_tabulate_when_it_draws_a_table() -> None:
    # The other side of the test above: the scan of imports sees tabulate when it is used.
    assert _imports_tabulate("matrix", "fixtures/demo/new", "--format", "text")


# --equivalent: the formats people read lead with the verdict; the machine formats keep their
# document as it is, and the exit status carries the verdict.
LEADS_WITH_VERDICT = {
    "text": True,
    "markdown": True,
    "json": False,
    "dot": False,
    "sarif": False,
    "github": False,
}
_WEB = workload("shop/web")
_SAME = diff_report(cluster(_WEB), cluster(_WEB))
_CHANGED = diff_report(cluster(_WEB), cluster(_WEB, policy("shop/deny", ingress=())))
_ADMIN = Unevaluated(
    ObjectRef("AdminNetworkPolicy", None, "a"), "added", "kind-not-evaluated", None
)
_UNEVALUATED = dataclasses.replace(_SAME, unevaluated=(_ADMIN,))


def test_every_diff_format_says_whether_it_leads_with_the_verdict() -> None:
    assert LEADS_WITH_VERDICT.keys() == DIFF_FORMATS.keys()


@pytest.mark.parametrize("name", list(DIFF_FORMATS))
@pytest.mark.parametrize(
    ("report", "verdict"),
    [(_SAME, "equivalent"), (_CHANGED, "not equivalent"), (_UNEVALUATED, "cannot tell")],
    ids=["equivalent", "not-equivalent", "cannot-tell"],
)
def test_people_read_the_verdict_first_machines_read_the_usual_document(
    name: str, report: DiffReport, verdict: str
) -> None:
    render = DIFF_FORMATS[name]
    plain = rendered(render, report)
    asked = rendered(render, dataclasses.replace(report, equivalence_verdict=True))
    if not LEADS_WITH_VERDICT[name]:
        assert asked == plain
    elif verdict == "equivalent":
        assert asked == EQUIVALENT_LINE + "\n"  # the one line, alone
    else:
        line, rest = asked.split("\n\n", 1)
        assert line.startswith(f"{verdict}: ")
        assert "\n" not in line
        assert rest == plain  # then the whole report, as without --equivalent
