"""Fuzzing the reader: whatever a file holds, the outcome is a cluster or an InputError.

(a) YAML-ish text: random text, random bytes, and the demo manifests mutated line by line
(lines deleted, duplicated or re-indented, characters inserted, values swapped for scalars
YAML 1.1 reads in surprising ways), in UTF-8, UTF-8 with a BOM or UTF-16.
(b) NetworkPolicy-shaped documents: the fields netpoldiff reads (podSelector, ingress,
egress, from, to, ports, ipBlock, policyTypes, matchExpressions, ...) holding well-formed
values or arbitrary nested junk, written with yaml.safe_dump, next to a few pods.

Both go through load_cluster and then evaluate(); any exception other than InputError fails.
A few of each also go through the command line: exit 0 or 2, at most one line on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netpoldiff.errors import InputError
from netpoldiff.evaluate import evaluate
from netpoldiff.manifests import Loaded, load_cluster
from netpoldiff.sources import SourceFile
from tests.conftest import FIXTURES, CliRunner

EXAMPLES = settings(max_examples=300, deadline=None)
CLI_EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PATH = "fuzz.yaml"

DEMO_TEXTS = [
    path.read_text(encoding="utf-8")
    for path in sorted((FIXTURES / "demo").glob("*/*"))
    if path.suffix in {".yaml", ".json"}
]

# Scalars YAML 1.1 reads in surprising ways, YAML syntax, and values the fields expect.
TRICKY = [
    "on", "off", "yes", "no", "~", "null", "22:22", "0x1F", "0o17", "017", "1e3", "1_000", ".inf",
    ".nan", "-.inf", "2024-01-01", "2024-02-30", "!!binary aGk=", "!!int twelve", "!!str 1",
    "!!python/object:os.system", "&a x", "*a", "*undefined", "<<: *a", "<<", "{}", "[]", "[", "{",
    '"', "'", "- ", ": ", "? ", "#", "|", ">", "%YAML 1.1", "---", "...", "\t", "@", "`",
    "TCP", "UDP", "SCTP", "tcp", "ICMP", "http", "metrics", "Ingress", "Egress", "In", "NotIn",
    "Exists", "DoesNotExist", "10.0.0.0/8", "10.0.0.1/8", "10.0.0.0/33", "::/0", "fd00::/8",
    "0.0.0.0/0", "65535", "65536", "0", "-1", "80", '"80"', "List", "NetworkPolicy", "v1",
    "networking.k8s.io/v1", "kubernetes.io/metadata.name", "café", "\u200b", "\ufeff",
]  # fmt: skip
SCALAR_TEXT = st.one_of(
    st.sampled_from(TRICKY), st.integers(-(2**40), 2**40).map(str), st.text(max_size=12)
)


@st.composite
def mutated_manifests(draw: st.DrawFn) -> str:
    """A demo manifest with a few line-level mutations."""
    lines = draw(st.sampled_from(DEMO_TEXTS)).splitlines()
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            lines = [""]
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        operation = draw(
            st.sampled_from(["delete", "duplicate", "insert", "indent", "dedent", "swap", "add"])
        )
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, line)
        elif operation == "insert":
            at = draw(st.integers(0, len(line)))
            lines[index] = (
                line[:at] + draw(st.text(max_size=4) | st.sampled_from(TRICKY)) + line[at:]
            )
        elif operation == "indent":
            lines[index] = " " * draw(st.integers(1, 6)) + line
        elif operation == "dedent":
            lines[index] = line.lstrip()
        elif operation == "swap" and ": " in line:
            lines[index] = line[: line.index(": ") + 2] + draw(SCALAR_TEXT)
        else:
            lines.insert(index, draw(SCALAR_TEXT))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


YAMLISH = st.one_of(
    st.text(max_size=300),
    st.lists(SCALAR_TEXT, max_size=20).map(" ".join),
    st.lists(SCALAR_TEXT, max_size=20).map("\n".join),
    mutated_manifests(),
)


@st.composite
def encoded(draw: st.DrawFn) -> bytes:
    """Bytes of a file: YAML-ish text in an encoding YAML allows, or any bytes at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    text = draw(YAMLISH)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16"]))
    return text.encode(encoding)


# --- NetworkPolicy-shaped documents ----------------------------------------------------------

