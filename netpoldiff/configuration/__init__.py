"""The repository configuration, ``.netpoldiff.yaml``: its keys (schema.py), where it is read.

Whose configuration counts: a command that reads one source uses that source's. A diff uses
OLD's for both sides (or ``-c FILE``'s), so a change cannot hide itself by editing what is
read; when NEW's differs, the report says so as a ``configuration-changed`` finding.
"""

from __future__ import annotations

from netpoldiff.configuration.lookup import configuration_file, configuration_of
from netpoldiff.configuration.schema import (
    CONFIGURATION_NAME,
    HOOK_FAIL_ON,
    KEYS,
    Configuration,
    FailOn,
    parse_configuration,
)

__all__ = [
    "CONFIGURATION_NAME",
    "HOOK_FAIL_ON",
    "KEYS",
    "Configuration",
    "FailOn",
    "configuration_file",
    "configuration_of",
    "parse_configuration",
]
