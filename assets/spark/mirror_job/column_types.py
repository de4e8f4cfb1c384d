"""The mirror table's column types (the type mapping of the README), one class each.

Each type owns its Spark type, the type string Glue stores for it, its value converter and its JSON form.
The JSON form is what the columns table property records and what the JVM reader reads: it must stay the
same text for every type that exists, or existing tables would no longer read.
"""

from __future__ import annotations

import base64
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from .convert import Json, NoFit, RawConverter, canonical_number, only, with_null
from .decode import EXACT, number_shape, parse_number, plain_json, tag_of

if TYPE_CHECKING:
    from pyspark.sql.types import DataType

DECIMAL_PRECISION = 38
# Glue limits a column's `Type` to 131072 characters; struct field names are part of it, so a column of
# nested structs with many (or long) field names can exceed it and would fail every commit to Glue.
MAX_GLUE_TYPE = 131072

TypeJson = dict[str, Any]  # a type's JSON form: {"kind": ...} plus the kind's own members


class ColumnType(ABC):
    """A column's type; subclasses are frozen dataclasses, so equal types compare equal."""

    kind: ClassVar[str]  # the name in the JSON form
    _by_kind: ClassVar[dict[str, type[ColumnType]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:  # a type, not a base shared by types
            ColumnType._by_kind[cls.kind] = cls

    @abstractmethod
    def spark_type(self) -> DataType: ...

    @abstractmethod
    def glue_type(self) -> str:
        """The type string Glue stores for the column, as Iceberg's Glue catalog writes it."""

    @abstractmethod
    def raw_converter(self) -> RawConverter:
        """A function from (tag, raw JSON value) of a non-NULL typed value to the column value, raising NoFit."""

    def value_converter(self) -> Callable[[Mapping[str, Json]], object]:
        """A function from a typed value to the column value (None for NULL), raising NoFit."""
        return with_null(self.raw_converter())

    def fits_glue(self) -> bool:
        return len(self.glue_type()) <= MAX_GLUE_TYPE

    def to_json(self) -> TypeJson:
        return {"kind": self.kind}

    @staticmethod
    def from_json(raw: Mapping[str, Any]) -> ColumnType:
        """The type of a JSON form as to_json writes it (KeyError for a kind that does not exist)."""
        return ColumnType._by_kind[raw["kind"]]._read(raw)

    @classmethod
    def _read(cls, raw: Mapping[str, Any]) -> ColumnType:
        return cls()


class ScalarType(ColumnType):
    """A type without members: its Spark type and its Glue name are class attributes."""

    spark_class: ClassVar[str]  # a class of pyspark.sql.types, made without arguments
    glue_name: ClassVar[str]

    def spark_type(self) -> DataType:
        from pyspark.sql import types as T

        return getattr(T, self.spark_class)()

    def glue_type(self) -> str:
        return self.glue_name


@dataclass(frozen=True)
class StringType(ScalarType):
    kind = "string"
    spark_class = "StringType"
    glue_name = "string"

    def raw_converter(self) -> RawConverter:
        return only("S", lambda raw: raw)


@dataclass(frozen=True)
class NumberTextType(ScalarType):
    """A number as its canonical text: a key column holds every number exactly, whatever its size."""

    kind = "number_text"
    spark_class = "StringType"
    glue_name = "string"

    def raw_converter(self) -> RawConverter:
        return only("N", lambda raw: canonical_number(parse_number(raw)))


@dataclass(frozen=True)
class JsonType(ScalarType):
    """A list or map as plain JSON text (a list of mixed types, or a type too long for Glue)."""

    kind = "json"
    spark_class = "StringType"
    glue_name = "string"

    def raw_converter(self) -> RawConverter:
        def convert(actual: str, raw: Json) -> str:
            if actual not in ("L", "M"):
                raise NoFit
            return plain_json({actual: raw})

        return convert


@dataclass(frozen=True)
class LongType(ScalarType):
    kind = "long"
    spark_class = "LongType"
    glue_name = "bigint"

    def raw_converter(self) -> RawConverter:
        def convert(raw: Json) -> int:
            number = parse_number(raw)
            if not number_shape(number)[0]:
                raise NoFit
            return int(number)

        return only("N", convert)


@dataclass(frozen=True)
class DoubleType(ScalarType):
    kind = "double"
    spark_class = "DoubleType"
    glue_name = "double"

    def raw_converter(self) -> RawConverter:
        return only("N", lambda raw: float(parse_number(raw)))


@dataclass(frozen=True)
class DecimalType(ColumnType):
    """decimal(38, scale): a number with more fraction digits, or too many whole digits, does not fit."""

    kind = "decimal"
    scale: int

    def spark_type(self) -> DataType:
        from pyspark.sql import types as T

        return T.DecimalType(DECIMAL_PRECISION, self.scale)

    def glue_type(self) -> str:
        return f"decimal({DECIMAL_PRECISION},{self.scale})"

    def raw_converter(self) -> RawConverter:
        scale = self.scale
        quantum = Decimal(1).scaleb(-scale)

        def convert(raw: Json) -> Decimal:
            number = parse_number(raw)
            _, digits_after, digits_before = number_shape(number)
            if digits_after > scale or digits_before > DECIMAL_PRECISION - scale:
                raise NoFit
            return number.quantize(quantum, context=EXACT)

        return only("N", convert)

    def to_json(self) -> TypeJson:
        return {"kind": self.kind, "scale": self.scale}

    @classmethod
    def _read(cls, raw: Mapping[str, Any]) -> ColumnType:
        return cls(raw["scale"])


@dataclass(frozen=True)
class BinaryType(ScalarType):
    kind = "binary"
    spark_class = "BinaryType"
    glue_name = "binary"

    def raw_converter(self) -> RawConverter:
        return only("B", lambda raw: base64.b64decode(raw, validate=True))


@dataclass(frozen=True)
class BooleanType(ScalarType):
    kind = "boolean"
    spark_class = "BooleanType"
    glue_name = "boolean"

    def raw_converter(self) -> RawConverter:
        return only("BOOL", lambda raw: raw)


@dataclass(frozen=True)
class MapType(ColumnType):
    """A map with too many (or conflicting) keys for a struct: each value as plain JSON text."""

    kind = "map"

    def spark_type(self) -> DataType:
        from pyspark.sql import types as T

        return T.MapType(T.StringType(), T.StringType(), True)

    def glue_type(self) -> str:
        return "map<string,string>"

    def raw_converter(self) -> RawConverter:
        return only("M", lambda raw: {key: plain_json(value) for key, value in raw.items()})


@dataclass(frozen=True)
class ArrayType(ColumnType):
    """An array of one element type: a set or a list."""

    element: ColumnType

    def spark_type(self) -> DataType:
        from pyspark.sql import types as T

        return T.ArrayType(self.element.spark_type(), True)

    def glue_type(self) -> str:
        return f"array<{self.element.glue_type()}>"

    def to_json(self) -> TypeJson:
        return {"kind": self.kind, "element": self.element.to_json()}

    @classmethod
    def _read(cls, raw: Mapping[str, Any]) -> ColumnType:
        return cls(ColumnType.from_json(raw["element"]))


@dataclass(frozen=True)
class SetType(ArrayType):
    """An SS, NS or BS: an array of its elements (string, binary, or the number type of its values)."""

    kind = "set"

    def raw_converter(self) -> RawConverter:
        set_tag, element_tag = _SET_TAGS.get(type(self.element), ("NS", "N"))
        convert = self.element.raw_converter()

        def converter(actual: str, raw: Json) -> list:
            if actual != set_tag:
                raise NoFit
            return [convert(element_tag, e) for e in raw]

        return converter


_SET_TAGS: dict[type[ColumnType], tuple[str, str]] = {StringType: ("SS", "S"), BinaryType: ("BS", "B")}


@dataclass(frozen=True)
class ListType(ArrayType):
    """An L whose elements all have one type."""

    kind = "list"

    def raw_converter(self) -> RawConverter:
        convert = self.element.value_converter()
        return only("L", lambda raw: [convert(e) for e in raw])


@dataclass(frozen=True)
class StructField:
    """A map key of a struct column: the key, its field name (columns.py's rule) and its type."""

    key: str
    name: str
    type: ColumnType

    def to_json(self) -> TypeJson:
        return {"key": self.key, "name": self.name, "type": self.type.to_json()}


@dataclass(frozen=True)
class StructType(ColumnType):
    """An M with few enough keys: one field per key, in key order."""

    kind = "struct"
    fields: tuple[StructField, ...]

    def spark_type(self) -> DataType:
        from pyspark.sql import types as T

        return T.StructType([T.StructField(f.name, f.type.spark_type(), True) for f in self.fields])

    def glue_type(self) -> str:
        return "struct<" + ",".join(f"{f.name}:{f.type.glue_type()}" for f in self.fields) + ">"

    def raw_converter(self) -> RawConverter:
        size = len(self.fields)
        index = {field.key: position for position, field in enumerate(self.fields)}
        converters = [field.type.value_converter() for field in self.fields]

        def convert(raw: Json) -> tuple:
            values: list[object] = [None] * size
            for key, value in raw.items():
                position = index.get(key)
                if position is None:
                    if tag_of(value)[0] != "NULL":
                        raise NoFit  # a key the struct has no field for
                    continue
                values[position] = converters[position](value)
            return tuple(values)

        return only("M", convert)

    def to_json(self) -> TypeJson:
        return {"kind": self.kind, "fields": [field.to_json() for field in self.fields]}

    @classmethod
    def _read(cls, raw: Mapping[str, Any]) -> ColumnType:
        return cls(tuple(StructField(f["key"], f["name"], ColumnType.from_json(f["type"])) for f in raw["fields"]))
