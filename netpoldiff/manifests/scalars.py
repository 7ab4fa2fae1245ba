"""Scalars and mapping keys as kubectl reads them: go-yaml v2's resolution, then JSON.

kubectl, Argo CD, Flux and Helm all read manifests through ``sigs.k8s.io/yaml``: go-yaml v2
resolves each scalar (YAML 1.1 rules, with go-yaml's own choices), the result is converted to
JSON (keys become strings), and kubectl decodes that JSON again before it sends the object.
netpoldiff must read the same bytes the same way, or a pull request could make it see one port
while the cluster gets another. The functions here follow go-yaml v2.4's ``resolve.go`` and
``decode.go`` and ``sigs.k8s.io/yaml``'s ``convertToJSONableObject`` line by line; the
differential test against kubectl (tests/kubectl_reading/) holds them to it.

Values come back as JSON would carry them: ``str``, ``bool``, ``None``, ``int`` (every number
that JSON writes without a fraction or exponent) and ``float``.
"""

from __future__ import annotations

import decimal
import math
import re
import struct
from typing import Final

YAML_TAG: Final = "tag:yaml.org,2002:"
STR_TAG: Final = YAML_TAG + "str"
INT_TAG: Final = YAML_TAG + "int"
FLOAT_TAG: Final = YAML_TAG + "float"
BOOL_TAG: Final = YAML_TAG + "bool"
NULL_TAG: Final = YAML_TAG + "null"
TIMESTAMP_TAG: Final = YAML_TAG + "timestamp"
BINARY_TAG: Final = YAML_TAG + "binary"
MERGE_TAG: Final = YAML_TAG + "merge"

_INT64_MIN: Final = -(1 << 63)
_INT64_MAX: Final = (1 << 63) - 1
_UINT64_MAX: Final = (1 << 64) - 1
# Go's encoding/json writes a float64 without exponent in [1e-6, 1e21): an integral one then
# reads back as an integer.
_PLAIN_FLOAT_LIMIT: Final = 1e21


class ScalarProblem(ValueError):  # noqa: N818 - a reading problem, reported as InputError
    """A scalar or key that kubectl refuses to convert; the message says what and why."""


class Uint64(int):
    """An integer go-yaml keeps as uint64 (above int64): a JSON number, but never a key."""

    __slots__ = ()


