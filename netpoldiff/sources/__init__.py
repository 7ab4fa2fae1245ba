"""Sources: what a SOURCE argument names (source.py), and the files it holds (workspace.py)."""

from __future__ import annotations

from netpoldiff.sources.exclusions import Exclusions
from netpoldiff.sources.files import (
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_TOTAL_SIZE,
    SourceFile,
    SourceFiles,
    is_manifest_name,
    read_path,
)
from netpoldiff.sources.git_repo import GitRepository
from netpoldiff.sources.source import (
    HEAD,
    INDEX,
    WORKING_TREE,
    Index,
    MergeBase,
    OnDisk,
    Revision,
    Source,
    WorkingTree,
)
from netpoldiff.sources.workspace import Workspace

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_MAX_TOTAL_SIZE",
    "HEAD",
    "INDEX",
    "WORKING_TREE",
    "Exclusions",
    "GitRepository",
    "Index",
    "MergeBase",
    "OnDisk",
    "Revision",
    "Source",
    "SourceFile",
    "SourceFiles",
    "WorkingTree",
    "Workspace",
    "is_manifest_name",
    "read_path",
]
