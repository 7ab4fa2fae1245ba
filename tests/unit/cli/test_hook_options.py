"""The hook options: stages, what makes a hook refuse, and the server's limits, as parsed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

import click
import pytest

from netpoldiff.cli import hook_options
from netpoldiff.commands import FailOn
from netpoldiff.configuration import HOOK_FAIL_ON

Decorator = Callable[[Any], Any]


def _parsed(decorator: Decorator, args: tuple[str, ...] = ()) -> dict[str, object]:
    """What a command with this option is called with, for ``args``."""
    command = decorator(click.Command("probe", callback=lambda **kwargs: kwargs))
    return command.main(list(args), standalone_mode=False)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "stage", [hook_options.install_stage, hook_options.run_stage], ids=["install", "run"]
)
def test_a_hook_stage_is_pre_commit_unless_another_is_asked(stage: Decorator) -> None:
    assert _parsed(stage) == {"stage": "pre-commit"}
    for other in ("pre-push", "pre-merge-commit", "pre-receive"):
        assert _parsed(stage, args=(f"--{other}",)) == {"stage": other}


def test_a_hook_refuses_on_opened_flows_unless_told_otherwise() -> None:
    assert _parsed(hook_options.hook_fail_on) == {"fail_on": HOOK_FAIL_ON}
    choices = next(p for p in hook_options.hook_fail_on(click.Command("p")).params).type
    assert isinstance(choices, click.Choice)
    assert tuple(choices.choices) == get_args(FailOn)


@pytest.mark.parametrize(
    ("decorator", "args", "message"),
    [
        (hook_options.timeout, ("--timeout", "-1"), "-1.0 is not in the range"),
        (hook_options.on_timeout, ("--on-timeout", "maybe"), "'maybe' is not one of"),
    ],
    ids=["negative-timeout", "unknown-on-timeout"],
)
def test_the_server_limits_are_checked_as_declared(
    decorator: Decorator, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(click.BadParameter, match=message):
        _parsed(decorator, args=args)
