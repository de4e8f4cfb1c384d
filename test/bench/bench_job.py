"""Benchmark of the Spark job, side by side with Spark's own JSON reader on the same export files.

    npx projen bench [--items N] [--changed FRACTION] [--repeat R]

One local session, one run: a full export of N order items in the AWS layout, then one incremental
window changing a fraction of them. Each step runs R times on fresh tables; the fastest run counts.
Figures are ratios to a baseline measured in the same run (times on their own say little about
another machine):
- native load: `spark.read.json` of the full export's data files, written as an Iceberg table with
  the raw DynamoDB JSON structs (what a hand-rolled load does, with no type mapping);
- bootstrap: the job's bootstrap of the same export (typed columns, checks, state);
- window: the job's apply of the window onto a bootstrapped table.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "assets" / "spark"), str(ROOT / "assets" / "local")]

from dynamo_local.exports import ExportWriter, read_manifest_files  # noqa: E402
from dynamo_local.simulated_table import SimulatedTable  # noqa: E402

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
T0 = 1_768_385_930_622_000  # 2026-01-14T10:18:50.622Z, micros
MINUTE = 60_000_000
STATUSES = ["NEW", "PAID", "SHIPPED", "DELIVERED", "RETURNED"]


def order(rng: random.Random, customer: int, number: int) -> dict:
    """An order item of a realistic shape: numbers, a set, a map and a list of maps."""
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


def build_exports(folder: Path, items: int, changed: float, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    source = SimulatedTable(["customerId", "orderId"])
    orders = []
    for n in range(items):
        item = order(rng, n % max(1, items // 4), n)
        source.put(item, T0 - MINUTE + n)
        orders.append(item)
    writer = ExportWriter(folder / "bucket", TABLE_ARN, seed=seed)
    full = writer.full_export(source, T0, partitions=8)
    at = T0 + MINUTE
    for n, item in enumerate(rng.sample(orders, int(items * changed))):
        at += 1000
        if n % 10 == 0:
            source.delete({k: item[k] for k in ("customerId", "orderId")}, at)
        else:
            source.put({**item, "status": {"S": rng.choice(STATUSES)}, "total": {"N": "1.00"}}, at)
    for n in range(items, items + int(items * changed / 10)):
        at += 1000
        source.put(order(rng, n, n), at)
    window = writer.incremental_export(source, T0, T0 + 15 * MINUTE, partitions=4)
    return full, window


def fastest(repeat: int, step) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--changed", type=float, default=0.1, help="fraction of items the window changes")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)

    from mirror_job.merge import apply_exports
    from mirror_job.session import configure_catalog, local_session

    with tempfile.TemporaryDirectory(prefix="mirror-bench-") as tmp:
        folder = Path(tmp)
        full, window = build_exports(folder, args.items, args.changed)
        data_files = [str(folder / "bucket" / f["dataFileS3Key"]) for f in read_manifest_files(full)]
        spark = local_session("dynamo-iceberg-mirror-bench")
        configure_catalog(spark, "hadoop", (folder / "warehouse").as_uri())
        key = ["customerId", "orderId"]
        new_table = lambda: f"mirror.bench.t_{uuid.uuid4().hex[:10]}"  # noqa: E731

        def native() -> None:
            spark.read.json(data_files).select("Item.*").writeTo(new_table()).using("iceberg").create()

        def bootstrap() -> None:
            apply_exports(spark, new_table(), key, [str(full)])

        tables = []
        for _ in range(args.repeat):
            tables.append(new_table())
            apply_exports(spark, tables[-1], key, [str(full)])

        def apply_window() -> None:
            apply_exports(spark, tables.pop(), key, [str(window)])

        native()  # warm-up: JIT, class loading, the first Iceberg commit
        results = {
            "native load": fastest(args.repeat, native),
            "bootstrap": fastest(args.repeat, bootstrap),
            "window": fastest(args.repeat, apply_window),
        }
        spark.stop()

    changes = int(args.items * args.changed) + int(args.items * args.changed / 10)
    print(f"\n{args.items} items, window of ~{changes} changes, fastest of {args.repeat} runs each")
    for name, seconds in results.items():
        print(f"  {name:<12} {seconds:7.2f} s")
    print(f"  bootstrap / native load: {results['bootstrap'] / results['native load']:.2f}x")
    print(f"  window / bootstrap:      {results['window'] / results['bootstrap']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
