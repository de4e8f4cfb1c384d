"""A scenario: a simulated DynamoDB table (the oracle), its exports in the AWS layout, and the mirror."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

from dynamo_local.exports import ExportWriter
from dynamo_local.simulated_table import SimulatedTable
from mirror_job.merge import ExportResult, apply_exports
from mirror_job.verify import verify
from support.compare import Mirror, assert_mirror_matches, assert_write_ts, read_mirror

TABLE_ARN = "arn:aws:dynamodb:eu-north-1:123456789123:table/orders"
T0 = 1_768_385_930_622_000  # 2026-01-14T10:18:50.622Z, micros
MINUTE = 60_000_000

# The scenarios the running test has checked against the oracle, with the watermark each was checked at.
checked: list[tuple[Scenario, int]] = []


class Scenario:
    def __init__(
        self,
        spark,
        root: Path,
        key=("pk", "sk"),
        prefix: str | None = None,
        table_arn: str = TABLE_ARN,
        key_types: dict[str, str] | None = None,
    ):
        self.spark = spark
        self.key = list(key)
        self.key_types = key_types
        self.source = SimulatedTable(self.key)
        self.bucket = root / "bucket"
        self.writer = ExportWriter(self.bucket, table_arn, prefix=prefix, seed=random.randrange(1 << 30))
        self.table = f"mirror.db.t_{uuid.uuid4().hex[:12]}"
        self.full_export_micros: int | None = None

    def full(self, at_micros: int, partitions: int = 4) -> Path:
        self.full_export_micros = at_micros
        return self.writer.full_export(self.source, at_micros, partitions)

    def window(self, start_micros: int, end_micros: int, **options) -> Path:
        return self.writer.incremental_export(self.source, start_micros, end_micros, **options)

    def apply(self, *exports: Path, **options) -> list[ExportResult]:
        options.setdefault("key_types", self.key_types)
        return apply_exports(self.spark, self.table, self.key, [str(e) for e in exports], **options)

    def check(self, watermark_micros: int) -> Mirror:
        """The mirror equals the simulated table at the watermark, value by value, metadata included."""
        mirror = read_mirror(self.spark, self.table)
        assert mirror.watermark_micros == watermark_micros
        assert_mirror_matches(mirror.items, self.source.state_at(watermark_micros), mirror.double_attributes())
        assert_write_ts(mirror.meta, self.source, self.full_export_micros, watermark_micros)
        checked.append((self, watermark_micros))
        return mirror

    def verify(self, watermark_micros: int) -> dict:
        """The job's own `verify` against a fresh full export at the watermark (time travel to its snapshot)."""
        return verify(self.spark, self.table, str(self.writer.full_export(self.source, watermark_micros, 2)))

    def snapshot(self) -> tuple:
        """What a failed run must leave untouched: the current snapshot and the mirror's properties."""
        history = self.spark.sql(f"SELECT snapshot_id FROM {self.table}.history").collect()
        properties = {
            r[0]: r[1]
            for r in self.spark.sql(f"SHOW TBLPROPERTIES {self.table}").collect()
            if r[0].startswith("dynamo-iceberg-mirror.")
        }
        return [r[0] for r in history], properties
