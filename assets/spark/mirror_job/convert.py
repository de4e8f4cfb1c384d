"""Turns DynamoDB typed values into the Python values Spark writes for a column type (LType).

A value that does not fit its column (an S in a number column, an N beyond the column's decimal) raises
NoFit; the caller keeps it in `_unmapped` instead. NULL is SQL NULL in any column.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any, Callable

from .decode import EXACT, number_shape, parse_number, plain_json, tag_of
from .inference import DECIMAL_PRECISION


class NoFit(Exception):
    """The value is valid DynamoDB JSON but not of the column's type."""


Json = Any  # a raw JSON value as json.loads returns it, checked by each converter
RawConverter = Callable[[str, Json], object]  # (tag, raw JSON value) -> column value


def value_converter(ltype: dict) -> Callable[[dict], object]:
    """A function from a typed value to the column value (None for NULL), raising NoFit."""
    convert = _raw_converter(ltype)

    def to_column(value: dict) -> object:
        tag, raw = tag_of(value)
        return None if tag == "NULL" else convert(tag, raw)

    return to_column


def _raw_converter(ltype: dict) -> RawConverter:
    kind = ltype["kind"]
    if kind == "decimal":
        return _decimal(ltype["scale"])
    if kind in ("set", "list"):
        return (_set if kind == "set" else _list)(ltype["element"])
    if kind == "struct":
        return _struct(ltype["fields"])
    return _SIMPLE[kind]


def _only(tag: str, convert: Callable[[Json], object]) -> RawConverter:
    def converter(actual: str, raw: Json) -> object:
        if actual != tag:
            raise NoFit
        return convert(raw)

    return converter


def _long(raw: Json) -> int:
    number = parse_number(raw)
    if not number_shape(number)[0]:
        raise NoFit
    return int(number)


def _decimal(scale: int) -> RawConverter:
    quantum = Decimal(1).scaleb(-scale)

    def convert(raw: Json) -> Decimal:
        number = parse_number(raw)
        _, digits_after, digits_before = number_shape(number)
        if digits_after > scale or digits_before > DECIMAL_PRECISION - scale:
            raise NoFit
        return number.quantize(quantum, context=EXACT)

    return _only("N", convert)


def canonical_number(number: Decimal) -> str:
    """One text per numeric value (no exponent, no trailing zeros), so equal keys join as equal strings."""
    return "0" if number == 0 else format(number.normalize(EXACT), "f")


def _json(actual: str, raw: Json) -> str:
    if actual not in ("L", "M"):
        raise NoFit
    return plain_json({actual: raw})


_SIMPLE = {
    "string": _only("S", lambda raw: raw),
    "long": _only("N", _long),
    "double": _only("N", lambda raw: float(parse_number(raw))),
    "number_text": _only("N", lambda raw: canonical_number(parse_number(raw))),
    "binary": _only("B", lambda raw: base64.b64decode(raw, validate=True)),
    "boolean": _only("BOOL", lambda raw: raw),
    "map": _only("M", lambda raw: {key: plain_json(value) for key, value in raw.items()}),
    "json": _json,
}
_SET_TAG = {"string": ("SS", "S"), "binary": ("BS", "B")}


def _set(element: dict) -> RawConverter:
    set_tag, element_tag = _SET_TAG.get(element["kind"], ("NS", "N"))
    convert = _raw_converter(element)

    def converter(actual: str, raw: Json) -> list:
        if actual != set_tag:
            raise NoFit
        return [convert(element_tag, e) for e in raw]

    return converter


def _list(element: dict) -> RawConverter:
    convert = value_converter(element)
    return _only("L", lambda raw: [convert(e) for e in raw])


def _struct(fields: list) -> RawConverter:
    index = {field["key"]: position for position, field in enumerate(fields)}
    converters = [value_converter(field["type"]) for field in fields]

    def convert(raw: Json) -> tuple:
        values: list[object] = [None] * len(fields)
        for key, value in raw.items():
            position = index.get(key)
            if position is None:
                if tag_of(value)[0] != "NULL":
                    raise NoFit  # a key the struct has no field for
                continue
            values[position] = converters[position](value)
        return tuple(values)

    return _only("M", convert)
