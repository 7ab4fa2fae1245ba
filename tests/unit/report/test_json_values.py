"""The shared values of the JSON documents."""

from __future__ import annotations

import json

from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.report.json_values import dump, problems
from netpoldiff.suppression import Suppressed


def test_a_source_s_problems_say_incomplete_exactly_when_something_was_skipped() -> None:
    warning = Diagnostic("NPD004", "skipped", None)
    error = InputError(Location("k8s/bad.yaml", 1, 2), "invalid YAML")
    assert problems([warning], [])["incomplete"] is False
    found = problems([warning], [error])
    assert found["incomplete"] is True
    assert found["errors"] == ["k8s/bad.yaml (document 1, line 2): invalid YAML"]
    assert [w["code"] for w in found["warnings"]] == ["NPD004"]
    assert found["suppressed"] == 0


def test_a_source_s_problems_count_the_suppressed_warnings() -> None:
    hidden = Diagnostic("NPD003", "ignored egress", None)
    found = problems([], [], Suppressed((hidden, hidden), ("command-line",)))
    assert (found["warnings"], found["suppressed"]) == ([], 2)


def test_dump_keeps_non_ascii_text_and_stays_json() -> None:
    text = dump({"name": "café"})
    assert "café" in text
    assert json.loads(text) == {"name": "café"}