# resolve.go: the first character of a plain scalar hints at what it may be.
_HINTS: Final = {
    **dict.fromkeys("+-", "S"),
    **dict.fromkeys("0123456789", "D"),
    **dict.fromkeys("yYnNtTfFoO~", "M"),
    ".": ".",
}
_RESOLVE_MAP: Final[dict[str, object]] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES"), True),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO"), False),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("off", "Off", "OFF"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
NON_FINITE: Final = frozenset(k for k, v in _RESOLVE_MAP.items() if isinstance(v, float))
_YAML_STYLE_FLOAT: Final = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# strconv.ParseInt/ParseUint with base 0: an optional sign (ParseInt only), then 0x, 0o, 0b or a
# leading 0 (octal) before the digits.
_GO_INT: Final = re.compile(
    r"(?P<sign>[-+]?)(?:0[xX](?P<hex>[0-9a-fA-F]+)|0[oO](?P<oct>[0-7]+)|0[bB](?P<bin>[01]+)"
    r"|0(?P<octal>[0-7]*)|(?P<dec>[1-9][0-9]*))"
)
_GO_FLOAT_DECIMAL: Final = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")
# The tags go-yaml resolves; any other tag leaves a scalar as the text written.
_RESOLVABLE: Final = frozenset(("", STR_TAG, BOOL_TAG, INT_TAG, FLOAT_TAG, NULL_TAG, TIMESTAMP_TAG))
# Tags netpoldiff refuses rather than imitate: go-yaml decodes !!binary to bytes that may not be
# text (and a key spelt in base64 could hide a field), and !!timestamp needs Go's time.Parse.
REFUSED_TAGS: Final = {
    BINARY_TAG: "the !!binary tag is not supported: write the text itself",
    TIMESTAMP_TAG: "the !!timestamp tag is not supported: quote the date",
}


def _go_parse_int(text: str, *, unsigned: bool) -> int | None:
    """strconv.ParseInt(text, 0, 64) (or ParseUint), or None where Go reports an error."""
    found = _GO_INT.fullmatch(text)
    if found is None or (unsigned and found["sign"]):
        return None
    digits, base = next(
        (found[name], base)
        for name, base in (("hex", 16), ("oct", 8), ("bin", 2), ("octal", 8), ("dec", 10))
        if found[name] is not None
    )
    magnitude = int(digits, base) if digits else 0
    value = -magnitude if found["sign"] == "-" else magnitude
    if unsigned:
        return value if value <= _UINT64_MAX else None
    return value if _INT64_MIN <= value <= _INT64_MAX else None


def _go_parse_float(text: str) -> float | None:
    """strconv.ParseFloat(text, 64) for decimal text, or None where Go reports an error."""
    if _GO_FLOAT_DECIMAL.fullmatch(text) is None:
        return None
    value = float(text)
    return None if math.isinf(value) else value  # overflow is ErrRange; underflow is not


def _underscores_ok(text: str) -> bool:
    """Go's ``underscoreOK`` for decimal text: every ``_`` stands between two digits."""
    if "_" not in text:
        return False
    last = "^"  # ^ start, 0 digit, _ underscore, ! anything else
    for char in text.lstrip("+-"):
        if char.isdigit():
            last = "0"
        elif char == "_":
            if last != "0":
                return False
            last = "_"
        elif last == "_":
            return False
        else:
            last = "!"
    return last != "_"


def _resolve(tag: str, text: str) -> tuple[str, object]:  # noqa: PLR0911 - as resolve.go
    """go-yaml's ``resolve(tag, in)`` before its tag check: the tag found and the value."""
    hint = _HINTS.get(text[0]) if text else "N"
    if hint is None or tag == STR_TAG:
        return STR_TAG, text
    if text in _RESOLVE_MAP:
        value = _RESOLVE_MAP[text]
        found = NULL_TAG if value is None else BOOL_TAG if isinstance(value, bool) else FLOAT_TAG
        return found, value
    if hint == ".":
        number = _go_parse_float(text.replace("_", "") if _underscores_ok(text) else text)
        if number is not None:
            return FLOAT_TAG, number
    elif hint in {"D", "S"}:
        # A timestamp (YYYY-...) reaches an untyped value as its text: the same as a string,
        # and nothing that starts with four digits and a dash reads as a number.
        plain = text.replace("_", "")
        integer = _go_parse_int(plain, unsigned=False)
        if integer is not None:
            return INT_TAG, integer
        unsigned = _go_parse_int(plain, unsigned=True)
        if unsigned is not None:
            return INT_TAG, Uint64(unsigned)
        if _YAML_STYLE_FLOAT.fullmatch(plain):
            number = _go_parse_float(plain)
            if number is not None:
                return FLOAT_TAG, number
    return STR_TAG, text


_PLAIN_CACHE: dict[str, object] = {}
_PLAIN_CACHE_LIMIT: Final = 100_000


def plain(text: str) -> object:
    """The value of an untagged plain scalar (``80``, ``yes``, ``0o17``, ``web``)."""
    cached = _PLAIN_CACHE.get(text, _PLAIN_CACHE)
    if cached is not _PLAIN_CACHE:
        return cached
    value = _resolve("", text)[1]
    if len(_PLAIN_CACHE) < _PLAIN_CACHE_LIMIT:
        _PLAIN_CACHE[text] = value
    return value


def tagged(tag: str, text: str) -> object:
    """The value of a scalar with an explicit tag (``!!int 80``, ``!!str 80``, ``!custom x``)."""
    refused = REFUSED_TAGS.get(tag)
    if refused is not None:
        raise ScalarProblem(refused)
    if tag not in _RESOLVABLE:
        return text
    found, value = _resolve(tag, text)
    if tag in {found, STR_TAG}:
        return value
    if tag == FLOAT_TAG and found == INT_TAG and not isinstance(value, Uint64):
        return float(value)  # type: ignore[arg-type] # an int: !!float accepts integers
    msg = f"cannot read {short_tag(found)} `{text}` as {short_tag(tag)}"
    raise ScalarProblem(msg)


def short_tag(tag: str) -> str:
    """``!!int`` for ``tag:yaml.org,2002:int``, as go-yaml writes tags in messages."""
    return "!!" + tag.removeprefix(YAML_TAG) if tag.startswith(YAML_TAG) else tag


def json_value(value: object) -> object:
    """A resolved scalar as kubectl sends it: through JSON text and back, numbers normalised.

    kubectl decodes the JSON of a document into int64 where the text is an integer and
    float64 otherwise, and encodes it again: a float with no fraction below 1e21 comes back as
    an integer (``443e0`` is 443), an integer beyond int64 as the nearest float64.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if type(value) is int and _INT64_MIN <= value <= _INT64_MAX:
        return value
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        msg = f"{_non_finite_text(number)} is not a number JSON can carry"
        raise ScalarProblem(msg)
    if number.is_integer() and abs(number) < _PLAIN_FLOAT_LIMIT:
        # Go writes the shortest digits that read back as this float, then zeros:
        # 2**64 - 1 is sent as 18446744073709552000.
        return int(decimal.Decimal(repr(number)))
    return number


def _non_finite_text(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    return ".inf" if value > 0 else "-.inf"


def key_text(value: object, written: str) -> str:
    """A resolved mapping key as the string ``sigs.k8s.io/yaml`` makes of it.

    ``y`` becomes ``true``, ``1e3`` becomes ``1000``, ``0o17`` becomes ``15``; a null key or an
    integer above int64 has no string form there and is refused.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Uint64):
        msg = f"mapping key {written} is an integer kubectl cannot use as a key: quote it"
        raise ScalarProblem(msg)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float32_text(value)
    msg = f"a mapping key may not be null (`{written}`): quote it if text is meant"
    raise ScalarProblem(msg)


