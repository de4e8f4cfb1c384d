"""Reads the mirror (an Iceberg table written by the Spark job) back into DynamoDB JSON items and
compares them with the oracle (SimulatedTable), value by value.

Relies only on the job's documented contract: table properties dynamo-iceberg-mirror.columns /
.key / .watermark, the LType encodings, and the metadata columns _unmapped, _write_ts, _export_id.
The reverse conversion here is written independently of the job's code on purpose.

Values that the mirror keeps as PLAIN JSON (LType map and json) cannot be turned back into typed
DynamoDB JSON (a JSON string could be S or B), so they are carried as {"PLAIN": <parsed JSON>}
(LType json) or {"PLAIN_MAP": {key: <parsed JSON>}} (LType map), numbers parsed as Decimal, and
compared against the oracle's typed value, walking both (sets order-insensitive).
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from dynamo_local.exports import parse_iso_ms
from dynamo_local.simulated_table import Item, KeyTuple, SimulatedTable, key_of

PROP_COLUMNS = "dynamo-iceberg-mirror.columns"
PROP_KEY = "dynamo-iceberg-mirror.key"
PROP_WATERMARK = "dynamo-iceberg-mirror.watermark"
METADATA_COLUMNS = ("_unmapped", "_write_ts", "_export_id")
_WTS_ALIAS = "__cmp_write_ts_micros"

NUMBER_KINDS = ("long", "decimal", "double", "number_text")


# -- reverse conversion: column value -> DynamoDB JSON ----------------------------------------


def _field(struct: Any, name: str) -> Any:
    if struct is None:
        return None
    if isinstance(struct, Mapping):
        return struct.get(name)
    return struct.asDict(recursive=False).get(name)  # pyspark Row


def _number_text(value: Any, kind: str) -> str:
    if kind == "number_text":
        return str(value)
    if kind == "double":
        return repr(float(value))
    return str(value)  # int or Decimal


def _scalar(value: Any, ltype: Mapping[str, Any]) -> dict[str, Any]:
    kind = ltype["kind"]
    if kind == "string":
        return {"S": value}
    if kind in NUMBER_KINDS:
        return {"N": _number_text(value, kind)}
    if kind == "binary":
        return {"B": base64.b64encode(bytes(value)).decode("ascii")}
    if kind == "boolean":
        return {"BOOL": bool(value)}
    raise ValueError(f"not a scalar LType: {ltype}")


def parse_plain(text: str) -> Any:
    """PLAIN JSON text with numbers as Decimal; invalid text becomes a marker that never matches."""
    try:
        return json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except (ValueError, TypeError):
        return {"__invalid_json__": text}


def value_from_column(value: Any, ltype: Mapping[str, Any]) -> dict[str, Any] | None:
    """The DynamoDB JSON value a column value stands for; None for SQL NULL (absent or NULL)."""
    if value is None:
        return None
    kind = ltype["kind"]
    if kind == "set":
        element = ltype["element"]
        tag = {"string": "SS", "binary": "BS"}.get(element["kind"], "NS")
        return {tag: [None if e is None else next(iter(_scalar(e, element).values())) for e in value]}
    if kind == "list":
        out = []
        for e in value:
            converted = value_from_column(e, ltype["element"])
            out.append({"NULL": True} if converted is None else converted)
        return {"L": out}
    if kind == "struct":
        fields = {}
        for f in ltype["fields"]:
            converted = value_from_column(_field(value, f["name"]), f["type"])
            if converted is not None:
                fields[f["key"]] = converted
        return {"M": fields}
    if kind == "map":
        # Not {"M": ...}: in a map column a NULL value must stay (as JSON null), unlike a struct.
        return {"PLAIN_MAP": {k: parse_plain(v) if v is not None else None for k, v in value.items()}}
    if kind == "json":
        return {"PLAIN": parse_plain(value)}
    return _scalar(value, ltype)


def item_from_row(row: Mapping[str, Any], columns: list[Mapping[str, Any]]) -> Item:
    """Rebuild one item from a row (column name -> value). Fails on a contract violation: an
    attribute both in its column and in _unmapped, or an _unmapped value that is not DynamoDB JSON."""
    item: Item = {}
    for col in columns:
        converted = value_from_column(row.get(col["column"]), col["type"])
        if converted is not None:
            item[col["attribute"]] = converted
    for attribute, text in (row.get("_unmapped") or {}).items():
        try:
            typed = json.loads(text)
        except (ValueError, TypeError) as e:
            raise AssertionError(f"_unmapped[{attribute!r}] is not JSON: {text!r}") from e
        if not (isinstance(typed, dict) and len(typed) == 1):
            raise AssertionError(f"_unmapped[{attribute!r}] is not a DynamoDB JSON value: {text!r}")
        if attribute in item:
            raise AssertionError(
                f"attribute {attribute!r} is both in its column ({item[attribute]!r}) and in _unmapped ({text!r})"
            )
        item[attribute] = typed
    return item


# -- reading the table ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowMeta:
    write_ts_micros: int | None
    export_id: str | None


@dataclass(frozen=True)
class Mirror:
    items: dict[KeyTuple, Item]
    meta: dict[KeyTuple, RowMeta]
    properties: dict[str, str]
    columns: list[dict[str, Any]]
    key_names: list[str]
    watermark_micros: int | None

    def double_attributes(self) -> set[str]:
        """Top-level attributes whose column (or nested part) is double: compare those loosely."""
        return {c["attribute"] for c in self.columns if '"double"' in json.dumps(c["type"])}


def table_properties(spark: Any, table_name: str) -> dict[str, str]:
    # SHOW TBLPROPERTIES masks any value matching spark.sql.redaction.options.regex (default `(?i)url`), and
    # the columns property holds attribute names: `imageUrl` would hide it. Mask nothing while reading.
    setting = "spark.sql.redaction.options.regex"
    previous = spark.conf.get(setting)
    spark.conf.set(setting, "(?!)")
    try:
        return {r[0]: r[1] for r in spark.sql(f"SHOW TBLPROPERTIES {table_name}").collect()}
    finally:
        spark.conf.set(setting, previous)


def read_mirror(spark: Any, table_name: str) -> Mirror:
    props = table_properties(spark, table_name)
    for required in (PROP_COLUMNS, PROP_KEY):
        if required not in props:
            raise AssertionError(f"table {table_name} lacks property {required}; has {sorted(props)}")
    columns = json.loads(props[PROP_COLUMNS])
    key_names = json.loads(props[PROP_KEY])
    watermark = props.get(PROP_WATERMARK)
    df = spark.table(table_name)
    if "_write_ts" in df.columns:
        df = df.selectExpr("*", f"unix_micros(_write_ts) AS {_WTS_ALIAS}")
    items: dict[KeyTuple, Item] = {}
    meta: dict[KeyTuple, RowMeta] = {}
    for row in df.collect():
        values = row.asDict(recursive=False)
        item = item_from_row(values, columns)
        key = key_of(item, key_names)
        if key in items:
            raise AssertionError(f"two rows for key {key!r}:\n  {items[key]!r}\n  {item!r}")
        items[key] = item
        meta[key] = RowMeta(values.get(_WTS_ALIAS), values.get("_export_id"))
    return Mirror(items, meta, props, columns, key_names, parse_iso_ms(watermark) if watermark is not None else None)


def mirror_items(spark: Any, table_name: str) -> dict[KeyTuple, Item]:
    return read_mirror(spark, table_name).items


# -- oracle side: typed value -> plain JSON ----------------------------------------------------


def to_plain(typed: Mapping[str, Any]) -> Any:
    """PLAIN JSON of a DynamoDB value (numbers as Decimal, binaries as base64 text)."""
    ((tag, v),) = typed.items()
    if tag in ("S", "B", "BOOL"):
        return v
    if tag == "N":
        return Decimal(v)
    if tag == "NULL":
        return None
    if tag in ("SS", "BS"):
        return list(v)
    if tag == "NS":
        return [Decimal(e) for e in v]
    if tag == "L":
        return [to_plain(e) for e in v]
    if tag == "M":
        return {k: to_plain(e) for k, e in v.items()}
    raise ValueError(f"unknown DynamoDB type tag {tag!r}")


# -- comparison --------------------------------------------------------------------------------


def _show(typed: Any, limit: int = 160) -> str:
    text = repr(typed)
    return text if len(text) <= limit else text[:limit] + "..."


def _num_eq(a: Any, e: Any, loose: bool) -> bool:
    try:
        da, de = Decimal(a), Decimal(e)
    except (InvalidOperation, TypeError, ValueError):
        return False
    if loose:
        return float(da) == float(de)
    return da == de


def _b64(v: Any) -> Any:
    try:
        return base64.b64decode(v, validate=True)
    except (ValueError, TypeError):
        return ("undecodable", v)


def _set_norm(tag: str, values: Iterable[Any], loose: bool) -> Counter:
    def conv(x: Any) -> Any:
        if tag == "NS":
            return float(Decimal(x)) if loose else Decimal(x)
        return _b64(x) if tag == "BS" else x

    out: Counter = Counter()
    for x in values:
        try:
            out[conv(x) if x is not None else None] += 1
        except (InvalidOperation, TypeError, ValueError):
            out[("bad", x)] += 1
    return out


def _is_null(typed: Any) -> bool:
    return isinstance(typed, Mapping) and "NULL" in typed


def diff_values(path: str, actual: Any, expected: Any, loose: bool = False) -> list[str]:
    """Differences between a mirror value (typed or {"PLAIN": ...}) and an oracle value."""
    if isinstance(actual, Mapping) and "PLAIN" in actual and len(actual) == 1:
        return diff_plain(path, actual["PLAIN"], expected, loose)
    if isinstance(actual, Mapping) and "PLAIN_MAP" in actual and len(actual) == 1:
        if "M" not in expected:
            return [f"{path}: type differs: expected {_show(expected)}, actual map column {_show(actual)}"]
        return diff_plain(path, actual["PLAIN_MAP"], expected, loose)
    ((etag, ev),) = expected.items()
    if not (isinstance(actual, Mapping) and len(actual) == 1):
        return [f"{path}: expected {_show(expected)}, actual is not a typed value: {_show(actual)}"]
    ((atag, av),) = actual.items()
    if atag != etag:
        return [f"{path}: type differs: expected {_show(expected)}, actual {_show(actual)}"]
    ok = True
    if etag == "N":
        ok = _num_eq(av, ev, loose)
    elif etag == "B":
        ok = _b64(av) == _b64(ev)
    elif etag in ("SS", "NS", "BS"):
        ok = _set_norm(etag, av, loose) == _set_norm(etag, ev, loose)
    elif etag == "L":
        if len(av) != len(ev):
            return [
                f"{path}: list length {len(av)} != expected {len(ev)}: expected {_show(expected)}, "
                f"actual {_show(actual)}"
            ]
        return [d for i, (a, e) in enumerate(zip(av, ev)) for d in diff_values(f"{path}[{i}]", a, e, loose)]
    elif etag == "M":
        return _diff_map(path, av, ev, loose)
    else:
        ok = av == ev
    return [] if ok else [f"{path}: expected {_show(expected)}, actual {_show(actual)}"]


def _diff_map(path: str, actual: Mapping[str, Any], expected: Mapping[str, Any], loose: bool,
              loose_keys: Collection[str] = ()) -> list[str]:
    # A NULL expected value may be absent in the mirror (struct fields and top-level attributes
    # turn NULL and absent into the same SQL NULL); the reverse is a difference.
    out = []
    for k in sorted(set(actual) | set(expected), key=repr):
        sub = f"{path}.{k!r}" if path else f"attribute {k!r}"
        if k not in actual:
            if not _is_null(expected[k]):
                out.append(f"{sub}: missing in mirror, expected {_show(expected[k])}")
        elif k not in expected:
            out.append(f"{sub}: unexpected in mirror: {_show(actual[k])}")
        else:
            out.extend(diff_values(sub, actual[k], expected[k], loose or k in loose_keys))
    return out


def diff_plain(path: str, plain: Any, expected: Mapping[str, Any], loose: bool = False) -> list[str]:
    """Differences between a PLAIN JSON value from the mirror and an oracle typed value."""
    ((etag, ev),) = expected.items()
    bad = [f"{path}: (plain JSON) expected {_show(to_plain(expected))} from {_show(expected)}, actual {_show(plain)}"]
    if etag == "S":
        return [] if isinstance(plain, str) and plain == ev else bad
    if etag == "N":
        return [] if isinstance(plain, Decimal) and _num_eq(plain, ev, loose) else bad
    if etag == "B":
        return [] if isinstance(plain, str) and _b64(plain) == _b64(ev) else bad
    if etag == "BOOL":
        return [] if isinstance(plain, bool) and plain == ev else bad
    if etag == "NULL":
        return [] if plain is None else bad
    if etag in ("SS", "NS", "BS"):
        if not isinstance(plain, list):
            return bad
        if etag == "SS" and not all(isinstance(x, str) for x in plain):
            return bad
        if etag == "NS" and not all(isinstance(x, Decimal) for x in plain):
            return bad
        return [] if _set_norm(etag, plain, loose) == _set_norm(etag, ev, loose) else bad
    if etag == "L":
        if not isinstance(plain, list) or len(plain) != len(ev):
            return bad
        return [d for i, (a, e) in enumerate(zip(plain, ev)) for d in diff_plain(f"{path}[{i}]", a, e, loose)]
    if etag == "M":
        if not isinstance(plain, dict):
            return bad
        out = []
        for k in sorted(set(plain) | set(ev), key=repr):
            sub = f"{path}.{k!r}"
            if k not in plain:
                out.append(f"{sub}: (plain JSON) missing in mirror, expected {_show(ev[k])}")
            elif k not in ev:
                out.append(f"{sub}: (plain JSON) unexpected in mirror: {_show(plain[k])}")
            else:
                out.extend(diff_plain(sub, plain[k], ev[k], loose))
        return out
    raise ValueError(f"unknown DynamoDB type tag {etag!r}")


def diff_items(
    actual: Mapping[KeyTuple, Item], expected: Mapping[KeyTuple, Item], double_attributes: Collection[str] = ()
) -> list[str]:
    """Every difference, as 'key <k>: <attribute path>: ...' lines."""
    out = []
    for key in sorted(set(actual) | set(expected), key=repr):
        if key not in actual:
            out.append(f"key {key!r}: missing in mirror; expected item {_show(expected[key], 300)}")
        elif key not in expected:
            out.append(f"key {key!r}: unexpected row in mirror: {_show(actual[key], 300)}")
        else:
            diffs = _diff_map("", actual[key], expected[key], False, double_attributes)
            out.extend(f"key {key!r}: {d}" for d in diffs)
    return out


def assert_mirror_matches(
    actual_items: Mapping[KeyTuple, Item],
    expected_items: Mapping[KeyTuple, Item],
    double_attributes: Collection[str] = (),
    max_lines: int = 40,
) -> None:
    diffs = diff_items(actual_items, expected_items, double_attributes)
    if diffs:
        shown = "\n".join(diffs[:max_lines])
        more = f"\n... and {len(diffs) - max_lines} more" if len(diffs) > max_lines else ""
        raise AssertionError(
            f"mirror differs from oracle in {len(diffs)} place(s) "
            f"({len(actual_items)} rows, {len(expected_items)} expected items):\n{shown}{more}"
        )


# -- metadata columns --------------------------------------------------------------------------


def expected_write_ts(table: SimulatedTable, key: KeyTuple, full_export_micros: int, as_of_micros: int) -> int:
    """_write_ts of a live row once windows up to as_of (the watermark) are applied: the key's last
    write if it came at or after the full export time (i.e. in an incremental window), else the
    full export time."""
    last = table.last_write_before(key, as_of_micros)
    return last if last is not None and last >= full_export_micros else full_export_micros


def assert_write_ts(
    meta: Mapping[KeyTuple, RowMeta],
    table: SimulatedTable,
    full_export_micros: int,
    as_of_micros: int,
    max_lines: int = 40,
) -> None:
    diffs = []
    for key in sorted(meta, key=repr):
        want = expected_write_ts(table, key, full_export_micros, as_of_micros)
        got = meta[key].write_ts_micros
        if got != want:
            diffs.append(
                f"key {key!r}: _write_ts {got} != expected {want} (diff {None if got is None else got - want} µs)"
            )
    if diffs:
        raise AssertionError(f"{len(diffs)} wrong _write_ts value(s):\n" + "\n".join(diffs[:max_lines]))


def expected_export_ids(
    table: SimulatedTable, full_export_micros: int, full_export_id: str, windows: Iterable[tuple[int, int, str]]
) -> dict[KeyTuple, str]:
    """_export_id per live key after the full export and chained windows (from, to, export id)
    applied in order: the last export whose data held the key's line."""
    ids = {k: full_export_id for k in table.state_at(full_export_micros)}
    for start, end, export_id in windows:
        for change in table.changes_in(start, end):
            key = table.key_of(change.keys)
            if change.new_image is None:
                ids.pop(key, None)
            else:
                ids[key] = export_id
    return ids


def assert_export_ids(meta: Mapping[KeyTuple, RowMeta], expected: Mapping[KeyTuple, str]) -> None:
    wrong = [
        f"key {k!r}: _export_id {meta[k].export_id!r} != expected {expected.get(k)!r}"
        for k in sorted(meta, key=repr)
        if meta[k].export_id != expected.get(k)
    ]
    if wrong:
        raise AssertionError(f"{len(wrong)} wrong _export_id value(s):\n" + "\n".join(wrong[:40]))
