"""The conversion cache: keyed so that an entry is only ever read by the code that wrote it."""

from __future__ import annotations

import gc
import importlib
import io
import pickle
import shutil
from pathlib import Path

import pytest

from netpoldiff.manifests import Loader, parse_workload_kind
from netpoldiff.manifests import conversion_cache as cache
from netpoldiff.manifests.conversion_cache import ConversionCache
from netpoldiff.sources import SourceFile
from netpoldiff.sources.files import blob_id
from tests.conftest import FIXTURES

POD = b"apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {}\n"


def test_the_code_digest_follows_every_source_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "netpoldiff"
    shutil.copytree(cache._PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "_PACKAGE", copy)
    digests = set()
    for change in ("", "policies.py", "engine.py"):
        if change:
            target = next(copy.rglob(change))
            target.write_text(target.read_text() + "\n# changed\n")
        cache.code_digest.cache_clear()
        digests.add(cache.code_digest())
    cache.code_digest.cache_clear()
    assert len(digests) == 3


def test_a_conversion_is_read_back_for_the_same_default_namespace_only(tmp_path: Path) -> None:
    source = SourceFile("pod.yaml", POD, blob_id(POD))
    first = Loader(ConversionCache(tmp_path), default_namespace="shop").load([source])
    assert list(tmp_path.rglob("*.pickle"))

    again = Loader(ConversionCache(tmp_path), default_namespace="shop")
    assert again.load([source]) == first
    assert again.conversions == 0  # read back, not parsed

    elsewhere = Loader(ConversionCache(tmp_path), default_namespace="bank")
    moved = elsewhere.load([source])
    assert elsewhere.conversions == 1
    assert [w.namespace for w in moved.cluster.workloads] == ["bank"]


CLONESET = (
    b"apiVersion: apps.kruise.io/v1alpha1\nkind: CloneSet\nmetadata: {name: c}\n"
    b"spec: {pods: {metadata: {labels: {app: c}}, spec: {containers: []}}}\n"
)


def test_a_conversion_is_read_back_for_the_same_declared_kinds_only(tmp_path: Path) -> None:
    source = SourceFile("cloneset.yaml", CLONESET, blob_id(CLONESET))
    plain = Loader(ConversionCache(tmp_path)).load([source])
    assert plain.cluster.workloads == ()

    declared = (parse_workload_kind("CloneSet.apps.kruise.io=spec.pods"),)
    with_kind = Loader(ConversionCache(tmp_path), declared=declared)
    (found,) = with_kind.load([source]).cluster.workloads
    assert with_kind.conversions == 1  # not the entry written without the kind
    assert str(found.endpoint) == "default/c[CloneSet]"

    again = Loader(ConversionCache(tmp_path), declared=declared)
    assert again.load([source]).cluster.workloads == (found,)
    assert again.conversions == 0
    without = Loader(ConversionCache(tmp_path))
    assert without.load([source]).cluster.workloads == ()
    assert without.conversions == 0


def test_a_cached_conversion_is_placed_at_the_path_it_is_read_from(tmp_path: Path) -> None:
    Loader(ConversionCache(tmp_path)).load([SourceFile("old/pod.yaml", POD, blob_id(POD))])
    loaded = Loader(ConversionCache(tmp_path)).load([SourceFile("new/pod.yaml", POD, blob_id(POD))])
    assert [str(w.origin) for w in loaded.cluster.workloads] == [
        "new/pod.yaml (document 1, line 1)"
    ]


# Every kind of object a conversion holds: a skipped host-network pod and its warning (which
# its annotation hides), a policy with each peer, port and selector form, another warning, a
# namespace and an invalid document.
RICH = b"""\
apiVersion: v1
kind: Pod
metadata: {name: host, namespace: ops, annotations: {netpoldiff.io/ignore: NPD001}}
spec: {hostNetwork: true, containers: []}
---
apiVersion: v1
kind: Namespace
metadata: {name: ops, labels: {team: a}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ops}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, ports: [{containerPort: 53, protocol: UDP, name: dns}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: ops}
spec:
  podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [x]}]}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {}}]}]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.1/8, except: [10.1.0.0/16]}}, {ipBlock: {cidr: 'fd00::/64'}}]
    ports: [{port: dns, protocol: UDP}, {port: 1000, endPort: 2000}, {protocol: SCTP}]
---
apiVersion: v1
kind: Pod
metadata: {name: [not, a, name]}
"""


