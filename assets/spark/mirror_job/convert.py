"""What every column type's value converter shares (the converters themselves are in column_types.py).

A value that does not fit its column (an S in a number column, an N beyond the column's decimal) raises
NoFit; the caller keeps it in `_unmapped` instead. NULL is SQL NULL in any column.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable

from .decode import EXACT, tag_of


class NoFit(Exception):
    """The value is valid DynamoDB JSON but not of the column's type."""


Json = Any  # a raw JSON value as json.loads returns it, checked by each converter
RawConverter = Callable[[str, Json], object]  # (tag, raw JSON value) -> column value


def with_null(convert: RawConverter) -> Callable[[Mapping[str, Json]], object]:
    """A converter of typed values from one of raw values: NULL is None in any column."""

    def to_column(value: Mapping[str, Json]) -> object:
        tag, raw = tag_of(value)
        return None if tag == "NULL" else convert(tag, raw)

    return to_column


def only(tag: str, convert: Callable[[Json], object]) -> RawConverter:
    """A converter taking values of one DynamoDB type only."""

    def converter(actual: str, raw: Json) -> object:
        if actual != tag:
            raise NoFit
        return convert(raw)

    return converter


def canonical_number(number: Decimal) -> str:
    """One text per numeric value (no exponent, no trailing zeros), so equal keys join as equal strings."""
    return "0" if number == 0 else format(number.normalize(EXACT), "f")
