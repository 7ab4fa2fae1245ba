"""Every option of the command line, declared once; commands compose them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import click

from netpoldiff.commands import DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_TOTAL_SIZE, Settings
from netpoldiff.errors import SourceError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(slots=True)
class Invocation:
    """What one run learns outside its command's own options: click's context object.

    ``main`` makes it and reads ``debug`` when something fails, even after click has
    finished; options record into it as click parses them.
    """

    paths: tuple[str, ...] = ()  # after "--": never an option or a revision
    directory: str | None = None  # the group's -C DIR
    debug: bool = False


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


def _remember_debug(context: click.Context, _parameter: click.Parameter, value: bool) -> None:
    invocation = context.find_object(Invocation)
    if value and invocation is not None:
        invocation.debug = True


def compose(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several options as one decorator, applied in the order they are listed."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


# Eager: recorded before any other option of the command is checked, so an error in
# checking them, in the command or in writing its report all see it.
debug_option = click.option(
    "--debug",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_remember_debug,
    help="Show the full traceback of an internal error.",
)
directory_option = click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False),
    help="Run as if started in this directory.",
)

# Options every analysing command takes, defined once.
source_options = compose(
    directory_option,
    click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(dir_okay=False),
        help="Write the report to this file instead of standard output.",
    ),
    click.option(
        "--namespace",
        "default_namespace",
        default="default",
        show_default=True,
        callback=_namespace_name,
        help="Namespace of objects that do not name one.",
    ),
    click.option(
        "--keep-going",
        is_flag=True,
        help="Skip unreadable or invalid input and mark the report incomplete.",
    ),
    click.option("--no-cache", is_flag=True, help="Do not read or write the parse cache."),
    click.option(
        "--max-file-size",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_FILE_SIZE,
        show_default=True,
        help="Bytes above which a manifest is refused, checked before reading it.",
    ),
    click.option(
        "--max-total-size",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_TOTAL_SIZE,
        show_default=True,
        help="Bytes above which a source's manifests, all told, are refused.",
    ),
    debug_option,
)


fail_on_option = click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["opened", "closed", "any", "warnings"]),
    multiple=True,
    help="Exit 1 when flows open, close, either, or the input has warnings (repeatable).",
)
diff_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json", "dot"]),
    default="text",
    show_default=True,
    help="Report format (dot: a Graphviz graph of the changed flows).",
)
color_option = click.option(
    "--color",
    "color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text report (auto: on a terminal; NO_COLOR and FORCE_COLOR honoured).",
)


def settings_from(context: click.Context) -> Settings:
    """The source options of the running command (defined once in ``source_options``)."""
    params = context.params
    invocation = context.find_object(Invocation)
    start = params.get("directory") or (invocation.directory if invocation else None)
    return Settings(
        start=_start_directory(start),
        default_namespace=params.get("default_namespace", "default"),
        keep_going=bool(params.get("keep_going", False)),
        use_cache=not params.get("no_cache", False),
        max_file_size=int(params.get("max_file_size", DEFAULT_MAX_FILE_SIZE)),
        max_total_size=int(params.get("max_total_size", DEFAULT_MAX_TOTAL_SIZE)),
    )


def _start_directory(directory: str | None) -> Path:
    """Where the command runs: ``-C DIR`` made absolute, or the current directory."""
    try:
        return Path(directory).resolve() if directory else Path.cwd()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop (Python 3.11)
        where = f"-C {directory}" if directory else "the current directory"
        msg = f"{where}: cannot be used: {getattr(error, 'strerror', None) or error}"
        raise SourceError(msg) from None


def paths_from(context: click.Context) -> tuple[str, ...]:
    """The PATHs given after ``--``."""
    invocation = context.find_object(Invocation)
    return invocation.paths if invocation else ()
