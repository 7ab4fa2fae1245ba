"""The error hierarchy: where an error sits, and messages that print as one harmless line."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.errors import InputError, Location, NetpoldiffError, SourceError, UsageError

# Any text at all, lone surrogates included (a file name read with surrogateescape holds them).
any_text = st.text(st.characters(exclude_categories=()))


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        (Location("a.yaml"), "a.yaml"),
        (Location("a.yaml", document=2), "a.yaml (document 2)"),
        (Location("a.yaml", line=7), "a.yaml (line 7)"),
        (Location("a.yaml", 2, 7), "a.yaml (document 2, line 7)"),
        (Location("evil\n.yaml", 1), "evil\\n.yaml (document 1)"),
        (Location("\x1b]0;title\x07.yaml"), "\\x1b]0;title\\x07.yaml"),
    ],
    ids=["path", "document", "line", "document-and-line", "newline-in-path", "escape-in-path"],
)
def test_a_location_names_file_document_and_line(location: Location, shown: str) -> None:
    assert str(location) == shown


def test_a_location_keeps_its_path_as_data() -> None:
    # Files are matched by their path: only the text form is escaped.
    assert Location("evil\n.yaml").path == "evil\n.yaml"


def test_an_input_error_says_where_then_what() -> None:
    error = InputError(Location("k8s/app.yaml", 3, 12), "unknown field 'sepc'")
    assert str(error) == "k8s/app.yaml (document 3, line 12): unknown field 'sepc'"
    assert error.location == Location("k8s/app.yaml", 3, 12)
    assert error.message == "unknown field 'sepc'"


def test_an_input_error_escapes_its_message_when_made() -> None:
    error = InputError(Location("a.yaml", 1), "label 'x\nnetpoldiff: forged'")
    assert error.message == "label 'x\\nnetpoldiff: forged'"
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    "kind", [NetpoldiffError, SourceError, UsageError], ids=["base", "source", "usage"]
)
def test_every_error_kind_is_a_netpoldiff_error_with_an_escaped_message(
    kind: type[NetpoldiffError],
) -> None:
    error = kind("revision 'v1\x1b[2J' not found")
    assert isinstance(error, NetpoldiffError)
    assert str(error) == "revision 'v1\\x1b[2J' not found"


def test_usage_and_source_errors_are_told_apart() -> None:
    assert not issubclass(UsageError, SourceError)
    assert not issubclass(SourceError, UsageError)
    assert not issubclass(InputError, SourceError | UsageError)


@given(
    path=any_text,
    document=st.none() | st.integers(1, 10**6),
    line=st.none() | st.integers(1, 10**6),
    message=any_text,
)
def test_any_input_error_is_one_printable_line(
    path: str, document: int | None, line: int | None, message: str
) -> None:
    text = str(InputError(Location(path, document, line), message))
    assert text.isprintable()  # no line break, no control or format character
    assert "##[" not in text
    assert not text.lstrip(" ").startswith("::")


@given(message=any_text)
def test_any_message_of_any_error_kind_is_one_printable_line(message: str) -> None:
    for kind in (NetpoldiffError, SourceError, UsageError):
        text = str(kind(message))
        assert text.isprintable()
        assert "##[" not in text


@given(path=any_text, message=any_text)
def test_an_input_error_survives_the_trip_back_from_a_worker_process(
    path: str, message: str
) -> None:
    error = InputError(Location(path, 2, 5), message)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert type(copy) is InputError
    assert (str(copy), copy.location, copy.message) == (str(error), error.location, error.message)
