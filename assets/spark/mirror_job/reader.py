"""Reads the data files of a run's exports in Spark tasks: once to learn types, once to build rows.

The JVM reader (jvm_reader.py) does both passes unless it passes over the run; the Python reader here
is the reference it follows, and reads the runs it passes over (and words their faults).

Every line becomes a change at a point in time: a full export's items are puts at its exportTime, an
incremental line is a put (NewImage) or a delete (no NewImage) at its WriteTimestampMicros. Each change
also carries its export's position in the run, which breaks ties between equal timestamps.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from . import jvm_reader
from .decode import Change, read_changes
from .errors import MirrorError
from .inference import AttributeStats
from .key_check import check_line_key, duplicate_key_message, key_text
from .manifest import DataFile, Export
from .schema import RowMaker, TableSchema, key_error_message

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

    def changes(self, path: str, content: bytes) -> Iterator[tuple[int, Export, DataFile, int, Change]]:
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


@dataclass(frozen=True)
class Survey:
    """What the first pass learned, and which reader reads the run's rows."""

    stats: AttributeStats
    jvm: bool


def learn_types(spark, run: RunFiles, key: Sequence[str], unique_keys: bool = True) -> Survey:
    """First pass (see python_learn_types), by the JVM reader unless it passes over the run.

    `unique_keys` off leaves a full export's duplicate keys to the caller (verify reports them its own way).
    """
    surveyed = run_action(lambda: jvm_reader.survey(spark, run.exports, key))
    if surveyed.passed_over is None:
        if surveyed.duplicate is not None and unique_keys:
            text, places = surveyed.duplicate
            uris = run.uris()
            raise MirrorError(duplicate_key_message(text, key, [f"{uris[n]}: line {line}" for n, line in places]))
        return Survey(surveyed.stats, jvm=True)
    print(f"note: the JVM reader passes over {surveyed.passed_over}; reading this run in Python", file=sys.stderr)
    return Survey(python_learn_types(spark, run, key, unique_keys), jvm=False)


def python_learn_types(spark, run: RunFiles, key: Sequence[str], unique_keys: bool = True) -> AttributeStats:
    """First pass: checks every file and line, gathers per-attribute type statistics, and refuses a full
    export holding two items with one declared key.

    Each partition emits its statistics under the key None and, for each full-export item, its key text
    with a count and where it was read; one reduceByKey merges both, so the duplicate check reads no file
    twice and ships only key texts through the shuffle.
    """
    uris = run.uris()
    number_of = {uri: n for n, uri in enumerate(uris)}

    def partition_records(files) -> Iterator[tuple]:
        stats = AttributeStats()
        for path, content in files:
            for _, export, data_file, line, change in run.changes(path, content):
                try:
                    check_line_key(change.keys, change.image, key, export.incremental)
                    if change.image is not None:
                        stats.add(change.image)
                except ValueError as error:
                    raise MirrorError(f"{data_file.uri}: line {line}: {error}") from None
                if not export.incremental:
                    yield key_text(change.keys, key), (1, ((number_of[data_file.uri], line),))
        yield _STATS, stats

    def stats_and_first_duplicate(entries) -> Iterator[tuple]:
        duplicate_found = False
        for text, value in entries:
            if text is _STATS:
                yield text, value
            elif value[0] > 1 and not duplicate_found:
                duplicate_found = True
                yield text, value

    found = run_action(
        lambda: (
            _files(spark, run)
            .mapPartitions(partition_records)
            .reduceByKey(_merge_records)
            .mapPartitions(stats_and_first_duplicate)
            .collect()
        )
    )
    duplicates = sorted((text, value) for text, value in found if text is not _STATS)
    if duplicates and unique_keys:
        text, (_, places) = duplicates[0]
        locations = [f"{uris[number]}: line {line}" for number, line in places]
        raise MirrorError(duplicate_key_message(text, key, locations))
    stats = AttributeStats()
    for text, value in found:
        if text is _STATS:
            stats.update(value)
    return stats


_STATS = None  # the shuffle key of a partition's statistics; never a key text


def _merge_records(a, b):
    if isinstance(a, AttributeStats):
        return a.update(b)
    return a[0] + b[0], tuple(sorted(a[1] + b[1]))[:2]


def change_rows(spark, run: RunFiles, schema: TableSchema, survey: Survey):
    """Second pass: a DataFrame of rows in the table's layout plus _op, _micros and _order columns.

    `survey` is the first pass over these files (or a run holding them): it chose the reader."""
    if survey.jvm:
        return jvm_reader.rows(spark, run.exports, schema.key, schema.to_json(), change_schema(schema))
    return python_change_rows(spark, run, schema)


def change_schema(schema: TableSchema):
    """The rows' Spark type: the table's columns, then _op, _micros and _order."""
    from pyspark.sql import types as T

    fields = schema.spark_schema().fields + [
        T.StructField(OP, T.StringType(), False),
        T.StructField(MICROS, T.LongType(), False),
        T.StructField(ORDER, T.IntegerType(), False),
    ]
    return T.StructType(fields)


def python_change_rows(spark, run: RunFiles, schema: TableSchema):
    """The second pass in Python workers."""

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

    return spark.createDataFrame(_files(spark, run).mapPartitions(partition_rows), change_schema(schema))


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
        found = jvm_reader.key_error(str(error))
        if found is not None:
            message = key_error_message(found["kind"], found["attribute"], found["value"])
            raise MirrorError(f"{found['uri']}: line {found['line']}: {message}") from None
        raise