def test_every_kind_of_conversion_is_read_back_from_the_cache(tmp_path: Path) -> None:
    files = [SourceFile("rich.yaml", RICH, blob_id(RICH))]
    for path in sorted(FIXTURES.rglob("*.yaml")):
        data = path.read_bytes()
        files.append(SourceFile(str(path.relative_to(FIXTURES)), data, blob_id(data)))
    first = Loader(ConversionCache(tmp_path)).load(files, keep_going=True)
    assert first.warnings
    assert first.errors
    assert first.ignored

    again = Loader(ConversionCache(tmp_path))
    second = again.load(files, keep_going=True)
    assert again.conversions == 0  # every entry passed the unpickler
    assert (second.cluster, second.warnings) == (first.cluster, first.warnings)
    assert second.ignored == first.ignored
    assert [str(e) for e in second.errors] == [str(e) for e in first.errors]


# The YAML breaks in document 3: with --keep-going, documents 1 and 2 are kept.
BREAKS_MIDSTREAM = POD + b"---\n" + POD.replace(b"web", b"api") + b"---\nkind: [\n"


def test_the_documents_before_a_break_are_read_back_with_the_break(tmp_path: Path) -> None:
    source = SourceFile("old/pod.yaml", BREAKS_MIDSTREAM, blob_id(BREAKS_MIDSTREAM))
    first = Loader(ConversionCache(tmp_path)).load([source], keep_going=True)
    assert [w.name for w in first.cluster.workloads] == ["api", "web"]

    again = Loader(ConversionCache(tmp_path))
    moved = SourceFile("new/pod.yaml", BREAKS_MIDSTREAM, blob_id(BREAKS_MIDSTREAM))
    second = again.load([moved], keep_going=True)
    assert again.conversions == 0  # read back, not parsed
    assert second.cluster == first.cluster
    assert [str(w.origin) for w in second.cluster.workloads] == [
        "new/pod.yaml (document 2, line 6)",
        "new/pod.yaml (document 1, line 1)",
    ]
    assert [str(e) for e in second.errors] == [
        "new/pod.yaml (document 3, line 12): invalid YAML: did not find expected node content"
    ]


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("netpoldiff.model", "Workload"),
        ("netpoldiff.ports", "Protocol"),
        ("netpoldiff.errors", "InputError"),
        ("netpoldiff.manifests.converted", "ConvertedDocument"),
        ("netpoldiff.suppression", "Annotated"),
    ],
)
def test_the_unpickler_builds_the_classes_of_a_conversion(module: str, name: str) -> None:
    named = cache._ConversionUnpickler(io.BytesIO(f"c{module}\n{name}\n.".encode())).load()
    assert named is getattr(importlib.import_module(module), name)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("builtins", "eval"),
        ("os", "system"),
        ("subprocess", "Popen"),
        ("netpoldiff.model", "label_pairs"),  # a function of a data module
        ("netpoldiff.addresses", "defaultdict"),  # imported into a data module
        ("netpoldiff.model", "Namespace.implicit"),  # an attribute of a data class
        ("netpoldiff.addresses", "CidrError"),  # an exception that is no NetpoldiffError
        ("netpoldiff.sources", "SourceFile"),  # a data class of another module
        ("netpoldiff.manifests.conversion_cache", "ConversionCache"),
    ],
)
def test_the_unpickler_refuses_everything_else(module: str, name: str) -> None:
    with pytest.raises(pickle.UnpicklingError, match="not part of a conversion"):
        cache._ConversionUnpickler(io.BytesIO(f"c{module}\n{name}\n.".encode())).load()


def test_a_dropped_cache_closes_its_directories(tmp_path: Path) -> None:
    descriptors = Path("/proc/self/fd")
    if not descriptors.is_dir():
        pytest.skip("needs /proc")
    source = SourceFile("pod.yaml", POD, blob_id(POD))
    Loader(ConversionCache(tmp_path)).load([source])
    gc.collect()
    before = len(list(descriptors.iterdir()))
    for _ in range(20):
        Loader(ConversionCache(tmp_path)).load([source])
    gc.collect()
    assert len(list(descriptors.iterdir())) == before


def test_a_workers_cache_reads_and_writes_entries_but_leaves_the_root_alone(
    tmp_path: Path,
) -> None:
    first = ConversionCache(tmp_path)
    first.store("blob", "default", ("pod.yaml", []))
    (tmp_path / ".pruned").unlink()  # as if the root had never been pruned
    assert first.directory is not None
    worker = ConversionCache(first.directory, versioned=False)
    assert worker.converted("blob", "default") == ("pod.yaml", [])
    assert not (tmp_path / ".pruned").exists()  # pruning is the parent's
