"""Every option declared once: its choices, its default and its checks, as commands receive them.

Each test composes the declared options onto a probe command and parses a command line with
click, so what is checked is what a command's function is called with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

import click
import pytest

from netpoldiff.cli import options, run_options
from netpoldiff.cli.invocation import Invocation
from netpoldiff.cli.output import ColorMode
from netpoldiff.commands import FailOn, MatrixFailOn
from netpoldiff.manifests import DEFAULT_NAMESPACE
from netpoldiff.report.formats import DIFF_FORMATS, MATRIX_FORMATS
from netpoldiff.sources import DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_TOTAL_SIZE
from tests.conftest import REPO_ROOT

Decorator = Callable[[Any], Any]


def _probe(*decorators: Decorator) -> click.Command:
    """A command with these options that returns the keyword arguments it was called with."""

    @click.command()
    @options.compose(*decorators)
    def probe(**received: object) -> dict[str, object]:
        return received

    return probe


def _parsed(
    *decorators: Decorator, args: tuple[str, ...] = (), obj: Invocation | None = None
) -> dict[str, object]:
    received: dict[str, object] = _probe(*decorators).main(
        args=list(args), standalone_mode=False, obj=obj
    )
    return received


def _choices(decorator: Decorator, name: str) -> tuple[str, ...]:
    (parameter,) = (p for p in _probe(decorator).params if p.name == name)
    assert isinstance(parameter.type, click.Choice)
    return tuple(parameter.type.choices)


def test_common_options_default_to_the_values_their_owning_modules_declare() -> None:
    assert _parsed(options.common) == {
        "directory": None,
        "config_file": None,
        "output": None,
        "default_namespace": DEFAULT_NAMESPACE,
        "keep_going": False,
        "no_cache": False,
        "max_file_size": DEFAULT_MAX_FILE_SIZE,
        "max_total_size": DEFAULT_MAX_TOTAL_SIZE,
        "workload_kinds": (),
        "ignore": frozenset(),
        "render_mode": "auto",
        "kustomize_command": None,
        "quiet": False,
    }


def test_common_options_pass_what_the_command_line_says() -> None:
    args = ("-C", "/", "-o", "r.txt", "--namespace", "prod", "--keep-going", "--no-cache", "-q")
    sizes = ("--max-file-size", "10", "--max-total-size", "20")
    kinds = ("--workload-kind", "CloneSet.apps.kruise.io=spec.template")
    render = ("--render", "none", "--kustomize", "kubectl")
    ignore = ("--ignore", "NPD003", "--ignore", "npd005, NPD007")
    parsed = _parsed(options.common, args=args + sizes + kinds + render + ignore)
    declared = parsed.pop("workload_kinds")
    assert isinstance(declared, tuple)
    assert [(kind.name, kind.groups) for kind in declared] == [
        ("CloneSet", frozenset({"apps.kruise.io"}))
    ]
    assert parsed == {
        "directory": "/",
        "config_file": None,
        "output": "r.txt",
        "default_namespace": "prod",
        "keep_going": True,
        "no_cache": True,
        "max_file_size": 10,
        "max_total_size": 20,
        "ignore": frozenset({"NPD003", "NPD005", "NPD007"}),
        "render_mode": "none",
        "kustomize_command": "kubectl",
        "quiet": True,
    }


@pytest.mark.parametrize(
    ("decorator", "choices"),
    [
        (options.diff_format, tuple(DIFF_FORMATS)),
        (options.matrix_format, tuple(MATRIX_FORMATS)),
    ],
    ids=["diff", "matrix"],
)
def test_format_choices_are_the_registered_report_formats_with_text_by_default(
    decorator: Decorator, choices: tuple[str, ...]
) -> None:
    assert _choices(decorator, "output_format") == choices
    assert _parsed(decorator) == {"output_format": "text"}


def test_a_format_another_command_registers_is_refused() -> None:
    assert _parsed(options.diff_format, args=("--format", "dot")) == {"output_format": "dot"}
    with pytest.raises(click.BadParameter, match="'dot' is not one of 'text', 'json'"):
        _parsed(options.matrix_format, args=("--format", "dot"))


@pytest.mark.parametrize(
    ("decorator", "choices", "default"),
    [
        (options.fail_on, get_args(FailOn), ()),
        (options.matrix_fail_on, get_args(MatrixFailOn), ()),
    ],
    ids=["diff", "matrix"],
)
def test_fail_on_choices_are_the_commands_literals(
    decorator: Decorator, choices: tuple[str, ...], default: tuple[str, ...]
) -> None:
    assert _choices(decorator, "fail_on") == choices
    assert _parsed(decorator) == {"fail_on": default}


def test_fail_on_is_repeatable_in_the_order_given() -> None:
    args = ("--fail-on", "closed", "--fail-on", "warnings")
    assert _parsed(options.fail_on, args=args) == {"fail_on": ("closed", "warnings")}
    with pytest.raises(click.BadParameter, match="'opened' is not 'warnings'"):
        _parsed(options.matrix_fail_on, args=("--fail-on", "opened"))


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("NPD03", "unknown warning code 'NPD03'"),
        ("NPD003,NPD999", "unknown warning code 'NPD999'"),
        ("all", "'all' is not a code: name each code"),
        (",", "names no code"),
    ],
    ids=["typo", "one-of-two", "all", "empty"],
)
def test_ignore_refuses_a_code_the_registry_does_not_define(value: str, problem: str) -> None:
    with pytest.raises(click.BadParameter, match=problem):
        _parsed(options.ignore, args=("--ignore", value))


def test_color_choices_are_the_colour_modes_with_auto_by_default() -> None:
    assert _choices(options.color, "color") == get_args(ColorMode)
    assert _parsed(options.color) == {"color": "auto"}


@pytest.mark.parametrize(
    "name",
    ["default", "a", "kube-system", "0", "x" * 63],
    ids=["default", "one", "dash", "digit", "63"],
)
def test_a_dns_label_is_a_namespace(name: str) -> None:
    assert _parsed(options.namespace, args=("--namespace", name)) == {"default_namespace": name}


@pytest.mark.parametrize(
    "name",
    ["x" * 64, "Web", "-a", "a-", "a_b", "a.b", ""],
    ids=["64", "upper", "leading-dash", "trailing-dash", "underscore", "dot", "empty"],
)
def test_a_namespace_that_is_not_a_dns_label_is_refused(name: str) -> None:
    with pytest.raises(click.BadParameter, match="is not a namespace name: it must be a DNS label"):
        _parsed(options.namespace, args=("--namespace", name))


@pytest.mark.parametrize("option", ["--max-file-size", "--max-total-size"])
def test_size_limits_must_be_at_least_one_byte(option: str) -> None:
    assert _parsed(options.common, args=(option, "1"))[option[2:].replace("-", "_")] == 1
    with pytest.raises(click.BadParameter, match="0 is not in the range x>=1"):
        _parsed(options.common, args=(option, "0"))


def test_debug_is_recorded_in_the_invocation_not_passed_to_the_command() -> None:
    invocation = Invocation()
    received = _parsed(options.common, args=("--debug",), obj=invocation)
    assert invocation.debug is True
    assert "debug" not in received
    quiet = Invocation()
    _parsed(options.common, obj=quiet)
    assert quiet.debug is False


def test_debug_is_recorded_before_an_earlier_option_fails_its_check() -> None:
    # So the handler re-raises whatever goes wrong in checking the other options.
    invocation = Invocation()
    with pytest.raises(click.BadParameter):
        _parsed(options.common, args=("--max-file-size", "0", "--debug"), obj=invocation)
    assert invocation.debug is True


def test_compose_applies_the_options_in_the_order_listed() -> None:
    probe = _probe(click.option("--first"), click.option("--second"), click.option("--third"))
    assert [p.name for p in probe.params] == ["first", "second", "third"]


def test_old_and_new_are_both_optional() -> None:
    assert _parsed(options.old_and_new) == {"old": None, "new": None}
    assert _parsed(options.old_and_new, args=("HEAD~1",)) == {"old": "HEAD~1", "new": None}


@pytest.mark.parametrize(
    ("decorator", "args", "message"),
    [
        (run_options.directory, ("-C", "pyproject.toml"), "is a file"),
        (options.output, ("-o", "tests"), "is a directory"),
        (options.body_file, ("--body-file", "no-such-file.md"), "does not exist"),
        (options.pr, ("--pr", "0"), "0 is not in the range x>=1"),
    ],
    ids=["dash-c-file", "output-directory", "body-file-missing", "pr-zero"],
)
def test_paths_and_numbers_are_checked_as_declared(
    decorator: Decorator, args: tuple[str, ...], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    with pytest.raises(click.BadParameter, match=message):
        _parsed(decorator, args=args)


@pytest.mark.parametrize(
    ("given", "missing"),
    [(("--pr", "7"), "'--repo'"), (("--repo", "o/r"), "'--pr'")],
    ids=["repo", "pr"],
)
def test_the_pull_request_options_are_required(given: tuple[str, ...], missing: str) -> None:
    with pytest.raises(click.MissingParameter) as raised:
        _parsed(options.repo, options.pr, args=given)
    assert raised.value.format_message() == f"Missing option {missing}."
    assert _parsed(options.repo, options.pr, args=("--repo", "o/r", "--pr", "7")) == {
        "repository": "o/r",
        "number": 7,
    }
