"""Copy the directories a rendering needs out of a source into a fresh temporary tree.

Only regular files are written, with fresh permissions; a symbolic link, submodule or special
file in a needed directory is refused (never followed, never created), so a renderer reads
nothing but the source's own bytes, whatever the source is: git objects for a revision and
the index, the disk for the working tree and a directory.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from netpoldiff.errors import InputError, Location
from netpoldiff.render.tree import Tree
from netpoldiff.sources.files import too_large, too_much


def _under(path: str, directory: str) -> bool:
    return directory in {".", path} or path.startswith(f"{directory}/")


def materialise(
    tree: Tree,
    directories: Iterable[str],
    target: Path,
    *,
    max_file_size: int,
    max_total_size: int,
) -> int:
    """Write every file under ``directories`` (tree paths) into ``target``; the bytes written."""
    wanted = tuple(directories)
    total = 0
    for path, entry in sorted(tree.entries.items()):
        if not any(_under(path, directory) for directory in wanted):
            continue
        shown = tree.display(path)
        if entry.kind != "file":
            what = "a symbolic link" if entry.kind == "link" else "a submodule or special file"
            msg = f"{what} in a directory to render; links are neither followed nor copied"
            raise InputError(Location(shown), msg)
        size = entry.size()
        if size > max_file_size:
            raise too_large(shown, size, max_file_size)
        total += size
        if total > max_total_size:
            raise too_much(shown, total, max_total_size)
        parts = PurePosixPath(path).parts
        if any(part in {"..", "."} for part in parts) or PurePosixPath(path).is_absolute():
            raise InputError(Location(shown), "a path that leaves its tree is not copied")
        destination = target.joinpath(*parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        data = entry.read()
        if len(data) != size:
            raise InputError(Location(shown), "changed while netpoldiff was reading it; run again")
        destination.write_bytes(data)
    return total
