"""The benchmark's input: order items in DynamoDB's export layout, a full export and its windows.

Every system reads the same files. A source is one simulated table: a full export of N items, then
consecutive incremental windows each changing a fraction of the items (mostly updates, some deletes
and some new items), as DynamoDB would export them.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "assets" / "local")]

from dynamo_local.exports import ExportWriter, read_manifest_files  # noqa: E402
from dynamo_local.simulated_table import SimulatedTable  # noqa: E402

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
KEY = ["customerId", "orderId"]
T0 = 1_768_385_930_622_000  # 2026-01-14T10:18:50.622Z, micros
MINUTE = 60_000_000
WINDOW = 15 * MINUTE
STATUSES = ["NEW", "PAID", "SHIPPED", "DELIVERED", "RETURNED"]

# The full export's line schema, known in advance: the floor reads with it and infers nothing.
FULL_EXPORT_SCHEMA = (
    "Item STRUCT<"
    "address: STRUCT<M: STRUCT<city: STRUCT<S: STRING>, zip: STRUCT<S: STRING>>>, "
    "customerId: STRUCT<S: STRING>, "
    "items: STRUCT<N: STRING>, "
    "lines: STRUCT<L: ARRAY<STRUCT<M: STRUCT<qty: STRUCT<N: STRING>, sku: STRUCT<S: STRING>>>>>, "
    "orderId: STRUCT<S: STRING>, "
    "paid: STRUCT<BOOL: BOOLEAN>, "
    "status: STRUCT<S: STRING>, "
    "tags: STRUCT<SS: ARRAY<STRING>>, "
    "total: STRUCT<N: STRING>>"
)


def order(rng: random.Random, customer: int, number: int) -> dict:
    """An order item of a realistic shape (~0.6 KB): numbers, a set, a map and a list of maps."""
    lines = [
        {"M": {"sku": {"S": f"SKU-{rng.randrange(5000):05d}"}, "qty": {"N": str(rng.randint(1, 5))}}}
        for _ in range(rng.randint(1, 4))
    ]
    return {
        "customerId": {"S": f"C{customer:07d}"},
        "orderId": {"S": f"O{number:09d}"},
        "status": {"S": rng.choice(STATUSES)},
        "total": {"N": f"{rng.randrange(100, 100_000) / 100:.2f}"},
        "items": {"N": str(len(lines))},
        "lines": {"L": lines},
        "tags": {"SS": sorted(rng.sample(["gift", "express", "fragile", "promo", "b2b"], 2))},
        "address": {"M": {"city": {"S": f"City {rng.randrange(300)}"}, "zip": {"S": f"{rng.randrange(10**5):05d}"}}},
        "paid": {"BOOL": rng.random() < 0.8},
    }


@dataclass(frozen=True)
class Source:
    """One table's exports: the bucket folder, the full export folder and the window folders, in order."""

    items: int
    bucket: Path
    full: Path
    windows: list[Path]

    def data_files(self) -> list[str]:
        return [str(self.bucket / f["dataFileS3Key"]) for f in read_manifest_files(self.full)]

    def s3_uri(self, folder: Path) -> str:
        """The folder as the guidance scripts name it: s3://<bucket>/<key>/ (the bucket is the folder's name)."""
        return f"s3://{self.bucket.name}/{folder.relative_to(self.bucket).as_posix()}/"


def build_source(bucket: Path, items: int, windows: int, changed: float, seed: int = 7) -> Source:
    """A full export of `items` orders into `bucket`, then `windows` windows each changing `changed` of them."""
    rng = random.Random(seed)
    table = SimulatedTable(KEY)
    live = {}  # order number -> its current item
    for n in range(items):
        live[n] = order(rng, n % max(1, items // 4), n)
        table.put(live[n], T0 - MINUTE + n)
    writer = ExportWriter(bucket, TABLE_ARN, seed=seed)
    full = writer.full_export(table, T0, partitions=4)
    folders = []
    next_number = items
    for w in range(windows):
        start, at = T0 + w * WINDOW, T0 + w * WINDOW + MINUTE
        for n, number in enumerate(rng.sample(list(live), max(1, int(items * changed)))):
            at += 1000
            if n % 10 == 0:  # a tenth deletes, a tenth new items, the rest updates
                gone = live.pop(number)
                table.delete({k: gone[k] for k in KEY}, at)
            elif n % 10 == 1:
                live[next_number] = order(rng, next_number, next_number)
                table.put(live[next_number], at)
                next_number += 1
            else:
                live[number] = {**live[number], "status": {"S": rng.choice(STATUSES)}, "total": {"N": "1.00"}}
                table.put(live[number], at)
        folders.append(writer.incremental_export(table, start, start + WINDOW, partitions=4))
    return Source(items, bucket, full, folders)
