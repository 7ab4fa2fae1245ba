"""A rule's keys written where they do not belong, and the hint that says how to fix them.

The Kubernetes documentation's NetworkPolicy example is copied with ``ports`` out of place
more than any other. Written as a list item of its own (``- ports:``) it becomes a second rule
(warned about after loading), a peer (refused: "must specify a peer"), or breaks the YAML;
indented one step too far or too little it lands in a peer, a selector or the spec, where the
API server's strict field validation (kubectl's default) refuses it and where, read quietly,
it would leave its rule open on every port. Each of these errors says how to fix it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # fields.py reads YAML with yaml_docs.py, which asks this module for hints
    from netpoldiff.manifests.fields import Fields

RULE_KEYS: Final = ("ports", "from", "to")
_KEY_LINE: Final = re.compile(r"\s*(-\s+)?(ports|from|to)\s*:")
_DOCUMENT_START: Final = re.compile(r"---(\s|$)")
_POLICY_KIND: Final = re.compile(r"kind:\s*[\"']?\w*NetworkPolicy\b")


def _align(key: str, peers_key: str | None) -> str:
    """How to put ``key`` back in its rule, whose peers are under ``peers_key`` (None: either)."""
    if key == "ports":
        beside = f"`{peers_key}`" if peers_key else "`from` or `to`"
        return f"if `ports` belongs to the rule, align it with {beside}"
    return f"a rule's `{key}` goes in an item of the rules' list, beside its `ports`"


def peer_hint(peer: Fields, peers_key: str) -> str:
    """For a peer that names no peer: what to do if it holds a rule's key ("" if none)."""
    for key in RULE_KEYS:
        if peer.has(key):
            fix = (
                f"remove its leading `-` and align it with `{peers_key}`"
                if key == "ports"
                else f"a rule's `- {key}:` goes at the indentation of the rules' `-`"
            )
            return f"; `{key}` is a key of the rule, not a peer: {fix}"
    return ""


def refuse_rule_keys(fields: Fields, what: str, peers_key: str | None) -> None:
    """Refuse a rule's key written in ``fields`` (a peer, a selector, an ipBlock, the spec)."""
    for key in RULE_KEYS:
        if fields.has(key):
            msg = (
                f"{what} has no field {key!r} (kubectl apply rejects it); {_align(key, peers_key)}"
            )
            raise fields.error(key, msg)


def yaml_hint(text: str, line: int) -> str:
    """For a YAML error at 0-based ``line`` of ``text``: a hint when a rule's key is the cause.

    Given when that line or the one before is a ``- ports:``, ``- from:`` or ``- to:`` item (or
    such a key out of line) of a policy; "" otherwise.
    """
    lines = text.splitlines()
    for number in (line, line - 1):
        found = _KEY_LINE.match(lines[number]) if 0 <= number < len(lines) else None
        if found is None or not _in_a_policy(lines, number):
            continue
        dash, key = found.groups()
        if key != "ports":
            return f"; a rule's `- {key}:` goes at the indentation of the other rules' `-`"
        if dash:
            return (
                "; if `ports` belongs to the rule above, remove the leading `-` and align it "
                "with `from` or `to`"
            )
        return "; `ports` goes at the indentation of its rule's `from` or `to`"
    return ""


def _in_a_policy(lines: list[str], number: int) -> bool:
    """Whether the document holding line ``number`` is a policy (its ``kind:`` says so)."""
    start = number
    while start > 0 and not _DOCUMENT_START.match(lines[start]):
        start -= 1
    end = number + 1
    while end < len(lines) and not _DOCUMENT_START.match(lines[end]):
        end += 1
    return any(_POLICY_KIND.match(text) for text in lines[start:end])
