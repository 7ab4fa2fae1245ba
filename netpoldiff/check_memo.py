"""What a check found about one policy, kept for the other side of a diff.

The loader converts each file once, so a policy that a change leaves alone is the very same
object on both sides. A check that reads nothing but that object (and its compiled form, the
same object too when nothing it selects changed) finds the same on both: the second side is
answered from the first. Objects are matched by identity and kept alive here, so an id is
never another object's. What a check reads beyond them (a context) is compared by equality.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from netpoldiff.diagnostics import Diagnostic


class CheckMemo:
    """Diagnostics by check and by the objects they were read from (compared by identity)."""

    def __init__(self) -> None:
        self._found: dict[tuple[object, ...], tuple[tuple[object, ...], tuple[Diagnostic, ...]]]
        self._found = {}
        self._values: dict[Hashable, list[object]] = {}

    def found(
        self,
        check: str,
        objects: tuple[object, ...],
        find: Callable[[], Iterable[Diagnostic]],
        context: Hashable = None,
    ) -> tuple[Diagnostic, ...]:
        """What ``find`` finds: the same ``check`` of the same ``objects`` and ``context``.

        ``find`` must read nothing but ``objects`` and ``context`` (compared by equality).
        """
        key = (check, context, *map(id, objects))
        known = self._found.get(key)
        if known is not None:
            return known[1]
        diagnostics = tuple(find())
        self._found[key] = (objects, diagnostics)
        return diagnostics

    def token(self, name: Hashable, value: object) -> int:
        """A number for ``value`` among those given under ``name``: equal values, equal numbers.

        A context for what a check reads beyond its objects, when that is costly to hash (a
        mask over a large cluster): values are compared, never hashed, and few are given.
        """
        known = self._values.setdefault(name, [])
        for number, each in enumerate(known):
            if each is value or each == value:
                return number
        known.append(value)
        return len(known) - 1


def found_by(
    memo: CheckMemo | None,
    check: str,
    objects: tuple[object, ...],
    find: Callable[[], Iterable[Diagnostic]],
    context: Hashable = None,
) -> tuple[Diagnostic, ...]:
    """``memo.found(...)``, or ``find()`` itself without a memo."""
    if memo is None:
        return tuple(find())
    return memo.found(check, objects, find, context)
