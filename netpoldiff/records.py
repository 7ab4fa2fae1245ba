"""Records that pickle as a call of their class with their field values.

A frozen data class with slots pickles through the state methods ``dataclasses`` gives it,
which look its fields up again for every object: loading a warm conversion cache (hundreds
of thousands of model objects at 10,000 workloads) spent most of its time there. A record
that pickles as ``(cls, values)`` is rebuilt by its own ``__init__``, in one call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import TypeVar

R = TypeVar("R")


def pickled_by_fields(cls: type[R]) -> type[R]:
    """``cls``, a data class, pickled as a call of itself with its fields' values in order.

    Only for a class whose every field is a positional argument of ``__init__`` and whose
    ``__post_init__``, if any, keeps the values it is given: the copy must equal the original.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if any(not field.init or field.kw_only for field in fields):
        msg = f"{cls.__name__}: every field must be a positional argument of __init__"
        raise TypeError(msg)
    read = attrgetter(*(field.name for field in fields))
    reduce: Callable[[R], tuple[type[R], tuple[object, ...]]]
    if len(fields) == 1:

        def reduce(record: R) -> tuple[type[R], tuple[object, ...]]:
            return (cls, (read(record),))
    else:

        def reduce(record: R) -> tuple[type[R], tuple[object, ...]]:
            return (cls, read(record))

    setattr(cls, "__reduce__", reduce)  # noqa: B010 - a method of a class made elsewhere
    return cls
