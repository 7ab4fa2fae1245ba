"""SARIF logs checked against the SARIF 2.1.0 schema kept in fixtures/sarif/ (no network)."""

from __future__ import annotations

import functools
import json
from typing import Any

from jsonschema import Draft4Validator

from tests.conftest import FIXTURES

SCHEMA = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"


@functools.cache
def _validator() -> Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def schema_errors(document: Any) -> list[str]:
    """What makes ``document`` no SARIF 2.1.0 log (empty when it is one)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in _validator().iter_errors(document)
    ]


def valid_sarif(text: str) -> dict[str, Any]:
    """A SARIF log's text, parsed, once it is known to be valid SARIF 2.1.0."""
    document = json.loads(text)
    assert schema_errors(document) == []
    assert isinstance(document, dict)
    return document
