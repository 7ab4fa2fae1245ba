"""Records pickled as a call of their class: a cached conversion is the one made afresh."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from netpoldiff.errors import InputError
from netpoldiff.manifests import Loader
from netpoldiff.manifests.conversion_cache import ConversionCache
from netpoldiff.records import pickled_by_fields
from netpoldiff.sources import SourceFile
from netpoldiff.sources.files import blob_id
from tests.conftest import REPO_ROOT


def everything(value: object) -> object:
    """``value`` as nested tuples of every field, those equality ignores (origins) too."""
    if isinstance(value, InputError):
        return ("InputError", str(value), everything(value.location))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__qualname__,
            *(everything(getattr(value, f.name)) for f in dataclasses.fields(value)),
        )
    if isinstance(value, tuple | list):
        return (type(value).__name__, *(everything(item) for item in value))
    if isinstance(value, enum.Enum):
        return (type(value).__qualname__, value.value)
    assert value is None or isinstance(value, str | int | bool), type(value)
    return value


def fixture_files() -> list[SourceFile]:
    files = []
    for path in sorted((REPO_ROOT / "fixtures").rglob("*.yaml")):
        data = path.read_bytes()
        files.append(SourceFile(str(path.relative_to(REPO_ROOT)), data, blob_id(data)))
    return files


def loaded_one_by_one(loader: Loader, files: list[SourceFile]) -> list[object]:
    """Each file loaded alone (fixtures repeat objects across their sides), or its error."""
    found: list[object] = []
    for file in files:
        try:
            found.append(everything(loader.load([file])))
        except InputError as error:
            found.append(everything(error))
    return found


def test_every_fixture_loaded_from_the_cache_is_its_fresh_conversion_field_for_field(
    tmp_path: Path,
) -> None:
    files = fixture_files()
    fresh = loaded_one_by_one(Loader(ConversionCache(tmp_path)), files)  # converted, stored
    reading = Loader(ConversionCache(tmp_path))
    cached = loaded_one_by_one(reading, files)
    assert reading.conversions == 0  # every file came from the cache
    assert cached == fresh


def test_a_record_with_a_field_init_does_not_take_is_refused() -> None:
    @dataclass(frozen=True, slots=True)
    class Derived:
        value: int
        twice: int = field(init=False, default=0)

    with pytest.raises(TypeError, match="Derived"):
        pickled_by_fields(Derived)
