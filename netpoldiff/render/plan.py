"""What to render in a source, as the command line and the repository configuration ask.

Pure data, shared by the configuration (which fills it), the renderers (which read it) and the
commands (which carry it in their settings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

RenderMode = Literal["auto", "none"]
"""``auto``: render every Kustomize directory and Helm chart found under the paths; ``none``:
render only what the plan names."""

DEFAULT_RELEASE: Final = "release"
RENDER_TIMEOUT: Final = 60.0  # seconds for one renderer run


@dataclass(frozen=True, slots=True)
class HelmRelease:
    """One chart to render: its directory and values files (repository paths), its release."""

    chart: str
    values: tuple[str, ...] = ()
    release: str = DEFAULT_RELEASE
    namespace: str | None = None


@dataclass(frozen=True, slots=True)
class RenderPlan:
    """What to render: by discovery (``mode``), and the overlays and charts named outright.

    ``kustomize_command`` and ``helm_command`` choose the renderer programs (None: the one
    found on PATH; for Helm, the library when no program is found).
    """

    mode: RenderMode = "auto"
    kustomizations: tuple[str, ...] = ()
    charts: tuple[HelmRelease, ...] = ()
    kustomize_command: str | None = None
    helm_command: str | None = None
    timeout: float = RENDER_TIMEOUT
