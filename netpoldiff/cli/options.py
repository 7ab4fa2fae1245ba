"""Every option of the command line, declared once; commands compose them.

The options about the run itself (``-C``, ``--debug``, ``--quiet``) are declared in
``run_options.py``, which the group imports; ``common`` composes them with the rest.

Choices come from the ``Literal`` types of the plain commands and from the registries of report
formats, defaults from the modules that own them, so the command line and the functions it
calls cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar, get_args

import click

from netpoldiff.cli.output import ColorMode
from netpoldiff.cli.run_options import debug, directory, quiet
from netpoldiff.commands import (
    CONFIGURATION_NAME,
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_TOTAL_SIZE,
    DEFAULT_NAMESPACE,
    DIFF_FORMATS,
    EXPLAIN_FORMATS,
    LINT_FORMATS,
    MATRIX_FORMATS,
    PLAN_FORMATS,
    FailOn,
    MatrixFailOn,
    parse_workload_kind,
)
from netpoldiff.errors import UsageError
from netpoldiff.kinds import Declared
from netpoldiff.render.plan import RenderMode
from netpoldiff.suppression import CodeListError, parse_codes

if TYPE_CHECKING:
    from netpoldiff.explain import Port

F = TypeVar("F", bound=Callable[..., Any])

# "A namespace name must be a DNS label" (apimachinery ValidateNamespaceName).
_NAMESPACE_NAME: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_NAMESPACE_NAME_LIMIT: Final = 63


def _namespace_name(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
    """Check ``--namespace`` as the API server checks a namespace's name."""
    if len(value) > _NAMESPACE_NAME_LIMIT or not _NAMESPACE_NAME.fullmatch(value):
        msg = (
            f"{value!r} is not a namespace name: it must be a DNS label (at most 63 lowercase "
            "letters, digits and '-', starting and ending with a letter or digit)"
        )
        raise click.BadParameter(msg)
    return value


def _workload_kinds(
    _context: click.Context, _parameter: click.Parameter, value: tuple[str, ...]
) -> Declared:
    """Each ``--workload-kind`` SPEC as the kind it declares."""
    try:
        return tuple(parse_workload_kind(spec) for spec in value)
    except UsageError as error:
        raise click.BadParameter(str(error).removeprefix("--workload-kind ")) from None


def _ignored_codes(
    _context: click.Context, _parameter: click.Parameter, value: tuple[str, ...]
) -> frozenset[str]:
    """Every ``--ignore`` CODE (each may be a comma-separated list) as one set of codes."""
    try:
        return frozenset().union(*(parse_codes(codes) for codes in value))
    except CodeListError as error:
        raise click.BadParameter(str(error)) from None


def _port(_context: click.Context, _parameter: click.Parameter, value: str | None) -> Port | None:
    """``--port TCP/8080`` as (protocol, port)."""
    if value is None:
        return None
    # Imported when given: only explain takes --port, and every command imports this module.
    from netpoldiff.commands.explain import parse_port  # noqa: PLC0415

    try:
        return parse_port(value)
    except UsageError as error:
        raise click.BadParameter(str(error)) from None


