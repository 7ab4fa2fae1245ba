"""What a SOURCE names, decided once: a revision, merge base, index, working tree or path.

Each kind is its own type, so that nothing downstream compares text: a directory or branch
named ``index`` or ``working tree`` is a path or a revision like any other, and a revision a
hook reads from git is never looked for on disk. Each value shows as the SOURCE is written
(``HEAD``, ``main...HEAD``, ``index``, ``k8s/``): reports and JSON name it so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Revision:
    """A commit as git names it: ``HEAD``, ``HEAD~1``, a branch, a tag, an object id."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class MergeBase:
    """``A...B``: the merge base of two revisions (an empty side is ``HEAD``), as git reads it."""

    left: str
    right: str

    def __str__(self) -> str:
        return f"{self.left}...{self.right}"


@dataclass(frozen=True, slots=True)
class Index:
    """The git index: what ``git commit`` would record (``--staged``)."""

    def __str__(self) -> str:
        return "index"


@dataclass(frozen=True, slots=True)
class WorkingTree:
    """The tracked files of the working tree, as they are on disk now."""

    def __str__(self) -> str:
        return "working tree"


@dataclass(frozen=True, slots=True)
class OnDisk:
    """A directory or file of manifests, ``path`` as typed (relative to where the command runs)."""

    path: str

    def __str__(self) -> str:
        return self.path


Source = Revision | MergeBase | Index | WorkingTree | OnDisk

HEAD: Final = Revision("HEAD")
INDEX: Final = Index()
WORKING_TREE: Final = WorkingTree()
