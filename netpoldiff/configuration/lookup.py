"""Where the repository configuration is read: the top of a source's tree, or ``-c FILE``."""

from __future__ import annotations

from netpoldiff.configuration.schema import CONFIGURATION_NAME, Configuration, parse_configuration
from netpoldiff.errors import SourceError
from netpoldiff.sources import Source, Workspace, read_path


def configuration_of(workspace: Workspace, source: Source) -> Configuration | None:
    """The ``.netpoldiff.yaml`` at the top of the repository as ``source`` has it, or None.

    A revision's is that revision's blob (never the file on disk), the index's its staged
    copy; the working tree's and a directory source's the file on disk. Outside a repository
    the top is the directory the command runs in.
    """
    data = workspace.top_file(source, CONFIGURATION_NAME)
    return None if data is None else parse_configuration(data, CONFIGURATION_NAME)


def configuration_file(workspace: Workspace, path: str) -> Configuration:
    """The configuration ``-c FILE`` names (from where the command runs)."""
    file = workspace.start / path
    if file.is_symlink() or not file.is_file():
        if file.is_symlink():
            reason = "a symbolic link, not followed"
        else:
            reason = "not a regular file" if file.exists() else "no such file"
        msg = f"--config {path}: {reason}"
        raise SourceError(msg)
    found = read_path(str(file), workspace.max_file_size)
    if found.errors:
        raise found.errors[0]
    return parse_configuration(found.files[0].data, path)
