"""A run writes on a branch of its own (the append of its puts, then its position deletes); one commit then
moves `main` to it and sets the watermark.

So readers of the table (Athena, the next run) see the windows' data and their watermark together or not
at all, whatever happens to the job: a run killed before that commit leaves only an unpublished branch
(removed by maintenance) and files no snapshot of `main` lists. The commit is a compare-and-swap on the
table's metadata that also requires `main` to be where the run found it, so of two writers racing on one
table the second is refused with nothing committed instead of folding its changes into the other's.
"""

from __future__ import annotations

import uuid

from .errors import ConcurrentWriterError
from .table import COMMIT_ATTEMPTS, iceberg_table, main_snapshot_id

RUN_BRANCH_PREFIX = "mirror_run_"


def create_run_branch(spark, table: str, main_snapshot: int | None) -> str:
    """A branch at the snapshot the run planned from (an empty table's branch gets an empty snapshot)."""
    name = f"{RUN_BRANCH_PREFIX}{uuid.uuid4().hex}"
    for _ in range(COMMIT_ATTEMPTS):  # another writer's commit in between only moves the metadata on: try again
        update = iceberg_table(spark, table).manageSnapshots()
        update = update.createBranch(name, main_snapshot) if main_snapshot is not None else update.createBranch(name)
        try:
            update.commit()
            return name
        except Exception as error:  # py4j wraps the JVM's exception
            if "CommitFailedException" not in str(error):
                raise
    raise ConcurrentWriterError(f"{table}: the table kept changing while this run made its branch; nothing committed")


def branch_identifier(table: str, branch: str) -> str:
    """How Spark SQL names a branch of an Iceberg table: `catalog.db.table.branch_<name>`."""
    return f"{table}.`branch_{branch}`"


def publish_run(spark, table: str, branch: str, planned_from: int | None, properties: dict[str, str]) -> None:
    """Points `main` at the branch's head, drops the branch and sets `properties`, in one metadata commit.

    Refused (ConcurrentWriterError) when `main` no longer is `planned_from`, the snapshot the run read.
    """
    jvm = spark._jvm
    operations = iceberg_table(spark, table).operations()
    for _ in range(COMMIT_ATTEMPTS):
        base = operations.refresh()
        _require_main_at(table, base, planned_from)
        head = base.ref(branch)
        if head is None:
            raise ConcurrentWriterError(f"{table}: this run's branch {branch} was removed; nothing committed")
        metadata = (
            jvm.org.apache.iceberg.TableMetadata.buildFrom(base)
            .setBranchSnapshot(head.snapshotId(), "main")
            .removeRef(branch)
            .setProperties(properties)
            .build()
        )
        try:
            operations.commit(base, metadata)
            return
        except Exception as error:  # py4j wraps the JVM's exception
            if "CommitFailedException" not in str(error):
                raise
    raise ConcurrentWriterError(f"{table}: the table kept changing while this run committed; nothing committed")


def remove_branch(spark, table: str, branch: str) -> None:
    """Best effort after a failed run: maintenance removes what a killed run could not."""
    try:
        iceberg_table(spark, table).manageSnapshots().removeBranch(branch).commit()
    except Exception:  # noqa: BLE001 - the run's own error is the one to report
        pass


def remove_run_branches(spark, table: str) -> list[str]:
    """Removes the branches of runs that never published (killed). Maintenance runs alone, and a run whose
    branch goes missing is refused at its commit with nothing committed, so no age check is needed."""
    iceberg = iceberg_table(spark, table)
    names = sorted(name for name in dict(iceberg.refs()) if name.startswith(RUN_BRANCH_PREFIX))
    if names:
        update = iceberg.manageSnapshots()
        for name in names:
            update = update.removeBranch(name)
        update.commit()
    return names


def _require_main_at(table: str, metadata, planned_from: int | None) -> None:
    current_id = main_snapshot_id(metadata)
    if current_id != planned_from:
        raise ConcurrentWriterError(
            f"{table}: another writer committed snapshot {current_id} after this run read snapshot {planned_from}; "
            "nothing of this run was committed: run it again (one writer per table: the construct's run lease "
            "serializes its own runs)"
        )
