"""Manifests: the files of a source to one validated, defaulted Cluster (the API server's part).

Files are read as kubectl reads them (yaml_docs.py and the modules it uses), each document's
objects converted and validated (convert.py, fields.py, policies.py, workloads.py), the
objects of all documents assembled into one cluster (assemble.py), by a loader that converts
each content once (loader.py, conversion_cache.py, workers.py, relocate.py).
"""

from __future__ import annotations

from netpoldiff.manifests.conversion_cache import ConversionCache
from netpoldiff.manifests.converted import DEFAULT_NAMESPACE
from netpoldiff.manifests.declared import parse_workload_kind
from netpoldiff.manifests.loader import PARALLEL_THRESHOLD, Loaded, Loader, load_cluster

__all__ = [
    "DEFAULT_NAMESPACE",
    "PARALLEL_THRESHOLD",
    "ConversionCache",
    "Loaded",
    "Loader",
    "load_cluster",
    "parse_workload_kind",
]
