"""The repository configuration, ``.netpoldiff.yaml``: its keys, read and checked once.

Every key is optional; a file with none is the defaults. Paths are repository paths (from the
top of the repository; outside one, from the directory netpoldiff runs in)::

    paths: [k8s/, deploy/]              # where manifests are (default: the whole repository)
    exclude: [k8s/examples/, "*.tmpl.yaml"]   # left out: a path and all below it, or a glob
    namespace: shop                     # for objects that name none (default: default)
    render:
      mode: auto                        # auto: render every overlay and chart found; none
      kustomize: [deploy/overlays/prod] # overlays to render
      helm:
        - chart: charts/shop
          values: [charts/shop/values-prod.yaml]
          release: shop                 # default: release
          namespace: shop
    workload_kinds: ["Rollout.argoproj.io=spec.template"]   # as --workload-kind SPEC
    fail_on: [opened]                   # the default of --fail-on
    ignore: [NPD007]                    # warning codes hidden everywhere (with --ignore)
    pre_receive: {protect: ["refs/heads/release/*"]}   # a server's hook (see receive.py)

It is read as kubectl reads manifests (a key written twice, a tab, ``on`` where a word was
meant: each is an error naming the file and line), and an unknown key is an error, so a typo
never silently means "the default".
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Final, Literal, TypeVar, get_args

from netpoldiff.configuration.receive import ReceiveProblem, ReceiveSettings, receive_settings
from netpoldiff.errors import InputError, Location, UsageError
from netpoldiff.kinds import Declared
from netpoldiff.manifests.declared import parse_workload_kind
from netpoldiff.manifests.located import Located
from netpoldiff.render.plan import DEFAULT_RELEASE, HelmRelease, RenderMode, RenderPlan
from netpoldiff.suppression import CodeListError, parse_codes

CONFIGURATION_NAME: Final = ".netpoldiff.yaml"

FailOn = Literal["opened", "closed", "any", "warnings", "findings"]
"""What makes a run exit 1 (``--fail-on``, ``fail_on``): flows opened, closed, either, warnings
about the input, findings about the change."""
HOOK_FAIL_ON: Final[tuple[FailOn, ...]] = ("opened",)
"""What an installed git hook refuses unless told otherwise: a change that opens a flow."""

KEYS: Final = (
    "paths",
    "exclude",
    "namespace",
    "render",
    "workload_kinds",
    "fail_on",
    "ignore",
    "pre_receive",
)
_RENDER_KEYS: Final = ("mode", "kustomize", "helm")
_HELM_KEYS: Final = ("chart", "values", "release", "namespace")
# "A namespace name must be a DNS label" (apimachinery ValidateNamespaceName).
_DNS_LABEL: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_LABEL_LIMIT: Final = 63
_RELEASE: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_RELEASE_LIMIT: Final = 53

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Configuration:
    """What one ``.netpoldiff.yaml`` says; ``None`` (or empty) where it says nothing.

    ``path`` is where it was read, as messages name it; ``written`` the keys it gives, so
    that a key left out and a key set to its default stay apart.
    """

    path: str
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    namespace: str | None = None
    render: RenderPlan | None = None
    workload_kinds: Declared = ()
    fail_on: tuple[FailOn, ...] = ()
    ignore: frozenset[str] = frozenset()
    pre_receive: ReceiveSettings = field(default_factory=ReceiveSettings)
    written: frozenset[str] = field(default=frozenset())

    def differing_keys(self, other: Configuration) -> tuple[str, ...]:
        """The keys whose settings differ between two configurations, in the order of KEYS."""
        return tuple(
            key
            for key in KEYS
            if getattr(self, key) != getattr(other, key)
            or (key in self.written) != (key in other.written)
        )


class _Problem(Exception):  # noqa: N818 - a reading problem, reported as InputError
    """What is wrong with a value, and on which line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_configuration(data: bytes, path: str) -> Configuration:
    """The configuration a file holds; raises InputError naming the file and line."""
    # Imported here: a repository without a configuration file reads no YAML for it.
    from netpoldiff.manifests.yaml_docs import documents  # noqa: PLC0415

    found = list(documents(data, path, whole=True))
    contents = [document for document in found if document.content is not None]
    if len(contents) > 1:
        msg = f"one document expected, found {len(contents)}"
        raise InputError(Location(path, None, None), msg)
    if not contents:
        return Configuration(path)
    top = contents[0].content
    if not isinstance(top, Located):
        msg = f"expected a mapping of keys ({', '.join(KEYS)}), found {_kind_of(top)}"
        raise InputError(Location(path, None, 1), msg)
    try:
        return _configuration(top, path)
    except _Problem as problem:
        raise InputError(Location(path, None, problem.line), problem.message) from None


