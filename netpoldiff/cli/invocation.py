"""What one run of the command line carries besides its command's options, and reads from them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from netpoldiff.cli.progress import StatusLine
from netpoldiff.errors import SourceError
from netpoldiff.render.plan import RenderPlan

if TYPE_CHECKING:
    from netpoldiff.commands.shared import Settings
    from netpoldiff.sources import Source, Workspace

# The parameters of ``options.common`` that are Settings fields under the same name.
_SETTINGS_PARAMETERS: Final = (
    "default_namespace",
    "keep_going",
    "max_file_size",
    "max_total_size",
    "workload_kinds",
    "ignore",
)


# Settings made from an option of another name: given when that option is.
_GIVEN_BY: Final = {"render_plan": "render_mode"}


def _given(context: click.Context, parameter: str) -> bool:
    """Whether the command line (or the environment) set a parameter, not its default."""
    source = context.get_parameter_source(parameter)
    return source is not None and source not in {
        click.core.ParameterSource.DEFAULT,
        click.core.ParameterSource.DEFAULT_MAP,
    }


@dataclass(slots=True)
class Invocation:
    """click's context object for one run: what is known outside the command's options.

    ``main`` makes it and reads ``debug`` when something fails, even after click has
    finished; options record into it as click parses them.
    """

    paths: tuple[str, ...] = ()  # after "--": never an option or a revision
    directory: str | None = None  # the group's -C DIR
    debug: bool = False
    status: StatusLine | None = None  # the progress line (None: stderr is no terminal)


def settings_from(context: click.Context) -> Settings:
    """The Settings the running command's options ask for; Settings' defaults for the rest."""
    # Imported here, by the command that runs: main and the group import this module on
    # every run, ``--version`` included, and the commands import what they read with.
    from netpoldiff.commands.shared import Settings  # noqa: PLC0415

    params = context.params
    invocation = context.find_object(Invocation)
    start = params.get("directory") or (invocation.directory if invocation else None)
    values: dict[str, Any] = {name: params[name] for name in _SETTINGS_PARAMETERS if name in params}
    if "no_cache" in params:
        values["use_cache"] = not params["no_cache"]
    if "render_mode" in params:
        values["render_plan"] = RenderPlan(
            mode=params["render_mode"], kustomize_command=params.get("kustomize_command")
        )
    # What the command line set beats the repository configuration; its defaults do not.
    given = frozenset(name for name in values if _given(context, _GIVEN_BY.get(name, name)))
    status = invocation.status if invocation is not None else None
    if status is not None and not params.get("quiet"):
        values["progress"] = status
    return Settings(
        start=_start_directory(start),
        config_file=params.get("config_file"),
        given=given,
        **values,
    )


def _start_directory(directory: str | None) -> Path:
    """Where the command runs: ``-C DIR`` made absolute, or the current directory."""
    try:
        return Path(directory).resolve() if directory else Path.cwd()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop (Python 3.11)
        where = f"-C {directory}" if directory else "the current directory"
        msg = f"{where}: cannot be used: {getattr(error, 'strerror', None) or error}"
        raise SourceError(msg) from None


def source_from(workspace: Workspace, text: str | None) -> Source | None:
    """What a SOURCE argument names (None when it was left out, for the command's default)."""
    return None if text is None else workspace.source(text)


def paths_from(context: click.Context) -> tuple[str, ...]:
    """The PATHs given after ``--``."""
    invocation = context.find_object(Invocation)
    return invocation.paths if invocation else ()
