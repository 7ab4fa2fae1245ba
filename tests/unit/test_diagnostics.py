"""The diagnostics registry: each code once, with its severity, summary and message."""

from __future__ import annotations

import re

import pytest

from netpoldiff.diagnostics import CODES, HOST_BITS, Diagnostic
from netpoldiff.errors import Location
from tests.conftest import REPO_ROOT

README_ROW = re.compile(r"^\| (NPD\d{3}) \| (.+) \|$", re.MULTILINE)


def test_every_code_is_documented_in_the_readme_as_the_registry_says() -> None:
    rows = dict(README_ROW.findall((REPO_ROOT / "README.md").read_text(encoding="utf-8")))
    assert rows == {code: entry.summary for code, entry in CODES.items()}


def test_a_diagnostic_takes_its_severity_from_the_registry_and_fills_its_template() -> None:
    found = HOST_BITS.at(
        Location("p.yaml", 1, 9), field="ipBlock.cidr", cidr="10.0.0.1/8", network="10.0.0.0/8"
    )
    assert found == Diagnostic(
        "NPD002",
        "ipBlock.cidr: 10.0.0.1/8 has host bits set; read as 10.0.0.0/8",
        Location("p.yaml", 1, 9),
    )
    assert found.severity == "warning"
    assert str(found) == f"p.yaml (document 1, line 9): {found.message} [NPD002]"


@pytest.mark.parametrize("text", ["\x1b]0;x\x07", "a\nb", "\u202e"])
def test_a_message_quoting_input_is_escaped_when_made(text: str) -> None:
    assert Diagnostic("NPD004", text).message.isprintable()
