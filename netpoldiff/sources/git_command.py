"""How git is run: with every setting that could make a read-only command run a program off.

A repository's own configuration (``.git/config``, ``.git/hooks``) comes with it when it is
copied or unpacked, and netpoldiff reads repositories it did not set up. Each git process it
starts gets these settings, which override the repository's. Reviewed, setting by setting
(git 2.39-2.49), for the commands netpoldiff runs (``rev-parse``, ``ls-tree``, ``ls-files``,
``cat-file``, ``merge-base``, ``rev-list``):

- ``core.fsmonitor`` runs its command (or starts a daemon, when ``true``) whenever the index
  is read: ``ls-files`` for the working tree and ``--staged``. Turned off.
- Hooks: none of these commands writes the index or a ref, so none runs a hook
  (``post-index-change``, ``reference-transaction``); ``core.hooksPath`` points at a path
  that holds none, so a later command cannot change that unnoticed.
- Fetching: reading an object a partial clone lacks makes git fetch it from the promisor
  remote, and a fetch runs what the configuration names (``remote.*.uploadpack``,
  ``core.sshCommand``, credential helpers, ``core.askPass``, remote helpers). Every transport
  is refused (``GIT_ALLOW_PROTOCOL`` empty), and ``GIT_NO_LAZY_FETCH`` says so to git 2.44+;
  no prompt for a password either.
- The pager (``core.pager``, ``pager.<cmd>``): off with ``--no-pager`` and ``GIT_PAGER``.
- Avoided rather than turned off, because no command here applies them: clean and smudge
  filters and ``process`` drivers (only commands that hash working-tree files apply them:
  files are read and hashed here, and the index is listed, never written, since writing it
  rehashes racily clean files through their clean filters), ``textconv`` and external diff
  drivers (``diff``, ``log``, ``show``, ``cat-file --textconv``), ``gpg.program``
  (verifying signatures), editors, ``core.alternateRefsCommand`` (fetch and push).
- Left as configured: ``core.untrackedCache`` runs nothing, and ``trace2.*`` is read from the
  user's and the system's configuration only, never the repository's.
- ``safe.directory`` is the user's to set, with one exception: finding the repository (where
  its top is, with ``rev-parse``, which reads no index and runs nothing) ignores ownership, so
  that directory sources in a repository owned by another user (a CI container's checkout)
  still read the repository's configuration from its top. Every command that reads objects
  or the index then meets git's refusal, and the error says how to trust the directory.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from netpoldiff.errors import SourceError

Setting = tuple[str, str]

# core.hooksPath comes last, so that reading where hooks live can leave it out (see below).
NO_HOOKS: Final[Setting] = ("core.hooksPath", os.devnull)
SAFE_SETTINGS: Final[tuple[Setting, ...]] = (
    ("core.fsmonitor", "false"),
    ("core.useBuiltinFSMonitor", "false"),  # the same, as git 2.31-2.35 named it
    NO_HOOKS,
)
# For ``rev-parse --git-path hooks`` only: it runs nothing, and must see the real hooksPath.
SAFE_SETTINGS_BUT_HOOKS: Final = SAFE_SETTINGS[:-1]
# For ``rev-parse`` finding the repository only (see above).
FINDING_SETTINGS: Final = (*SAFE_SETTINGS, ("safe.directory", "*"))

_COUNT: Final = "GIT_CONFIG_COUNT"
NOT_FETCHED: Final = (
    "this partial clone lacks it, and netpoldiff never fetches (a fetch runs programs the "
    "repository's configuration names); fetch it with git first"
)


def setting_flags(settings: tuple[Setting, ...] = SAFE_SETTINGS) -> list[str]:
    """The command-line form, to put between ``git`` and its subcommand."""
    flags = ["--no-pager"]
    for key, value in settings:
        flags.extend(("-c", f"{key}={value}"))
    return flags


def setting_environment(
    environ: Mapping[str, str], settings: tuple[Setting, ...] = SAFE_SETTINGS
) -> dict[str, str]:
    """Variables that give ``settings`` to every git process started with them.

    ``GIT_CONFIG_KEY_<n>`` entries the caller already has stay in force; ours come after
    them, and the later of two entries for a key wins.
    """
    try:
        first = max(int(environ.get(_COUNT, "0")), 0)
    except ValueError:
        first = 0  # git itself refuses to run with a malformed count; let it say so
    variables = {
        "GIT_ALLOW_PROTOCOL": "",
        "GIT_NO_LAZY_FETCH": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_PAGER": "cat",
        _COUNT: str(first + len(settings)),
    }
    for index, (key, value) in enumerate(settings, start=first):
        variables[f"GIT_CONFIG_KEY_{index}"] = key
        variables[f"GIT_CONFIG_VALUE_{index}"] = value
    return variables


def git_environment(settings: tuple[Setting, ...] = SAFE_SETTINGS) -> dict[str, str]:
    """The environment of every git process: the user's, ``settings``, and git in English.

    Failures are told apart by what git writes, so its messages are not translated
    (LANGUAGE and LC_ALL), whatever the user's locale.
    """
    return {
        **os.environ,
        "LANGUAGE": "C",
        "LC_ALL": "C",
        **setting_environment(os.environ, settings),
    }


class GitFailedError(Exception):
    """A git command that exited with an error, with what it wrote to stderr."""

    def __init__(self, command: list[str], stderr: bytes) -> None:
        super().__init__(command)
        self.command = command
        self.stderr = stderr.decode("utf-8", "replace")


def run_git(args: list[str], cwd: Path, settings: tuple[Setting, ...] = SAFE_SETTINGS) -> bytes:
    """The output of ``git args`` run in ``cwd`` with ``settings``; GitFailedError when it fails.

    Failures are told apart by what git writes (see git_environment).
    """
    # Paths are literal, as typed: no globs, no ":(magic)", like revisions read them.
    command = ["git", *setting_flags(settings), "--literal-pathspecs", *args]
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=git_environment(settings),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except OSError as error:
        msg = f"cannot run git: {error.strerror}"
        raise SourceError(msg) from None
    if done.returncode != 0:
        raise GitFailedError(command, done.stderr)
    return done.stdout


def refused_for_ownership(stderr: str) -> bool:
    """Whether git refused the repository itself: owned by another user (``safe.directory``)."""
    return "dubious ownership" in stderr


def explain_failure(stderr: str, command: list[str], root: Path) -> str:
    """What went wrong, in one line, from what git wrote to stderr."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    detail = next((line for line in lines if line.startswith("fatal:")), lines[0] if lines else "")
    detail = detail.removeprefix("fatal: ").removeprefix("error: ")
    if "promisor remote" in stderr:
        return f"git: {detail}: {NOT_FETCHED}"
    if refused_for_ownership(stderr):
        # git names the directory to trust, the top of the repository, wherever it ran.
        suggested = [line for line in lines if line.startswith("git config ")]
        trust = suggested[0] if suggested else f"git config --global --add safe.directory {root}"
        top = trust.rsplit("safe.directory ", 1)[-1]
        return f"git refuses to read {top}: it is owned by another user; trust it with `{trust}`"
    return f"git: {detail}" if detail else f"git failed: {' '.join(command)}"
