"""Removes the rows a run replaces or deletes from the run's branch, by their place in the data files.

The places come from the run's one join of its changes with the table (merge.py); the engine's
PositionDeletes writes the delete files in Spark tasks and commits them in one RowDelta on the branch.
"""

from __future__ import annotations

from .jvm_reader import engine
from .table import iceberg_table


def delete_rows(spark, table: str, branch: str, positions, snapshot_id: int) -> int:
    """`positions` has the columns _file and _pos of rows of `snapshot_id`; returns how many were removed."""
    jvm_table = iceberg_table(spark, table)
    return engine(spark).deleteRows(spark._jsparkSession, positions._jdf, jvm_table, branch, snapshot_id)
