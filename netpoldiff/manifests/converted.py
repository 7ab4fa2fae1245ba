"""What a document converts to: its objects, warnings and hidden warnings (plain data).

Apart from the conversion itself (convert.py and the YAML reading it needs), so that a run
whose every file is in the conversion cache never imports a YAML parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from netpoldiff.admin_policies import AdminPolicy
from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.model import Namespace, UnevaluatedPolicy, Workload
from netpoldiff.policies import NetworkPolicy
from netpoldiff.records import pickled_by_fields
from netpoldiff.suppression import Annotated


@dataclass(frozen=True, slots=True)
class HostNetworkWorkload:
    """A workload left out of the matrix; its name still counts for duplicates."""

    key: tuple[str, str, str]
    origin: Location


Converted = (
    Namespace | Workload | NetworkPolicy | AdminPolicy | HostNetworkWorkload | UnevaluatedPolicy
)

# The namespace of an object that names none, as kubectl's context defaults to (and
# ``--namespace`` overrides).
DEFAULT_NAMESPACE: Final = "default"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ConvertedDocument:
    """The objects of one document, the warnings found in them, and those they hide."""

    objects: tuple[Converted, ...]
    warnings: tuple[Diagnostic, ...]
    ignored: tuple[Annotated, ...] = ()  # the objects' netpoldiff.io/ignore annotations


FileResult = list[ConvertedDocument | InputError] | InputError
"""A file's documents, each converted or refused, or the error that stopped it at once."""

Broken = tuple[FileResult, InputError]
"""A file whose stream breaks after some documents: what came before, and the break."""

Conversion = FileResult | Broken
"""What a file converts to: its documents, the error that stopped it, or both."""
