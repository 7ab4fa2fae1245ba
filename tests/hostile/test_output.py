"""Hostile input against what netpoldiff writes: escaping, failing outputs, a reader that leaves.

Input reaches every output: a label key quoted in an error, a file name in a warning, a value
given to ``--namespace``. None of its characters may act on a terminal or a CI log: no control
or format character arrives raw, no line starts with ``::`` and no ``##[`` appears (GitHub
Actions reads both as workflow commands), and JSON stays valid with the text escaped. Writing
the report fails with one line and exit 2 whatever the environment does, and a reader that
goes away (``| head -c 1``) ends the run with 141, never 1, which means ``--fail-on`` matched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.cli.handler import EXIT_READER_GONE
from netpoldiff.printable import inert_document, printable
from tests.conftest import CliResult, CliRunner, assert_one_line_error
from tests.testing.gitrepo import DEMO, HERMETIC

# Sets the window title, clears the screen, starts a forged line holding a workflow command,
# reverses the text after it, hides a legacy workflow command, and more that must not pass.
HOSTILE_KEY = "a\x1b]0;pwned\x07\x1b[2J\n::error::forged\u202e##[error]legacy\x7f\x9b\u200b\u2028b"
HOSTILE_FILE_NAME = "::error::forged\x1b]0;pwned\x07\u202e##[error]legacy.json"
RAW = ("\x1b", "\x07", "\r", "\x7f", "\x85", "\x9b", "\u202e", "\u2028", "\u2029", "\ufeff")


def assert_inert(text: str) -> None:
    """Nothing in ``text`` can act on a terminal or a GitHub Actions log."""
    for character in RAW:
        assert character not in text, (character, text[:3000])
    # A zero-width space only as the Markdown report's own mention breaker, after @ or #.
    assert re.search(r"(?<![@#])\u200b", text) is None, text[:3000]
    assert "##[" not in text, text[:3000]
    for line in [*text.split("\n"), *text.splitlines()]:
        assert not line.lstrip().startswith("::"), line


def pod(name: str, *, labels: dict[str, str] | None = None, host_network: bool = False) -> str:
    """A Pod of namespace shop as JSON (which can spell every character as an escape)."""
    metadata: dict[str, object] = {"name": name, "namespace": "shop", "labels": labels or {}}
    spec = {"hostNetwork": host_network, "containers": [{"name": "c"}]}
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec})


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path]:
    """old/ holds a pod; new/ adds one whose label key is hostile (invalid, so an error)."""
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        side.mkdir()
        (side / "web.json").write_text(pod("web"), encoding="utf-8")
    (new / "bad.json").write_text(pod("api", labels={HOSTILE_KEY: "x"}), encoding="utf-8")
    return old, new


# --- text from input is escaped once, wherever it is printed -------------------------------------


@pytest.mark.parametrize(
    ("arguments", "output"),
    [
        (("matrix", "{new}"), "error"),
        (("{old}", "{new}"), "error"),
        (("matrix", "{new}", "--keep-going"), "text"),
        (("matrix", "{new}", "--keep-going", "--format", "json"), "json"),
        (("{old}", "{new}", "--keep-going"), "text"),
        (("{old}", "{new}", "--keep-going", "--format", "markdown"), "markdown"),
        (("{old}", "{new}", "--keep-going", "--format", "json"), "json"),
    ],
    ids=[
        "matrix-error",
        "diff-error",
        "matrix-text",
        "matrix-json",
        "diff-text",
        "diff-markdown",
        "diff-json",
    ],
)
def test_a_hostile_label_key_reaches_no_output_raw(
    run_cli: CliRunner, sides: tuple[Path, Path], arguments: tuple[str, ...], output: str
) -> None:
    old, new = sides
    result = run_cli(*(a.format(old=old, new=new) for a in arguments), "--no-cache")
    assert_inert(result.out)
    assert_inert(result.err)
    if output == "error":
        assert_one_line_error(result, "bad.json", "pwned\\x07\\x1b[2J\\n::error::forged\\u202e")
        return
    assert (result.status, result.err) == (0, ""), result.err
    if output == "json":
        document = json.loads(result.out)
        assert document["incomplete"] is True
        [error] = document["errors"]
        assert "\\x1b]0;pwned\\x07\\x1b[2J\\n::error::forged\\u202e##\\x5berror]legacy" in error
    else:
        assert "pwned\\x07" in result.out
        assert "INCOMPLETE" in result.out or "Incomplete" in result.out


@pytest.mark.parametrize("output_format", ["text", "markdown", "json"])
def test_a_hostile_file_name_in_a_warning_reaches_no_output_raw(
    run_cli: CliRunner, tmp_path: Path, output_format: str
) -> None:
    # The file's name is the part of a warning that input chooses: a host-network pod is
    # warned about at its file, and the file name leads the line the warning is printed on.
    (tmp_path / "old").mkdir()
    new = tmp_path / "new"
    new.mkdir()
    (new / HOSTILE_FILE_NAME).write_text(pod("api", host_network=True), encoding="utf-8")
    arguments = ("../old", ".") if output_format == "markdown" else ("matrix", ".")
    result = run_cli("-C", str(new), *arguments, "--format", output_format, "--no-cache")
    assert (result.status, result.err) == (0, ""), result.err
    assert_inert(result.out)
    if output_format == "json":
        [warning] = json.loads(result.out)["warnings"]
        assert warning["code"] == "NPD001"
        assert warning["file"].endswith("legacy.json")  # the path is data: kept as read
    else:
        assert "NPD001" in result.out
        assert "pwned\\x07\\u202e" in result.out


@given(st.text())
def test_printable_text_has_no_unprintable_character_nor_workflow_command(text: str) -> None:
    shown = printable(text)
    assert shown.isprintable()
    assert "##[" not in shown
    assert not shown.lstrip().startswith("::")
    assert printable(shown) == shown  # escaped once: escaping again changes nothing
    if text.isprintable() and "##[" not in text and not text.lstrip().startswith("::"):
        assert shown == text


@given(st.lists(st.text(), max_size=4), st.integers(min_value=1, max_value=7))
def test_guarded_json_reads_back_the_same_strings(values: list[str], piece: int) -> None:
    document = json.dumps({"values": values}, ensure_ascii=False)
    pieces = [document[i : i + piece] for i in range(0, len(document), piece)]
    guarded = "".join(inert_document(pieces))
    assert json.loads(guarded) == {"values": values}
    assert_inert(guarded)


def test_the_reports_own_colours_and_mention_breakers_pass_the_guard() -> None:
    ours = "\x1b[1mnetpoldiff\x1b[0m\n  \x1b[32m+\x1b[0m ::/0 -> @\u200borg #\u200b12\n"
    assert "".join(inert_document([ours[:9], ours[9:]])) == ours
    theirs = "x\x1b]0;t\x07 \x1b[2J\u202e\n  ::error file=a::forged\n##[error]b\n"
    assert_inert("".join(inert_document([theirs])))


# --- an output the environment refuses is one line and exit 2 ------------------------------------


def _completed(process: subprocess.CompletedProcess[str]) -> CliResult:
    return CliResult(process.returncode, process.stdout, process.stderr)


def _netpoldiff(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "netpoldiff", *arguments]


def _in_process(*arguments: str) -> Callable[[CliRunner, Path], CliResult]:
    return lambda run_cli, _tmp_path: run_cli(*arguments)


def _succeeds(*command: str) -> bool:
    if shutil.which(command[0]) is None:
        return False
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def _read_only_directory(run_cli: CliRunner, tmp_path: Path) -> CliResult:
    directory = tmp_path / "read-only"
    directory.mkdir()
    if os.geteuid() != 0:
        directory.chmod(0o555)
    elif not _succeeds("chattr", "+i", str(directory)):
        pytest.skip("root, and this file system has no immutable attribute")
    try:
        return run_cli(str(DEMO / "old"), str(DEMO / "new"), "-o", str(directory / "report.txt"))
    finally:
        with contextlib.suppress(OSError):
            subprocess.run(["chattr", "-i", str(directory)], capture_output=True, check=False)
        directory.chmod(0o755)


def _read_only_file_system(_run_cli: CliRunner, tmp_path: Path) -> CliResult:
    mount = tmp_path / "mnt"
    mount.mkdir()
    # A private mount namespace: the read-only file system exists for this one command.
    script = 'mount -t tmpfs -o ro none "$0" && exec "$@"'
    probe = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(mount)]
    if not _succeeds(*probe, "true"):
        pytest.skip("cannot mount a read-only file system here (needs CAP_SYS_ADMIN)")
    command = _netpoldiff(str(DEMO / "old"), str(DEMO / "new"), "-o", str(mount / "report.txt"))
    process = subprocess.run(
        [*probe, *command],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **HERMETIC},
    )
    return _completed(process)


def _standard_output_full(_run_cli: CliRunner, _tmp_path: Path) -> CliResult:
    with Path("/dev/full").open("w", encoding="utf-8") as full:
        process = subprocess.run(
            _netpoldiff(str(DEMO / "old"), str(DEMO / "new")),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env={**os.environ, **HERMETIC},
        )
    return CliResult(process.returncode, "", process.stderr)


def _symbolic_link_loop(run_cli: CliRunner, tmp_path: Path) -> CliResult:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    return run_cli("-C", str(tmp_path / "a"), "matrix", ".")


@pytest.mark.parametrize(
    ("run", "fragment"),
    [
        (_in_process("matrix", str(DEMO / "new"), "-o", "/dev/full"), "No space left on device"),
        (_in_process("matrix", str(DEMO / "new"), "-o", ""), "--output: the file name is empty"),
        (_in_process("matrix", str(DEMO / "new"), "-o", "/sys/report.txt"), "/sys/report.txt"),
        (_in_process("matrix", str(DEMO / "new"), "-o", "/proc/report.txt"), "/proc/report.txt"),
        (_read_only_directory, "report.txt: cannot write the report"),
        (_read_only_file_system, "Read-only file system"),
        (_standard_output_full, "standard output: No space left on device"),
        (_in_process("-C", "/tmp/" + "a" * 300, "matrix", "."), "File name too long"),
        (_symbolic_link_loop, "-C "),
    ],
    ids=[
        "dev-full",
        "empty-path",
        "sysfs",
        "procfs",
        "read-only-directory",
        "read-only-file-system",
        "standard-output-full",
        "directory-name-too-long",
        "directory-symbolic-link-loop",
    ],
)
def test_an_output_or_directory_the_environment_refuses_is_one_line_and_exit_2(
    run_cli: CliRunner,
    tmp_path: Path,
    run: Callable[[CliRunner, Path], CliResult],
    fragment: str,
) -> None:
    assert_one_line_error(run(run_cli, tmp_path), fragment)


# --- a reader that goes away ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def large_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 pods and no policy: a JSON matrix of 14,400 flows, far more than a pipe holds."""
    directory = tmp_path_factory.mktemp("large")
    pods = [pod(f"p{i}", host_network=i == 0) for i in range(120)]
    (directory / "pods.yaml").write_text("\n---\n".join(pods), encoding="utf-8")
    return directory


