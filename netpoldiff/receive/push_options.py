"""The pusher's push options (``git push -o KEY=VALUE``), as git hands them to the hook.

git passes them as ``GIT_PUSH_OPTION_COUNT`` and ``GIT_PUSH_OPTION_<i>``, and only when the
server sets ``receive.advertisePushOptions``. They are whatever the pusher typed: shown, never
run, and only one of them is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from netpoldiff.printable import printable

APPROVE_OPTION: Final = "netpoldiff.approve"
_MAX_OPTIONS: Final = 1000
_MAX_REASON: Final = 500


def _options(environ: Mapping[str, str]) -> list[str]:
    try:
        count = int(environ.get("GIT_PUSH_OPTION_COUNT", "0"))
    except ValueError:
        return []
    count = min(max(count, 0), _MAX_OPTIONS)
    return [environ.get(f"GIT_PUSH_OPTION_{index}", "") for index in range(count)]


def approval_reason(environ: Mapping[str, str]) -> str | None:
    """The reason given with ``-o netpoldiff.approve=<reason>`` (the last one), or None.

    The option without a reason (or with an empty one) is no approval: the reason is what
    the report logs.
    """
    reason = None
    for option in _options(environ):
        key, equals, value = option.partition("=")
        if key == APPROVE_OPTION and equals:
            # One line, escaped: it is logged and shown in the pusher's terminal.
            reason = printable(" ".join(value.split())[:_MAX_REASON]) or None
    return reason
