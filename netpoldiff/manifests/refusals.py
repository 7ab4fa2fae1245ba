"""What kubectl refuses in a document, checked over all of it, read or not.

kubectl refuses a document when go-yaml cannot decode it, or when what go-yaml decoded cannot
become JSON, even in fields netpoldiff never reads; a refused document is not applied, so
netpoldiff must refuse it too (a hostile change could otherwise hide a policy). Two kinds:

- go-yaml fails on any node it decodes, kept or not: an explicit tag its text does not fit
  (``!!int abc``), a mapping or list used as a key, a merge key given anything but mappings,
  aliases that recurse or expand too far.
- The conversion to JSON fails only on what survives decoding (a value overridden by a later
  key is never converted): a key with no string form (null, an integer above int64), a value
  JSON cannot carry (``.nan``, ``.inf``).

The first kind is checked on every node; the second, rare, only when a candidate was seen.
"""

from __future__ import annotations

import math
from typing import Final, cast

import yaml

from netpoldiff.manifests import scalars
from netpoldiff.manifests.aliases import check_aliases
from netpoldiff.manifests.go_nodes import (
    MERGE_SHAPE,
    PLAIN,
    STR_TAG,
    DecodeProblem,
    NodeReader,
    is_merge,
    known_plain_key,
)
from netpoldiff.manifests.limits import LimitExceeded

_VALUE: Final = "value"
_KEY: Final = "key"
_MERGED: Final = "merged"


class _Check:
    """One document's check: the decoding walk, then the conversion walk if needed."""

    def __init__(self, reader: NodeReader, *, has_aliases: bool) -> None:
        self.reader = reader
        self.has_aliases = has_aliases
        self.seen: set[int] = set()  # collections met, to tell an alias from its anchor
        self.conversion_doubt = False  # a value or key was seen that may not convert
        self.merge_lines: dict[int, int] = {}  # the line of the merge key each value is given to

    def problem(self, node: yaml.Node, message: str) -> DecodeProblem:
        return DecodeProblem(self.reader.line(node), message)

    def merge_problem(self, value: yaml.Node) -> DecodeProblem:
        """A merge key given what it cannot merge, at the key's line (an alias's may be far)."""
        return DecodeProblem(self.merge_lines.get(id(value), self.reader.line(value)), MERGE_SHAPE)

    def scalar(self, node: yaml.ScalarNode, role: str) -> None:
        """go-yaml's decoding of one scalar; notes a value or key that may not convert."""
        if role is _MERGED:
            raise self.merge_problem(node)
        tag = node.tag
        if tag is STR_TAG or tag == STR_TAG:
            return
        if tag is PLAIN and role is _VALUE:
            self.conversion_doubt |= node.value in scalars.NON_FINITE
            return
        try:
            value = self.reader.resolved(node)  # an explicit tag: go-yaml may refuse it now
        except scalars.ScalarProblem as problem:
            raise self.problem(node, str(problem)) from None
        if role is _KEY:
            try:
                self.reader.key(node)
            except scalars.ScalarProblem:
                self.conversion_doubt = True  # refused if its mapping survives
        elif isinstance(value, float) and not math.isfinite(value):
            self.conversion_doubt = True  # refused if it survives

    def first_visit(self, node: yaml.Node, role: str) -> bool:
        """Whether a collection is met for the first time (not through an alias); checks it."""
        if role is _KEY:
            kind = "a mapping" if isinstance(node, yaml.MappingNode) else "a list"
            raise self.problem(node, f"a mapping key must be a scalar, not {kind}")
        if self.has_aliases:
            if id(node) in self.seen:
                if role is _MERGED and isinstance(node, yaml.SequenceNode):
                    raise self.merge_problem(node)  # an alias of a list
                return False  # an alias: checked where its anchor was
            self.seen.add(id(node))
        if (
            role is _MERGED
            and isinstance(node, yaml.SequenceNode)
            and any(not isinstance(item, yaml.MappingNode) for item in node.value)
        ):
            raise self.merge_problem(node)
        return True

    def decoding(self, root: yaml.Node) -> None:
        """Every node as go-yaml decodes it, in document order (an anchor before its aliases)."""
        stack: list[tuple[yaml.Node, str]] = [(root, _VALUE)]
        while stack:
            node, role = stack.pop()
            if isinstance(node, yaml.ScalarNode):
                self.scalar(node, role)
            elif self.first_visit(node, role):
                stack.extend(_children_last_first(self, node))

    def conversion(self, node: yaml.Node, done: set[int]) -> None:
        """What survives decoding, as ``sigs.k8s.io/yaml`` turns it into JSON."""
        if isinstance(node, yaml.ScalarNode):
            try:
                self.reader.value(node)
            except scalars.ScalarProblem as problem:
                raise self.problem(node, str(problem)) from None
            return
        if id(node) in done:
            return  # an alias: its anchor's survivors were checked
        done.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self.conversion(item, done)
            return
        assert isinstance(node, yaml.MappingNode)  # noqa: S101 - the composer's third kind
        for key_node, value_node in self.reader.survivors(node).values():
            try:
                self.reader.key(key_node)
            except scalars.ScalarProblem as problem:
                raise self.problem(key_node, str(problem)) from None
            self.conversion(value_node, done)


