"""limits: nesting bounded before any document is built from the text.

A whole file refused this way, through the command line, is in tests/hostile/test_checklist.py
(``test_deep_nesting_is_refused_before_parsing``).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.manifests.limits import MAX_DEPTH, LimitExceeded, _collection_depth, check_nesting

TOO_DEEP = MAX_DEPTH + 1


def refused_line(text: str) -> int | None:
    """The line check_nesting refuses ``text`` at (0 when it names none), or None if accepted."""
    try:
        check_nesting(text)
    except LimitExceeded as error:
        return error.line or 0
    return None


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[" * MAX_DEPTH + "]" * MAX_DEPTH, None),
        ("[" * TOO_DEEP + "]" * TOO_DEEP, 1),
        ("{" * TOO_DEEP, 1),
        ("[{" * (TOO_DEEP // 2 + 1), 1),
        ("a: 1\nb: 2\nc: " + "[" * TOO_DEEP, 3),
        ("[\n" * TOO_DEEP, TOO_DEEP),
        ("[]" * 5 * MAX_DEPTH, None),
        # Text the parser refuses is measured up to the error, which loading reports.
        ("]" * 5 + "[" * TOO_DEEP, None),
        ("# " + "[" * TOO_DEEP, None),
        ("a: '" + "[" * TOO_DEEP + "'", None),
        ('a: "' + "{" * TOO_DEEP + '"', None),
        ("a: '\n" + "[" * TOO_DEEP + "\n'", None),
        # A quote inside a comment opens nothing; a '#' inside quotes starts no comment.
        ("# it's\n" + "[" * TOO_DEEP, 2),
        ("a: '#'\nb: " + "[" * TOO_DEEP, 2),
        ('a: "it\'s"\nb: ' + "[" * TOO_DEEP, 2),
        # The comment ends with its line.
        ("# a comment\n" + "[" * TOO_DEEP, 2),
        (" " * (MAX_DEPTH - 1) + "a: 1", None),
        ("a:\n" + " " * MAX_DEPTH + "b: 1", 2),
        ("a:\n" + "\t" * MAX_DEPTH + "b", 2),
        ("- " * (MAX_DEPTH // 2), 1),
        ("? " * (MAX_DEPTH // 2) + "a", 1),
        (": " * (MAX_DEPTH // 2 - 1) + "a", None),
    ],
    ids=[
        "flow-at-the-limit",
        "flow-one-past",
        "braces",
        "mixed-brackets",
        "flow-on-line-3",
        "one-bracket-a-line",
        "closed-brackets-do-not-add-up",
        "measured-up-to-a-parse-error",
        "brackets-in-a-comment",
        "brackets-in-single-quotes",
        "braces-in-double-quotes",
        "quotes-over-several-lines",
        "quote-in-a-comment",
        "hash-in-quotes",
        "apostrophe-in-double-quotes",
        "comment-ends-at-the-newline",
        "indentation-below-the-limit",
        "indentation-at-the-limit",
        "tabs",
        "dash-chain",
        "question-mark-chain",
        "colon-chain-below-the-limit",
    ],
)
def test_check_nesting(text: str, line: int | None) -> None:
    assert refused_line(text) == line


@pytest.mark.parametrize(
    "text",
    [
        "a: it's\nb: " + "[" * TOO_DEEP,
        "[a#b, " + "[" * TOO_DEEP,
        "a: rock 'n roll\nb: " + "[" * TOO_DEEP,
        "a: '" + "''" + "[" * 3 + "'\nb: " + "[" * TOO_DEEP,
        'a: "\\"' + "]" * 3 + '"\nb: ' + "[" * TOO_DEEP,
    ],
    ids=[
        "apostrophe-in-a-plain-scalar",
        "hash-inside-a-plain-scalar",
        "apostrophe-after-a-space-in-a-plain-scalar",
        "escaped-quote-in-single-quotes",
        "escaped-quote-in-double-quotes",
    ],
)
def test_what_yaml_reads_as_plain_text_hides_no_nesting(text: str) -> None:
    assert refused_line(text) is not None


def test_the_messages_say_which_nesting() -> None:
    with pytest.raises(LimitExceeded, match="1000 levels of brackets"):
        check_nesting("[" * TOO_DEEP)
    with pytest.raises(LimitExceeded, match="1000 levels of indentation"):
        check_nesting(" " * MAX_DEPTH + "a")


# --- the measure against a model of the text it is given ----------------------------------

_NOISE_CHARS = "[]{}#'\" ab\\"
_noise = st.text(st.sampled_from(_NOISE_CHARS), max_size=6)
_single_quoted = _noise.map(lambda text: "'" + text.replace("'", "''") + "'")
_double_quoted = _noise.map(lambda text: '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
# Plain scalars that hold the characters which open quotes and comments elsewhere.
_plain = st.sampled_from(["a", "it's", "a#b", 'say"so"'])
_comment = _noise.map(lambda text: " #" + text)
_scalar = (_single_quoted | _double_quoted | _plain).map(lambda text: (text, 0))


def _sequence(items: list[tuple[str, int]], comments: list[str]) -> tuple[str, int]:
    separators = [f",{comment}\n" if comment else ", " for comment in comments]
    text = "".join(
        item + separator for (item, _), separator in zip(items, separators, strict=False)
    )
    return "[" + text + "]", 1 + max((depth for _, depth in items), default=0)


_value = st.recursive(
    _scalar,
    lambda values: st.builds(
        _sequence, st.lists(values, max_size=3), st.lists(_comment | st.just(""), min_size=3)
    ),
    max_leaves=12,
)


@given(_value)
def test_quotes_comments_and_plain_text_are_read_as_yaml_reads_them(
    value: tuple[str, int],
) -> None:
    text, depth = value
    assert _collection_depth(text)[0] == depth


@given(
    st.lists(_single_quoted | _double_quoted | _plain | _comment, max_size=8),
    st.booleans(),
)
def test_one_level_past_the_limit_is_refused_at_its_line(noise: list[str], too_deep: bool) -> None:
    # One flow sequence: noise items (or comments) on lines of their own, then every deeper
    # level on a line of its own; the deepest level is reached on the last line.
    levels = TOO_DEEP if too_deep else MAX_DEPTH
    lines = ["["]
    lines += [item.lstrip() if item.lstrip().startswith("#") else item + "," for item in noise]
    lines += ["["] * (levels - 1)
    expected = len(lines) if too_deep else None
    assert refused_line("\n".join(lines)) == expected
