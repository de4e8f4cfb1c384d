"""Table upkeep, run serialized with merges (the state machine never runs both at once).

Compaction folds merge-on-read position deletes back into data files; expiring snapshots and removing
orphans keep storage bounded. The watermark lives in table properties, so expiring snapshots keeps it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .session import CATALOG


def maintain(spark, table: str, retain_days: int = 5, retain_last: int = 1, orphan_days: int = 3) -> dict[str, list]:
    """`table` is `db.table`; returns each procedure's result rows."""
    now = datetime.now(timezone.utc)

    def call(procedure: str, arguments: str) -> list:
        return [
            r.asDict()
            for r in spark.sql(f"CALL {CATALOG}.system.{procedure}(table => '{table}', {arguments})").collect()
        ]

    def before(days: int) -> str:
        return (now - timedelta(days=days)).strftime("TIMESTAMP '%Y-%m-%d %H:%M:%S'")

    return {
        "rewrite_data_files": call(
            "rewrite_data_files", "options => map('delete-ratio-threshold', '0.3', 'remove-dangling-deletes', 'true')"
        ),
        "rewrite_manifests": call("rewrite_manifests", "use_caching => false"),
        "expire_snapshots": call(
            "expire_snapshots", f"older_than => {before(retain_days)}, retain_last => {retain_last}"
        ),
        "remove_orphan_files": call("remove_orphan_files", f"older_than => {before(orphan_days)}"),
    }
