"""Table upkeep, run serialized with merges (the state machine never runs both at once).

Compaction folds merge-on-read position deletes back into data files; expiring snapshots and removing
orphans keep storage bounded. The watermark lives in table properties, so expiring snapshots keeps it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .errors import ConcurrentWriterError
from .publish import remove_run_branches
from .session import CATALOG, qualified

# How Iceberg reports a commit that lost to another writer's (optimistic concurrency).
_CONFLICT_SIGNS = ("CommitFailedException", "ValidationException", "Cannot commit")


def maintain(spark, table: str, retain_days: int = 5, retain_last: int = 1, orphan_days: int = 3) -> dict[str, list]:
    """`table` is `db.table`; returns each procedure's result rows."""
    now = datetime.now(timezone.utc)

    def call(procedure: str, arguments: str) -> list:
        statement = f"CALL {CATALOG}.system.{procedure}(table => '{table}', {arguments})"
        try:
            return [r.asDict() for r in spark.sql(statement).collect()]
        except Exception as error:
            if not any(sign in str(error) for sign in _CONFLICT_SIGNS):
                raise
            raise ConcurrentWriterError(
                f"{table}: another writer committed while maintenance ran {procedure}, which committed nothing "
                "(the steps before it did, each complete in itself): run maintenance again"
            ) from None

    def before(days: int) -> str:
        return (now - timedelta(days=days)).strftime("TIMESTAMP '%Y-%m-%d %H:%M:%S'")

    # Every data file with a position delete is rewritten, and the new files take the new snapshot's
    # sequence number, so no delete file applies to them any more. (The starting sequence number only
    # spares conflicts with concurrent writers, and runs are serialized.) Iceberg 1.10 removes the
    # dangling delete files of partitioned tables only; on an unpartitioned one they stay, inert.
    compaction = {
        "delete-file-threshold": "1",
        "use-starting-sequence-number": "false",
        "remove-dangling-deletes": "true",
    }
    options = ", ".join(f"'{k}', '{v}'" for k, v in compaction.items())
    # A killed run leaves its unpublished branch; once it is gone, expiry and orphan removal take its files.
    run_branches = remove_run_branches(spark, qualified(table))
    return {
        "removed_run_branches": [{"branch": name} for name in run_branches],
        "rewrite_data_files": call("rewrite_data_files", f"options => map({options})"),
        "rewrite_manifests": call("rewrite_manifests", "use_caching => false"),
        "expire_snapshots": call(
            "expire_snapshots", f"older_than => {before(retain_days)}, retain_last => {retain_last}"
        ),
        "remove_orphan_files": call("remove_orphan_files", f"older_than => {before(orphan_days)}"),
    }
