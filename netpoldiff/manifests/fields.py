"""Typed, located access to the fields of one manifest, with the API server's name rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from netpoldiff.errors import InputError, Location
from netpoldiff.manifests.yaml_docs import Located

# Label keys and values, as apimachinery validates them (IsQualifiedName, IsValidLabelValue).
_NAME_PART: Final = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
_DNS_SUBDOMAIN: Final = re.compile(
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
)
_NAME_LIMIT: Final = 63
_PREFIX_LIMIT: Final = 253

_YAML_TYPE_NAMES: Final = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


_DNS_LABEL: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


def with_defaults(data: Mapping[Any, Any], defaults: Mapping[str, Any]) -> Mapping[Any, Any]:
    """``data`` with ``defaults`` for missing keys, keeping its line numbers."""
    if isinstance(data, Located):
        filled = Located(data.line)
        filled.update(defaults)
        filled.update(data)
        filled.key_lines.update(data.key_lines)
        filled.raw.update(data.raw)
        return filled
    return {**defaults, **data}


def object_name(metadata: Fields, key: str, *, label: bool) -> str:
    """An object or namespace name, validated as the API server does.

    Namespaces (``label``) must be DNS labels; other objects DNS subdomains.
    """
    name = metadata.required_string(key)
    limit, pattern, kind = (
        (_NAME_LIMIT, _DNS_LABEL, "a DNS label")
        if label
        else (_PREFIX_LIMIT, _DNS_SUBDOMAIN, "a DNS subdomain")
    )
    if not name or len(name) > limit or not pattern.fullmatch(name):
        msg = (
            f"{name!r} is not a valid name: it must be {kind} (at most {limit} lowercase "
            "letters, digits, '-'" + ("" if label else " and '.'") + ", starting and ending "
            "with a letter or digit)"
        )
        raise metadata.error(key, msg)
    return name


def label_key_problem(key: str) -> str | None:
    """Why ``key`` is not a valid label key, or None."""
    prefix, _, name = key.rpartition("/")
    if "/" in key and (
        not prefix or len(prefix) > _PREFIX_LIMIT or not _DNS_SUBDOMAIN.fullmatch(prefix)
    ):
        return f"label key {key!r}: the prefix must be a DNS subdomain"
    if not name or len(name) > _NAME_LIMIT or not _NAME_PART.fullmatch(name):
        return (
            f"label key {key!r}: the name must be 1-63 characters of letters, digits, "
            "'-', '_' or '.', starting and ending with a letter or digit"
        )
    return None


def label_value_problem(value: str) -> str | None:
    """Why ``value`` is not a valid label value, or None."""
    if value and (len(value) > _NAME_LIMIT or not _NAME_PART.fullmatch(value)):
        return (
            f"label value {value!r}: must be empty or 1-63 characters of letters, digits, "
            "'-', '_' or '.', starting and ending with a letter or digit"
        )
    return None


def describe(value: object) -> str:
    """How YAML read a value, for messages."""
    for kind, name in _YAML_TYPE_NAMES.items():
        if type(value) is kind:
            return name
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else type(value).__name__


class Fields:
    """One mapping of a manifest, with the path that leads to it, for exact error messages."""

    __slots__ = ("data", "document", "path")

    def __init__(self, data: Mapping[Any, Any], document: Location, path: str) -> None:
        self.data = data
        self.document = document
        self.path = path

    def _line(self, key: str | None) -> int | None:
        if isinstance(self.data, Located):
            return self.data.line_of(key) if key is not None else self.data.line
        return None

    def where(self, key: str | None = None) -> Location:
        """The location of this mapping, or of one of its keys."""
        return Location(self.document.path, self.document.document, self._line(key))

    def field_path(self, key: str) -> str:
        """Dotted path of a key, e.g. ``spec.ingress[0].ports``."""
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str | None, message: str) -> InputError:
        """An error about this mapping or one of its keys."""
        subject = self.field_path(key) if key is not None else self.path
        return InputError(self.where(key), f"{subject}: {message}" if subject else message)

    def _written(self, key: str, value: object) -> str:
        raw = self.data.raw.get(key) if isinstance(self.data, Located) else None
        if raw is not None and not isinstance(value, str):
            return (
                f"{describe(value)} (YAML reads unquoted {raw} that way; quote it if text is meant)"
            )
        return describe(value)

    def get(self, key: str) -> Any:  # noqa: ANN401 - raw YAML value, narrowed by callers
        """The raw value; a YAML null counts as absent, as in the API's JSON decoding."""
        return self.data.get(key)

    def has(self, key: str) -> bool:
        """Whether the key is present with a non-null value."""
        return self.data.get(key) is not None

    def mapping(self, key: str) -> Fields | None:
        """A nested mapping, or None when absent."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.error(key, f"must be a mapping, not {self._written(key, value)}")
        return Fields(value, self.document, self.field_path(key))

    def sequence(self, key: str) -> list[Any] | None:
        """A nested list, or None when absent."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.error(key, f"must be a list, not {self._written(key, value)}")
        return value

    def mappings(self, key: str) -> list[Fields] | None:
        """A list of mappings, or None when absent."""
        items = self.sequence(key)
        if items is None:
            return None
        result = []
        for index, item in enumerate(items):
            item_path = f"{self.field_path(key)}[{index}]"
            if not isinstance(item, Mapping):
                location = self.where(key)
                msg = f"{item_path}: must be a mapping, not {describe(item)}"
                raise InputError(location, msg)
            result.append(Fields(item, self.document, item_path))
        return result

    def strings(self, key: str) -> list[str] | None:
        """A list of strings, or None when absent."""
        items = self.sequence(key)
        if items is None:
            return None
        for index, item in enumerate(items):
            if not isinstance(item, str):
                msg = f"[{index}] must be a string, not {describe(item)}"
                raise self.error(key, msg)
        return items

    def string(self, key: str) -> str | None:
        """An optional string field."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(key, f"must be a string, not {self._written(key, value)}")
        return value

    def required_string(self, key: str) -> str:
        """A string field that must be present."""
        value = self.string(key)
        if value is None:
            raise self.error(key, "is required")
        return value

    def integer(self, key: str) -> int | None:
        """An integer field (booleans are not integers)."""
        value = self.get(key)
        if value is None:
            return None
        if type(value) is not int:
            raise self.error(key, f"must be an integer, not {self._written(key, value)}")
        return value

    def boolean(self, key: str) -> bool | None:
        """A boolean field."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {self._written(key, value)}")
        return value

    def labels(self, key: str) -> dict[str, str]:
        """A label map, validated as the API server does; absent means no labels."""
        labels = self.mapping(key)
        if labels is None:
            return {}
        result: dict[str, str] = {}
        for label_key, value in labels.data.items():
            if not isinstance(label_key, str):
                raise labels.error(None, f"label key {label_key!r} must be a string")
            text = "" if value is None else value  # the API decodes a null label value as ""
            if not isinstance(text, str):
                written = labels._written(label_key, value)  # noqa: SLF001 - same class
                raise labels.error(label_key, f"label value must be a string, not {written}")
            problem = label_key_problem(label_key) or label_value_problem(text)
            if problem:
                raise labels.error(label_key, problem)
            result[label_key] = text
        return result
