"""streams: a file's bytes decoded and framed into documents as kubectl does it."""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING

import pytest

from netpoldiff.errors import Location
from netpoldiff.model import ContainerPort, Workload
from tests.unit.manifests.loading import (
    PATH,
    POLICY_DENY,
    TCP,
    Bad,
    assert_refused,
    load,
)

if TYPE_CHECKING:
    from collections.abc import Callable


ERROR_CASES: dict[str, Bad] = {
    "latin-1-bytes": Bad(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n".encode("latin-1"),
        None,
        4,
        ("not valid UTF-8",),
    ),
    "latin-1-bytes-in-second-document": Bad(
        "a: 1\n---\nb: 2\nc: d\xe9j\xe0\n".encode("latin-1"), None, 4, ("UTF-8",)
    ),
    "utf-16-odd-length": Bad(codecs.BOM_UTF16_LE + b"a\x00:\x00 ", None, 1, ("not valid UTF-16",)),
    "utf-8-bom-lines-still-right": Bad(
        codecs.BOM_UTF8 + b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n",
        1,
        5,
        ("duplicate key 'name'", "line 4"),
    ),
    "utf-16-le-lines-still-right": Bad(
        codecs.BOM_UTF16_LE
        + "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n".encode("utf-16-le"),
        1,
        5,
        ("duplicate key 'name'", "line 4"),
    ),
    "utf-16-be-lines-still-right": Bad(
        codecs.BOM_UTF16_BE
        + "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n".encode("utf-16-be"),
        1,
        5,
        ("duplicate key 'name'", "line 4"),
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_invalid_input_raises_input_error(case: Bad) -> None:
    assert_refused(case)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        lambda text: text.encode("utf-8"),
    ],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-8-plain"],
)
def test_encodings_accepted(encode: Callable[[str], bytes]) -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\n"
        "  annotations: {owner: José, note: café}\n"
        "spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}\n"
        "---\n" + POLICY_DENY
    )
    loaded = load(encode(text))
    assert loaded.cluster.workloads == (
        Workload("default", "Pod", "web", (("app", "web"),), (ContainerPort(80, TCP),)),
    )
    assert [p.origin for p in loaded.cluster.policies] == [Location(PATH, 2, 9)]