def _configuration(top: Located, path: str) -> Configuration:
    _known_keys(top, KEYS, "")
    return Configuration(
        path,
        paths=_optional(top, "paths", _repository_paths, ()),
        exclude=_optional(top, "exclude", _repository_paths, ()),
        namespace=_optional(top, "namespace", _namespace, None),
        render=_optional(top, "render", _render, None),
        workload_kinds=_optional(top, "workload_kinds", _workload_kinds, ()),
        fail_on=_optional(top, "fail_on", _fail_on, ()),
        ignore=_optional(top, "ignore", _ignore, frozenset()),
        pre_receive=_optional(top, "pre_receive", _pre_receive, ReceiveSettings()),
        written=frozenset(top),
    )


def _optional(mapping: Located, key: str, read: Callable[[Located, str], T], default: T) -> T:
    """``read(mapping, key)`` when the key is given, else ``default``.

    A key left empty (``paths:`` with nothing after it) is a mistake, not the default.
    """
    if key not in mapping:
        return default
    if mapping[key] is None:
        raise _Problem(mapping.line_of(key), f"{key} has no value")
    return read(mapping, key)


def _known_keys(mapping: Located, keys: tuple[str, ...], where: str) -> None:
    for key in mapping:
        if key not in keys:
            msg = f"unknown key {where}{key!r}: expected one of {', '.join(keys)}"
            raise _Problem(mapping.line_of(key), msg)


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else "null"


def _string(mapping: Located, key: str, name: str) -> str:
    value = mapping[key]
    if not isinstance(value, str):
        written = mapping.raw.get(key)
        hint = f" (write {written!r} in quotes if a word was meant)" if written else ""
        msg = f"{name} must be a string, found {_kind_of(value)}{hint}"
        raise _Problem(mapping.line_of(key), msg)
    return value


