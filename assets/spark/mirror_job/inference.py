"""Learns each attribute's column type from the values seen (the type-mapping rules of the README).

A shape describes the values of one attribute seen so far; shapes of one attribute merge as data is read,
per partition and then across partitions, and finally become a column type (see column_types.py).
"""

from __future__ import annotations

import base64
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from .column_types import (
    DECIMAL_PRECISION,
    BinaryType,
    BooleanType,
    ColumnType,
    DecimalType,
    JsonType,
    ListType,
    LongType,
    MapType,
    SetType,
    StringType,
    StructField,
    StructType,
)
from .decode import number_shape, parse_number, tag_of

# A map becomes a struct when its attribute has at most this many distinct keys; beyond, map<string, json>.
MAX_STRUCT_FIELDS = 32
# Levels of values below an attribute that a line may hold: DynamoDB's 32 levels of nesting, with one to spare.
MAX_LEVELS = 33
# Digit counts above this can never fit decimal(38, s); capping them keeps number histograms small.
_DIGIT_CAP = DECIMAL_PRECISION + 1

NameFields = Callable[[Iterable[str]], Mapping[str, str]]  # struct field names for map keys (columns.py)
Histogram = Counter[tuple[int, int]]  # (digits after the point, digits before it), each capped -> how many numbers


class Shape(ABC):
    """The values seen of one attribute; `tag` is their DynamoDB type, LJ and MJ for mixed lists and maps.

    Shapes are built for every value read, so they are slotted and not frozen (frozen costs 3x to build);
    none is changed once built: merging makes a new one.
    """

    __slots__ = ()
    tag: str

    @property
    def family(self) -> str:
        """Shapes of one family can always merge; different families conflict."""
        return _FAMILIES.get(self.tag, self.tag)

    def merge_same(self, other: Shape) -> Shape:
        """The shape covering both, `other` having the same tag."""
        return self

    @abstractmethod
    def column_type(self, name_fields: NameFields) -> ColumnType | None:
        """The column type; None when nothing but NULL was seen (no column is needed yet)."""


_FAMILIES = {"LJ": "L", "MJ": "M"}


@dataclass
class TagShape(Shape):
    """Values known by their tag alone: S, B, BOOL, NULL, SS, BS, and mixed lists (LJ) and maps (MJ)."""

    __slots__ = ("tag",)
    tag: str

    def column_type(self, name_fields: NameFields) -> ColumnType | None:
        return _TAG_TYPES[self.tag]


_TAG_TYPES: dict[str, ColumnType | None] = {
    "S": StringType(),
    "B": BinaryType(),
    "BOOL": BooleanType(),
    "NULL": None,
    "SS": SetType(StringType()),
    "BS": SetType(BinaryType()),
    "LJ": JsonType(),
    "MJ": MapType(),
}
_TAG_SHAPES = {tag: TagShape(tag) for tag in _TAG_TYPES}
STRING, BINARY, BOOLEAN, NULL = (_TAG_SHAPES[t] for t in ("S", "B", "BOOL", "NULL"))
MIXED_LIST, MIXED_MAP = _TAG_SHAPES["LJ"], _TAG_SHAPES["MJ"]


@dataclass
class NumberShape(Shape):
    """Numbers (N) or number sets (NS): whether all were int64s, and a histogram of their digit counts."""

    __slots__ = ("tag", "all_int64", "histogram")
    tag: str
    all_int64: bool
    histogram: Histogram

    def merge_same(self, other: Shape) -> Shape:
        assert isinstance(other, NumberShape)
        return NumberShape(self.tag, self.all_int64 and other.all_int64, self.histogram + other.histogram)

    def column_type(self, name_fields: NameFields) -> ColumnType | None:
        number = number_type(self.all_int64, self.histogram)
        return number if self.tag == "N" else SetType(number)


@dataclass
class ListShape(Shape):
    """A list whose elements all merge into one shape (None while only empty lists were seen)."""

    __slots__ = ("element",)
    element: Shape | None
    tag = "L"

    def merge_same(self, other: Shape) -> Shape:
        assert isinstance(other, ListShape)
        if self.element is None or other.element is None:
            return self if other.element is None else other
        element = merge(self.element, other.element)
        return ListShape(element) if element is not None else MIXED_LIST

    def column_type(self, name_fields: NameFields) -> ColumnType | None:
        element = self.element.column_type(name_fields) if self.element is not None else None
        return ListType(element) if element is not None else JsonType()


@dataclass
class MapShape(Shape):
    """A map with few enough keys to be a struct: the shape of each key's values."""

    __slots__ = ("fields",)
    fields: dict[str, Shape]
    tag = "M"

    def merge_same(self, other: Shape) -> Shape:
        assert isinstance(other, MapShape)
        fields = dict(self.fields)
        for key, shape in other.fields.items():
            merged = merge(fields[key], shape) if key in fields else shape
            if merged is None:
                return MIXED_MAP
            fields[key] = merged
        return MapShape(fields) if len(fields) <= MAX_STRUCT_FIELDS else MIXED_MAP

    def column_type(self, name_fields: NameFields) -> ColumnType | None:
        typed = {}
        for key in sorted(self.fields):
            column_type = self.fields[key].column_type(name_fields)
            if column_type is not None:  # a key seen only as NULL gets no field yet
                typed[key] = column_type
        if not typed:
            return MapType()
        names = name_fields(list(typed))
        return StructType(tuple(StructField(key, names[key], column_type) for key, column_type in typed.items()))


