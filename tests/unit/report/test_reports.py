"""What a format is given: the report values, their headers and their lines."""

from __future__ import annotations

import pytest

from netpoldiff.report.lines import change_lines
from netpoldiff.report.reports import DiffHeader, Style
from tests.testing.builders import cluster, policy, workload
from tests.unit.report.reporting import diff_report, matrix_report

WEB = workload("shop/web", {"app": "web"})
API = workload("shop/api", {"app": "api"})
API_CLOSED = policy("shop/api-in", {"app": "api"}, ingress=())


def test_a_style_is_without_colour_unless_asked() -> None:
    assert Style().color is False
    assert Style(color=True).color is True


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("HEAD~1", "HEAD~1"),
        ("main (1a2b3c4)", "main (1a2b3c4)"),
        ("evil\u202etxt.yaml", "evil\\u202etxt.yaml"),
        ("line\nforged", "line\\nforged"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("::error::boom", "\\x3a:error::boom"),
    ],
    ids=["revision", "ref-and-sha", "bidi-override", "newline", "terminal-escape", "command"],
)
def test_a_header_escapes_what_a_name_could_do_to_a_reader(given: str, shown: str) -> None:
    header = DiffHeader(given, given)
    assert (header.old, header.new) == (shown, shown)
    assert DiffHeader(header.old, header.new) == header  # escaped once, never twice


def test_a_diff_report_s_lines_are_the_change_lines_of_its_diff_computed_once() -> None:
    report = diff_report(cluster(WEB, API), cluster(WEB, API, API_CLOSED))
    assert report.lines == tuple(change_lines(report.diff, report.changes))
    assert report.lines  # api closed to everyone
    assert report.lines is report.lines


def test_a_report_has_no_warnings_or_errors_unless_given() -> None:
    same = cluster(WEB)
    assert (diff_report(same, same).warnings, diff_report(same, same).errors) == ((), ())
    report = matrix_report(same)
    assert (report.source, report.warnings, report.errors) == ("SRC", (), ())
