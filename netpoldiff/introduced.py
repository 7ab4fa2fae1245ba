"""Which of NEW's warnings a change introduces: those OLD does not have.

A warning is the same on both sides when its code, its message and its file (from the top of
its source, so that two directories compare file for file) are; for the codes whose message
counts or lists what other changes move (the workloads a policy isolates), its identity in the
registry stands for the message. Lines move when a change
inserts text above a warning, so they do not decide sameness; they decide only which of
several identical warnings in one file are the ones OLD had. Counting matters: a file that
had one NPD003 and now has two has one new warning, even though both read alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from netpoldiff.diagnostics import Diagnostic

Place = Callable[[str], str]
"""A path as shown -> the same file's path within its source."""

_Key = tuple[str, str, str | None]


def same_place(path: str) -> str:
    """Paths of a git source: already from the top of the repository on both sides."""
    return path


def introduced_warnings(
    old: Iterable[Diagnostic],
    new: Iterable[Diagnostic],
    old_place: Place = same_place,
    new_place: Place = same_place,
) -> frozenset[Diagnostic]:
    """NEW's warnings that OLD does not have, matched one for one."""
    left: dict[_Key, list[int]] = defaultdict(list)
    for warning in old:
        left[_key(warning, old_place)].append(_line(warning))
    found = set()
    by_key: dict[_Key, list[Diagnostic]] = defaultdict(list)
    for warning in new:
        by_key[_key(warning, new_place)].append(warning)
    for key, warnings in by_key.items():
        lines = left.get(key, [])
        # Those still on their line are OLD's first; the others take what is left, in order.
        unmatched = []
        for warning in sorted(warnings, key=_line):
            if _line(warning) in lines:
                lines.remove(_line(warning))
            else:
                unmatched.append(warning)
        found.update(unmatched[len(lines) :])
    return frozenset(found)


def _key(warning: Diagnostic, place: Place) -> _Key:
    path = warning.location.path if warning.location else None
    same = warning.message if warning.identity is None else warning.identity
    return (warning.code, same, None if path is None else place(path))


def _line(warning: Diagnostic) -> int:
    location = warning.location
    return -1 if location is None or location.line is None else location.line
