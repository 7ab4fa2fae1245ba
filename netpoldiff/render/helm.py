"""One Helm chart rendered into the manifests it applies, by Helm's own code, offline.

Two renderers: the ``helm`` program (``helm template``), or, when there is none, Helm's Go SDK
as a library (the ``helm-python-sdk`` wheel, ``pip install 'netpoldiff[helm]'``). Both render
what ``helm template RELEASE CHART --namespace NS -f VALUES... --skip-tests --include-crds``
prints: hooks included, as a release would create them; chart dependencies only from the
vendored ``charts/`` directory (nothing is fetched); within a timeout; output size capped.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from netpoldiff.errors import InputError, Location, SourceError
from netpoldiff.render.plan import HelmRelease
from netpoldiff.sources import DEFAULT_MAX_FILE_SIZE

# The rendered stream is read as one manifest file, so it gets a file's size limit; so does
# each values file, which Helm reads whole.
MAX_OUTPUT: Final = DEFAULT_MAX_FILE_SIZE
# Enough of helm's stderr to hold its error line after any warnings.
_STDERR_KEPT: Final = 64 * 1024
# What helm uses when neither --namespace nor a kubeconfig names one; given outright, so that
# both renderers agree and no kubeconfig is read.
DEFAULT_NAMESPACE: Final = "default"
LIBRARY: Final = "helm_python"
INSTALL_HINT: Final = (
    "install one: pip install 'netpoldiff[helm]' (Helm's library), "
    "or the helm program (https://helm.sh/docs/intro/install/)"
)


def render_chart(
    chart_dir: Path,
    release: HelmRelease,
    *,
    command: str | None,
    timeout: float,
    values_root: Path,
) -> bytes:
    """The YAML stream of the manifests ``release`` applies, rendered from ``chart_dir``.

    ``chart_dir`` is a private copy of the chart (``release.chart`` is its path in the
    repository, used in messages). ``release.values`` are paths relative to ``values_root``
    (the root of the same tree), merged in order, later files winning. ``command`` is the
    helm program to run (a name on PATH or a path); None runs ``helm`` from PATH, or Helm's
    library when there is no ``helm``.

    The two renderers differ where the library does not offer what the program does:

    - Tests: the program skips manifests annotated as test hooks (``helm.sh/hook: test``);
      the library path skips the templates under a chart's ``templates/tests/``, where Helm
      puts them.
    - Order: the program sorts manifests in Helm's install order (by kind); the library path
      sorts them by template path. Both put CRDs first.
    - Timeout: the program is killed; the library cannot be interrupted, so its render is
      abandoned (it goes on in the background until it ends or the process exits), and
      nothing bounds its memory.

    Raises InputError naming the chart (or the values file) when the chart cannot be rendered,
    and SourceError when no renderer can be run.
    """
    program = _program(release, command)
    values = _values_files(release, values_root)
    if program is not None:
        return _render_with_program(program, chart_dir, release, values, timeout)
    if importlib.util.find_spec(LIBRARY) is None:
        raise _cannot_render(
            release,
            "there is no helm program on PATH and Helm's library is not installed; " + INSTALL_HINT,
        )
    return _in_thread(lambda: _render_with_library(chart_dir, release, values), release, timeout)


def _program(release: HelmRelease, command: str | None) -> str | None:
    """The helm program to run, or None when only the library can render."""
    if command is None:
        return shutil.which("helm")
    found = shutil.which(command)
    if found is None:
        raise _cannot_render(release, f"helm program {command!r} not found")
    return found


@dataclass(frozen=True, slots=True)
class _Values:
    """The values files of a release: absolute paths, each a small file inside ``root``."""

    root: Path
    files: tuple[Path, ...]


def _values_files(release: HelmRelease, values_root: Path) -> _Values:
    """The values files, each checked to be a small file inside the tree."""
    root = values_root.resolve()
    files = []
    for name in release.values:
        path = (root / name).resolve()
        where = Location(name)
        if not path.is_relative_to(root):
            raise InputError(where, f"values file of chart {release.chart} is outside the tree")
        if not path.is_file():
            raise InputError(where, f"values file of chart {release.chart} not found")
        if path.stat().st_size > MAX_OUTPUT:
            raise InputError(where, f"values file is larger than {MAX_OUTPUT} bytes")
        files.append(path)
    return _Values(root, tuple(files))


def _cannot_render(release: HelmRelease, problem: str) -> SourceError:
    """No renderer can run here: a fault of the machine, not of the chart."""
    return SourceError(f"{release.chart}: cannot render the Helm chart: {problem}")


def _failure(release: HelmRelease, detail: str, chart_dir: Path, root: Path) -> InputError:
    """A renderer's message as one line, with repository paths for the private copy's."""
    detail = detail.replace(str(chart_dir), release.chart).replace(f"{root}{os.sep}", "")
    return InputError(Location(release.chart), " ".join(detail.split()))


# --- the helm program -------------------------------------------------------------------------


def _environment(scratch: Path) -> dict[str, str]:
    """A minimal environment: empty homes, no kubeconfig, no plugins, no proxies."""
    # helm is often a shim (asdf, snap) that finds the real program on PATH.
    env = {"PATH": os.environ.get("PATH", os.defpath), "HELM_NO_PLUGINS": "1"}
    for variable in (
        "HOME",
        "HELM_CACHE_HOME",
        "HELM_CONFIG_HOME",
        "HELM_DATA_HOME",
        "HELM_PLUGINS",
    ):
        (scratch / variable).mkdir()
        env[variable] = str(scratch / variable)
    # A file name in an empty directory: nothing to read, nowhere to connect.
    (scratch / "kube").mkdir()
    env["KUBECONFIG"] = str(scratch / "kube" / "config")
    return env


def _render_with_program(
    program: str, chart_dir: Path, release: HelmRelease, values: _Values, timeout: float
) -> bytes:
    flags = ["--namespace", release.namespace or DEFAULT_NAMESPACE]
    for path in values.files:
        flags += ["-f", str(path)]
    flags += ["--skip-tests", "--include-crds"]
    argv = [program, "template", *flags, "--", release.release, str(chart_dir)]
    with tempfile.TemporaryDirectory(prefix="netpoldiff-helm-") as scratch:
        try:
            status, out, err = _run(argv, _environment(Path(scratch)), scratch, timeout)
        except TimeoutError:  # before OSError, of which it is a kind
            stopped = f"took longer than {timeout:g} seconds"
        except _TooLargeError:
            stopped = f"printed more than {MAX_OUTPUT} bytes"
        except OSError as error:
            raise _cannot_render(release, f"cannot run {program}: {error.strerror}") from None
        else:
            stopped = ""
    if stopped:
        raise InputError(Location(release.chart), f"helm template {stopped}")
    if status != 0:
        text = err.decode("utf-8", "replace")
        lines = [line for line in text.splitlines() if line.strip()]
        errors = [line.removeprefix("Error: ") for line in lines if line.startswith("Error: ")]
        detail = (errors or lines or [f"exit status {status}"])[-1]
        raise _failure(release, f"helm template failed: {detail}", chart_dir, values.root)
    return out


class _TooLargeError(Exception):
    """The program printed more than MAX_OUTPUT bytes."""


def _run(
    argv: list[str], env: dict[str, str], cwd: str, timeout: float
) -> tuple[int, bytes, bytes]:
    """Run a program to its end, the deadline or the output cap; status, stdout, stderr's tail."""
    deadline = time.monotonic() + timeout
    with subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        start_new_session=True,  # its own process group: a timeout kills its children too
    ) as process:
        try:
            out, err = _collect(process, deadline)
            process.wait(max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            raise TimeoutError from None
        finally:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return process.returncode, bytes(out), bytes(err)


def _collect(process: subprocess.Popen[bytes], deadline: float) -> tuple[bytearray, bytearray]:
    """Read both pipes until they close, within the deadline and the output cap."""
    out, err = bytearray(), bytearray()
    with selectors.DefaultSelector() as selector:
        assert process.stdout is not None  # noqa: S101 - both are pipes: see Popen in _run
        assert process.stderr is not None  # noqa: S101 - as above
        selector.register(process.stdout, selectors.EVENT_READ, out)
        selector.register(process.stderr, selectors.EVENT_READ, err)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                buffer: bytearray = key.data
                buffer += chunk
                if buffer is out and len(out) > MAX_OUTPUT:
                    raise _TooLargeError
                if buffer is err:
                    del err[:-_STDERR_KEPT]
    return out, err


# --- Helm's library ---------------------------------------------------------------------------


def _in_thread(render: Callable[[], bytes], release: HelmRelease, timeout: float) -> bytes:
    """``render()`` within the timeout; a daemon thread, so an abandoned one never holds exit.

    (A thread pool would: its threads are joined when the interpreter exits.)
    """
    outcome: list[bytes | Exception] = []

    def work() -> None:
        try:
            outcome.append(render())
        except Exception as error:  # noqa: BLE001 - raised again below, in the caller's thread
            outcome.append(error)

    thread = threading.Thread(target=work, name=f"helm {release.chart}", daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        raise InputError(
            Location(release.chart), f"rendering the chart took longer than {timeout:g} seconds"
        )
    result = outcome[0]
    if isinstance(result, Exception):
        raise result
    return result


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's merge of ``-f`` files (mergeMaps): maps merge key by key, anything else replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _render_with_library(chart_dir: Path, release: HelmRelease, values: _Values) -> bytes:
    try:
        import helm_python as helm  # noqa: PLC0415 - a 75 MB Go library: loaded only to render
    except Exception as error:  # noqa: BLE001 - HelmLibraryError, or a broken install
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise _cannot_render(release, f"Helm's library cannot be loaded: {first}") from None
    merged: dict[str, Any] = {}
    for path, name in zip(values.files, release.values, strict=True):
        try:
            merged = _merge(merged, helm.values_from_yaml(path.read_bytes().decode("utf-8")))
        except (helm.HelmError, UnicodeDecodeError) as error:
            detail = f"values file of chart {release.chart}: {error}"
            raise InputError(Location(name), " ".join(detail.split())) from None
    try:
        helm.validate_release_name(release.release)
    except helm.HelmError as error:
        detail = f"release name {release.release!r}: {error}"
        raise _failure(release, detail, chart_dir, values.root) from None
    try:
        # Loaded for each render: rendering drops disabled dependencies from the loaded chart.
        with helm.Chart.load(chart_dir) as chart:
            _check_vendored(chart.metadata, chart.dependencies, release)
            manifests = chart.render(
                merged, name=release.release, namespace=release.namespace or DEFAULT_NAMESPACE
            )
            crds = chart.crds  # after rendering: without those of disabled dependencies
    except helm.HelmError as error:
        raise _failure(release, str(error), chart_dir, values.root) from None
    return _stream(crds, manifests, release)


def _check_vendored(
    metadata: Mapping[str, Any], loaded: list[dict[str, Any]], release: HelmRelease
) -> None:
    """Every dependency in Chart.yaml is in charts/, as Helm checks before it renders."""
    declared = {str(dependency.get("name")) for dependency in metadata.get("dependencies") or ()}
    missing = sorted(declared - {str(dependency.get("name")) for dependency in loaded})
    if missing:
        raise InputError(
            Location(release.chart),
            f"dependency {', '.join(missing)} of Chart.yaml is not in charts/ (charts are "
            "rendered offline: vendor it with helm dependency build)",
        )


def _applied(template: str, text: str) -> bool:
    """Whether a rendered template is applied: not NOTES.txt, a test, or empty (as helm)."""
    return (
        not template.endswith("NOTES.txt")
        and "/templates/tests/" not in template
        and bool(text.strip())
    )


def _stream(
    crds: list[dict[str, str]], manifests: Mapping[str, str], release: HelmRelease
) -> bytes:
    """The rendered files as helm template prints them: ``# Source:`` before each."""
    parts = [f"---\n# Source: {crd['filename']}\n{crd['data']}\n" for crd in crds]
    parts += [
        f"---\n# Source: {template}\n{text}\n"
        for template, text in sorted(manifests.items())
        if _applied(template, text)
    ]
    stream = "".join(parts).encode("utf-8")
    if len(stream) > MAX_OUTPUT:
        raise InputError(
            Location(release.chart), f"the rendered chart is larger than {MAX_OUTPUT} bytes"
        )
    return stream
