"""run_bounded: a bare environment, a deadline, bounded output."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from netpoldiff.render.sandbox import bare_environment, run_bounded


def test_the_renderer_sees_empty_homes_and_no_path(tmp_path: Path) -> None:
    outcome = run_bounded(
        ["/bin/sh", "-c", "echo $HOME $KUBECONFIG $PATH; ls $XDG_CONFIG_HOME"],
        cwd=tmp_path,
        home=tmp_path,
        timeout=10,
        max_output=1000,
    )
    home, kubeconfig, path = outcome.output.decode().split()
    assert home == str(tmp_path)
    assert not Path(kubeconfig).exists()
    assert path == str(tmp_path / "empty")
    assert set(bare_environment(tmp_path)) >= {"HOME", "KUBECONFIG", "XDG_CONFIG_HOME"}


def test_a_renderer_past_its_deadline_is_stopped(tmp_path: Path) -> None:
    outcome = run_bounded(
        ["/bin/sleep", "30"], cwd=tmp_path, home=tmp_path, timeout=0.2, max_output=1000
    )
    assert outcome.stopped == "timeout"


@pytest.mark.parametrize(
    "script",
    ["/bin/sleep 30", "/bin/sleep 30 & /bin/sleep 30", "/bin/sleep 30 & exit 0"],
    ids=["a-child-in-the-foreground", "two-children", "a-child-left-behind"],
)
def test_a_renderer_and_every_child_it_started_are_stopped(tmp_path: Path, script: str) -> None:
    # A child holding the output pipe kept the run waiting for it, past the deadline.
    began = time.monotonic()
    outcome = run_bounded(
        ["/bin/sh", "-c", script], cwd=tmp_path, home=tmp_path, timeout=0.5, max_output=1000
    )
    assert time.monotonic() - began < 10
    assert outcome.stopped == ("timeout" if "exit" not in script else None)


def test_a_renderer_that_writes_too_much_is_stopped(tmp_path: Path) -> None:
    outcome = run_bounded(
        ["/bin/sh", "-c", "while :; do echo xxxxxxxxxxxxxxxx; done"],
        cwd=tmp_path,
        home=tmp_path,
        timeout=30,
        max_output=100_000,
    )
    assert outcome.stopped == "output"
