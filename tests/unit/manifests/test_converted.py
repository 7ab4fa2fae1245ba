"""converted: what a document converts to, plain data that the conversion cache keeps."""

from __future__ import annotations

import io
import pickle

from netpoldiff.errors import Location
from netpoldiff.manifests import conversion_cache
from netpoldiff.manifests.converted import ConvertedDocument, HostNetworkWorkload
from tests.testing.builders import policy, workload


def test_a_converted_document_comes_back_equal_through_the_cache_unpickler() -> None:
    document = ConvertedDocument(
        (workload("shop/web", {"app": "web"}), policy("shop/deny", {"app": "web"}, ingress=())),
        (),
    )
    payload = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
    loaded = conversion_cache._ConversionUnpickler(io.BytesIO(payload)).load()
    assert loaded == document
    assert loaded.ignored == ()


def test_a_host_network_workload_keeps_only_its_name_and_place() -> None:
    placeholder = HostNetworkWorkload(("shop", "Pod", "agent"), Location("a.yaml", 1, 1))
    payload = pickle.dumps(ConvertedDocument((placeholder,), ()))
    loaded = conversion_cache._ConversionUnpickler(io.BytesIO(payload)).load()
    assert loaded.objects == (placeholder,)
