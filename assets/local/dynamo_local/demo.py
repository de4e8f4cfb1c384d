"""The whole story on one machine: a product table, its exports, and the Iceberg mirror they build.

Exports are written in the exact AWS layout into a folder standing for the S3 bucket and folded by the
same Spark job that runs on EMR Serverless, here in local mode with a plain Iceberg warehouse folder.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from dynamo_local.exports import ExportWriter
from dynamo_local.simulated_table import SimulatedTable

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Products"
MIRROR = "mirror.demo.products"
T0 = 1_768_385_930_622_000  # 2026-01-14T10:18:50.622Z, micros
MINUTE = 60_000_000
WINDOW = 15 * MINUTE


def product(pid: int, name: str, category: str, price: str, stock: int, **more) -> dict:
    item = {
        "ProductID": {"N": str(pid)},
        "Name": {"S": name},
        "Category": {"S": category},
        "Price": {"N": price},
        "Stock": {"N": str(stock)},
    }
    item.update(more)
    return item


CATALOG = [
    product(
        1,
        "Trail Running Shoe",
        "Shoes",
        "129.99",
        42,
        Tags={"SS": ["running", "outdoor"]},
        Dimensions={"M": {"Weight": {"N": "0.31"}, "Size": {"S": "EU 42"}}},
    ),
    product(2, "Rain Jacket", "Apparel", "89.50", 17, Tags={"SS": ["waterproof"]}, Discontinued={"BOOL": False}),
    product(3, "Water Bottle", "Gear", "12", 250, Colors={"L": [{"S": "blue"}, {"S": "black"}]}),
    product(4, "Headlamp", "Gear", "34.95", 0, Discontinued={"BOOL": True}),
    product(5, "Wool Socks", "Apparel", "15.00", 120, Tags={"SS": ["merino", "winter"]}),
]


def step(number: int, text: str) -> None:
    print(f"\n[{number}/7] {text}", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dynamo-iceberg-mirror demo", description=__doc__)
    parser.add_argument("--dir", default="demo-warehouse", help="folder for the exports and the warehouse")
    folder = Path(parser.parse_args(argv).dir).resolve()
    shutil.rmtree(folder, ignore_errors=True)
    bucket, warehouse = folder / "bucket", folder / "warehouse"
    started = time.time()

    step(1, "A DynamoDB table 'Products' with 5 items, exported in full (point in time 2026-01-14T10:18:50.622Z)")
    source = SimulatedTable(["ProductID"])
    for offset, item in enumerate(CATALOG):
        source.put(item, T0 - (10 - offset) * MINUTE)
    writer = ExportWriter(bucket, TABLE_ARN, seed=42)
    full = writer.full_export(source, T0)
    print(f"      full export written to {full.relative_to(folder)}")

    step(2, "Starting Spark (local mode) with the Iceberg runtime")
    from mirror_job.merge import apply_exports
    from mirror_job.progress import show_export
    from mirror_job.session import catalog_settings, local_session
    from mirror_job.verify import verify

    spark = local_session("dynamo-iceberg-mirror-demo", catalog_settings("hadoop", warehouse.as_uri()))

    def apply(export: Path) -> None:
        show_export(str(export), indent="      ")
        for result in apply_exports(spark, MIRROR, ["ProductID"], [str(export)], key_types={"ProductID": "N"}):
            print(f"      {result.line()}", flush=True)

    step(3, "Bootstrap: the full export becomes the Iceberg table")
    apply(full)
    bootstrap_snapshot = spark.sql(f"SELECT snapshot_id FROM {MIRROR}.snapshots ORDER BY committed_at").first()[0]
    show(spark, "The mirror after the bootstrap")

    step(4, "A burst of writes, exported as two incremental windows of 15 minutes")
    source.put(product(6, "Camp Stove", "Gear", "59.90", 8), T0 + 2 * MINUTE)
    source.put(
        product(
            1,
            "Trail Running Shoe",
            "Shoes",
            "119.99",
            40,
            Tags={"SS": ["running", "outdoor", "sale"]},
            Dimensions={"M": {"Weight": {"N": "0.31"}, "Size": {"S": "EU 42"}}},
        ),
        T0 + 4 * MINUTE,
    )
    source.put(product(3, "Water Bottle", "Gear", "12", 250), T0 + 6 * MINUTE)  # REMOVE Colors
    source.put({**product(5, "Wool Socks", "Apparel", "15.00", 0), "Stock": {"S": "back in May"}}, T0 + 9 * MINUTE)
    first = writer.incremental_export(source, T0, T0 + WINDOW)
    source.delete({"ProductID": {"N": "4"}}, T0 + 17 * MINUTE)
    source.put(product(7, "Sleeping Bag", "Gear", "149", 5, Tags={"SS": ["winter"]}), T0 + 21 * MINUTE)
    source.put(product(2, "Rain Jacket", "Apparel", "79.50", 16, Tags={"SS": ["waterproof"]}), T0 + 25 * MINUTE)
    second = writer.incremental_export(source, T0 + WINDOW, T0 + 2 * WINDOW)
    print("      window 1: Camp Stove added, Trail Running Shoe repriced, Water Bottle loses Colors,")
    print("                Wool Socks' Stock becomes a string (kept in _unmapped)")
    print("      window 2: Headlamp deleted, Sleeping Bag added, Rain Jacket repriced")

    step(5, "Both windows folded into the table, in window order")
    apply(first)
    apply(second)
    show(spark, "The mirror now (equal to the DynamoDB table at the watermark)")

    step(6, "Time travel: the bootstrap snapshot is still there")
    show(spark, f"VERSION AS OF {bootstrap_snapshot}", f"VERSION AS OF {bootstrap_snapshot}")

    step(7, "Proof: a fresh full export at the watermark, compared with the mirror key by key")
    check = writer.full_export(source, T0 + 2 * WINDOW)
    show_export(str(check), indent="      ")
    report = verify(spark, MIRROR, str(check))
    print(
        f"      {report['missing']} missing, {report['extra']} extra, {report['different']} different: "
        f"{report['items']} items at watermark {report['watermark']} (snapshot {report['snapshot']})"
    )

    rows = spark.table(MIRROR).count()
    print(f"\nDone in {time.time() - started:.0f} s: {rows} rows in {MIRROR}.")
    print(f"The warehouse is a plain Iceberg warehouse (Hadoop layout): {warehouse}")
    print(f"Query it: dynamo-iceberg-mirror local query --warehouse {warehouse} --sql 'SELECT * FROM demo.products'")
    print(f"Verify it: dynamo-iceberg-mirror local verify --warehouse {warehouse} --table demo.products {check}")
    spark.stop()
    return 0 if report["missing"] == report["extra"] == report["different"] == 0 else 1


def show(spark, title: str, version: str = "") -> None:
    print(f"      {title}:")
    frame = spark.sql(
        f"SELECT productid, name, price, stock, tags, _unmapped, _write_ts FROM {MIRROR} {version} ORDER BY productid"
    )
    for line in frame._jdf.showString(20, 40, False).splitlines():
        print(f"      {line}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
