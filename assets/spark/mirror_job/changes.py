"""From the lines of a run's windows to one change per key: what the run writes to the table.

Each key keeps its newest line (by WriteTimestampMicros, then by window order). Overlapping windows need
one more rule, because a window leaves out items created and deleted inside it: when a key's newest
known write (its newest line, or the table row's `_write_ts` from an earlier window) falls inside a
window of this run that has no line for the key, the key was created and deleted inside that window,
so it is deleted. Chained windows (start == previous end) never trigger it.
"""

from __future__ import annotations

from datetime import datetime

from .manifest import Export
from .reader import DELETE, MICROS, OP, ORDER, epoch_micros
from .schema import EXPORT_ID, WRITE_TS

ORDERS = "_orders"


def newest_changes(
    spark, rows, keys: list[str], windows: list[Export], table: str, bootstrap_export: str, watermark: datetime
):
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    by_key = Window.partitionBy(*keys)
    newest_first = by_key.orderBy(F.col(MICROS).desc(), F.col(ORDER).desc())
    changes = (
        rows.withColumn(ORDERS, F.collect_set(ORDER).over(by_key))
        .withColumn("_rank", F.row_number().over(newest_first))
        .where("_rank = 1")
        .drop("_rank")
    )
    spans = F.array(
        *[
            F.struct(
                F.lit(order).alias("order"),
                F.lit(epoch_micros(w.start)).alias("start"),
                F.lit(epoch_micros(w.end)).alias("end"),
            )
            for order, w in enumerate(windows)
        ]
    )

    def left_out_by_a_window(written, orders):
        return F.exists(spans, lambda w: (w.start <= written) & (written < w.end) & ~F.array_contains(orders, w.order))

    changes = changes.withColumn(
        OP, F.when(left_out_by_a_window(F.col(MICROS), F.col(ORDERS)), F.lit(DELETE)).otherwise(F.col(OP))
    )
    earliest = min(epoch_micros(w.start) for w in windows)
    if earliest < epoch_micros(watermark):
        changes = changes.unionByName(
            _rows_left_out(spark, changes, keys, table, bootstrap_export, earliest, left_out_by_a_window)
        )
    return changes.drop(ORDERS)


def _rows_left_out(spark, changes, keys, table, bootstrap_export, earliest, left_out_by_a_window):
    """Delete changes for table rows, written by an earlier window inside this run's span, that no line names."""
    from pyspark.sql import functions as F

    written = F.unix_micros(F.col(WRITE_TS))
    rows = (
        spark.table(table)
        .where((F.col(EXPORT_ID) != F.lit(bootstrap_export)) & (written >= F.lit(earliest)))
        .select(*keys, written.alias(MICROS))
        .join(changes.select(*keys), keys, "left_anti")
        .where(left_out_by_a_window(F.col(MICROS), F.array().cast("array<int>")))
    )
    columns = []
    for field in changes.schema.fields:
        if field.name in keys or field.name == MICROS:
            columns.append(F.col(field.name))
        elif field.name == OP:
            columns.append(F.lit(DELETE).alias(OP))
        elif field.name == ORDER:
            columns.append(F.lit(-1).alias(ORDER))
        else:
            columns.append(F.lit(None).cast(field.dataType).alias(field.name))
    return rows.select(*columns)