FIELDS = [
    "podSelector", "namespaceSelector", "ingress", "egress", "from", "to", "ports", "port",
    "endPort", "protocol", "ipBlock", "cidr", "except", "policyTypes", "matchLabels",
    "matchExpressions", "key", "operator", "values", "<<",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(TRICKY),
)
KEYS = st.one_of(st.sampled_from(FIELDS), st.text(max_size=8), st.integers(), st.booleans())
JUNK = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=3),
    max_leaves=8,
)


def _or_junk(strategy: st.SearchStrategy[Any], odds: int = 3) -> st.SearchStrategy[Any]:
    """Mostly (``odds`` to one) the well-formed value, sometimes anything at all."""
    # (one_of would not do: it drops repeated strategies, so the odds would be even.)
    return st.integers(0, odds).flatmap(lambda pick: JUNK if pick == odds else strategy)


LABEL_KEYS = st.sampled_from(["app", "tier", "team", "kubernetes.io/metadata.name", "x/y", ""])
LABEL_VALUES = _or_junk(st.sampled_from(["web", "api", "db", "shop", "frontend", "", "a b"]))
LABELS = _or_junk(st.dictionaries(LABEL_KEYS, LABEL_VALUES, max_size=3))
EXPRESSION = _or_junk(
    st.fixed_dictionaries(
        {
            "key": _or_junk(LABEL_KEYS),
            "operator": _or_junk(st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist", "in"])),
        },
        optional={"values": _or_junk(st.lists(LABEL_VALUES, max_size=3))},
    )
)
SELECTOR = _or_junk(
    st.fixed_dictionaries(
        {},
        optional={
            "matchLabels": LABELS,
            "matchExpressions": _or_junk(st.lists(EXPRESSION, max_size=3)),
        },
    )
)
CIDR = _or_junk(
    st.sampled_from(
        [
            "10.0.0.0/8",
            "10.1.0.0/16",
            "10.1.2.0/24",
            "0.0.0.0/0",
            "::/0",
            "fd00::/8",
            "10.0.0.1/8",
            "10.0.0.0/33",
            "300.0.0.0/8",
            "10.0.0.0",
            "",
        ]
    )
)
IP_BLOCK = _or_junk(
    st.fixed_dictionaries({"cidr": CIDR}, optional={"except": _or_junk(st.lists(CIDR, max_size=3))})
)
PORT_NUMBER = st.one_of(st.integers(-2, 70_000), st.sampled_from(["http", "grpc", "metrics", "80"]))
PORT = _or_junk(
    st.fixed_dictionaries(
        {},
        optional={
            "port": _or_junk(PORT_NUMBER),
            "endPort": _or_junk(st.integers(-2, 70_000)),
            "protocol": _or_junk(st.sampled_from(["TCP", "UDP", "SCTP", "tcp", "ICMP"])),
        },
    )
)
PEER = _or_junk(
    st.fixed_dictionaries(
        {}, optional={"podSelector": SELECTOR, "namespaceSelector": SELECTOR, "ipBlock": IP_BLOCK}
    )
)


def _rule(direction: str) -> st.SearchStrategy[Any]:
    return _or_junk(
        st.fixed_dictionaries(
            {},
            optional={
                direction: _or_junk(st.lists(PEER, max_size=3)),
                "ports": _or_junk(st.lists(PORT, max_size=3)),
            },
        )
    )


SPEC = _or_junk(
    st.fixed_dictionaries(
        {},
        optional={
            "podSelector": SELECTOR,
            "ingress": _or_junk(st.lists(_rule("from"), max_size=3)),
            "egress": _or_junk(st.lists(_rule("to"), max_size=3)),
            "policyTypes": _or_junk(
                st.lists(_or_junk(st.sampled_from(["Ingress", "Egress", "ingress"])), max_size=3)
            ),
        },
    )
)
METADATA = _or_junk(
    st.fixed_dictionaries(
        {"name": _or_junk(st.sampled_from(["p", "q", "allow-web"]))},
        optional={
            "namespace": _or_junk(st.sampled_from(["shop", "frontend", ""])),
            "labels": LABELS,
        },
    )
)
POLICY = st.fixed_dictionaries(
    {
        "apiVersion": _or_junk(st.just("networking.k8s.io/v1")),
        "kind": _or_junk(st.just("NetworkPolicy")),
        "metadata": METADATA,
        "spec": SPEC,
    }
)


def _pod(index: int, labels: dict[str, str], namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"w{index}", "namespace": namespace, "labels": labels},
        "spec": {
            "containers": [
                {
                    "name": "main",
                    "ports": [
                        {"name": "http", "containerPort": 8080},
                        {"name": "metrics", "containerPort": 9100, "protocol": "TCP"},
                    ],
                }
            ]
        },
    }


