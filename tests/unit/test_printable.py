"""The one escaping rule: text from input never acts on a terminal, a CI log or a reader."""

from __future__ import annotations

import json
import re
from typing import Final

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.printable import inert_document, printable

# Any text, lone surrogates included, with the pieces that matter drawn often.
TRICKY: Final = (
    *("\n", "\r", "\t", "\x1b", "\x07", "\x7f", "\x85", "\u202e", "\u200b", "\u2028"),
    *("#", "[", ":", " ", "@", "\x1b[0m", "\x1b[31m", "::error::", "##[", "\U000e0001"),
)
any_text = st.lists(
    st.text(st.characters(exclude_categories=()), max_size=3) | st.sampled_from(TRICKY),
    max_size=8,
).map("".join)
# A line the Actions runner reads as a workflow command (it trims leading white space).
WORKFLOW_COMMAND: Final = re.compile(r"\s*::[A-Za-z][A-Za-z-]*(?: [^\n]*?)?::")
OUR_COLOURS: Final = ("\x1b[0m", "\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[33m")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("web-frontend", "web-frontend"),
        ("a\nnetpoldiff: forged line", "a\\nnetpoldiff: forged line"),
        ("\x1b]0;owned\x07", "\\x1b]0;owned\\x07"),
        ("admin\u202etxt.exe", "admin\\u202etxt.exe"),
        ("in\u200bvisible", "in\\u200bvisible"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("del\x7f and c1\x85", "del\\x7f and c1\\x85"),
        ("no\u00a0break", "no\\xa0break"),
        ("::error::pwned", "\\x3a:error::pwned"),
        ("   ::warning file=a::x", "   \\x3a:warning file=a::x"),
        ("see ##[error]here", "see ##\\x5berror]here"),
        ("ns::name", "ns::name"),
        ("2001:db8::/32", "2001:db8::/32"),
        ("caf\u00e9 \u4e2d\u6587", "caf\u00e9 \u4e2d\u6587"),
    ],
    ids=[
        "plain",
        "newline",
        "osc-title",
        "bidi-override",
        "zero-width",
        "tag-character",
        "del-and-c1",
        "non-ascii-space",
        "workflow-command",
        "indented-workflow-command",
        "legacy-command-mid-line",
        "colons-mid-line",
        "ipv6",
        "printable-unicode",
    ],
)
def test_printable_escapes_what_acts_on_a_reader(text: str, shown: str) -> None:
    assert printable(text) == shown


@given(any_text)
def test_printable_never_leaves_a_control_character_or_a_workflow_command(text: str) -> None:
    shown = printable(text)
    assert shown.isprintable()
    assert "##[" not in shown
    assert not shown.lstrip(" ").startswith("::")


@given(any_text)
def test_printable_is_idempotent_and_leaves_harmless_text_alone(text: str) -> None:
    shown = printable(text)
    assert printable(shown) == shown
    if text.isprintable() and "##[" not in text and not text.lstrip(" ").startswith("::"):
        assert shown == text


def _document(chunks: list[str]) -> str:
    return "".join(inert_document(chunks))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain\nlines\n", "plain\nlines\n"),
        ("\x1b[31m- closed\x1b[0m\n", "\x1b[31m- closed\x1b[0m\n"),
        ("\x1b[2J\x1b]0;t\x07", "\\u001b[2J\\u001b]0;t\\u0007"),
        ("cc @\u200bteam #\u200b12\n", "cc @\u200bteam #\u200b12\n"),
        ("hid\u200bden\n", "hid\\u200bden\n"),
        ("\u200bstart", "\\u200bstart"),
        ("bidi \u202e\n", "bidi \\u202e\n"),
        ("astral \U000e0001", "astral \\udb40\\udc01"),
        ("ok\n::error::forged\n", "ok\n\\u003a:error::forged\n"),
        ("::set-output name=x::y", "\\u003a:set-output name=x::y"),
        ("  ::add-mask::secret\n", "  \\u003a:add-mask::secret\n"),
        ("| ##[error] |\n", "| ##\\u005berror] |\n"),
        ("- ::ffff:0:0/96\n", "- ::ffff:0:0/96\n"),
        ("::ffff:0:0/96 all\n", "::ffff:0:0/96 all\n"),
    ],
    ids=[
        "plain-lines",
        "our-colours",
        "foreign-escapes",
        "our-mention-breakers",
        "zero-width-elsewhere",
        "zero-width-first",
        "bidi",
        "astral-as-utf16",
        "command-after-break",
        "command-first",
        "indented-command",
        "legacy-command",
        "ipv6-block-in-a-list",
        "ipv6-block-first",
    ],
)
def test_a_report_is_made_inert_as_it_is_written(text: str, shown: str) -> None:
    assert _document([text]) == shown


def test_a_command_split_across_streamed_pieces_is_still_caught() -> None:
    assert _document(["ok\n:", ":error", "::forged\n##", "[x]"]) == (
        "ok\n\\u003a:error::forged\n##\\u005bx]"
    )


def _harmless(document: str) -> bool:
    """Only line breaks, our colour codes and our mention breakers may be unprintable."""
    for position, character in enumerate(document):
        if character.isprintable() or character == "\n":
            continue
        if character == "\x1b" and document.startswith(OUR_COLOURS, position):
            continue
        if character == "\u200b" and position > 0 and document[position - 1] in "@#":
            continue
        return False
    return True


@given(any_text)
def test_no_report_leaves_a_control_character_or_a_workflow_command(text: str) -> None:
    document = _document([text])
    assert _harmless(document)
    assert "##[" not in document
    assert not any(WORKFLOW_COMMAND.match(line) for line in document.split("\n"))


@given(st.lists(any_text, max_size=6))
def test_streaming_a_report_in_pieces_changes_nothing(chunks: list[str]) -> None:
    assert _document(chunks) == _document(["".join(chunks)])


@given(any_text)
def test_a_report_is_inert_once(text: str) -> None:
    document = _document([text])
    assert _document([document]) == document
    assert _document([printable(text)]) == printable(text)  # escaped early: never twice


@given(
    st.dictionaries(any_text, any_text | st.lists(any_text, max_size=3), max_size=4),
    st.sampled_from([None, 2]),
)
def test_a_json_report_reads_back_as_the_same_strings(value: object, indent: int | None) -> None:
    # "any other unprintable character becomes a \uXXXX escape, which JSON reads as the same
    # string"
    document = json.dumps(value, ensure_ascii=False, indent=indent)
    assert json.loads(_document([document])) == value


def test_the_github_format_s_own_commands_pass_and_the_rest_of_the_rule_holds() -> None:
    ours = "::warning file=a.yaml,line=3,title=NPD003::x\n::notice title=opened-flow::y ##[z\x1b\n"
    shown = "".join(inert_document([ours], workflow_commands=True))
    assert shown == (
        "::warning file=a.yaml,line=3,title=NPD003::x\n"
        "::notice title=opened-flow::y ##\\u005bz\\u001b\n"
    )
    assert _document([ours]).startswith("\\u003a:warning ")  # any other report: inert
