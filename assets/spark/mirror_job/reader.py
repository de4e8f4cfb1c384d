"""Reads the data files of a run's exports in Spark tasks: once to learn types, once to build rows.

Every line becomes a change at a point in time: a full export's items are puts at its exportTime, an
incremental line is a put (NewImage) or a delete (no NewImage) at its WriteTimestampMicros. Each change
also carries its export's position in the run, which breaks ties between equal timestamps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone

from .decode import read_changes
from .errors import MirrorError
from .inference import AttributeStats
from .manifest import DataFile, Export
from .schema import RowMaker, TableSchema

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
OP, ORDER, MICROS = "_op", "_order", "_micros"
PUT, DELETE = "U", "D"


def epoch_micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


class RunFiles:
    """The data files of the exports of one run, each tagged with its export's position."""

    def __init__(self, exports: Sequence[Export]) -> None:
        self.exports = list(exports)
        self.by_name: dict[str, list[tuple[int, DataFile]]] = {}
        for order, export in enumerate(self.exports):
            for data_file in export.data_files:
                self.by_name.setdefault(data_file.key.rsplit("/", 1)[-1], []).append((order, data_file))

    def uris(self) -> list[str]:
        return [f.uri for e in self.exports for f in e.data_files]

    def resolve(self, path: str) -> tuple[int, DataFile]:
        for order, data_file in self.by_name.get(path.rsplit("/", 1)[-1], []):
            if path.endswith("/" + data_file.key):
                return order, data_file
        raise MirrorError(f"{path}: read but listed in no manifest of this run")

    def changes(self, path: str, content: bytes) -> Iterator[tuple[int, Export, DataFile, int, object]]:
        order, data_file = self.resolve(path)
        export = self.exports[order]
        for line, change in read_changes(content, data_file, export.incremental):
            yield order, export, data_file, line, change


def _files(spark, run: RunFiles):
    uris = run.uris()
    if not uris:
        return spark.sparkContext.emptyRDD()
    # Only the files the manifests list: incremental exports share one data folder, never list it.
    frame = spark.read.format("binaryFile").load(uris).select("path", "content")
    return frame.rdd.map(lambda row: (row[0], bytes(row[1])))


def learn_types(spark, run: RunFiles, key: Sequence[str]) -> AttributeStats:
    """First pass: checks every file and line, and gathers per-attribute type statistics."""

    def partition_stats(files) -> Iterator[AttributeStats]:
        stats = AttributeStats()
        for path, content in files:
            for _, _export, data_file, line, change in run.changes(path, content):
                try:
                    _check_key(change.keys, key)
                    if change.image is not None:
                        _check_key(change.image, key)
                        stats.add(change.image)
                except ValueError as error:
                    raise MirrorError(f"{data_file.uri}: line {line}: {error}") from None
        yield stats

    return run_action(lambda: _files(spark, run).mapPartitions(partition_stats).fold(AttributeStats(), _merge_stats))


def _merge_stats(a: AttributeStats, b: AttributeStats) -> AttributeStats:
    return a.update(b)


def _check_key(attributes: dict, key: Sequence[str]) -> None:
    for name in key:
        value = attributes.get(name)
        if not isinstance(value, dict) or next(iter(value), None) not in ("S", "N", "B"):
            raise ValueError(f"key attribute {name!r} is missing or not of type S, N or B: {value!r:.80}")


def change_rows(spark, run: RunFiles, schema: TableSchema):
    """Second pass: a DataFrame of rows in the table's layout plus _op, _micros and _order columns."""
    from pyspark.sql import types as T

    def partition_rows(files):
        maker = RowMaker(schema)
        width = len(schema.columns)
        column_of = {c.attribute: i for i, c in enumerate(schema.columns)}
        positions = [column_of[attribute] for attribute in schema.key]
        for path, content in files:
            for order, export, data_file, line, change in run.changes(path, content):
                micros = change.write_micros if change.write_micros is not None else epoch_micros(export.end)
                write_ts = EPOCH + timedelta(microseconds=micros)
                try:
                    if change.image is not None:
                        row = maker.row(change.image, write_ts, export.export_id)
                        yield (*row, PUT, micros, order)
                    else:
                        values: list[object] = [None] * width
                        for position, value in zip(positions, maker.key_values(change.keys)):
                            values[position] = value
                        yield (*values, None, write_ts, export.export_id, DELETE, micros, order)
                except MirrorError as error:
                    raise MirrorError(f"{data_file.uri}: line {line}: {error}") from None

    table_schema = schema.spark_schema()
    fields = table_schema.fields + [
        T.StructField(OP, T.StringType(), False),
        T.StructField(MICROS, T.LongType(), False),
        T.StructField(ORDER, T.IntegerType(), False),
    ]
    return spark.createDataFrame(_files(spark, run).mapPartitions(partition_rows), T.StructType(fields))


def run_action(action):
    """Runs a Spark action, turning a MirrorError raised in a task back into a MirrorError."""
    try:
        return action()
    except MirrorError:
        raise
    except Exception as error:
        rejected = MirrorError.from_worker_failure(error)
        if rejected is not None:
            raise rejected from None
        raise
