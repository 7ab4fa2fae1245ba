"""Real git repositories for tests: built with the ``git`` command, never mocked."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import FIXTURES, HERMETIC_GIT

DEMO = FIXTURES / "demo"

# Whatever the caller's environment, git runs without user or system configuration.
HERMETIC = HERMETIC_GIT


@dataclass(frozen=True)
class GitRepo:
    """A working tree and its repository, driven through ``git`` in a subprocess."""

    root: Path

    @classmethod
    def init(cls, root: Path, branch: str = "main") -> GitRepo:
        root.mkdir(parents=True, exist_ok=True)
        repo = cls(root)
        repo.git("init", "--quiet", f"--initial-branch={branch}")
        return repo

    def git(self, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
        """Run git in the working tree; return its stdout (raise on failure when ``check``)."""
        completed = subprocess.run(
            ["git", "-c", "protocol.file.allow=always", *args],
            cwd=self.root,
            env={**os.environ, **HERMETIC, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        if check and completed.returncode != 0:
            msg = f"git {' '.join(args)} failed ({completed.returncode}): {completed.stderr}"
            raise AssertionError(msg)
        return completed.stdout

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run git and return the whole outcome (for commands expected to fail)."""
        return subprocess.run(
            ["git", *args],
            cwd=self.root,
            env={**os.environ, **HERMETIC, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def put_demo(self, side: str, *names: str, under: str = "k8s") -> None:
        """Copy demo manifests (all, or the ones named) of ``old`` or ``new`` into ``under``."""
        source = DEMO / side
        chosen = names or tuple(sorted(p.name for p in source.iterdir()))
        target = self.root / under
        target.mkdir(parents=True, exist_ok=True)
        for name in chosen:
            shutil.copyfile(source / name, target / name)

    def commit(self, message: str, *, stage_all: bool = True) -> str:
        """Commit (everything, unless told otherwise) and return the new commit's sha."""
        if stage_all:
            self.git("add", "--all")
        self.git("commit", "--quiet", "--no-verify", "--allow-empty", "-m", message)
        return self.sha("HEAD")

    def sha(self, revision: str) -> str:
        return self.git("rev-parse", "--verify", revision).strip()

    def files(self) -> set[str]:
        """Every path in the working tree (outside .git), relative, with / separators."""
        return {
            path.relative_to(self.root).as_posix()
            for path in self.root.rglob("*")
            if ".git" not in path.relative_to(self.root).parts
        }


def demo_repository(root: Path) -> GitRepo:
    """``main`` with two commits: the demo's old manifests, then its new ones, under k8s/."""
    repo = GitRepo.init(root)
    repo.put_demo("old")
    repo.commit("old policies")
    repo.put_demo("new")
    repo.commit("new policies")
    return repo
