"""Files that are templates, not manifests: Go templates, and the templates of Helm charts.

A file is a template, and is never read as manifests, when

- it sits in the ``templates/`` folder (at any depth) of a directory whose ``Chart.yaml`` is
  among the files read: Helm renders it, whatever its content; or
- it holds a Go template action (``{{ ... }}``, ``{{- ... -}}``) where YAML reads structure:
  outside comments, quoted scalars (``'...'``, ``"..."``) and block scalars (``|``, ``>``).
  There the action changes what the YAML means (``app: {{ .Values.app }}`` is a mapping key
  inside a mapping, ``name: web-{{ x }}`` a name no renderer would keep) or breaks it. An
  action inside a quoted scalar that breaks its quotes (``"{{ include "x" . }}"``) counts too.

An action inside a quoted or block scalar is string data as YAML reads it, and the file is read
as the manifest it is: ``name: "{{ x }}"`` parses to the name ``{{ x }}``. Real manifests carry
such strings for other programs (Prometheus alert templates in a ConfigMap, Argo Workflows
parameters, Grafana dashboards); where one lands in a field netpoldiff validates (a name, a
label), the error says so and, for a file found under the paths, how to leave it out.

Only ``.yaml``, ``.yml`` and ``.json`` files are read at all (as ``kubectl apply -f DIR``), so
jsonnet, ``.tpl`` helpers and ``NOTES.txt`` never get here. A flow mapping whose first key is
itself a flow mapping (``{{a: 1}: b}``) reads as a template: YAML allows it, manifests do not
use it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Final

from netpoldiff.errors import InputError, Location

_ACTION: Final = "{{"
# Where a quoted or block scalar may start: at the start of a line, after an indicator.
_VALUE_STARTS: Final = frozenset({"", ":", "-", "?", "[", "{", ","})
_BLOCK_HEADER: Final = re.compile(r"[|>][1-9+-]{0,2}[ \t]*(#.*)?")
# What may follow a quoted scalar's closing quote on its line.
_AFTER_QUOTED: Final = re.compile(r"[ \t]*($|#|:|,|\]|\})")
_KUSTOMIZATIONS: Final = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CHART_FILE: Final = "Chart.yaml"


_HOW: Final = (
    "this is a template, not a manifest; render it (helm template, kustomize build) and diff "
    "the output, or leave it out of the paths"
)


class TemplateError(InputError):
    """A file that is a template, not a manifest: an error when named, skipped when walked to."""

    @property
    def reason(self) -> str:
        """Why the file is a template, in a few words (its warning when it is skipped)."""
        return self.message.removesuffix(f": {_HOW}")


def template_error(path: str, line: int) -> TemplateError:
    """The error for a file with a Go template action at ``line``, saying how to proceed."""
    reason = "a Go template action ({{ ... }}) outside quoted strings"
    return TemplateError(Location(path, line=line), f"{reason}: {_HOW}")


def chart_template_error(path: str, chart: str) -> TemplateError:
    """The error for a file of a Helm chart's ``templates/`` folder, saying how to proceed."""
    return TemplateError(
        Location(path), f"in the templates/ folder of the Helm chart {chart}: {_HOW}"
    )


def template_line(data: bytes) -> int | None:
    """The 1-based line of the first Go template action YAML would read as structure, if any."""
    if _ACTION.encode() not in data:
        return None  # almost every file: decided without decoding it
    return _first_action(data.decode("utf-8", "replace"))


def _first_action(text: str) -> int | None:
    """The line of the first action outside comments, quoted and block scalars (see above)."""
    scan = _Scan()
    for number, line in enumerate(text.splitlines(), 1):
        found = scan.line(number, line)
        if found is not None:
            return found
    return None


@dataclass(slots=True)
class _Scan:
    """What is still open at the end of a line: a quoted scalar, or a block scalar."""

    quote: str = ""  # the quote of a quoted scalar still open
    quoted_action: int = 0  # the line of an action inside the open quoted scalar
    block_indent: int = -1  # the indentation of the line that opened a block scalar

    def line(self, number: int, line: str) -> int | None:
        """The line of an action this line shows to be structure, if any."""
        indent = len(line) - len(line.lstrip(" "))
        if self._in_block(line, indent):
            return None  # a block scalar's text: data, whatever it holds
        previous = ""  # the last character before ``i`` that is not a space, on this line
        i = 0 if self.quote else indent
        while i < len(line):
            if self.quote:
                i, closed = self._quoted(number, line, i)
                if closed and self.quoted_action and not _AFTER_QUOTED.match(line, i):
                    return self.quoted_action  # the action's own quotes ended this scalar
                if closed:
                    self.quoted_action, previous = 0, line[i - 1]
                continue
            char = line[i]
            if line.startswith(_ACTION, i):
                return number
            if char == "#" and (i == 0 or line[i - 1] in " \t"):
                return None  # a comment: YAML ignores it
            if char in "'\"" and previous in _VALUE_STARTS:
                self.quote = char
            elif char in "|>" and previous in _VALUE_STARTS and _BLOCK_HEADER.fullmatch(line, i):
                self.block_indent = indent
                return None
            previous = previous if char.isspace() else char
            i += 1
        return None

    def _in_block(self, line: str, indent: int) -> bool:
        """Whether a line is the text of an open block scalar (one less indented ends it)."""
        if self.block_indent >= 0 and (not line.strip() or indent > self.block_indent):
            return True
        self.block_indent = -1
        return False

    def _quoted(self, number: int, line: str, i: int) -> tuple[int, bool]:
        """Read on inside a quoted scalar: where to go on, and whether it closed there."""
        char = line[i]
        if char == "\\" and self.quote == '"':
            return i + 2, False
        if char == "'" == self.quote and line.startswith("''", i):
            return i + 2, False  # '' is a quote inside a single-quoted scalar
        if char == self.quote:
            self.quote = ""
            return i + 1, True
        if not self.quoted_action and line.startswith(_ACTION, i):
            self.quoted_action = number
        return i + 1, False


def chart_of(path: str, listed: Collection[str]) -> str | None:
    """The Helm chart whose ``templates/`` folder holds ``path``, if its Chart.yaml is listed."""
    parts = PurePosixPath(path).parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] == "templates":
            chart = PurePosixPath(*parts[:index])
            if str(chart / CHART_FILE) in listed:
                return str(chart)
    return None


def fix_hint(path: str, listed: Collection[str]) -> str:
    """How to leave out a file found under the paths that does not read as a manifest.

    ``listed`` holds the paths of every file of the source: a Kustomize directory or Helm
    chart above ``path`` is known by its kustomization or ``Chart.yaml`` among them.
    """
    leave_out = "narrow the paths (-- PATH) or add an exclude line to .netpoldiff.yaml"
    for folder in PurePosixPath(path).parents:
        if any(str(folder / name) in listed for name in _KUSTOMIZATIONS):
            return f"{folder} is a Kustomize directory: render it (kustomize build), or {leave_out}"
        if str(folder / CHART_FILE) in listed:
            return f"{folder} is a Helm chart: render it (helm template), or {leave_out}"
    return f"found under the paths; if it is no manifest, {leave_out}"
