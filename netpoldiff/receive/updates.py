"""git's pre-receive input: one ``<old> <new> <ref>`` line per ref the push updates.

Every line is checked before anything is read: a push whose input cannot be understood is
refused (fail closed), never let through in part.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from netpoldiff.errors import SourceError
from netpoldiff.hooks import is_ref_name, is_zero
from netpoldiff.sources import GitRepository

_BRANCHES: Final = "refs/heads/"
_FIELDS: Final = 3


@dataclass(frozen=True, slots=True)
class RefUpdate:
    """One ref the push updates: ``old`` (all zeros: created) to ``new`` (all zeros: deleted)."""

    old: str
    new: str
    ref: str

    @property
    def created(self) -> bool:
        """Whether the ref did not exist before the push."""
        return is_zero(self.old)

    @property
    def deleted(self) -> bool:
        """Whether the push deletes the ref."""
        return is_zero(self.new)

    @property
    def is_branch(self) -> bool:
        """Whether the ref is a branch (tags and other refs are never checked)."""
        return self.ref.startswith(_BRANCHES)


def _update(line: str, repository: GitRepository) -> RefUpdate:
    fields = line.split()
    shown = line.strip()[:200]
    if len(fields) != _FIELDS:
        msg = f"pre-receive: unexpected input line {shown!r}: it needs three fields"
        raise SourceError(msg)
    old, new, ref = fields
    digits = f"{repository.object_id_length} lowercase hexadecimal digits"
    for valid, problem in (
        (repository.is_object_id(old), f"the old object id is not {digits}"),
        (repository.is_object_id(new), f"the new object id is not {digits}"),
        (is_ref_name(ref), "the ref is not a full ref name"),
    ):
        if not valid:
            msg = f"pre-receive: unexpected input line {shown!r}: {problem}"
            raise SourceError(msg)
    return RefUpdate(old, new, ref)


def ref_updates(lines: Iterable[str], repository: GitRepository) -> tuple[RefUpdate, ...]:
    """The updates git's input names, every line checked first (a SourceError if one is bad).

    A branch's new commit must be readable: where git keeps a push's objects during the hook
    (its quarantine directory, which git names to every git process the hook starts).
    """
    updates = tuple(_update(line, repository) for line in lines if line.strip())
    for update in updates:
        if update.is_branch and not update.deleted and not repository.exists(update.new):
            msg = f"pre-receive: cannot read the pushed commit {update.new[:12]} of {update.ref}"
            raise SourceError(msg)
    return updates


def is_protected(ref: str, default_branch: str | None, patterns: Iterable[str]) -> bool:
    """Whether the hook checks updates of ``ref``: the default branch, or a pattern's match."""
    if not ref.startswith(_BRANCHES):
        return False
    return ref == default_branch or any(fnmatch.fnmatchcase(ref, p) for p in patterns)
