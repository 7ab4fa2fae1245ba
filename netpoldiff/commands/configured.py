"""The repository configuration applied to a command: whose counts, and what the options keep.

A command that reads one source uses that source's ``.netpoldiff.yaml`` (``matrix``). A diff
uses OLD's for both sides, read from OLD itself (a revision's blob, not the file on disk), so a
change under review cannot hide what it does by editing the configuration: a pull request
that adds ``exclude: [k8s/]`` is still read with the base's configuration, and its own
configuration change is reported (``configuration_change``). ``-c FILE`` names the
configuration outright, for both sides.

Options given on the command line win over the configuration: ``--namespace``,
``--workload-kind``, ``--fail-on``, ``--render``, and PATHs after ``--`` (over ``paths``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from netpoldiff.commands.shared import Settings
from netpoldiff.configuration import (
    CONFIGURATION_NAME,
    KEYS,
    Configuration,
    configuration_file,
    configuration_of,
)
from netpoldiff.errors import InputError, NetpoldiffError
from netpoldiff.findings import ConfigurationChanged
from netpoldiff.sources import Source, Workspace

C = TypeVar("C", bound=str)


@dataclass(frozen=True, slots=True)
class Configured:
    """A command's settings with the configuration applied, and what it decides besides.

    ``paths`` are the PATHs to read (from where the command runs): the command line's, or
    else the configuration's; ``cli_paths`` whether they came from the command line.
    """

    settings: Settings
    paths: tuple[str, ...]
    cli_paths: bool

    def fail_on(self, given: Sequence[C], choices: Sequence[C]) -> tuple[C, ...]:
        """The --fail-on conditions: those given, else the configuration's that apply here."""
        if given:
            return tuple(given)
        configuration = self.settings.configuration
        return tuple(c for c in choices if configuration and c in configuration.fail_on)


def configure(
    settings: Settings,
    workspace: Workspace,
    source: Source,
    paths: Sequence[str],
    side: str | None = None,
) -> Configured:
    """Apply the configuration of ``source`` (or ``-c FILE``) to ``settings``.

    ``side`` (``OLD``) names the side of a diff whose configuration it is, in errors.
    """
    configuration = _read(settings, workspace, source, side)
    if configuration is None:
        return Configured(settings, tuple(paths), bool(paths))
    given = settings.given
    changes: dict[str, object] = {"configuration": configuration}
    if configuration.namespace is not None and "default_namespace" not in given:
        changes["default_namespace"] = configuration.namespace
    if configuration.workload_kinds and "workload_kinds" not in given:
        changes["workload_kinds"] = configuration.workload_kinds
    if configuration.render is not None:
        plan = configuration.render
        mode = settings.render_plan.mode if "render_plan" in given else plan.mode
        changes["render_plan"] = replace(
            settings.render_plan,
            mode=mode,
            kustomizations=settings.render_plan.kustomizations + plan.kustomizations,
            charts=settings.render_plan.charts + plan.charts,
        )
    if paths:
        chosen = tuple(paths)
    else:
        # Repository paths, as the command line would give them from where it runs.
        chosen = tuple(
            os.path.relpath(workspace.top / p, workspace.start) for p in configuration.paths
        )
    return Configured(replace(settings, **changes), chosen, bool(paths))  # type: ignore[arg-type]


def _read(
    settings: Settings, workspace: Workspace, source: Source, side: str | None
) -> Configuration | None:
    if settings.config_file is not None:
        return configuration_file(workspace, settings.config_file)
    try:
        return configuration_of(workspace, source)
    except InputError as error:
        if side is None:
            raise
        where = f"{side} ({source})"
        raise error.on_side(where) from None


def configuration_change(
    workspace: Workspace, settings: Settings, new: Source
) -> ConfigurationChanged | None:
    """How NEW's configuration differs from the one that read both sides (None: it does not).

    Nothing to compare with ``-c FILE``, which names the configuration for both sides.
    """
    if settings.config_file is not None:
        return None
    used = settings.configuration
    try:
        theirs = configuration_of(workspace, new)
    except NetpoldiffError as error:
        # Not used, so not fatal: the report says why NEW's cannot be read.
        return ConfigurationChanged(CONFIGURATION_NAME, "unusable", problem=str(error))
    if used is None and theirs is None:
        return None
    if used is None or theirs is None:
        present = theirs or used
        keys: tuple[str, ...] = tuple(
            k for k in KEYS if present is not None and k in present.written
        )
        return ConfigurationChanged(
            CONFIGURATION_NAME, "added" if used is None else "removed", keys
        )
    keys = used.differing_keys(theirs)
    return ConfigurationChanged(CONFIGURATION_NAME, "modified", keys) if keys else None


__all__ = ["Configured", "configuration_change", "configure"]
