"""Blobs read through long-lived ``git cat-file`` processes, for SHA-1 and SHA-256 alike."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import subprocess
import tempfile
import weakref
from pathlib import Path
from typing import IO, Final

from netpoldiff.errors import SourceError
from netpoldiff.sources.git_command import NOT_FETCHED, git_environment, setting_flags

HEX_LENGTHS: Final = {"sha1": 40, "sha256": 64}
_CHUNK: Final = 1 << 20


class BlobError(SourceError):
    """A blob git cannot give: missing, of another type, corrupt, or git itself failed."""


class _CatFile:
    """One ``git cat-file --batch`` (or ``--batch-check``) process, asked one object a line.

    Each question is followed by one about a random object id that no object has, and the
    answer is read up to git's "missing" line for it. git writes a damaged object's header
    and fewer bytes than it announces, then waits for the next question: reading the count
    the header announced would wait forever. Up to the fence, an answer has a known end.
    """

    def __init__(self, mode: str, root: Path, hex_length: int) -> None:
        self.owner = os.getpid()
        self._fence = secrets.token_hex(hex_length // 2).encode("ascii")
        self._fence_answer = self._fence + b" missing\n"
        # stderr goes to a file, not a pipe nobody reads while git runs: a chatty git could
        # fill a pipe and stop. Its last line explains a failure after git has exited.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        try:
            self.process = subprocess.Popen(
                ["git", *setting_flags(), "cat-file", mode],
                cwd=root,
                env=git_environment(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
                bufsize=0,  # reads return what git has written so far
            )
        except OSError as error:
            self._errors.close()
            msg = f"cannot run git: {error.strerror}"
            raise BlobError(msg) from None
        if self.process.stdin is None or self.process.stdout is None:
            raise AssertionError  # both are pipes: asked for above
        self._stdin: IO[bytes] = self.process.stdin
        self._stdout: IO[bytes] = self.process.stdout

    def ask(self, object_id: str) -> bytes | None:
        """Git's whole answer about one object (header line, then content); None if git died."""
        try:
            self._stdin.write(b"%s\n%s\n" % (object_id.encode("ascii"), self._fence))
        except BrokenPipeError:
            return None
        answer = bytearray()
        while not answer.endswith(self._fence_answer):
            chunk = self._stdout.read(_CHUNK)
            if not chunk:
                return None
            answer += chunk
        return bytes(answer[: -len(self._fence_answer)])

    def close(self) -> str:
        """End the process (git exits when its input ends); git's last word on stderr."""
        if self._errors.closed:
            return ""
        with contextlib.suppress(OSError):  # a pipe git closed first cannot take the rest
            self._stdin.close()
        if self.owner != os.getpid():
            # A copy inherited through fork: the process is the parent's, which still uses
            # it. Let go of this copy of the pipes only.
            self.process.returncode = -1  # not ours to wait for
        elif self.process.returncode is None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stdout.close()
        with self._errors:
            self._errors.seek(0)
            lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1].removeprefix("fatal: ").removeprefix("error: ") if lines else ""


class BlobReader:
    """The blobs of one repository, by object id, checked against the size git listed.

    One process per repository and per OS process: a process forked after the first read
    (a parse worker) starts its own instead of sharing the parent's pipes.
    """

    def __init__(self, root: Path, object_format: str = "sha1") -> None:
        self.root = root
        self.object_format = object_format
        self._hex_length = HEX_LENGTHS.get(object_format, 40)
        self._id = re.compile(f"[0-9a-f]{{{self._hex_length}}}")
        self._processes: dict[str, _CatFile] = {}
        weakref.finalize(self, _close_all, self._processes)

    def __reduce__(self) -> tuple[type[BlobReader], tuple[Path, str]]:
        # Sent to another process without its git processes: it starts its own.
        return (type(self), (self.root, self.object_format))

    def size(self, object_id: str) -> int:
        """A blob's size, without reading it."""
        return self._ask(object_id, "--batch-check")[0]

    def read(self, object_id: str, size: int) -> bytes:
        """A blob's content; ``size`` is what the tree or index listed for it."""
        found, body = self._ask(object_id, "--batch")
        short = object_id[:12]
        if found != size:
            msg = f"git object {short} has {found:,} bytes, listed as {size:,}"
            raise BlobError(msg)
        if len(body) != size + 1 or not body.endswith(b"\n"):
            msg = f"git object {short} is corrupt: {len(body) - 1:,} of its {size:,} bytes"
            raise BlobError(msg)
        return body[:-1]

    def close(self) -> None:
        """End this process's git processes (a later read starts them again)."""
        _close_all(self._processes)

    def _ask(self, object_id: str, mode: str) -> tuple[int, bytes]:
        """The size git announces for a blob, and what follows its header line."""
        if not self._id.fullmatch(object_id):
            msg = f"{object_id!r} is not a full object id of this repository"
            raise BlobError(msg)
        process = self._process(mode)
        answer = process.ask(object_id)
        short = object_id[:12]
        if answer is None:
            reason = process.close() or "git stopped"
            del self._processes[mode]
            reason = NOT_FETCHED if "promisor remote" in reason else reason
            msg = f"cannot read git object {short}: {reason}"
            raise BlobError(msg)
        header, _, body = answer.partition(b"\n")
        fields = header.decode("ascii", "replace").split(" ")
        if fields == [object_id, "missing"]:
            msg = f"git object {short} is missing"
        elif len(fields) != 3 or fields[0] != object_id or not fields[2].isdigit():  # noqa: PLR2004
            msg = f"cannot read git object {short}: git answered {header[:100]!r}"
        elif fields[1] != "blob":
            msg = f"git object {short} is a {fields[1]}, not a file's content"
        else:
            return int(fields[2]), body
        raise BlobError(msg)

    def _process(self, mode: str) -> _CatFile:
        process = self._processes.get(mode)
        if process is not None and process.owner != os.getpid():
            process.close()  # inherited through fork: the parent's own
            process = None
        if process is None:
            process = self._processes[mode] = _CatFile(mode, self.root, self._hex_length)
        return process


def _close_all(processes: dict[str, _CatFile]) -> None:
    while processes:
        processes.popitem()[1].close()
