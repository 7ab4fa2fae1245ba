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
import time
from pathlib import Path
from typing import Final

from netpoldiff.errors import InputError, Location
from netpoldiff.render import helm_library
from netpoldiff.render.helm_library import (
    DEFAULT_NAMESPACE,
    LIBRARY,
    Values,
    cannot_render,
    failure,
    in_thread,
    render_with_library,
    values_files,
)
from netpoldiff.render.plan import HelmRelease

# Enough of helm's stderr to hold its error line after any warnings.
_STDERR_KEPT: Final = 64 * 1024
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
    values = values_files(release, values_root)
    if program is not None:
        return _render_with_program(program, chart_dir, release, values, timeout)
    if importlib.util.find_spec(LIBRARY) is None:
        raise cannot_render(
            release,
            "there is no helm program on PATH and Helm's library is not installed; " + INSTALL_HINT,
        )
    return in_thread(lambda: render_with_library(chart_dir, release, values), release, timeout)


def _program(release: HelmRelease, command: str | None) -> str | None:
    """The helm program to run, or None when only the library can render."""
    if command is None:
        return shutil.which("helm")
    found = shutil.which(command)
    if found is None:
        raise cannot_render(release, f"helm program {command!r} not found")
    return found


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
    program: str, chart_dir: Path, release: HelmRelease, values: Values, timeout: float
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
            stopped = f"printed more than {helm_library.MAX_OUTPUT} bytes"
        except OSError as error:
            raise cannot_render(release, f"cannot run {program}: {error.strerror}") from None
        else:
            stopped = ""
    if stopped:
        raise InputError(Location(release.chart), f"helm template {stopped}")
    if status != 0:
        text = err.decode("utf-8", "replace")
        lines = [line for line in text.splitlines() if line.strip()]
        errors = [line.removeprefix("Error: ") for line in lines if line.startswith("Error: ")]
        detail = (errors or lines or [f"exit status {status}"])[-1]
        raise failure(release, f"helm template failed: {detail}", chart_dir, values.root)
    return out


class _TooLargeError(Exception):
    """The program printed more than helm_library.MAX_OUTPUT bytes."""


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
                if buffer is out and len(out) > helm_library.MAX_OUTPUT:
                    raise _TooLargeError
                if buffer is err:
                    del err[:-_STDERR_KEPT]
    return out, err
