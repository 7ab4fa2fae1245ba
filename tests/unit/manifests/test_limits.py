"""limits: nesting bounded on the text, before any parser sees it.

A whole file refused this way, through the command line, is in tests/hostile/test_checklist.py
(``test_deep_nesting_is_refused_before_parsing``).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.manifests.limits import MAX_DEPTH, LimitExceeded, _flow_depth, check_nesting

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
        # A closing bracket too many does not make room for one more level.
        ("]" * 5 + "[" * TOO_DEEP, 1),
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
        "extra-closing-bracket-ignored",
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
        pytest.param(
            "a: it's\nb: " + "[" * TOO_DEEP,
            marks=pytest.mark.xfail(
                strict=True,
                reason="limits._flow_depth takes the apostrophe of a plain scalar for a quote "
                "and ignores every bracket after it (libyaml 0.2.5's own nesting limit still "
                "refuses the file, as invalid YAML)",
            ),
            id="apostrophe-in-a-plain-scalar",
        ),
        pytest.param(
            "[a#b, " + "[" * TOO_DEEP,
            marks=pytest.mark.xfail(
                strict=True,
                reason="limits._flow_depth takes a '#' inside a plain scalar for a comment and "
                "ignores the rest of its line (libyaml 0.2.5's own nesting limit still refuses "
                "the file, as invalid YAML)",
            ),
            id="hash-inside-a-plain-scalar",
        ),
    ],
)
def test_what_yaml_reads_as_plain_text_hides_no_nesting(text: str) -> None:
    # "Quotes are tracked only roughly ..., which can only make the bound larger."
    assert refused_line(text) is not None


def test_the_messages_say_which_nesting() -> None:
    with pytest.raises(LimitExceeded, match="1000 levels of brackets"):
        check_nesting("[" * TOO_DEEP)
    with pytest.raises(LimitExceeded, match="1000 levels of indentation"):
        check_nesting(" " * MAX_DEPTH + "a")


# --- the bracket scan against a model of the text it is given -----------------------------

_NOISE_CHARS = "[]{}#'\" ab"


def _quoted(quote: str) -> st.SearchStrategy[str]:
    inside = st.text(st.sampled_from(_NOISE_CHARS.replace(quote, "")), max_size=6)
    return inside.map(lambda text: f"{quote}{text}{quote}")


_comment = st.text(st.sampled_from(_NOISE_CHARS), max_size=6).map(lambda text: f" #{text}")
# One line: bare brackets (opening, then closing), quoted text and maybe a comment at the end.
_line = st.tuples(
    st.integers(0, 3),
    st.integers(0, 3),
    st.lists(_quoted("'") | _quoted('"'), max_size=2),
    _comment | st.just(""),
)


@given(st.lists(_line, min_size=1, max_size=12))
def test_brackets_in_quotes_and_comments_are_not_counted(
    lines: list[tuple[int, int, list[str], str]],
) -> None:
    text = "\n".join(
        "[" * opened + "".join(quoted) + "]" * closed + comment
        for opened, closed, quoted, comment in lines
    )
    depth = deepest = 0
    deepest_line = 1
    for number, (opened, closed, _, _) in enumerate(lines, start=1):
        if depth + opened > deepest:
            deepest, deepest_line = depth + opened, number
        depth = max(0, depth + opened - closed)
    assert _flow_depth(text) == (deepest, deepest_line)


@given(
    st.lists(_quoted("'") | _quoted('"') | _comment, max_size=8),
    st.integers(0, 5),
    st.booleans(),
)
def test_one_bare_level_past_the_limit_is_refused_at_its_line(
    noise: list[str], before: int, too_deep: bool
) -> None:
    # Noise on lines of its own, then every bare bracket on a line of its own: the deepest
    # level is reached on the last bracket's line.
    levels = TOO_DEEP if too_deep else MAX_DEPTH
    lines = ["a: 1"] * before + [n.lstrip() for n in noise] + ["["] * levels
    expected = len(lines) if too_deep else None
    assert refused_line("\n".join(lines)) == expected
