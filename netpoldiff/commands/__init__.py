"""The commands as plain functions: read sources, evaluate, render; no click, no streams.

One module per command; ``shared`` holds what they have in common. Each returns a Report
(the rendered pieces and the exit status they imply), which the command line writes.

The names below are imported from their modules when first asked for: a run imports its own
command's module, not every command's (start-up time is paid on every commit a hook checks).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from netpoldiff.commands.diff import diff_command
    from netpoldiff.commands.explain import explain_command, parse_port
    from netpoldiff.commands.hooks import (
        ReceiveOptions,
        hook_install_command,
        hook_run_command,
        hook_script_command,
        pre_push_command,
    )
    from netpoldiff.commands.lint import lint_command
    from netpoldiff.commands.matrix import MatrixFailOn, matrix_command
    from netpoldiff.commands.plan import plan_command
    from netpoldiff.commands.pr_comment import (
        append_step_summary,
        comment_body,
        post_pr_comment,
    )
    from netpoldiff.commands.pre_receive import (
        ReceiveJob,
        pre_receive_command,
        protection,
    )
    from netpoldiff.commands.shared import Report, Settings
    from netpoldiff.configuration import CONFIGURATION_NAME, HOOK_FAIL_ON, FailOn
    from netpoldiff.configuration.receive import OnTimeout
    from netpoldiff.explain import Port
    from netpoldiff.hooks import Stage
    from netpoldiff.manifests import DEFAULT_NAMESPACE, parse_workload_kind
    from netpoldiff.receive import Finished, run_within
    from netpoldiff.report.formats import (
        DIFF_FORMATS,
        EXPLAIN_FORMATS,
        LINT_FORMATS,
        MATRIX_FORMATS,
        PLAN_FORMATS,
    )
    from netpoldiff.sources import DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_TOTAL_SIZE

# Each public name, and the module it is imported from.
_HOMES: Final = {
    "CONFIGURATION_NAME": "netpoldiff.configuration",
    "DEFAULT_MAX_FILE_SIZE": "netpoldiff.sources",
    "DEFAULT_MAX_TOTAL_SIZE": "netpoldiff.sources",
    "DEFAULT_NAMESPACE": "netpoldiff.manifests",
    "DIFF_FORMATS": "netpoldiff.report.formats",
    "EXPLAIN_FORMATS": "netpoldiff.report.formats",
    "HOOK_FAIL_ON": "netpoldiff.configuration",
    "LINT_FORMATS": "netpoldiff.report.formats",
    "MATRIX_FORMATS": "netpoldiff.report.formats",
    "PLAN_FORMATS": "netpoldiff.report.formats",
    "FailOn": "netpoldiff.configuration",
    "Finished": "netpoldiff.receive",
    "OnTimeout": "netpoldiff.configuration.receive",
    "ReceiveJob": "netpoldiff.commands.pre_receive",
    "MatrixFailOn": "netpoldiff.commands.matrix",
    "Port": "netpoldiff.explain",
    "Report": "netpoldiff.commands.shared",
    "Settings": "netpoldiff.commands.shared",
    "Stage": "netpoldiff.hooks",
    "append_step_summary": "netpoldiff.commands.pr_comment",
    "comment_body": "netpoldiff.commands.pr_comment",
    "diff_command": "netpoldiff.commands.diff",
    "explain_command": "netpoldiff.commands.explain",
    "hook_install_command": "netpoldiff.commands.hooks",
    "hook_script_command": "netpoldiff.commands.hooks",
    "ReceiveOptions": "netpoldiff.commands.hooks",
    "hook_run_command": "netpoldiff.commands.hooks",
    "lint_command": "netpoldiff.commands.lint",
    "matrix_command": "netpoldiff.commands.matrix",
    "parse_port": "netpoldiff.commands.explain",
    "parse_workload_kind": "netpoldiff.manifests",
    "plan_command": "netpoldiff.commands.plan",
    "post_pr_comment": "netpoldiff.commands.pr_comment",
    "pre_push_command": "netpoldiff.commands.hooks",
    "pre_receive_command": "netpoldiff.commands.pre_receive",
    "protection": "netpoldiff.commands.pre_receive",
    "run_within": "netpoldiff.receive",
}


def __getattr__(name: str) -> object:
    """A public name, imported from its module the first time it is asked for."""
    if name not in _HOMES:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(_HOMES[name]), name)


__all__ = [
    "CONFIGURATION_NAME",
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_MAX_TOTAL_SIZE",
    "DEFAULT_NAMESPACE",
    "DIFF_FORMATS",
    "EXPLAIN_FORMATS",
    "HOOK_FAIL_ON",
    "LINT_FORMATS",
    "MATRIX_FORMATS",
    "PLAN_FORMATS",
    "FailOn",
    "Finished",
    "MatrixFailOn",
    "OnTimeout",
    "Port",
    "ReceiveJob",
    "ReceiveOptions",
    "Report",
    "Settings",
    "Stage",
    "append_step_summary",
    "comment_body",
    "diff_command",
    "explain_command",
    "hook_install_command",
    "hook_run_command",
    "hook_script_command",
    "lint_command",
    "matrix_command",
    "parse_port",
    "parse_workload_kind",
    "plan_command",
    "post_pr_comment",
    "pre_push_command",
    "pre_receive_command",
    "protection",
    "run_within",
]