def observe(value: Mapping[str, Any], level: int = 0) -> Shape:
    """The shape of one value; also checks the value is well-formed DynamoDB JSON (raises ValueError).

    `level` is how deep the value sits below its attribute (the attribute's own value is level 0).
    """
    if level > MAX_LEVELS:
        raise ValueError(f"a value nests deeper than DynamoDB's {MAX_LEVELS - 1} levels")
    tag, raw = tag_of(value)
    if tag == "S":
        _expect(isinstance(raw, str), tag, raw)
        return STRING
    if tag == "N":
        return _number(parse_number(raw))
    if tag == "B":
        _expect(isinstance(raw, str), tag, raw)
        base64.b64decode(raw, validate=True)
        return BINARY
    if tag == "BOOL":
        _expect(isinstance(raw, bool), tag, raw)
        return BOOLEAN
    if tag == "NULL":
        return NULL
    if tag in ("SS", "BS", "NS"):
        _expect(isinstance(raw, list) and len(raw) > 0, tag, raw)
        element_tag = {"SS": "S", "BS": "B", "NS": "N"}[tag]
        shapes = [observe({element_tag: e}, level) for e in raw]
        if tag != "NS":
            return _TAG_SHAPES[tag]
        numbers = _merge_all(shapes)
        assert isinstance(numbers, NumberShape)
        return NumberShape("NS", numbers.all_int64, numbers.histogram)
    if tag == "L":
        _expect(isinstance(raw, list), tag, raw)
        element: Shape | None = None
        mixed = False
        for item in raw:
            shape = observe(item, level + 1)
            merged = shape if element is None else merge(element, shape)
            mixed = mixed or merged is None
            element = merged if merged is not None else element
        return MIXED_LIST if mixed else ListShape(element)
    _expect(isinstance(raw, dict), tag, raw)
    fields = {key: observe(item, level + 1) for key, item in raw.items()}
    return MapShape(fields) if len(fields) <= MAX_STRUCT_FIELDS else MIXED_MAP


def _expect(ok: bool, tag: str, raw: object) -> None:
    if not ok:
        raise ValueError(f"malformed {tag} value {raw!r:.80}")


def _number(number: Decimal) -> Shape:
    is_int64, scale, whole = number_shape(number)
    return NumberShape("N", is_int64, Counter({(min(scale, _DIGIT_CAP), min(whole, _DIGIT_CAP)): 1}))


def _merge_all(shapes: list[Shape]) -> Shape | None:
    result: Shape | None = shapes[0]
    for shape in shapes[1:]:
        result = merge(result, shape) if result is not None else None
    return result


def merge(a: Shape, b: Shape) -> Shape | None:
    """The shape covering both, or None when they conflict (different DynamoDB types)."""
    if a.tag == "NULL":
        return b
    if b.tag == "NULL":
        return a
    if a.tag == b.tag:
        return a.merge_same(b)
    if a.family != b.family:
        return None
    return MIXED_LIST if a.family == "L" else MIXED_MAP  # a list or map mixed on one side is mixed overall


class AttributeStats:
    """Per attribute, per type family: how many values were seen and their merged shape."""

    def __init__(self) -> None:
        self.families: dict[str, dict[str, list]] = {}

    def add(self, item: Mapping[str, Any]) -> None:
        for name, value in item.items():
            shape = observe(value)
            if shape.tag == "NULL":
                continue
            self._add(name, shape.family, 1, shape)

    def _add(self, name: str, fam: str, count: int, shape: Shape) -> None:
        seen = self.families.setdefault(name, {})
        if fam in seen:
            seen[fam][0] += count
            seen[fam][1] = merge(seen[fam][1], shape)
        else:
            seen[fam] = [count, shape]

    def update(self, other: AttributeStats) -> AttributeStats:
        for name, families in other.families.items():
            for fam, (count, shape) in families.items():
                self._add(name, fam, count, shape)
        return self

    def dominant_shapes(self) -> dict[str, Shape]:
        """Per attribute, the shape of its most frequent type (ties go to the first family name)."""
        result = {}
        for name, families in self.families.items():
            _, best = min(families.items(), key=lambda entry: (-entry[1][0], entry[0]))
            result[name] = best[1]
        return result


def number_type(all_int64: bool, histogram: Histogram) -> ColumnType:
    """long when every value is an int64, else decimal(38, s) with the scale that fits the most values.

    Among scales that fit equally many values the smallest wins, so when every value fits this is the
    smallest scale holding them all. Values that fit no decimal(38, s) go to `_unmapped`.
    """
    if all_int64:
        return LongType()
    best_scale, best_fit = 0, -1
    for scale in range(DECIMAL_PRECISION + 1):
        fit = sum(n for (s, whole), n in histogram.items() if s <= scale and whole <= DECIMAL_PRECISION - scale)
        if fit > best_fit:
            best_scale, best_fit = scale, fit
    return DecimalType(best_scale)