def compose(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several options as one decorator, applied in the order they are listed."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


# ---- what to compare ---------------------------------------------------------------------------

old_and_new = compose(
    click.argument("old", required=False),
    click.argument("new", required=False),
)
staged = click.option("--staged", is_flag=True, help="Compare OLD (default HEAD) with the index.")

# ---- how sources are read, where the report goes: every analysing command ----------------------

config = click.option(
    "-c",
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help=(
        "Read the repository configuration from FILE (for both sides of a diff) instead of "
        f"{CONFIGURATION_NAME} at the top of the repository (OLD's, in a diff)."
    ),
)
output = click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False),
    help="Write the report to this file instead of standard output.",
)
namespace = click.option(
    "--namespace",
    "default_namespace",
    default=DEFAULT_NAMESPACE,
    show_default=True,
    callback=_namespace_name,
    help="Namespace of objects that do not name one.",
)
keep_going = click.option(
    "--keep-going",
    is_flag=True,
    help="Skip unreadable or invalid input and mark the report incomplete.",
)
no_cache = click.option(
    "--no-cache", is_flag=True, help="Do not read or write the on-disk cache of converted files."
)
max_file_size = click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_FILE_SIZE,
    show_default=True,
    help="Bytes above which a manifest is refused, checked before reading it.",
)
max_total_size = click.option(
    "--max-total-size",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_TOTAL_SIZE,
    show_default=True,
    help="Bytes above which a source's manifests, all told, are refused.",
)
workload_kind = click.option(
    "--workload-kind",
    "workload_kinds",
    metavar="SPEC",
    multiple=True,
    callback=_workload_kinds,
    help=(
        "Read objects of a custom kind as workloads (repeatable): Kind.group=path.to.template, "
        "or Kind.group:labels=k=v,k2={name};ports=web:8080/TCP,9094/UDP for fixed labels and "
        "ports ({name}: the object's name)."
    ),
)
render = click.option(
    "--render",
    "render_mode",
    type=click.Choice(get_args(RenderMode)),
    default="auto",
    show_default=True,
    help=(
        "auto: render every Kustomize overlay and Helm chart found under the paths; none: only "
        "those the configuration names, and a SOURCE or PATH that is itself a kustomization."
    ),
)
ignore = click.option(
    "--ignore",
    "ignore",
    metavar="CODE",
    multiple=True,
    callback=_ignored_codes,
    help=(
        "Hide warnings of this code (repeatable, or comma-separated: NPD003,NPD005), besides "
        "the configuration's ignore; reports count what is hidden."
    ),
)
kustomize = click.option(
    "--kustomize",
    "kustomize_command",
    metavar="PROGRAM",
    help="The kustomize (or kubectl) program that renders overlays (default: found on PATH).",
)
common = compose(
    directory,
    config,
    output,
    namespace,
    keep_going,
    no_cache,
    max_file_size,
    max_total_size,
    workload_kind,
    ignore,
    render,
    kustomize,
    quiet,
    debug,
)

# ---- what the report looks like, and when it fails the run -------------------------------------

diff_format = click.option(
    "--format",
    "output_format",
    type=click.Choice(list(DIFF_FORMATS)),
    default="text",
    show_default=True,
    help=(
        "Report format (dot: a Graphviz graph of the changed flows; sarif: SARIF 2.1.0 for "
        "code scanning; github: workflow commands that annotate the lines in GitHub Actions)."
    ),
)
matrix_format = click.option(
    "--format",
    "output_format",
    type=click.Choice(list(MATRIX_FORMATS)),
    default="text",
    show_default=True,
    help="Report format.",
)
plan_format = click.option(
    "--format",
    "output_format",
    type=click.Choice(list(PLAN_FORMATS)),
    default="text",
    show_default=True,
    help="Report format (markdown: the runbook for a pull request).",
)
explain_format = click.option(
    "--format",
    "output_format",
    type=click.Choice(list(EXPLAIN_FORMATS)),
    default="text",
    show_default=True,
    help="Report format.",
)
lint_format = click.option(
    "--format",
    "output_format",
    type=click.Choice(list(LINT_FORMATS)),
    default="text",
    show_default=True,
    help=(
        "Report format (sarif: SARIF 2.1.0 for code scanning; github: workflow commands that "
        "annotate the lines in GitHub Actions)."
    ),
)
port = click.option(
    "--port",
    metavar="PROTOCOL/PORT",
    callback=_port,
    help="Ask about one port only, such as TCP/8080.",
)
color = click.option(
    "--color",
    "color",
    type=click.Choice(get_args(ColorMode)),
    default="auto",
    show_default=True,
    help="Colour the text report (auto: on a terminal; NO_COLOR and FORCE_COLOR honoured).",
)
exit_code = click.option("--exit-code", is_flag=True, help="Exit 1 when reachability changed.")
equivalent = click.option(
    "--equivalent",
    is_flag=True,
    help=(
        "Say in one line whether both sides allow exactly the same flows (exit 0), or not, or "
        "that it cannot tell (exit 1, with the report); not with --exit-code or --fail-on."
    ),
)
fail_on = click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(get_args(FailOn)),
    multiple=True,
    help=(
        "Exit 1 when flows open, close, either, the input has warnings, or the change has "
        "findings (repeatable); default: the configuration's fail_on."
    ),
)
matrix_fail_on = click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(get_args(MatrixFailOn)),
    multiple=True,
    help="Exit 1 when the input has warnings (or the analysis is incomplete).",
)

# ---- the pull-request comment ------------------------------------------------------------------

repo = click.option("--repo", "repository", required=True, help="OWNER/NAME of the repository.")
pr = click.option("--pr", "number", type=click.IntRange(min=1), required=True, help="Pull request.")
body_file = click.option(
    "--body-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Post this Markdown instead of running the diff.",
)
skip_no_change = click.option(
    "--skip-no-change",
    is_flag=True,
    help="Post nothing when nothing changed and there is no earlier comment.",
)