PODS = st.lists(
    st.tuples(
        st.dictionaries(st.sampled_from(["app", "tier"]), st.sampled_from(["web", "api", "db"])),
        st.sampled_from(["shop", "frontend"]),
    ),
    max_size=4,
).map(lambda pods: [_pod(i, labels, namespace) for i, (labels, namespace) in enumerate(pods)])
NAMESPACES = st.lists(st.sampled_from(["shop", "frontend"]), unique=True, max_size=2).map(
    lambda names: [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "labels": {"team": n}}}
        for n in names
    ]
)
POLICY_FILES = st.builds(
    lambda policies, pods, namespaces: yaml.safe_dump_all(
        [*namespaces, *pods, *policies], sort_keys=False
    ),
    st.lists(POLICY, min_size=1, max_size=3),
    PODS,
    NAMESPACES,
)


# --- the properties -----------------------------------------------------------------------------


def _check_error(error: InputError) -> None:
    """An error a user can act on: one line, naming the file."""
    text = str(error)
    assert text.startswith(PATH), text
    assert "\n" not in text, text


def load_and_evaluate(data: bytes, *, keep_going: bool) -> Loaded | None:
    """The loader's outcome: a cluster (evaluated) or None for an InputError; nothing else."""
    try:
        loaded = load_cluster([SourceFile(PATH, data)], keep_going=keep_going)
    except InputError as error:
        _check_error(error)
        return None
    for skipped in loaded.errors:
        _check_error(skipped)
    evaluate(loaded.cluster)
    return loaded


@EXAMPLES
@given(data=encoded(), keep_going=st.booleans())
def test_yamlish_input_gives_a_cluster_or_an_input_error(data: bytes, keep_going: bool) -> None:
    load_and_evaluate(data, keep_going=keep_going)


@EXAMPLES
@given(text=POLICY_FILES, keep_going=st.booleans())
def test_policy_shaped_documents_give_a_cluster_or_an_input_error(
    text: str, keep_going: bool
) -> None:
    loaded = load_and_evaluate(text.encode(), keep_going=keep_going)
    if loaded is not None and not keep_going:
        # Everything that loaded cleanly loaded whole: every pod is in the cluster.
        pods = sum(1 for doc in yaml.safe_load_all(text) if doc.get("kind") == "Pod")
        assert len(loaded.cluster.workloads) == pods


@pytest.fixture
def scratch(run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory outside any repository (nothing lands in the project)."""
    monkeypatch.chdir(tmp_path)
    del run_cli  # requested only so that its chdir to the project comes first
    return tmp_path


def _check_cli(run_cli: CliRunner, scratch: Path, data: bytes, output_format: str) -> None:
    (scratch / PATH).write_bytes(data)
    result = run_cli("matrix", PATH, "--format", output_format, "--no-cache")
    assert result.status in {0, 2}, result
    assert len(result.err.splitlines()) <= 1, result.err
    assert "Traceback" not in result.err
    if result.status == 2:
        assert result.out == ""
        assert result.err.startswith(f"netpoldiff: {PATH}"), result.err
    else:
        assert result.err == ""
        if output_format == "json":
            assert json.loads(result.out)["source"] == PATH


@CLI_EXAMPLES
@given(data=encoded(), output_format=st.sampled_from(["text", "json"]))
def test_yamlish_input_through_the_command_line(
    run_cli: CliRunner, scratch: Path, data: bytes, output_format: str
) -> None:
    _check_cli(run_cli, scratch, data, output_format)


@CLI_EXAMPLES
@given(text=POLICY_FILES, output_format=st.sampled_from(["text", "json"]))
def test_policy_shaped_documents_through_the_command_line(
    run_cli: CliRunner, scratch: Path, text: str, output_format: str
) -> None:
    _check_cli(run_cli, scratch, text.encode(), output_format)