def _read_one_byte_and_leave(*arguments: str) -> tuple[int, str]:
    with subprocess.Popen(  # like `netpoldiff ... | head -c 1`
        _netpoldiff(*arguments),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **HERMETIC},
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.read(1)
        process.stdout.close()
        error = process.stderr.read().decode("utf-8", "backslashreplace")
        return process.wait(timeout=120), error


@pytest.mark.parametrize(
    "gate", [(), ("--fail-on", "warnings")], ids=["no-gate", "gate-that-would-fail"]
)
def test_a_reader_that_goes_away_ends_the_run_with_141_and_no_traceback(
    large_source: Path, gate: tuple[str, ...]
) -> None:
    arguments = ("matrix", str(large_source), "--format", "json", "--no-cache", *gate)
    status, error = _read_one_byte_and_leave(*arguments)
    assert (status, error) == (EXIT_READER_GONE, "")


# --- --namespace is a namespace name -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("shop", True),
        ("a" * 63, True),
        ("0-9", True),
        ("Shop", False),
        ("a_b", False),
        ("a.b", False),
        ("-a", False),
        ("a-", False),
        ("a" * 64, False),
        ("", False),
        ("\x1b]0;pwned\x07\n::error::forged\u202e", False),
    ],
    ids=[
        "word",
        "63-characters",
        "digits-and-dash",
        "upper-case",
        "underscore",
        "dot",
        "leading-dash",
        "trailing-dash",
        "64-characters",
        "empty",
        "hostile",
    ],
)
def test_the_default_namespace_must_be_a_namespace_name(
    run_cli: CliRunner, tmp_path: Path, value: str, valid: bool
) -> None:
    document = json.loads(pod("web"))
    del document["metadata"]["namespace"]
    (tmp_path / "web.json").write_text(json.dumps(document), encoding="utf-8")
    result = run_cli("matrix", str(tmp_path), "--namespace", value, "--format", "json")
    if valid:
        assert result.status == 0, result.err
        endpoints = json.loads(result.out)["endpoints"]
        assert {e.get("namespace") for e in endpoints} == {value, None}
        return
    assert_one_line_error(result, "--namespace", f"'{printable(value)}' is not a namespace name")
    assert_inert(result.err)
