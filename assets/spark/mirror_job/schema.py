"""The mirror table's columns: which attribute goes where, with what type, and how an item becomes a row."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .column_types import ColumnType, JsonType, NumberTextType
from .columns import assign_names
from .contract import DECIMAL_COLUMN_TYPE, NAMED_COLUMN_TYPES, OPTIONS
from .convert import NoFit
from .decode import dynamodb_json
from .errors import MirrorError
from .inference import BINARY, STRING, AttributeStats, NumberShape

UNMAPPED, WRITE_TS, EXPORT_ID = "_unmapped", "_write_ts", "_export_id"
METADATA_COLUMNS = (UNMAPPED, WRITE_TS, EXPORT_ID)


@dataclass(frozen=True)
class Column:
    attribute: str
    name: str
    type: ColumnType

    def to_json(self) -> dict[str, Any]:
        return {"attribute": self.attribute, "column": self.name, "type": self.type.to_json()}


@dataclass(frozen=True)
class TableSchema:
    """Key attributes first, then the other attributes' columns in the order they were added."""

    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def key_columns(self) -> list[str]:
        by_attribute = {c.attribute: c.name for c in self.columns}
        return [by_attribute[k] for k in self.key]

    def to_json(self) -> str:
        return json.dumps([c.to_json() for c in self.columns], ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def from_json(key: Sequence[str], text: str) -> TableSchema:
        columns = tuple(Column(c["attribute"], c["column"], ColumnType.from_json(c["type"])) for c in json.loads(text))
        return TableSchema(tuple(key), columns)

    def extended(
        self, stats: AttributeStats, overrides: dict[str, str], key_types: dict[str, str] | None = None
    ) -> tuple[TableSchema, list[Column]]:
        """This schema plus columns for attributes it has not seen yet; also returns the new columns.

        `key_types` (S, N or B per key attribute) gives key columns even when no item has been seen.
        """
        known = {c.attribute for c in self.columns}
        shapes = {a: s for a, s in stats.dominant_shapes().items() if a not in known}
        for attribute, tag in (key_types or {}).items():
            if attribute not in known and attribute not in shapes:
                shapes[attribute] = {"S": STRING, "N": NumberShape("N", True, Counter()), "B": BINARY}[tag]
        taken = {c.name for c in self.columns} | set(METADATA_COLUMNS)
        names = assign_names(shapes, taken)
        new_columns = []
        # Keys first, then in name order, so the layout does not depend on which file was read first.
        for attribute in sorted(
            shapes, key=lambda a: (a not in self.key, self.key.index(a) if a in self.key else 0, names[a])
        ):
            column_type: ColumnType | None
            if attribute in overrides:
                column_type = _override(overrides[attribute], attribute)
            elif attribute in self.key and shapes[attribute].tag == "N":
                column_type = NumberTextType()  # a key column must hold every future key exactly
            else:
                column_type = shapes[attribute].column_type(lambda keys: assign_names(keys, set()))
                if column_type is not None and not column_type.fits_glue():
                    column_type = JsonType()  # Glue refuses a type string this long
            if column_type is not None:
                new_columns.append(Column(attribute, names[attribute], column_type))
        return TableSchema(self.key, self.columns + tuple(new_columns)), new_columns

    def spark_schema(self):
        from pyspark.sql import types as T

        fields = [T.StructField(c.name, c.type.spark_type(), True) for c in self.columns]
        fields += [
            T.StructField(UNMAPPED, T.MapType(T.StringType(), T.StringType()), True),
            T.StructField(WRITE_TS, T.TimestampType(), True),
            T.StructField(EXPORT_ID, T.StringType(), True),
        ]
        return T.StructType(fields)


# The column types a user may ask for, named in contract.json (the construct's ColumnType reads them too).
_OVERRIDES = {t["name"]: ColumnType.from_json({"kind": t["kind"]}) for t in NAMED_COLUMN_TYPES.values()}


def _override(text: str, attribute: str) -> ColumnType:
    """A column type asked for by the user: one of contract.json's names, or decimal(38,S)."""
    name = text.strip().lower()
    decimal = DECIMAL_COLUMN_TYPE
    pattern = re.escape(decimal["name"]) + r"\(\s*" + str(decimal["precision"]) + r"\s*,\s*(\d+)\s*\)"
    match = re.fullmatch(pattern, name)
    if match and int(match.group(1)) <= decimal["maxScale"]:
        return ColumnType.from_json({"kind": decimal["kind"], "scale": int(match.group(1))})
    if name in _OVERRIDES:
        return _OVERRIDES[name]
    names = [*_OVERRIDES, f"{decimal['name']}({decimal['precision']},S)"]
    raise MirrorError(
        f"{OPTIONS['columnTypes']}: {attribute!r} has type {text!r}; use {', '.join(names[:-1])} or {names[-1]}"
    )


def validate_overrides(overrides: dict[str, str]) -> None:
    for attribute, text in overrides.items():
        _override(text, attribute)


class RowMaker:
    """Builds Spark rows (tuples in column order, metadata last) from items; runs inside Spark tasks."""

    def __init__(self, schema: TableSchema) -> None:
        self._key = schema.key
        self._columns = [(c.attribute, c.type.value_converter()) for c in schema.columns]
        self._positions = {c.attribute: i for i, c in enumerate(schema.columns)}
        self._key_positions = {a: self._positions[a] for a in schema.key}

    def row(self, item: dict, write_ts, export_id: str) -> tuple:
        values: list[object] = [None] * len(self._columns)
        unmapped: dict[str, str] = {}
        for attribute, value in item.items():
            position = self._positions.get(attribute)
            if position is None:
                if value != {"NULL": True}:
                    unmapped[attribute] = dynamodb_json(value)
                continue
            try:
                values[position] = self._columns[position][1](value)
            except NoFit:
                if attribute in self._key_positions:
                    raise MirrorError(key_error_message("no_fit", attribute, dynamodb_json(value))) from None
                unmapped[attribute] = dynamodb_json(value)
        for attribute, position in self._key_positions.items():
            if values[position] is None:
                raise MirrorError(key_error_message("item_without_key", attribute))
        return (*values, unmapped or None, write_ts, export_id)

    def key_values(self, keys: dict) -> tuple:
        """The key columns' values of a Keys object (for deletes)."""
        values = []
        for attribute in self._key:
            if attribute not in keys:
                raise MirrorError(key_error_message("keys_without_key", attribute))
            try:
                values.append(self._columns[self._positions[attribute]][1](keys[attribute]))
            except NoFit:
                raise MirrorError(key_error_message("no_fit", attribute, dynamodb_json(keys[attribute]))) from None
        return tuple(values)


def key_error_message(kind: str, attribute: str, value: str | None = None) -> str:
    """A row's key error, worded once for both readers (the JVM reader sends the kind and facts)."""
    if kind == "no_fit":
        return f"key attribute {attribute!r} has value {value} that does not fit its column's type"
    if kind == "item_without_key":
        return f"item has no key attribute {attribute!r}"
    return f"Keys has no key attribute {attribute!r}"


def empty_schema(key: Sequence[str]) -> TableSchema:
    return TableSchema(tuple(key), ())
