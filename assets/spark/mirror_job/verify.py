"""Proves the mirror: a full export taken at time T against the table's snapshot whose watermark is T.

The export is decoded by the mirror's own reader with the column mapping recorded at that version, so
every value gets the type mapping the mirror gave it (a value kept in `_unmapped` is kept there again).
One full outer join on the key then sorts each key into missing (in the export only), extra (in the
table only) or different (some attribute differs). Only keys are reported: no item value reaches a log.
The export is read once and the snapshot once.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from .column_types import ColumnType, ListType, MapType, SetType, StructType
from .contract import REPORT_COUNTS
from .errors import MirrorError
from .manifest import format_time, parse_time, read_export
from .reader import MICROS, OP, ORDER, RunFiles, change_rows, learn_types, run_action
from .schema import UNMAPPED, TableSchema
from .storage import Storage
from .table import COLUMNS, KEY, WATERMARK, iceberg_table, load_state, main_snapshot_id

SAMPLE = 10
# The report's counts, named in contract.json (the state machine publishes them as metrics).
MISSING, EXTRA, DIFFERENT = REPORT_COUNTS["missing"], REPORT_COUNTS["extra"], REPORT_COUNTS["different"]
KINDS = (MISSING, EXTRA, DIFFERENT)
_DUPLICATE = "duplicate"  # a key twice in the export: no export DynamoDB writes


@dataclass(frozen=True)
class Version:
    """One metadata version of the table: its watermark, its properties, and its current snapshot."""

    watermark: str
    properties: dict
    snapshot_id: int | None


def verify(spark, table: str, location: str, sample: int = SAMPLE) -> dict:
    """The report: counts of missing, extra and different keys and up to `sample` keys of each kind."""
    export = read_export(Storage(spark), location)
    if export.incremental:
        raise MirrorError(f"{export.uri}: {export.describe()} is not a full export; verify compares a full export")
    state = load_state(spark, table)
    if state is None:
        raise MirrorError(f"{table}: no such table")
    if export.table_arn != state.table_arn:
        raise MirrorError(f"{export.uri}: is an export of {export.table_arn}, but this table mirrors {state.table_arn}")
    version = version_at(spark, table, export.end)
    schema = TableSchema.from_json(json.loads(version.properties[KEY]), version.properties[COLUMNS])
    run = RunFiles([export])
    # The first pass checks every line and chooses the reader; duplicate keys are counted below.
    survey = learn_types(spark, run, schema.key, unique_keys=False)
    expected = change_rows(spark, run, schema, survey).drop(OP, MICROS, ORDER)
    actual = _snapshot_rows(spark, table, version.snapshot_id, schema)
    counts, samples = _compare(expected, actual, schema, sample)
    return {
        **counts,
        "watermark": version.watermark,
        "snapshot": version.snapshot_id,
        "export": export.export_id,
        "items": export.item_count,
        "sample": samples,
    }


def version_at(spark, table: str, moment: datetime) -> Version:
    """The newest metadata version whose watermark is `moment` and whose snapshot still exists.

    The newest, so that an edit made to the table after its run (a manual DELETE) is verified too. A
    snapshot that is also current under a later watermark may belong to that later run (a table written
    before runs published data and watermark in one commit has versions pairing an old watermark with new
    data), so such a version is passed over unless every candidate is one (a later run changed no data).
    Refuses, naming the table's watermarks, when no version has `moment`.
    """
    wanted = format_time(moment)
    iceberg = iceberg_table(spark, table)
    seen: list[str] = []
    later: set[int | None] = set()
    candidates: list[Version] = []
    for version in _versions_newest_first(spark, iceberg, table):
        if version.watermark == wanted:
            candidates.append(version)
        elif candidates:
            break  # watermarks never go back: every older version holds an older one
        else:
            later.add(version.snapshot_id)
        if version.watermark and version.watermark not in seen:
            seen.append(version.watermark)
    alive = [v for v in candidates if v.snapshot_id is None or iceberg.snapshot(v.snapshot_id) is not None]
    own = [v for v in alive if v.snapshot_id not in later]
    if own or alive:
        return (own or alive)[0]
    if candidates:
        ids = ", ".join(str(v.snapshot_id) for v in candidates)
        raise MirrorError(f"{table}: the snapshots at watermark {wanted} ({ids}) have been expired")
    raise MirrorError(
        f"{table}: no snapshot has the watermark {wanted} (the export's time); the table's metadata holds the "
        f"watermarks {', '.join(reversed(seen)) or '(none)'}: verify with a full export taken at one of them"
    )


def _versions_newest_first(spark, iceberg, table: str):
    """The current metadata, then each file of the metadata log, newest first (read only as needed)."""
    parser = spark._jvm.org.apache.iceberg.TableMetadataParser
    current = iceberg.operations().current()
    yield _version(current, table)
    for entry in reversed(list(current.previousFiles())):
        yield _version(parser.read(iceberg.io(), entry.file()), table)


def _version(metadata, table: str) -> Version:
    properties = dict(metadata.properties())
    text = properties.get(WATERMARK)
    return Version(
        watermark=format_time(parse_time(text, f"{table}: property {WATERMARK}")) if text else "",
        properties=properties,
        snapshot_id=main_snapshot_id(metadata),
    )


def _snapshot_rows(spark, table: str, snapshot_id: int | None, schema: TableSchema):
    from pyspark.sql import functions as F

    fields = [f for f in schema.spark_schema().fields if f.name not in ("_write_ts", "_export_id")]
    if snapshot_id is None:
        return spark.createDataFrame([], schema.spark_schema()).select(*[f.name for f in fields])
    rows = spark.sql(f"SELECT * FROM {table} VERSION AS OF {snapshot_id}")
    present = set(rows.columns)
    # A version's mapping may name columns its snapshot's schema lacks (added just before data): empty there.
    return rows.select(
        *[F.col(f.name) if f.name in present else F.lit(None).cast(f.dataType).alias(f.name) for f in fields]
    )


def _compare(expected, actual, schema: TableSchema, sample: int) -> tuple[dict, dict]:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keys = schema.key_columns
    compared = [(c.name, c.type) for c in schema.columns if c.name not in keys] + [(UNMAPPED, MapType())]
    by_key = Window.partitionBy(*keys)

    def side(rows, tag: str):
        values = F.struct(*[comparable(F.col(name), column_type).alias(name) for name, column_type in compared])
        return rows.select(*keys, values.alias(f"{tag}_values"), F.count(F.lit(1)).over(by_key).alias(f"{tag}_n"))

    # The windows partition each side by key, so the join reuses that partitioning: one shuffle per side.
    joined = side(expected, "e").join(side(actual, "t"), keys, "full_outer")
    kind = (
        F.when(F.col("e_n") > 1, F.lit(_DUPLICATE))
        .when(F.col("t_n").isNull(), F.lit(MISSING))
        .when(F.col("e_n").isNull(), F.lit(EXTRA))
        .when((F.col("t_n") > 1) | ~F.col("e_values").eqNullSafe(F.col("t_values")), F.lit(DIFFERENT))
    )
    # A key twice in the table joins twice: one entry per key and kind.
    found = joined.select(*keys, kind.alias("kind")).where(F.col("kind").isNotNull()).dropDuplicates([*keys, "kind"])
    found = found.persist()
    try:
        counted = dict(run_action(lambda: found.groupBy("kind").count().collect()))
        first = Window.partitionBy("kind").orderBy(*keys)
        rows = run_action(
            lambda: found.withColumn("_n", F.row_number().over(first)).where(F.col("_n") <= max(sample, 1)).collect()
        )
    finally:
        found.unpersist()
    samples: dict[str, list] = {k: [] for k in KINDS + (_DUPLICATE,)}
    for row in sorted(rows, key=lambda r: r["_n"]):
        samples[row["kind"]].append({a: _json_key(row[c]) for a, c in zip(schema.key, keys)})
    if counted.get(_DUPLICATE):
        raise MirrorError(
            f"the export holds {counted[_DUPLICATE]} key(s) more than once, e.g. {json.dumps(samples[_DUPLICATE][0])}; "
            "DynamoDB never writes that: is the export complete and unmodified?"
        )
    return {k: counted.get(k, 0) for k in KINDS}, {k: samples[k][:sample] for k in KINDS}


def comparable(column, column_type: ColumnType):
    """The value in a form Spark compares for equality: maps as sorted entries, sets in sorted order."""
    from pyspark.sql import functions as F

    if isinstance(column_type, MapType):
        return F.array_sort(F.map_entries(column))
    if isinstance(column_type, SetType):
        return F.array_sort(column)
    if isinstance(column_type, ListType) and _needs_rewrite(column_type.element):
        element_type = column_type.element
        return F.transform(column, lambda element: comparable(element, element_type))
    if isinstance(column_type, StructType) and _needs_rewrite(column_type):
        fields = [comparable(column[f.name], f.type).alias(f.name) for f in column_type.fields]
        return F.when(column.isNotNull(), F.struct(*fields))
    return column


def _needs_rewrite(column_type: ColumnType) -> bool:
    if isinstance(column_type, (MapType, SetType)):
        return True
    if isinstance(column_type, ListType):
        return _needs_rewrite(column_type.element)
    if isinstance(column_type, StructType):
        return any(_needs_rewrite(f.type) for f in column_type.fields)
    return False


def _json_key(value: object) -> object:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value
