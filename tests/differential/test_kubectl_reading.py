"""netpoldiff reads every manifest as kubectl does: a differential test against real kubectl.

The corpus in fixtures/kubectl-reading/cases/ covers go-yaml's scalar resolution, the
conversion of keys to JSON, merge keys, explicit tags, kubectl's framing of documents and its
JSON streams; kubectl's reading of each file is recorded in fixtures/kubectl-reading/kubectl/
(``make update-golden`` records it again). The recorded readings are compared with netpoldiff's
on every run, and with kubectl itself, which also reads generated documents side by side.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netpoldiff.manifests import yaml_docs
from tests.conftest import FIXTURES
from tests.differential.kubectl import (
    Reading,
    assert_same_reading,
    kubectl_readings,
    netpoldiff_reading,
)
from tests.differential.strategies import configmap, probe_bodies

CORPUS = FIXTURES / "kubectl-reading"
CASES = CORPUS / "cases"
RECORDED = CORPUS / "kubectl"
CASE_NAMES = sorted(path.name for path in CASES.iterdir())


def _recorded(name: str) -> Reading:
    data = json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))
    return Reading(data["objects"], "refused by kubectl" if data["refused"] else None)


@pytest.fixture(scope="module")
def kubectl_now() -> dict[str, Reading]:
    """kubectl's reading of the whole corpus, once for the module."""
    return kubectl_readings(CASES)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_netpoldiff_reads_each_file_as_kubectl_did(name: str) -> None:
    kubectl, ours = _recorded(name), netpoldiff_reading(CASES / name)
    assert_same_reading(name, kubectl, ours)
    # netpoldiff's own refusals stand apart: anywhere else, one would hide the comparison.
    refused_alone = ours.refused is not None and kubectl.refused is None
    assert refused_alone == name.startswith("09-own-refusal"), (name, ours.refused)


def test_the_recorded_readings_are_kubectls(
    kubectl_now: dict[str, Reading], update_golden: bool
) -> None:
    if update_golden:
        RECORDED.mkdir(exist_ok=True)
        for name, reading in kubectl_now.items():
            recorded = {"objects": reading.objects, "refused": reading.refused is not None}
            text = json.dumps(recorded, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            (RECORDED / f"{name}.json").write_text(text, encoding="utf-8")
    assert sorted(p.name.removesuffix(".json") for p in RECORDED.iterdir()) == CASE_NAMES
    for name in CASE_NAMES:
        was = _recorded(name)
        assert kubectl_now[name].objects == was.objects, name
        assert (kubectl_now[name].refused is None) == (was.refused is None), name


def test_the_corpus_holds_both_readings_and_refusals(kubectl_now: dict[str, Reading]) -> None:
    # A corpus kubectl reads whole, or refuses whole, would prove little either way.
    refused = sum(reading.refused is not None for reading in kubectl_now.values())
    assert 10 < refused < len(CASE_NAMES) - 10, refused


@given(bodies=st.lists(probe_bodies(), min_size=10, max_size=20))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_documents_are_read_as_kubectl_reads_them(
    tmp_path: Path, bodies: list[str]
) -> None:
    directory = tmp_path / "generated"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    for index, body in enumerate(bodies):
        name = f"probe-{index:02d}"
        (directory / f"{name}.yaml").write_text(configmap(f"{name}.1", body), encoding="utf-8")
    kubectl = kubectl_readings(directory)
    for path in sorted(directory.iterdir()):
        assert_same_reading(
            path.read_text(encoding="utf-8"), kubectl[path.name], netpoldiff_reading(path)
        )


def test_yaml_is_parsed_by_libyaml() -> None:
    # go-yaml is a port of libyaml; PyYAML's own Python parser differs from both in places.
    assert issubclass(yaml_docs._Loader, yaml.CSafeLoader)
