"""The Iceberg table and the mirror's state kept in its properties (the single source of truth)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .contract import PROPERTIES
from .errors import ConcurrentWriterError, MirrorError
from .manifest import format_time, parse_time
from .schema import Column, TableSchema
from .session import iceberg_catalog, table_parts

# The mirror's state, named in contract.json (the plan function and the operator commands read them too).
WATERMARK = PROPERTIES["watermark"]
TABLE_ARN = PROPERTIES["tableArn"]
KEY = PROPERTIES["key"]
COLUMNS = PROPERTIES["columns"]
BOOTSTRAP_EXPORT = PROPERTIES["bootstrapExport"]
LAST_EXPORT = PROPERTIES["lastExport"]
GAPS = PROPERTIES["acceptedGaps"]
# A metadata commit refused only because another writer's commit moved the metadata on is tried again.
COMMIT_ATTEMPTS = 5

# Format v2 (Athena reads no v3); merge-on-read so a small window writes deletes, not the whole table.
TABLE_DEFAULTS = {
    "format-version": "2",
    "write.delete.mode": "merge-on-read",
    "write.update.mode": "merge-on-read",
    "write.merge.mode": "merge-on-read",
}


@dataclass(frozen=True)
class TableState:
    schema: TableSchema
    watermark: datetime
    table_arn: str
    bootstrap_export: str
    gaps: list[dict]
    snapshot_id: int | None = None  # `main` when the state was read, in the same metadata version


def main_snapshot_id(source) -> int | None:
    """The id of `main`'s snapshot in an Iceberg Table or TableMetadata; None for a table without one."""
    snapshot = source.currentSnapshot()
    return snapshot.snapshotId() if snapshot is not None else None


def iceberg_table(spark, name: str):
    """The table `mirror.db.table`, loaded afresh through Iceberg's own catalog (session.iceberg_catalog)."""
    database, table = table_parts(name)
    names = spark.sparkContext._gateway.new_array(spark._jvm.java.lang.String, 2)
    names[0], names[1] = database, table
    return iceberg_catalog(spark).loadTable(spark._jvm.org.apache.iceberg.catalog.TableIdentifier.of(names))


_NOT_FOUND = ("TABLE_OR_VIEW_NOT_FOUND", "SCHEMA_NOT_FOUND", "NoSuchTableException", "NoSuchNamespaceException")


def load_state(spark, name: str) -> TableState | None:
    """The mirror's state, or None when the table does not exist yet."""
    try:
        table = iceberg_table(spark, name)
    except Exception as error:  # the JVM's "no such table" arrives wrapped by py4j or PySpark
        if any(sign in str(error) for sign in _NOT_FOUND):
            return None
        raise
    properties = dict(table.properties())  # this and the snapshot below come from one metadata version
    if WATERMARK not in properties:
        raise MirrorError(f"{name}: the table exists but has no {WATERMARK} property; it is not a mirror")
    version = spark._jvm.org.apache.iceberg.TableUtil.formatVersion(table)
    if version != 2:
        # The job writes position delete files, which v3 replaces by deletion vectors (and Athena reads no v3).
        raise MirrorError(f"{name}: format-version {version}; the mirror reads and writes format-version 2 tables only")
    key = json.loads(properties[KEY])
    return TableState(
        schema=TableSchema.from_json(key, properties[COLUMNS]),
        watermark=parse_time(properties[WATERMARK], f"{name}: property {WATERMARK}"),
        table_arn=properties[TABLE_ARN],
        bootstrap_export=properties.get(BOOTSTRAP_EXPORT, ""),
        gaps=json.loads(properties.get(GAPS, "[]")),
        snapshot_id=main_snapshot_id(table),
    )


def state_properties(
    schema: TableSchema,
    watermark: datetime,
    table_arn: str,
    bootstrap_export: str,
    last_export: str,
    gaps: Sequence[dict],
) -> dict[str, str]:
    return {
        KEY: json.dumps(list(schema.key), ensure_ascii=False),
        COLUMNS: schema.to_json(),
        WATERMARK: format_time(watermark),
        TABLE_ARN: table_arn,
        BOOTSTRAP_EXPORT: bootstrap_export,
        LAST_EXPORT: last_export,
        GAPS: json.dumps(list(gaps)),
    }


def create_table(
    spark, name: str, rows, properties: dict[str, str], replace: bool, partition_buckets: int, key_column: str
) -> None:
    """Creates (or atomically replaces) the table with its rows and properties in one commit.

    With `partition_buckets` > 0 the table is partitioned by bucket(N, partition key), which spreads
    a window's deletes over fewer, smaller files and lets engines prune by key.
    """
    from pyspark.sql import functions as F

    namespace = name.rsplit(".", 1)[0]
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {namespace}")
    writer = rows.writeTo(name).using("iceberg")
    if partition_buckets > 0:
        writer = writer.partitionedBy(F.bucket(partition_buckets, F.col(key_column)))
    for key, value in {**TABLE_DEFAULTS, **properties}.items():
        writer = writer.tableProperty(key, value)
    writer.createOrReplace() if replace else writer.create()


def add_columns(spark, name: str, columns: Sequence[Column], schema: TableSchema, previous: TableSchema) -> None:
    """Adds columns and records their mapping in one metadata commit (before the data that fills them).

    Refused when the columns are no longer `previous`, the ones the run read: another writer got there first.
    """
    jvm = spark._jvm
    new_fields = TableSchema(schema.key, tuple(columns)).spark_schema()
    iceberg_schema = jvm.org.apache.iceberg.spark.SparkSchemaUtil.convert(
        jvm.org.apache.spark.sql.types.DataType.fromJson(new_fields.json())
    )
    overtaken = ConcurrentWriterError(
        f"{name}: another writer changed the table's columns after this run read them; nothing of this run was "
        "committed: run it again (one writer per table)"
    )
    for _ in range(COMMIT_ATTEMPTS):  # another writer's commit in between only moves the metadata on: try again
        table = iceberg_table(spark, name)
        if dict(table.properties()).get(COLUMNS) != previous.to_json():
            raise overtaken
        transaction = table.newTransaction()
        update = transaction.updateSchema()
        for column in columns:
            update.addColumn(column.name, iceberg_schema.findField(column.name).type())
        update.commit()
        transaction.updateProperties().set(COLUMNS, schema.to_json()).commit()
        try:
            transaction.commitTransaction()
            return
        except Exception as error:  # re-applied on a newer version by Iceberg, the same columns already exist
            if "already exists" in str(error):
                raise overtaken from None
            # A schema change is not re-applied on a newer version ("Table metadata refresh is required").
            if "CommitFailedException" not in str(error):
                raise
    raise ConcurrentWriterError(f"{name}: the table kept changing while this run added columns; nothing committed")


def drop_columns(spark, name: str, columns: Sequence[Column], previous: TableSchema, main: int | None) -> None:
    """Undoes add_columns when the data commit that was to fill the columns failed.

    Only while `main` is still the snapshot the run started from: once another writer has committed, its
    data may fill the columns, and empty columns left behind are harmless (they read as NULL).
    """
    table = iceberg_table(spark, name)
    if main_snapshot_id(table) != main:
        return
    transaction = table.newTransaction()
    update = transaction.updateSchema()
    for column in columns:
        update.deleteColumn(column.name)
    update.commit()
    transaction.updateProperties().set(COLUMNS, previous.to_json()).commit()
    transaction.commitTransaction()
