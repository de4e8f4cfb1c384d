"""Applies a run's exports: bootstrap from a full export, then all applicable windows folded in at once.

The windows become one change per key (changes.py) and the table is read once, for the keys they name:
puts are appended as new rows, and the rows they replace and the rows deletes name are removed by
position (position_deletes.py); which changes matched a row also gives the counts.
Commits, in order: the bootstrap (table, rows and state in one commit), new columns with their mapping
(one metadata commit), then the append and the deletes on the run's own branch, and one commit that moves
`main` to it with the new watermark (publish.py). Every input check happens before the first commit, and
readers never see data without its watermark.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from .changes import newest_changes
from .errors import MirrorError
from .manifest import Export, first_missing_data_file, format_time, read_export
from .plan import Plan, plan_run
from .position_deletes import delete_rows
from .publish import branch_identifier, create_run_branch, publish_run, remove_branch
from .reader import MICROS, OP, ORDER, PUT, RunFiles, Survey, change_rows, learn_types, run_action
from .schema import UNMAPPED, Column, TableSchema, empty_schema, validate_overrides
from .storage import Storage
from .table import (
    BOOTSTRAP_EXPORT,
    GAPS,
    LAST_EXPORT,
    WATERMARK,
    TableState,
    add_columns,
    create_table,
    drop_columns,
    load_state,
    state_properties,
)


@dataclass
class ExportResult:
    """What one export did to the table: the CLI prints one line per result."""

    export: Export
    action: str  # "bootstrapped", "applied" or "skipped"
    watermark: str
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unmapped: int = 0
    new_columns: list[str] = field(default_factory=list)
    reason: str = ""

    def line(self) -> str:
        if self.action == "skipped":
            return f"skipped {self.export.describe()}: {self.reason}"
        return (
            f"{self.action} {self.export.describe()}: {self.inserted} inserted, {self.updated} updated, "
            f"{self.deleted} deleted, {self.unmapped} unmapped values, {len(self.new_columns)} new columns; "
            f"watermark {self.watermark}"
        )


def apply_exports(
    spark,
    table: str,
    key: Sequence[str],
    locations: Sequence[str],
    allow_gap: bool = False,
    column_types: dict[str, str] | None = None,
    key_types: dict[str, str] | None = None,
    partition_buckets: int = 0,
) -> list[ExportResult]:
    """Applies exports to `table` (catalog.db.table); `key_types` maps key attributes to S, N or B.

    `partition_buckets` shapes a table created by this run (bootstrap); an existing table keeps its layout.
    """
    overrides = dict(column_types or {})
    validate_overrides(overrides)
    storage = Storage(spark)
    exports = [read_export(storage, location) for location in locations]
    state = load_state(spark, table)
    if state is not None and tuple(key) != state.schema.key:
        raise MirrorError(f"--key {','.join(key)} differs from the table's key {','.join(state.schema.key)}")
    plan = plan_run(exports, state, allow_gap)
    results = [ExportResult(e, "skipped", _watermark_text(state), reason=why) for e, why in plan.skipped]
    if plan.empty:
        return results
    try:
        return results + _apply_plan(spark, table, key, plan, state, overrides, key_types, partition_buckets)
    except MirrorError:
        raise
    except Exception:
        # Spark reports a data file that is gone as a bare path error; name it and its manifest instead.
        missing = first_missing_data_file(storage, ([plan.bootstrap] if plan.bootstrap else []) + plan.windows)
        if missing is not None:
            raise MirrorError(
                f"{missing.uri}: listed in its export's manifest-files.json but not found; the export is "
                "incomplete (was it expired or moved?): export again"
            ) from None
        raise


def _apply_plan(
    spark,
    table: str,
    key: Sequence[str],
    plan: Plan,
    state: TableState | None,
    overrides: dict[str, str],
    key_types: dict[str, str] | None,
    partition_buckets: int,
) -> list[ExportResult]:
    results: list[ExportResult] = []
    base = state.schema if state is not None and plan.bootstrap is None else empty_schema(key)
    survey = learn_types(spark, RunFiles(([plan.bootstrap] if plan.bootstrap else []) + plan.windows), key)
    schema, new_columns = base.extended(survey.stats, overrides, key_types)
    missing = [k for k in key if k not in {c.attribute for c in schema.columns}]
    if missing:
        raise MirrorError(
            f"--key: no item has the key attribute(s) {', '.join(missing)}; for an empty table give the key's "
            "types, e.g. --key pk:S,sk:N"
        )

    if plan.bootstrap is not None:
        results.append(_bootstrap(spark, table, schema, plan.bootstrap, state is not None, partition_buckets, survey))
        results[-1].new_columns = [c.name for c in new_columns]
        state = load_state(spark, table)
    if plan.windows:
        assert state is not None  # windows are planned only for a table that exists (or was just bootstrapped)
        added = new_columns if plan.bootstrap is None else []
        results += _apply_windows(spark, table, schema, added, state, plan, survey)
        if plan.bootstrap is None:
            next(r for r in results if r.action == "applied").new_columns = [c.name for c in new_columns]
    return results


def _watermark_text(state: TableState | None) -> str:
    return format_time(state.watermark) if state is not None else ""


def _bootstrap(
    spark, table: str, schema: TableSchema, export: Export, replace: bool, partition_buckets: int, survey: Survey
) -> ExportResult:
    from pyspark.sql import functions as F

    rows = change_rows(spark, RunFiles([export]), schema, survey).drop(OP, MICROS, ORDER)
    properties = state_properties(schema, export.end, export.table_arn, export.export_id, export.export_id, [])
    key_column = schema.key_columns[0]
    run_action(lambda: create_table(spark, table, rows, properties, replace, partition_buckets, key_column))
    rows_written, unmapped = spark.table(table).agg(F.count(F.lit(1)), F.sum(_unmapped_count())).first()
    return ExportResult(export, "bootstrapped", format_time(export.end), inserted=rows_written, unmapped=unmapped or 0)


def _unmapped_count():
    from pyspark.sql import functions as F

    return F.when(F.col(UNMAPPED).isNotNull(), F.size(UNMAPPED)).otherwise(0)


def _apply_windows(
    spark, table: str, schema: TableSchema, new_columns: list[Column], state: TableState, plan: Plan, survey: Survey
) -> list[ExportResult]:
    from pyspark.sql import functions as F

    keys = schema.key_columns
    rows = change_rows(spark, RunFiles(plan.windows), schema, survey)
    changes = newest_changes(spark, rows, keys, plan.windows, table, state.bootstrap_export, state.watermark)
    changes = changes.persist()
    matched = _matched_rows(spark, table, keys, changes, state.snapshot_id).persist()
    branch, added = None, []
    try:
        # Counting reads and converts every line: bad input fails here, before anything is committed.
        counts = run_action(lambda: _count(changes, matched))
        branch = create_run_branch(spark, table, state.snapshot_id)
        if new_columns:
            add_columns(spark, table, new_columns, schema, state.schema)
            added = new_columns
        # Puts land as new rows; the rows they replace and the rows deletes name go by position.
        if _total(counts, "inserted", "updated"):
            puts = changes.where(F.col(OP) == PUT).drop(OP, MICROS, ORDER)  # the table's columns, as in _bootstrap
            puts.writeTo(branch_identifier(table, branch)).append()
        if _total(counts, "updated", "deleted"):
            assert state.snapshot_id is not None  # rows matched, so the table had a snapshot
            delete_rows(spark, table, branch, matched, state.snapshot_id)
        publish_run(spark, table, branch, state.snapshot_id, _window_properties(state, plan))
    except BaseException:
        # Nothing was published: take back the run's branch and the empty columns it added.
        if branch is not None:
            remove_branch(spark, table, branch)
        if added:
            drop_columns(spark, table, added, state.schema, state.snapshot_id)
        raise
    finally:
        changes.unpersist()
        matched.unpersist()
    results = []
    for order, (window, watermark) in enumerate(zip(plan.windows, plan.watermarks)):
        c = counts.get(order, {})
        results.append(
            ExportResult(
                window,
                "applied",
                format_time(watermark),
                inserted=c.get("inserted", 0),
                updated=c.get("updated", 0),
                deleted=c.get("deleted", 0),
                unmapped=c.get("unmapped", 0),
            )
        )
    return results


def _window_properties(state: TableState, plan: Plan) -> dict[str, str]:
    return {
        WATERMARK: format_time(plan.watermarks[-1]),
        LAST_EXPORT: plan.windows[-1].export_id,
        GAPS: json.dumps(state.gaps + plan.accepted_gaps),
        BOOTSTRAP_EXPORT: state.bootstrap_export,
    }


def _matched_rows(spark, table: str, keys: list[str], changes, snapshot_id: int | None):
    """The run's one read of the table: for each change whose key the table holds, where that row lies
    (_file, _pos in the snapshot the run read). An inner join, so Spark may broadcast the changes."""
    reader = spark.read if snapshot_id is None else spark.read.option("snapshot-id", str(snapshot_id))
    places = reader.table(table).select(*keys, "_file", "_pos")
    return changes.select(*keys, OP, ORDER).join(places, keys)


def _count(changes, matched) -> dict[int, dict[str, int]]:
    """Per export of the run: inserts, updates and deletes that take effect, and unmapped values written.
    A put is an update when its key matched a row, else an insert; a delete of a key the table does not
    have changes nothing."""
    from pyspark.sql import functions as F

    counts: dict[int, dict[str, int]] = {}

    def add(order: int, name: str, n: int) -> None:
        entry = counts.setdefault(order, {})
        entry[name] = entry.get(name, 0) + n

    puts = changes.where(F.col(OP) == PUT).groupBy(ORDER).agg(
        F.count(F.lit(1)).alias("n"), F.sum(_unmapped_count()).alias("unmapped")
    )
    for row in puts.collect():
        add(row[ORDER], "inserted", row["n"])
        add(row[ORDER], "unmapped", row["unmapped"] or 0)
    for row in matched.groupBy(ORDER, OP).count().collect():
        if row[OP] == PUT:
            add(row[ORDER], "inserted", -row["count"])
            add(row[ORDER], "updated", row["count"])
        else:
            add(row[ORDER], "deleted", row["count"])
    return counts


def _total(counts: dict[int, dict[str, int]], *names: str) -> int:
    return sum(entry.get(name, 0) for entry in counts.values() for name in names)
