"""scalars: go-yaml v2's resolution of scalars and keys, then JSON, as kubectl sends them.

A small table of each rule, read directly. The reference is kubectl itself: every scalar and
key form is compared with kubectl's reading, recorded and generated, in
tests/differential/test_kubectl_reading.py (probes in tests/differential/strategies.py).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.manifests import scalars
from netpoldiff.manifests.scalars import (
    FLOAT_TAG,
    INT_TAG,
    STR_TAG,
    ScalarProblem,
    Uint64,
    go_float32_text,
    json_value,
    key_text,
    plain,
    tagged,
)

# Each plain scalar and the JSON value kubectl sends for it.
PLAIN_CASES: dict[str, tuple[str, object]] = {
    "decimal": ("80", 80),
    "plus-sign": ("+80", 80),
    "minus-sign": ("-80", -80),
    "hex": ("0x50", 80),
    "hex-upper-prefix": ("0X50", 80),
    "octal-0o": ("0o120", 80),
    "octal-leading-zero": ("0120", 80),
    "binary": ("0b1010000", 80),
    "underscores": ("8_0", 80),
    "not-octal-reads-as-float": ("080", 80),
    "prefix-alone-is-text": ("0x", "0x"),
    "exponent": ("1e3", 1000),
    "float-without-fraction-is-an-integer": ("1.0", 1),
    "fraction": ("1.5", 1.5),
    "leading-dot": (".5", 0.5),
    "negative-leading-dot": ("-.5", -0.5),
    "float-underscores-between-digits": (".1_5", 0.15),
    "float-underscore-after-the-dot-is-text": ("._1", "._1"),
    "float-underscore-before-a-letter-is-text": (".1_e5", ".1_e5"),
    "float-overflow-is-text": ("1e400", "1e400"),
    "int64-max": ("9223372036854775807", 9223372036854775807),
    "uint64-as-the-nearest-float": ("9223372036854775808", 9223372036854776000),
    "beyond-uint64-as-a-float": ("18446744073709551616", 18446744073709552000),
    "below-int64-as-a-float": ("-9223372036854775809", -9223372036854776000),
    "y": ("y", True),
    "yes": ("Yes", True),
    "on": ("ON", True),
    "n": ("N", False),
    "off": ("off", False),
    "mixed-case-is-text": ("yEs", "yEs"),
    "empty-is-null": ("", None),
    "tilde-is-null": ("~", None),
    "null": ("Null", None),
    "date-is-text": ("2001-12-14", "2001-12-14"),
    "time-is-text": ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
    "sexagesimal-is-text": ("1:20", "1:20"),
    "word": ("web", "web"),
}


@pytest.mark.parametrize(("text", "sent"), PLAIN_CASES.values(), ids=list(PLAIN_CASES))
def test_plain_scalars(text: str, sent: object) -> None:
    value = json_value(plain(text))
    assert value == sent
    assert type(value) is type(sent)


@pytest.mark.parametrize("text", [".nan", ".NaN", ".inf", "-.Inf", "+.INF"])
def test_non_finite_plain_scalars_cannot_be_sent(text: str) -> None:
    value = plain(text)
    assert isinstance(value, float)
    assert not math.isfinite(value)
    with pytest.raises(ScalarProblem, match="is not a number JSON can carry"):
        json_value(plain(text))


def test_an_integer_above_int64_is_kept_as_uint64_before_json() -> None:
    value = plain("18446744073709551615")
    assert isinstance(value, Uint64)
    assert value == 2**64 - 1


TAGGED_CASES: dict[str, tuple[str, str, object]] = {
    "str-keeps-a-number-as-text": (STR_TAG, "80", "80"),
    "int": (INT_TAG, "0x50", 80),
    "float-accepts-an-integer": (FLOAT_TAG, "80", 80.0),
    "bool": (scalars.BOOL_TAG, "yes", True),
    "null": (scalars.NULL_TAG, "~", None),
    "unknown-tag-keeps-the-text": ("!custom", "80", "80"),
}


@pytest.mark.parametrize(("tag", "text", "value"), TAGGED_CASES.values(), ids=list(TAGGED_CASES))
def test_tagged_scalars(tag: str, text: str, value: object) -> None:
    found = tagged(tag, text)
    assert found == value
    assert type(found) is type(value)


@pytest.mark.parametrize(
    ("tag", "text", "message"),
    [
        (INT_TAG, "eighty", "cannot read !!str `eighty` as !!int"),
        (INT_TAG, "1.5", "cannot read !!float `1.5` as !!int"),
        (FLOAT_TAG, "18446744073709551615", "cannot read !!int `18446744073709551615` as !!float"),
        (scalars.BOOL_TAG, "1", "cannot read !!int `1` as !!bool"),
        (scalars.BINARY_TAG, "aGk=", "!!binary tag is not supported"),
        (scalars.TIMESTAMP_TAG, "2001-12-14", "!!timestamp tag is not supported"),
    ],
    ids=[
        "int-of-a-word",
        "int-of-a-float",
        "float-of-a-uint64",
        "bool-of-a-number",
        "binary",
        "timestamp",
    ],
)
def test_tags_the_text_does_not_fit_are_refused(tag: str, text: str, message: str) -> None:
    with pytest.raises(ScalarProblem) as refused:
        tagged(tag, text)
    assert message in str(refused.value)


# A mapping key as the string sigs.k8s.io/yaml makes of go-yaml's key (floats as float32).
KEY_CASES: dict[str, tuple[str, str]] = {
    "text": ("app", "app"),
    "y-is-true": ("y", "true"),
    "off-is-false": ("off", "false"),
    "octal": ("0o17", "15"),
    "exponent-is-a-float": ("1e3", "1000"),
    "float-without-fraction": ("1.0", "1"),
    "float32-digits": ("3.14159265358979", "3.1415927"),
    "small-fixed": ("0.0001", "0.0001"),
    "small-exponent": ("0.00001", "1e-05"),
    "large-exponent": ("123456789.0", "1.2345679e+08"),
    "just-below-a-million": ("999999.0", "999999"),
    "a-million": ("1000000.0", "1e+06"),
    "negative-zero": ("-0.0", "-0"),
    "float32-max-rounded": ("3.402823517e38", "3.4028235e+38"),
    "float32-overflow": ("3.4028236e38", ".inf"),
    "infinity": (".inf", ".inf"),
    "negative-infinity": ("-.inf", "-.inf"),
    "nan": (".nan", ".nan"),
    "int64-max": ("9223372036854775807", "9223372036854775807"),
}


@pytest.mark.parametrize(("written", "key"), KEY_CASES.values(), ids=list(KEY_CASES))
def test_keys(written: str, key: str) -> None:
    assert key_text(plain(written), written) == key


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("~", "a mapping key may not be null"),
        ("", "a mapping key may not be null"),
        ("9223372036854775808", "an integer kubectl cannot use as a key"),
    ],
    ids=["tilde", "empty", "uint64"],
)
def test_keys_with_no_string_form_are_refused(written: str, message: str) -> None:
    with pytest.raises(ScalarProblem, match=message):
        key_text(plain(written), written)


@given(st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_float32_text_reads_back_as_the_same_float32(value: float) -> None:
    # Go's FormatFloat(f, 'g', -1, 32) writes the shortest text that reads back exactly.
    text = go_float32_text(value)
    assert scalars._to_float32(float(text)) == value
    assert len(text.lstrip("-").replace(".", "").split("e")[0].lstrip("0")) <= 9


def test_short_tag_names() -> None:
    assert scalars.short_tag(INT_TAG) == "!!int"
    assert scalars.short_tag("!custom") == "!custom"
