"""suppression: which warnings annotations, ``ignore`` and --ignore hide, and by which means."""

from __future__ import annotations

import pytest

from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import Location
from netpoldiff.suppression import (
    Annotated,
    CodeListError,
    Ignore,
    Means,
    known_code,
    parse_codes,
    suppress,
)

# Four warnings of two documents of a.yaml (a List in document 2), and one with no place.
NPD003_DOC1 = Diagnostic("NPD003", "ignored egress", Location("a.yaml", 1, 9))
NPD006_DOC1 = Diagnostic("NPD006", "selects nothing", Location("a.yaml", 1, 5))
NPD003_ITEM1 = Diagnostic("NPD003", "ignored egress", Location("a.yaml", 2, 12))
NPD003_ITEM2 = Diagnostic("NPD003", "ignored egress", Location("a.yaml", 2, 30))
NPD003_OTHER_FILE = Diagnostic("NPD003", "ignored egress", Location("b.yaml", 1, 9))
NPD009_NOWHERE = Diagnostic("NPD009", "nothing read", None)
WARNINGS = (
    NPD003_DOC1,
    NPD006_DOC1,
    NPD003_ITEM1,
    NPD003_ITEM2,
    NPD003_OTHER_FILE,
    NPD009_NOWHERE,
)

DOC1_IGNORES_NPD003 = Annotated(Location("a.yaml", 1), frozenset({"NPD003"}))
# The first item of the List of document 2 stands on lines 4 to 20.
ITEM1_IGNORES_NPD003 = Annotated(Location("a.yaml", 2, 4), frozenset({"NPD003"}), 20)
LAST_ITEM_IGNORES_NPD003 = Annotated(Location("a.yaml", 2, 21), frozenset({"NPD003"}))

SUPPRESS_CASES: dict[
    str, tuple[Ignore, tuple[Annotated, ...], tuple[Diagnostic, ...], tuple[Means, ...]]
] = {
    "nothing-hides-nothing": (Ignore(), (), (), ()),
    "annotation-hides-its-codes-in-its-document-only": (
        Ignore(),
        (DOC1_IGNORES_NPD003,),
        (NPD003_DOC1,),
        ("annotation",),
    ),
    "list-item-hides-its-own-lines-only": (
        Ignore(),
        (ITEM1_IGNORES_NPD003,),
        (NPD003_ITEM1,),
        ("annotation",),
    ),
    "last-list-item-holds-the-lines-to-the-document-end": (
        Ignore(),
        (LAST_ITEM_IGNORES_NPD003,),
        (NPD003_ITEM2,),
        ("annotation",),
    ),
    "configuration-hides-a-code-everywhere": (
        Ignore(configured=frozenset({"NPD003"})),
        (),
        (NPD003_DOC1, NPD003_ITEM1, NPD003_ITEM2, NPD003_OTHER_FILE),
        ("configuration",),
    ),
    "command-line-hides-a-warning-with-no-place": (
        Ignore(given=frozenset({"NPD009"})),
        (),
        (NPD009_NOWHERE,),
        ("command-line",),
    ),
    "the-three-add-up-each-named-once-in-order": (
        Ignore(configured=frozenset({"NPD006"}), given=frozenset({"NPD009", "NPD003"})),
        (DOC1_IGNORES_NPD003,),
        WARNINGS,
        ("annotation", "configuration", "command-line"),
    ),
}


@pytest.mark.parametrize(
    ("ignore", "annotated", "hidden", "means"),
    SUPPRESS_CASES.values(),
    ids=SUPPRESS_CASES.keys(),
)
def test_suppress_hides_what_each_means_names_and_keeps_the_rest_in_order(
    ignore: Ignore,
    annotated: tuple[Annotated, ...],
    hidden: tuple[Diagnostic, ...],
    means: tuple[Means, ...],
) -> None:
    shown, suppressed = suppress(WARNINGS, ignore, annotated)
    assert shown == tuple(w for w in WARNINGS if w not in hidden)
    assert suppressed.warnings == hidden
    assert suppressed.count == len(hidden)
    assert suppressed.means == means


def test_an_annotation_hides_no_warning_without_a_document() -> None:
    # A file-level warning (a skipped link) belongs to no object.
    skipped = Diagnostic("NPD004", "skipped", Location("a.yaml"))
    everything = Annotated(Location("a.yaml", 1), frozenset({"NPD004"}))
    assert suppress([skipped], Ignore(), [everything])[0] == (skipped,)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("NPD003", {"NPD003"}),
        ("NPD003,NPD005", {"NPD003", "NPD005"}),
        (" npd003 , NPD005, ", {"NPD003", "NPD005"}),
        ("NPD003,NPD003", {"NPD003"}),
    ],
    ids=["one", "two", "spaces-case-trailing-comma", "repeated"],
)
def test_parse_codes_reads_comma_separated_codes(text: str, codes: set[str]) -> None:
    assert parse_codes(text) == codes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NPD03", "unknown warning code 'NPD03' (the codes are NPD001 to NPD0"),
        ("NPD003;NPD005", "unknown warning code 'NPD003;NPD005'"),
        ("all", "'all' is not a code: name each code, so that checks added later still show"),
        ("ALL, NPD003", "'all' is not a code"),
        ("", "'' names no code (give codes such as NPD003,NPD005)"),
        (" , ", "' , ' names no code"),
    ],
    ids=["typo", "semicolon", "all", "all-among-codes", "empty", "only-commas"],
)
def test_parse_codes_refuses_what_names_no_code_of_the_registry(text: str, message: str) -> None:
    with pytest.raises(CodeListError) as caught:
        parse_codes(text)
    assert str(caught.value).startswith(message)


def test_known_code_takes_any_case() -> None:
    assert known_code(" npd011 ") == "NPD011"
