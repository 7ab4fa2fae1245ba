"""An object's ``netpoldiff.io/ignore`` annotation: the warning codes its document hides."""

from __future__ import annotations

from collections.abc import Mapping

from netpoldiff.errors import Location
from netpoldiff.manifests.fields import Fields
from netpoldiff.suppression import IGNORE_ANNOTATION, Annotated, CodeListError, parse_codes


def ignore_annotation(
    fields: Fields, first_line: int | None = None, last_line: int | None = None
) -> Annotated | None:
    """The codes an object's annotation hides (None: it has none); raises InputError.

    ``first_line`` and ``last_line`` are the item's lines when its document holds several
    objects (a ``List``); None for an object that is the whole document.
    """
    metadata = fields.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    # Annotations are not otherwise read: one that is not a mapping is not ours to judge.
    if not isinstance(annotations, Mapping) or annotations.get(IGNORE_ANNOTATION) is None:
        return None
    annotated = Fields(annotations, fields.document, "metadata.annotations")
    # The API server keeps annotation values as strings only; a list would be refused.
    text = annotated.string(IGNORE_ANNOTATION)
    assert text is not None  # noqa: S101 - present, checked above
    try:
        codes = parse_codes(text)
    except CodeListError as error:
        raise annotated.error(IGNORE_ANNOTATION, str(error)) from None
    where = Location(fields.document.path, fields.document.document, first_line)
    return Annotated(where, codes, last_line)
