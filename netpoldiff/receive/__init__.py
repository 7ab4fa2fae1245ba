"""A server's pre-receive hook: git's input, the pusher's push options, the time limit."""

from __future__ import annotations

from netpoldiff.receive.push_options import APPROVE_OPTION, approval_reason
from netpoldiff.receive.time_limit import Finished, run_within
from netpoldiff.receive.updates import RefUpdate, is_protected, ref_updates

__all__ = [
    "APPROVE_OPTION",
    "Finished",
    "RefUpdate",
    "approval_reason",
    "is_protected",
    "ref_updates",
    "run_within",
]