def _strings(mapping: Located, key: str, name: str) -> tuple[str, ...]:
    value = mapping[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        found = _kind_of(value) if not isinstance(value, list) else "a list with a non-string"
        msg = f"{name} must be a list of strings, found {found}"
        raise _Problem(mapping.line_of(key), msg)
    return tuple(value)


def _repository_path(text: str, line: int, name: str) -> str:
    """A path inside the repository, written with ``/``: never absolute, never above the top."""
    if not text or "\0" in text or "\\" in text:
        msg = f"{name}: {text!r} is not a repository path (relative, with '/' between folders)"
        raise _Problem(line, msg)
    path = PurePosixPath(text)
    depth = 0
    for part in path.parts:
        depth += -1 if part == ".." else 0 if part == "." else 1
        if path.is_absolute() or depth < 0:
            msg = f"{name}: {text!r} leads outside the repository (give a path inside it)"
            raise _Problem(line, msg)
    return posixpath.normpath(text)


def _repository_paths(mapping: Located, key: str) -> tuple[str, ...]:
    line = mapping.line_of(key)
    return tuple(_repository_path(p, line, key) for p in _strings(mapping, key, key))


def _namespace(mapping: Located, key: str) -> str:
    name = f"render.helm[].{key}" if "chart" in mapping else key
    value = _string(mapping, key, name)
    if len(value) > _DNS_LABEL_LIMIT or not _DNS_LABEL.fullmatch(value):
        msg = (
            f"{name}: {value!r} is not a namespace name: it must be a DNS label (at most 63 "
            "lowercase letters, digits and '-', starting and ending with a letter or digit)"
        )
        raise _Problem(mapping.line_of(key), msg)
    return value


def _workload_kinds(mapping: Located, key: str) -> Declared:
    kinds = []
    for spec in _strings(mapping, key, key):
        try:
            kinds.append(parse_workload_kind(spec))
        except UsageError as error:
            message = str(error).removeprefix("--workload-kind ")
            raise _Problem(mapping.line_of(key), f"{key}: {message}") from None
    return tuple(kinds)


def _fail_on(mapping: Located, key: str) -> tuple[FailOn, ...]:
    choices: tuple[FailOn, ...] = get_args(FailOn)
    conditions = []
    for condition in _strings(mapping, key, key):
        if condition not in choices:
            msg = f"{key}: {condition!r} is not one of {', '.join(choices)}"
            raise _Problem(mapping.line_of(key), msg)
        conditions.append(next(c for c in choices if c == condition))
    return tuple(conditions)


def _ignore(mapping: Located, key: str) -> frozenset[str]:
    try:
        return frozenset().union(*(parse_codes(item) for item in _strings(mapping, key, key)))
    except CodeListError as error:
        raise _Problem(mapping.line_of(key), f"{key}: {error}") from None


def _pre_receive(top: Located, key: str) -> ReceiveSettings:
    try:
        return receive_settings(top[key], top.line_of(key))
    except ReceiveProblem as problem:
        raise _Problem(problem.line, problem.message) from None


def _render(top: Located, key: str) -> RenderPlan:
    value = top[key]
    if not isinstance(value, Located):
        msg = f"render must be a mapping (mode, kustomize, helm), found {_kind_of(value)}"
        raise _Problem(top.line_of(key), msg)
    _known_keys(value, _RENDER_KEYS, "render.")
    return RenderPlan(
        mode=_optional(value, "mode", _mode, "auto"),
        kustomizations=_optional(value, "kustomize", _overlays, ()),
        charts=_optional(value, "helm", _charts, ()),
    )


def _mode(render: Located, key: str) -> RenderMode:
    text = _string(render, key, "render.mode")
    modes: tuple[RenderMode, ...] = get_args(RenderMode)
    for mode in modes:
        if text == mode:
            return mode
    msg = f"render.mode: {text!r} is not one of {', '.join(modes)}"
    raise _Problem(render.line_of(key), msg)


def _overlays(render: Located, key: str) -> tuple[str, ...]:
    line = render.line_of(key)
    return tuple(_repository_path(p, line, "render.kustomize") for p in _strings(render, key, key))


def _charts(render: Located, key: str) -> tuple[HelmRelease, ...]:
    entries = render[key]
    if not isinstance(entries, list):
        msg = f"render.helm must be a list of charts, found {_kind_of(entries)}"
        raise _Problem(render.line_of(key), msg)
    return tuple(_chart(entry, render.line_of(key)) for entry in entries)


def _chart(entry: object, line: int) -> HelmRelease:
    if not isinstance(entry, Located):
        msg = f"render.helm: each chart is a mapping (chart, values...), found {_kind_of(entry)}"
        raise _Problem(line, msg)
    _known_keys(entry, _HELM_KEYS, "render.helm[].")
    if "chart" not in entry:
        raise _Problem(entry.line, "render.helm: each chart needs 'chart' (its directory)")
    return HelmRelease(
        _chart_path(entry, "chart"),
        _optional(entry, "values", _values_files, ()),
        _optional(entry, "release", _release, DEFAULT_RELEASE),
        _optional(entry, "namespace", _namespace, None),
    )


def _chart_path(entry: Located, key: str) -> str:
    name = "render.helm[].chart"
    return _repository_path(_string(entry, key, name), entry.line_of(key), name)


def _values_files(entry: Located, key: str) -> tuple[str, ...]:
    name = "render.helm[].values"
    return tuple(_repository_path(p, entry.line_of(key), name) for p in _strings(entry, key, name))


def _release(entry: Located, key: str) -> str:
    # Helm's own rule for release names: a DNS subdomain of at most 53 characters.
    value = _string(entry, key, "render.helm[].release")
    if len(value) > _RELEASE_LIMIT or not _RELEASE.fullmatch(value):
        msg = (
            f"render.helm[].release: {value!r} is not a release name (at most 53 lowercase "
            "letters, digits, '-' and '.', starting and ending with a letter or digit)"
        )
        raise _Problem(entry.line_of(key), msg)
    return value
