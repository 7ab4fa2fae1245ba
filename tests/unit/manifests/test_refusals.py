"""refusals: what kubectl refuses in a document, checked over all of it, read or not."""

from __future__ import annotations

import contextlib

import pytest

from netpoldiff.errors import InputError
from tests.unit.manifests.loading import (
    Bad,
    assert_refused,
    load,
)

ERROR_CASES: dict[str, Bad] = {
    "mapping-key-not-a-scalar": Bad(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
        "spec:\n  ? [a, b]\n  : c\n",
        1,
        5,
        ("mapping key must be a scalar",),
    ),
    "failing-int-tag": Bad(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: !!int p\n", 1, 4, ("cannot read", "!!int")
    ),
    "recursive-alias": Bad(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
        "spec: &x\n  b: *x\n",
        1,
        4,
        ("recursive alias",),
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_invalid_input_raises_input_error(case: Bad) -> None:
    assert_refused(case)


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  released: 2023-02-30\n",
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {built: 2024-13-01}\n"
            "spec: {containers: []}\n"
        ),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  n: !!int twelve\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  n: !!float many\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  t: !!timestamp soon\n",
    ],
    ids=["impossible-date", "month-13", "explicit-int-tag", "explicit-float-tag", "timestamp-tag"],
)
def test_unconstructable_scalars_never_escape_as_other_exceptions(text: str) -> None:
    # Loading may succeed (the value is in a field nobody reads) or fail with InputError;
    # a ValueError or AttributeError from the YAML constructor must not escape.
    with contextlib.suppress(InputError):
        load(text)
