"""A source's files with every Kustomize overlay (and Helm chart) replaced by what it renders.

Which directories render: those the plan names, a SOURCE or PATH that is itself a
kustomization, and, with ``mode: auto``, every directory under the paths that holds a
kustomization file, except one that another of them uses (as a base or component), which is
rendered through its users. Every file a rendered kustomization consumes (its kustomization
file, resources, patches, generator inputs, and those of the bases it builds on) leaves the
plain files; what a kustomization does not name stays a plain manifest. Each overlay renders
in its own temporary copy of the directories it needs, never in the working tree.
"""

from __future__ import annotations

import posixpath
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from netpoldiff.errors import InputError, SourceError
from netpoldiff.render import charts
from netpoldiff.render.kustomization import (
    Kustomization,
    TreeView,
    kustomization_file,
    read_kustomization,
)
from netpoldiff.render.kustomize import build, renderer, with_origin_annotations
from netpoldiff.render.materialise import materialise
from netpoldiff.render.origins import rendered_files
from netpoldiff.render.plan import RenderPlan
from netpoldiff.render.tree import Tree, source_tree
from netpoldiff.sources import OnDisk, Source, SourceFile, SourceFiles, Workspace


@dataclass(frozen=True, slots=True)
class _Found:
    """The kustomizations of a source: each checked, and which of them render."""

    kustomizations: dict[str, Kustomization]  # by directory
    roots: tuple[str, ...]  # directories to render
    charts: tuple[str, ...]  # chart directories, kept out of the plain files


def render_source(
    workspace: Workspace,
    source: Source,
    files: SourceFiles,
    paths: tuple[str, ...],
    plan: RenderPlan,
    *,
    keep_going: bool = False,
) -> SourceFiles:
    """``files`` (a source's plain manifests) with what the plan renders in place of its inputs."""
    named = plan.kustomizations or plan.charts or paths or isinstance(source, OnDisk)
    if plan.mode == "none" and not named:
        return files
    tree = source_tree(workspace, source)
    if tree is None:
        return files
    view = _view(tree)
    errors: list[InputError] = []
    found = _find(tree, view, paths, plan, errors)
    if not found.roots and not found.charts and not errors:
        return files
    consumed = _consumed(found, view)
    shown_consumed = {tree.display(path) for path in consumed}
    kept = [
        f
        for f in files.files
        if f.path not in shown_consumed and not _in_any(f.path, found.charts, tree)
    ]
    rendered: list[SourceFile] = []
    for root in found.roots:
        try:
            rendered.extend(_render(workspace, tree, found, root, plan))
        except InputError as error:
            errors.append(error)
    for chart in found.charts:
        try:
            rendered.extend(charts.render(workspace, tree, chart, plan))
        except InputError as error:  # kept like an overlay's: a diff names its side
            errors.append(error)
    if errors and not keep_going:
        return replace(files, errors=(*files.errors, *errors))
    return replace(
        files,
        files=tuple(sorted([*kept, *rendered], key=lambda f: f.path)),
        errors=(*files.errors, *errors),
    )


def _view(tree: Tree) -> TreeView:
    def load(path: str) -> bytes:
        return tree.entries[path].read()

    names = frozenset(tree.entries)
    return TreeView(names, tree.directories(), load, tree.display)


def _in_any(shown: str, directories: tuple[str, ...], tree: Tree) -> bool:
    return any(
        directory == "." or shown.startswith(f"{tree.display(directory)}/")
        for directory in directories
    )


def _scope(tree: Tree, paths: tuple[str, ...]) -> list[str]:
    """The PATHs as tree paths ("." for the whole source)."""
    if not paths:
        return ["."]
    return [inside for inside in map(tree.inside, paths) if inside is not None]


def _under(path: str, directory: str) -> bool:
    return directory in {".", path} or path.startswith(f"{directory}/")


def _find(
    tree: Tree, view: TreeView, paths: tuple[str, ...], plan: RenderPlan, errors: list[InputError]
) -> _Found:
    scope = _scope(tree, paths)
    folders = sorted(view.folders)
    named = [posixpath.normpath(k) for k in plan.kustomizations]
    for directory in named:
        if kustomization_file(directory, view.files) is None:
            msg = f"{directory}: named to render, but it holds no kustomization file"
            raise SourceError(msg)
    # A SOURCE or PATH that is itself a kustomization renders, whatever the mode.
    named += [d for d in scope if kustomization_file(d, view.files) is not None]
    discovered = [
        d
        for d in folders
        if plan.mode == "auto"
        and any(_under(d, s) for s in scope)
        and kustomization_file(d, view.files) is not None
    ]
    kustomizations: dict[str, Kustomization] = {}
    pending = [*named, *discovered]
    while pending:
        directory = pending.pop()
        file = kustomization_file(directory, view.files)
        if directory in kustomizations or file is None:
            continue
        try:
            kustomizations[directory] = found = read_kustomization(file, view)
        except InputError as error:
            errors.append(error)
            continue
        pending.extend(found.directories)
    used = {d for k in kustomizations.values() for d in k.directories}
    roots = dict.fromkeys([*named, *(d for d in discovered if d not in used)])
    chart_dirs = [c.chart for c in plan.charts]
    if plan.mode == "auto":
        chart_dirs += [
            d for d in folders if any(_under(d, s) for s in scope) and _chart_file(d) in view.files
        ]
    return _Found(
        kustomizations,
        tuple(r for r in roots if r in kustomizations),
        tuple(dict.fromkeys(posixpath.normpath(c) for c in chart_dirs)),
    )


def _chart_file(directory: str) -> str:
    return "Chart.yaml" if directory == "." else f"{directory}/Chart.yaml"


def _closure(found: _Found, root: str) -> list[str]:
    """A kustomization directory and every one it builds on."""
    seen: list[str] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        if directory in seen or directory not in found.kustomizations:
            continue
        seen.append(directory)
        pending.extend(found.kustomizations[directory].directories)
    return seen


def _consumed(found: _Found, view: TreeView) -> set[str]:
    """Every file a rendered kustomization (or one it builds on) reads."""
    consumed: set[str] = set()
    for directory, kustomization in found.kustomizations.items():
        if any(directory in _closure(found, root) for root in found.roots):
            consumed.add(kustomization.file)
            consumed.update(kustomization.files)
    # Kustomization files never hold manifests, rendered or not.
    consumed.update(
        file for d in view.folders if (file := kustomization_file(d, view.files)) is not None
    )
    return consumed


def _render(
    workspace: Workspace, tree: Tree, found: _Found, root: str, plan: RenderPlan
) -> tuple[SourceFile, ...]:
    kustomization = found.kustomizations[root]
    shown = tree.display(kustomization.file)
    program = renderer(plan.kustomize_command, shown)
    with tempfile.TemporaryDirectory(prefix="netpoldiff-render-") as scratch:
        copy = Path(scratch) / "tree"
        copy.mkdir()
        materialise(
            tree,
            _closure(found, root),
            copy,
            max_file_size=workspace.max_file_size,
            max_total_size=workspace.max_total_size,
        )
        file = copy / kustomization.file
        file.write_bytes(with_origin_annotations(file.read_bytes(), shown))
        objects = build(
            program,
            copy,
            root,
            shown=shown,
            timeout=plan.timeout,
            max_output=workspace.max_file_size,
        )

        def read(path: str) -> bytes | None:
            original = copy / path
            return original.read_bytes() if original.is_file() else None

        return rendered_files(objects, overlay=root, read=read, display=tree.display)
