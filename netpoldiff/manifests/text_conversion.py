"""A file's text to its converted documents: YAML read as kubectl reads it, then converted.

The loader imports this only when a file is not in the conversion cache.
"""

from __future__ import annotations

from collections.abc import Mapping

from netpoldiff.errors import InputError, Location
from netpoldiff.kinds import Declared
from netpoldiff.manifests.convert import convert_document
from netpoldiff.manifests.converted import Conversion, ConvertedDocument
from netpoldiff.manifests.fields import Fields
from netpoldiff.manifests.templated import template_error, template_line
from netpoldiff.manifests.yaml_docs import documents
from netpoldiff.sources import SourceFile


def convert_text(source_file: SourceFile, namespace: str, declared: Declared) -> Conversion:
    """The documents of one file, each converted or refused; or the error that stops it.

    Objects that name no namespace are put in ``namespace``. A stream that breaks after some
    documents gives them with the break.
    """
    converted: list[ConvertedDocument | InputError] = []
    # Each document is converted as it is read, and its parse not kept: holding every
    # parsed document until the end would double a large run's peak memory.
    try:
        data = source_file.data
        line = template_line(data)
        if line is not None:
            return template_error(source_file.path, line)
        for document in documents(data, source_file.path, declared=declared):
            if not isinstance(document.content, Mapping):
                continue  # empty documents and non-objects are no manifests
            where = Location(source_file.path, document.index)
            converted.append(_convert_document(document.content, where, namespace, declared))
    except InputError as error:
        # The stream breaks here: the documents before the break were read whole, and
        # --keep-going keeps them.
        return (converted, error) if converted else error
    return converted


def _convert_document(
    content: Mapping[str, object], where: Location, namespace: str, declared: Declared
) -> ConvertedDocument | InputError:
    try:
        return convert_document(Fields(content, where, ""), namespace, declared)
    except InputError as error:
        return error
