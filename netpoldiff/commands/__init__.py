"""The commands as plain functions: read sources, evaluate, render; no click, no streams.

One module per command; ``shared`` holds what they have in common. Each returns a Report
(the rendered pieces and the exit status they imply), which the command line writes.
"""

from __future__ import annotations

from netpoldiff.commands.diff import diff_command
from netpoldiff.commands.explain import explain_command, parse_port
from netpoldiff.commands.hooks import (
    HOOK_FAIL_ON,
    hook_install_command,
    hook_run_command,
    pre_push_command,
)
from netpoldiff.commands.lint import lint_command
from netpoldiff.commands.matrix import MatrixFailOn, matrix_command
from netpoldiff.commands.plan import plan_command
from netpoldiff.commands.pr_comment import append_step_summary, comment_body, post_pr_comment
from netpoldiff.commands.shared import Report, Settings
from netpoldiff.configuration import CONFIGURATION_NAME, FailOn
from netpoldiff.explain import Port
from netpoldiff.hooks import Stage
from netpoldiff.manifests import DEFAULT_NAMESPACE, parse_workload_kind
from netpoldiff.report.formats import (
    DIFF_FORMATS,
    EXPLAIN_FORMATS,
    LINT_FORMATS,
    MATRIX_FORMATS,
    PLAN_FORMATS,
)
from netpoldiff.sources import DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_TOTAL_SIZE

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
    "MatrixFailOn",
    "Port",
    "Report",
    "Settings",
    "Stage",
    "append_step_summary",
    "comment_body",
    "diff_command",
    "explain_command",
    "hook_install_command",
    "hook_run_command",
    "lint_command",
    "matrix_command",
    "parse_port",
    "parse_workload_kind",
    "plan_command",
    "post_pr_comment",
    "pre_push_command",
]
