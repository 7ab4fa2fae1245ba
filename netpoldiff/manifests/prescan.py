"""Scans of a document's text beside its parse: what libyaml's events do not tell apart.

libyaml composes the nodes, but three things go-yaml decides differently are visible only in
the text or the token stream: whether an alias can occur at all (most files have none, and
then no node is checked for aliasing), which scalars carry a ``!`` tag alone (go-yaml keeps
them as text), and a ``?`` inside an unquoted flow value (go-yaml refuses the document).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import yaml

if TYPE_CHECKING:
    LibyamlLoader = yaml.SafeLoader
else:  # the C parser when libyaml is present, as pre-commit does: go-yaml is a port of it
    LibyamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ALIAS_FOLLOWS: Final = "[{,:?-"  # besides whitespace and the start of the text
_NOT_ALIAS_NAME: Final = ",]}"  # besides whitespace
# What may stand before and after a tag "!" alone (or "!<"), besides whitespace.
_BEFORE_TAG: Final = "[]{},?:-"
_AFTER_BANG: Final = ",]}<"
_FLOW_STARTS: Final = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
_FLOW_ENDS: Final = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)


def may_have_alias(text: str) -> bool:
    """Whether the text may hold an alias: a ``*name`` where a node can start.

    ``* * *`` in a cron schedule is not one. A scan for ``*`` is several times faster than a
    regular expression whose match can start anywhere, and most files have no ``*`` at all.
    """
    position = text.find("*")
    while position >= 0:
        before = text[position - 1] if position else "\n"
        after = text[position + 1 : position + 2]
        if (
            (before.isspace() or before in _ALIAS_FOLLOWS)
            and after
            and not after.isspace()
            and after not in _NOT_ALIAS_NAME
        ):
            return True
        position = text.find("*", position + 1)
    return False


def _may_have_bang_tag(text: str) -> bool:
    """Whether the text may hold a tag ``!`` alone (``! 80``, ``!<!>``, or one a %TAG makes).

    go-yaml keeps a plain scalar tagged so as text, while PyYAML's composer reports it exactly
    as an untagged one; ``#!/bin/sh`` and ``hello!`` are no such tags.
    """
    if "%TAG" in text:
        return True
    position = text.find("!")
    while position >= 0:
        before = text[position - 1] if position else "\n"
        after = text[position + 1 : position + 2]
        if (before.isspace() or before in _BEFORE_TAG) and (
            not after or after.isspace() or after in _AFTER_BANG
        ):
            return True
        position = text.find("!", position + 1)
    return False


def verbatim_marks(text: str) -> frozenset[tuple[int, int]]:
    """(line, column) of every scalar tagged ``!`` alone, which go-yaml keeps as text."""
    if not _may_have_bang_tag(text):
        return frozenset()
    marks = set()
    try:
        for event in yaml.parse(text, Loader=LibyamlLoader):
            mark = event.start_mark
            if isinstance(event, yaml.ScalarEvent) and event.tag == "!" and mark is not None:
                marks.add((mark.line, mark.column))
    except yaml.YAMLError:
        pass  # the composer meets the same error and reports it
    return frozenset(marks)


@dataclass(frozen=True, slots=True)
class QuestionMarkInFlow:
    """An unquoted value in ``[...]`` or ``{...}`` holding a ``?``, and its 0-based line."""

    value: str
    line: int


def question_mark_in_flow(text: str) -> QuestionMarkInFlow | None:
    """The first ``?`` inside an unquoted value of a flow collection (``[a?b]``), if any.

    go-yaml ends such a value at the ``?`` and then fails, so kubectl refuses the document;
    libyaml (since 0.2.5) reads the ``?`` as part of the value.
    """
    if "?" not in text:
        return None
    depth = 0
    try:
        for token in yaml.scan(text, Loader=LibyamlLoader):
            if isinstance(token, _FLOW_STARTS):
                depth += 1
            elif isinstance(token, _FLOW_ENDS):
                depth -= 1
            elif (
                depth
                and isinstance(token, yaml.ScalarToken)
                and token.plain
                and "?" in token.value[1:]
                and token.start_mark is not None
            ):
                return QuestionMarkInFlow(token.value, token.start_mark.line)
    except yaml.YAMLError:
        return None  # the composer meets the same error and reports it
    return None
