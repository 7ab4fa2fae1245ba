"""loader: sources into clusters, each content converted once, keep-going and workers."""

from __future__ import annotations

import textwrap

import pytest

from netpoldiff.errors import InputError, Location
from netpoldiff.manifests import ConversionCache, Loaded, Loader, load_cluster
from netpoldiff.manifests import loader as loading
from netpoldiff.sources import SourceFile, read_path
from netpoldiff.sources.files import blob_id
from tests.conftest import FIXTURES
from tests.unit.manifests.loading import (
    PATH,
    POD_WEB,
    POLICY_DENY,
    labelled_pod,
    load,
    load_error,
    netpol,
    summary,
)


def test_keep_going_skips_an_invalid_document_and_loads_the_rest() -> None:
    text = (
        POD_WEB
        + "---\n"
        + netpol("ingress: [{ports: [{port: 0}]}]", name="broken")
        + "---\n"
        + POLICY_DENY
        + "---\n"
        + labelled_pod("app: on")
    )
    loaded = load(text, keep_going=True)
    assert summary(loaded.cluster) == (["default/web[Pod]"], ["default/deny"])
    assert [e.location for e in loaded.errors] == [Location(PATH, 2, 10), Location(PATH, 4, 22)]
    assert "port" in loaded.errors[0].message
    assert "unquoted on" in loaded.errors[1].message


def test_without_keep_going_the_first_error_is_raised() -> None:
    text = (
        POD_WEB
        + "---\n"
        + netpol("ingress: [{ports: [{port: 0}]}]")
        + "---\n"
        + labelled_pod("app: on")
    )
    assert load_error(text).location == Location(PATH, 2, 10)


# Documents 1 and 3 are fine, document 2 is invalid, and the YAML breaks in document 4.
BREAKS_IN_DOCUMENT_4 = (
    POD_WEB
    + "---\n"
    + netpol("ingress: [{ports: [{port: 0}]}]", name="broken")
    + "---\n"
    + POLICY_DENY
    + "---\nkind: [\n"
)
BREAK = "b.yaml (document 4, line 18): invalid YAML: did not find expected node content"


def test_keep_going_keeps_the_documents_before_a_syntax_error() -> None:
    files = [
        SourceFile("a.yaml", POD_WEB.replace("web", "first").encode()),
        SourceFile("b.yaml", BREAKS_IN_DOCUMENT_4.encode()),
        SourceFile("c.yaml", "a: 1\nb: caf\xe9\n".encode("latin-1")),
        SourceFile("d.yaml", POLICY_DENY.replace("deny", "last").encode()),
    ]
    loaded = load_cluster(files, keep_going=True)
    assert summary(loaded.cluster) == (
        ["default/first[Pod]", "default/web[Pod]"],
        ["default/deny", "default/last"],
    )
    assert [str(e) for e in loaded.errors[:2]] == [
        "b.yaml (document 2, line 10): spec.ingress[0].ports[0].port: 0 is not between 1 and 65535",
        BREAK,
    ]
    assert loaded.errors[2].location == Location("c.yaml", None, 2)  # undecodable: nothing read
    # Without --keep-going the break stops the run, before document 2's own error counts.
    with pytest.raises(InputError) as caught:
        load_cluster(files)
    # Then how to leave such a file out, as for any file found under the paths.
    assert str(caught.value).startswith(f"{BREAK}; ")


@pytest.mark.parametrize("workers", [1, 2])
def test_the_documents_before_a_break_are_kept_from_workers_and_other_paths(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 0)
    broken = BREAKS_IN_DOCUMENT_4.encode()
    larger = (POD_WEB.replace("web", "other") + "#" * len(broken)).encode()
    # Largest first: this process converts the larger file, a worker the broken one.
    files = [SourceFile(p, d, blob_id(d)) for p, d in (("a.yaml", larger), ("b.yaml", broken))]
    loader = Loader(ConversionCache(None), workers=workers)
    loaded = loader.load(files, keep_going=True)
    assert loader.conversions == 3 - workers
    assert summary(loaded.cluster) == (["default/other[Pod]", "default/web[Pod]"], ["default/deny"])
    assert [str(e) for e in loaded.errors][1:] == [BREAK]
    # The same content read at another path: documents and break are placed there.
    moved = loader.load([SourceFile("new/b.yaml", broken, blob_id(broken))], keep_going=True)
    assert [str(p.origin) for p in moved.cluster.policies] == ["new/b.yaml (document 3, line 12)"]
    assert [str(e) for e in moved.errors][1:] == ["new/" + BREAK]


def test_keep_going_keeps_the_first_of_duplicates() -> None:
    first = POD_WEB.replace("{name: web}", "{name: web, labels: {v: one}}")
    second = POD_WEB.replace("{name: web}", "{name: web, labels: {v: two}}")
    loaded = load(first + "---\n" + second, keep_going=True)
    assert [w.labels for w in loaded.cluster.workloads] == [(("v", "one"),)]
    assert [e.location for e in loaded.errors] == [Location(PATH, 2, 6)]


def test_keep_going_skips_a_whole_list_document_with_an_invalid_item() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: Pod, metadata: {name: good}, spec: {containers: []}}\n"
        "- {apiVersion: v1, kind: Pod, metadata: {name: bad, labels: {a: on}}, spec: {}}\n"
        "---\n" + POD_WEB
    )
    loaded = load(text, keep_going=True)
    assert [e.location for e in loaded.errors] == [Location(PATH, 1, 5)]
    assert summary(loaded.cluster) == (["default/web[Pod]"], [])


