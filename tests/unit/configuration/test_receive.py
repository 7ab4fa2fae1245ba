"""configuration/receive: the ``pre_receive`` key, read and checked with the file's line."""

from __future__ import annotations

import pytest

from netpoldiff.configuration import parse_configuration
from netpoldiff.configuration.receive import ReceiveSettings, pattern_problem
from netpoldiff.errors import InputError


def test_every_key_is_read() -> None:
    text = (
        b"pre_receive:\n"
        b'  protect: [refs/heads/main, "refs/heads/release/*"]\n'
        b"  approvers: |\n    ask #netsec\n    (Jane or Ali)\n"
        b"  approve_option: true\n"
        b"  timeout: 30\n"
        b"  on_timeout: accept\n"
    )

    settings = parse_configuration(text, ".netpoldiff.yaml").pre_receive

    assert settings == ReceiveSettings(
        ("refs/heads/main", "refs/heads/release/*"),
        "ask #netsec (Jane or Ali)",
        True,
        30.0,
        "accept",
    )


def test_left_out_it_is_the_defaults() -> None:
    assert parse_configuration(b"fail_on: [opened]\n", "c").pre_receive == ReceiveSettings()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (b"pre_receive: 3\n", 1, "pre_receive must be a mapping"),
        (b"pre_receive:\n  protect: main\n", 2, "must be a list of branch patterns"),
        (b"pre_receive:\n  protect: [refs/tags/v1]\n", 2, "'refs/tags/v1' is not a branch pattern"),
        (b"pre_receive:\n  approvers: 4\n", 2, "approvers must be text"),
        (b"pre_receive:\n  approve_option: sometimes\n", 2, "must be true or false"),
        (b"pre_receive:\n  timeout: -1\n", 2, "timeout must be a number of seconds from 0"),
        (b"pre_receive:\n  timeout: true\n", 2, "timeout must be a number"),
        (b"pre_receive:\n  on_timeout: wait\n", 2, "on_timeout must be one of refuse, accept"),
        (b"pre_receive:\n  protects: []\n", 2, "unknown key 'pre_receive.protects'"),
        (b"pre_receive:\n  timeout:\n", 2, "pre_receive.timeout has no value"),
    ],
)
def test_a_mistake_names_the_line(text: bytes, line: int, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_configuration(text, ".netpoldiff.yaml")

    assert raised.value.location.line == line
    assert message in raised.value.message


@pytest.mark.parametrize(
    ("pattern", "valid"),
    [
        ("refs/heads/main", True),
        ("refs/heads/release/*", True),
        ("refs/heads/v[0-9]", True),
        ("main", False),
        ("refs/tags/*", False),
        ("refs/heads/a b", False),
        ("refs/heads/", False),
    ],
)
def test_a_pattern_names_branches(pattern: str, valid: bool) -> None:
    assert (pattern_problem(pattern) is None) == valid
