"""The commands as plain functions: read sources, evaluate, render; no click, no streams."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from netpoldiff.errors import InputError, InputWarning
from netpoldiff.evaluate import evaluate
from netpoldiff.manifests import load_cluster
from netpoldiff.model import Cluster
from netpoldiff.report.json_report import matrix_json
from netpoldiff.report.text import render_matrix
from netpoldiff.sources import SourceFile, read_path

MatrixFormat = Literal["text", "json"]
FailOn = Literal["opened", "closed", "any", "warnings"]


@dataclass(frozen=True, slots=True)
class Report:
    """A rendered report (in pieces, so large JSON streams) and the exit status it implies."""

    chunks: Iterable[str]
    exit_status: int


@dataclass(frozen=True, slots=True)
class LoadedSource:
    """One source read into a Cluster, with everything worth telling about the reading."""

    label: str
    cluster: Cluster
    warnings: tuple[InputWarning, ...]
    errors: tuple[InputError, ...]


def _selected(files: Sequence[SourceFile], root: str, paths: Sequence[str]) -> list[SourceFile]:
    """The files under any of ``paths``, given relative to the source root or as shown."""
    if not paths:
        return list(files)
    wanted = [PurePosixPath(p.replace("\\", "/")) for p in paths]
    root_path = PurePosixPath(root.replace("\\", "/"))
    kept = []
    for source_file in files:
        shown = PurePosixPath(source_file.path.replace("\\", "/"))
        candidates = [shown]
        if shown.is_relative_to(root_path):
            candidates.append(shown.relative_to(root_path))
        if any(c == w or c.is_relative_to(w) for c in candidates for w in wanted):
            kept.append(source_file)
    return kept


def load_source(
    spec: str,
    paths: Sequence[str] = (),
    *,
    default_namespace: str = "default",
    keep_going: bool = False,
) -> LoadedSource:
    """Read a directory or file SOURCE, restricted to ``paths``, into a Cluster."""
    source_files = read_path(spec)
    loaded = load_cluster(
        _selected(source_files.files, spec, paths),
        default_namespace=default_namespace,
        keep_going=keep_going,
    )
    return LoadedSource(
        spec, loaded.cluster, source_files.warnings + loaded.warnings, loaded.errors
    )


def _fails(fail_on: Iterable[FailOn], source: LoadedSource) -> bool:
    fail_on = set(fail_on)
    if fail_on and source.errors:
        return True  # an incomplete analysis cannot vouch for anything
    return "warnings" in fail_on and bool(source.warnings)


def matrix_command(
    spec: str,
    paths: Sequence[str] = (),
    *,
    output_format: MatrixFormat = "text",
    default_namespace: str = "default",
    keep_going: bool = False,
    fail_on: Sequence[FailOn] = (),
) -> Report:
    """``netpoldiff matrix SOURCE``: the reachability matrix of one source."""
    source = load_source(spec, paths, default_namespace=default_namespace, keep_going=keep_going)
    matrix = evaluate(source.cluster)
    chunks: Iterator[str] | list[str]
    if output_format == "json":
        chunks = matrix_json(matrix, spec, warnings=source.warnings, errors=source.errors)
    else:
        chunks = [render_matrix(matrix, spec, warnings=source.warnings, errors=source.errors)]
    return Report(chunks, 1 if _fails(fail_on, source) else 0)
