"""The benchmark's input: order items in DynamoDB's export layout, a full export and its windows.

Every system reads the same files. A source is one simulated table: a full export of N items, then
consecutive incremental windows each changing a fraction of the items (mostly updates, some deletes
and some new items), as DynamoDB would export them.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sys
from collections.abc import Iterator
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
TAGS = ["gift", "express", "fragile", "promo", "b2b"]

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


class Draws:
    """Random choices read off a hash of (seed, order number): an order is made again from its number
    alone, so no table of items is kept, whatever N."""

    def __init__(self, seed: int, number: int):
        digest = hashlib.blake2b(f"{seed}:{number}".encode(), digest_size=64).digest()
        self._bits = int.from_bytes(digest, "big")  # 512 bits; an order uses under 130

    def below(self, n: int) -> int:
        self._bits, value = divmod(self._bits, n)
        return value


def order(seed: int, customer: int, number: int) -> dict:
    """An order item of a realistic shape (~0.6 KB): numbers, a set, a map and a list of maps."""
    draw = Draws(seed, number).below
    lines = [
        {"M": {"sku": {"S": f"SKU-{draw(5000):05d}"}, "qty": {"N": str(1 + draw(5))}}} for _ in range(1 + draw(4))
    ]
    first = draw(len(TAGS))
    return {
        "customerId": {"S": f"C{customer:07d}"},
        "orderId": {"S": f"O{number:09d}"},
        "status": {"S": STATUSES[draw(len(STATUSES))]},
        "total": {"N": f"{(100 + draw(99_900)) / 100:.2f}"},
        "items": {"N": str(len(lines))},
        "lines": {"L": lines},
        "tags": {"SS": sorted([TAGS[first], TAGS[(first + 1 + draw(len(TAGS) - 1)) % len(TAGS)]])},
        "address": {"M": {"city": {"S": f"City {draw(300)}"}, "zip": {"S": f"{draw(10**5):05d}"}}},
        "paid": {"BOOL": draw(10) < 8},
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
    """A full export of `items` orders into `bucket`, then `windows` windows each changing `changed` of them.

    The full export is streamed from the order numbers; only the orders the windows touch are kept (as
    JSON text), and each window is written from a simulated table of its own changes: memory does not
    grow with N, and only a little with the number of changes.
    """
    customers = max(1, items // 4)

    def first_version(number: int) -> dict:  # as written before the full export (new orders: their own customer)
        return order(seed, number % customers if number < items else number, number)

    writer = ExportWriter(bucket, TABLE_ARN, seed=seed)
    in_export_order = (first_version(n) for n in scattered(items))
    full = writer.full_export_of(in_export_order, KEY, T0, partitions=4)
    rng = random.Random(seed)
    current: dict[int, str | None] = {}  # order number -> its item now, as JSON (None: deleted); touched orders only
    folders = []
    next_number = items
    for w in range(windows):
        start, at = T0 + w * WINDOW, T0 + w * WINDOW + MINUTE
        window = SimulatedTable(KEY)  # this window's writes, each after the key's version at the window start
        for n, number in enumerate(live_sample(rng, max(1, int(items * changed)), next_number, current)):
            at += 1000
            if n % 10 == 1:  # a tenth new items, a tenth deletes, the rest updates
                new = first_version(next_number)
                window.put(new, at)
                current[next_number] = json.dumps(new)
                next_number += 1
                continue
            text = current.get(number)
            before = json.loads(text) if text is not None else first_version(number)  # live_sample: not deleted
            window.put(before, start - 1)
            if n % 10 == 0:
                window.delete({k: before[k] for k in KEY}, at)
                current[number] = None
            else:
                after = {**before, "status": {"S": rng.choice(STATUSES)}, "total": {"N": "1.00"}}
                window.put(after, at)
                current[number] = json.dumps(after)
        folders.append(writer.incremental_export(window, start, start + WINDOW, partitions=4))
    return Source(items, bucket, full, folders)


def scattered(count: int) -> Iterator[int]:
    """0 .. count-1 in a scattered order (n -> a*n mod count, a coprime to count): real exports are not in
    key order, and a sorted input would flatter a reader that sorts; no list of count numbers is made."""
    step = max(1, int(count * 0.618))
    while math.gcd(step, count) != 1:
        step += 1
    return ((n * step) % count for n in range(count))


def live_sample(rng: random.Random, count: int, numbers: int, current: dict[int, str | None]) -> list[int]:
    """`count` distinct live order numbers below `numbers`, drawn without listing them all."""
    if count > numbers - sum(item is None for item in current.values()):
        raise ValueError(f"a window cannot change {count} orders: too few are live")
    chosen: dict[int, None] = {}  # a dict keeps the draw order: the same seed, the same windows
    while len(chosen) < count:
        number = rng.randrange(numbers)
        if current.get(number, True) is not None:
            chosen[number] = None
    return list(chosen)