def test_parsing_in_worker_processes_gives_the_same_cluster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Large inputs are parsed in parallel; force that path on the demo and compare.
    files = read_path(str(FIXTURES / "demo" / "new")).files
    sequential = Loader(ConversionCache(None), workers=1).load(files)
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 0)
    parallel_loader = Loader(ConversionCache(None), workers=2)
    parallel = parallel_loader.load(files)
    assert parallel.cluster == sequential.cluster
    assert parallel.warnings == sequential.warnings
    # This process parsed its share; the worker parsed the rest.
    assert 0 < parallel_loader.conversions < len(files)


SAME_CONTENT = textwrap.dedent(
    """\
    apiVersion: v1
    kind: Namespace
    metadata: {name: shop}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web}}
    spec:
      hostNetwork: true
      containers: [{name: c}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny, namespace: shop}
    spec: {podSelector: {}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api, namespace: shop}
    spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c}]}}}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: broken, namespace: shop}
    spec: {containers: [{name: c, ports: [{containerPort: 0}]}]}
    """
)


@pytest.mark.parametrize("workers", [1, 2])
def test_same_content_under_another_path_is_converted_once_and_placed_there(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two directories share most files by content: old/m.yaml and new/m.yaml parse once,
    # but every origin, warning and error of the second names new/m.yaml.
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 0)
    data = SAME_CONTENT.encode()
    loader = Loader(ConversionCache(None), workers=workers)
    old = loader.load([SourceFile("old/m.yaml", data, blob_id(data))], keep_going=True)
    parsed_after_old = loader.conversions

    def no_second_conversion(*_: object) -> None:
        pytest.fail("content converted before was converted again")

    monkeypatch.setattr(loader, "_convert_text", no_second_conversion)
    monkeypatch.setattr(loading, "_convert_chunk", no_second_conversion)
    new = loader.load([SourceFile("new/m.yaml", data, blob_id(data))], keep_going=True)

    assert loader.conversions == parsed_after_old
    assert new.cluster == old.cluster
    assert {w.name for w in new.cluster.workloads} == {"api"}

    def origins(loaded: Loaded) -> list[str]:
        cluster = loaded.cluster
        namespaces = [str(n.origin) for n in cluster.namespaces]
        workloads = [str(w.origin) for w in cluster.workloads]
        return namespaces + workloads + [str(p.origin) for p in cluster.policies]

    assert origins(old) == [
        "old/m.yaml (document 1, line 1)",
        "old/m.yaml (document 4, line 17)",
        "old/m.yaml (document 3, line 12)",
    ]
    assert origins(new) == [o.replace("old/", "new/") for o in origins(old)]
    assert [str(w.location) for w in old.warnings] == ["old/m.yaml (document 2, line 9)"]
    assert [str(w.location) for w in new.warnings] == ["new/m.yaml (document 2, line 9)"]
    assert [str(e.location) for e in old.errors] == ["old/m.yaml (document 5, line 25)"]
    assert [str(e.location) for e in new.errors] == ["new/m.yaml (document 5, line 25)"]
    assert [e.message for e in new.errors] == [e.message for e in old.errors]


def test_same_content_under_another_path_is_one_object_kept_where_first_read() -> None:
    # Relocation moves the second file's objects to b.yaml; the first stays the one kept.
    data = b"apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: c}]}\n"
    files = [SourceFile(p, data, blob_id(data)) for p in ("a.yaml", "b.yaml")]
    loaded = Loader(ConversionCache(None)).load(files)
    assert [str(w.origin) for w in loaded.cluster.workloads] == ["a.yaml (document 1, line 1)"]


def test_a_file_that_names_its_namespace_puts_there_the_objects_that_name_none() -> None:
    # A Helm release installs the objects that name no namespace in its own namespace; the
    # same content read for two releases converts twice, once per namespace.
    pod = b"apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: []}\n"
    files = [
        SourceFile("a (release a)", pod, "same", namespace="shop"),
        SourceFile("b (release b)", pod, "same", namespace="shop-staging"),
        SourceFile("plain.yaml", pod.replace(b"web", b"api"), "other"),
    ]
    loaded = load_cluster(files)
    assert [str(w.endpoint) for w in loaded.cluster.workloads] == [
        "default/api[Pod]",
        "shop/web[Pod]",
        "shop-staging/web[Pod]",
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_load_tells_how_many_files_are_done_as_it_goes(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 0)
    files = [
        SourceFile(f"pod{i}.yaml", data, blob_id(data))
        for i in range(130)
        for data in [f"kind: Pod\napiVersion: v1\nmetadata: {{name: p{i}}}\nspec: {{}}\n".encode()]
    ]
    told: list[tuple[int, int]] = []
    loader = Loader(ConversionCache(None), workers=workers)
    loader.load(files, progress=lambda done, total: told.append((done, total)))
    # Converted in parallel first: this process's share one by one, the worker's at once.
    converted = [(0, 130), (64, 130), (130, 130)] if workers == 2 else []
    # Then every file is placed in the cluster, told every 64 files and at the end.
    assert told == [*converted, (0, 130), (64, 130), (128, 130), (130, 130)]
