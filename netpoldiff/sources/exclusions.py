"""Which files of a source the repository configuration leaves out (its ``exclude`` entries)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Final

_GLOB: Final = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Repository paths and globs to leave out.

    A path leaves out itself and everything below it (``k8s/examples`` and ``k8s/examples/``
    alike); a glob (with ``*``, ``?`` or ``[``) is matched against the whole repository path,
    ``*`` crossing ``/``, so ``*.tmpl.yaml`` leaves out such files at any depth.
    """

    patterns: tuple[str, ...] = ()

    def __contains__(self, path: str) -> bool:
        """Whether a repository path (``k8s/web.yaml``) is left out."""
        if not self.patterns:
            return False
        normal = PurePosixPath(path)
        for pattern in self.patterns:
            if _GLOB & set(pattern):
                if fnmatch.fnmatchcase(normal.as_posix(), pattern.removeprefix("./")):
                    return True
            else:
                prefix = PurePosixPath(pattern)
                if prefix == PurePosixPath() or normal == prefix or prefix in normal.parents:
                    return True
        return False