# %g writes shortest digits as %f for exponents from -4 up to (not including) 6, else as %e.
_FIXED_EXPONENTS: Final = (-4, 6)
_FLOAT32_MAX: Final = struct.unpack(">f", b"\x7f\x7f\xff\xff")[0]


def _to_float32(value: float) -> float:
    """The float32 nearest to ``value`` (Go's float32 conversion), as a Python float."""
    if abs(value) > _FLOAT32_MAX:
        # Beyond the largest float32 by half an ulp or more, the conversion overflows.
        halfway = _FLOAT32_MAX + 2.0 ** (127 - 24)
        if abs(value) >= halfway:
            return math.copysign(math.inf, value)
        return math.copysign(_FLOAT32_MAX, value)
    result: float = struct.unpack(">f", struct.pack(">f", value))[0]
    return result


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest decimal digits that read back as the same float32, and the exponent.

    Returns (digits, point) with value = 0.digits x 10**point, as Go's decimal type has it.
    Of the shortest candidates, the one closest to the exact value wins.
    """
    for precision in range(1, 10):
        mantissa, _, exponent = f"{value:.{precision - 1}e}".partition("e")
        rounded = int(mantissa.replace(".", "").replace("-", ""))
        candidates = sorted(
            (rounded + step for step in (0, -1, 1) if rounded + step > 0),
            key=lambda c: abs(c - rounded),
        )
        for candidate in candidates:
            digits = str(candidate)
            point = int(exponent) + 1 + (len(digits) - precision)
            if _to_float32(float(f"0.{digits}e{point}")) == value:
                return digits.rstrip("0") or "0", point
    msg = f"no float32 digits for {value!r}"  # pragma: no cover - nine digits always suffice
    raise AssertionError(msg)


def go_float32_text(value: float) -> str:  # noqa: PLR0911 - Go formats each case apart
    """strconv.FormatFloat(value, 'g', -1, 32), with go-yaml's names for infinities and NaN."""
    if math.isnan(value):
        return ".nan"
    single = _to_float32(value)
    if math.isinf(single):
        return ".inf" if single > 0 else "-.inf"
    sign = "-" if math.copysign(1.0, single) < 0 else ""
    if single == 0:
        return sign + "0"
    digits, point = _shortest_digits(abs(single))
    exponent = point - 1
    if not _FIXED_EXPONENTS[0] <= exponent < _FIXED_EXPONENTS[1]:
        fraction = f".{digits[1:]}" if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{fraction}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"
