"""Manifest snippets fed to ``load_cluster``, shared by the tests of netpoldiff/manifests/.

Every snippet is loaded as the bytes of one SourceFile named ``PATH``. An input that must be
refused is a ``Bad`` case: it must give InputError (never another exception), with the document
index and line of the culprit, on one line.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from netpoldiff.cluster import Cluster
from netpoldiff.errors import InputError, Location
from netpoldiff.manifests import Loaded, load_cluster
from netpoldiff.model import NAMESPACE_NAME_LABEL
from netpoldiff.ports import Protocol
from netpoldiff.sources import SourceFile

PATH = "m.yaml"
TCP, UDP, SCTP = Protocol.TCP, Protocol.UDP, Protocol.SCTP

POD_WEB = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec: {containers: [{name: c}]}
"""
POLICY_DENY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}}
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"  # 4 lines


def load(
    text: str | bytes, *, default_namespace: str = "default", keep_going: bool = False
) -> Loaded:
    """The cluster of one file holding ``text``."""
    data = text.encode() if isinstance(text, str) else text
    return load_cluster(
        [SourceFile(PATH, data)], default_namespace=default_namespace, keep_going=keep_going
    )


def load_error(text: str | bytes) -> InputError:
    """The InputError that loading ``text`` raises."""
    with pytest.raises(InputError) as caught:
        load(text)
    return caught.value


def netpol(spec: str, *, name: str = "p") -> str:
    """A NetworkPolicy document whose ``spec`` starts on line 5."""
    header = f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}}}\n"
    return header + "spec:\n" + textwrap.indent(textwrap.dedent(spec).rstrip("\n") + "\n", "  ")


def pod(spec: str, *, name: str = "p") -> str:
    """A Pod document whose ``spec`` starts on line 5."""
    header = f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\n"
    return header + "spec:\n" + textwrap.indent(textwrap.dedent(spec).rstrip("\n") + "\n", "  ")


def labelled_pod(labels: str) -> str:
    """A Pod whose metadata.labels mapping is on lines 6 and after."""
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n"
        + textwrap.indent(labels, "    ")
        + "\nspec: {containers: []}\n"
    )


def summary(cluster: Cluster) -> tuple[list[str], list[str]]:
    """Endpoints of the workloads and ids of the policies, as text."""
    return [str(w.endpoint) for w in cluster.workloads], [str(p.ref) for p in cluster.policies]


def namespace_name(name: str) -> tuple[str, str]:
    """The label the API server gives every namespace."""
    return (NAMESPACE_NAME_LABEL, name)


@dataclass(frozen=True, slots=True)
class Bad:
    """Input that must be rejected: where (document, line) and what the message says."""

    text: str | bytes
    document: int | None
    line: int | None
    fragments: tuple[str, ...]


def assert_refused(case: Bad) -> None:
    """Loading the case raises InputError at its place, saying each fragment, on one line."""
    error = load_error(case.text)
    assert error.location == Location(PATH, case.document, case.line)
    for fragment in case.fragments:
        assert fragment in error.message
    assert str(error) == f"{error.location}: {error.message}"
    assert "\n" not in str(error)