def _children_last_first(check: _Check, node: yaml.Node) -> list[tuple[yaml.Node, str]]:
    """A collection's children with their roles, last first (for a stack)."""
    if isinstance(node, yaml.SequenceNode):
        return [(item, _VALUE) for item in reversed(node.value)]
    children: list[tuple[yaml.Node, str]] = []
    for key_node, value_node in reversed(node.value):
        if is_merge(key_node):
            check.merge_lines[id(value_node)] = check.reader.line(key_node)
            children.append((value_node, _MERGED))
        else:
            children.extend(((value_node, _VALUE), (key_node, _KEY)))
    return children


def check_document(reader: NodeReader, root: yaml.Node, *, has_aliases: bool) -> None:
    """Raise DecodeProblem for anything in the document that kubectl would refuse."""
    if has_aliases:
        try:
            check_aliases(root, is_merge, reader.line)
        except LimitExceeded as error:
            raise DecodeProblem(error.line or reader.line(root), str(error)) from None
    check = _Check(reader, has_aliases=has_aliases)
    if has_aliases or not _fast_decoding(check, root):
        check.decoding(root)
    if check.conversion_doubt:
        check.conversion(root, set())


def _fast_decoding(check: _Check, root: yaml.Node) -> bool:
    """``_Check.decoding`` for a document without aliases, in any order; False if it cannot.

    Most nodes are plain keys and values that cannot fail: they cost a comparison each.
    """
    if not isinstance(root, yaml.MappingNode | yaml.SequenceNode):
        return False
    scalar, plain, string = yaml.ScalarNode, PLAIN, STR_TAG
    non_finite = scalars.NON_FINITE
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        values = (
            node.value
            if isinstance(node, yaml.SequenceNode)
            else _values(check, cast("yaml.MappingNode", node))
        )
        for value in values:
            if value.__class__ is not scalar:
                stack.append(value)
            elif value.tag is not string and (value.tag is not plain or value.value in non_finite):
                check.scalar(value, _VALUE)
    return True


def _values(check: _Check, node: yaml.MappingNode) -> list[yaml.Node]:
    """A mapping's values and merged mappings, once its keys are checked."""
    scalar, plain, string = yaml.ScalarNode, PLAIN, STR_TAG
    values: list[yaml.Node] = []
    for key_node, value_node in node.value:
        if key_node.__class__ is not scalar:
            check.first_visit(key_node, _KEY)  # raises: a collection as a key
        tag, text = key_node.tag, key_node.value
        if not (tag is string or (tag is plain and text != "<<" and known_plain_key(text))):
            if text == "<<" and is_merge(key_node):
                check.merge_lines[id(value_node)] = check.reader.line(key_node)
                if isinstance(value_node, yaml.ScalarNode):
                    check.scalar(value_node, _MERGED)  # raises
                check.first_visit(value_node, _MERGED)
            else:
                check.scalar(key_node, _KEY)
        values.append(value_node)
    return values
