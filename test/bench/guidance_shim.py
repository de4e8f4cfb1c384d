"""Runs one of the AWS guidance scripts as published, with only its I/O moved to this machine.

    python guidance_shim.py --bucket NAME=FOLDER [--bucket ...] SCRIPT [SCRIPT_ARGUMENTS...]

The script file is executed as it is, from wherever it lies (runpy, as `__main__`); nothing of it is
copied here. What is shimmed, and only that:
- S3 through boto3: `boto3.client("s3")` answers from local folders (local_s3.LocalS3);
- S3 through Spark: `s3://NAME/...` is mounted on FOLDER by Hadoop's view file system (spark_local);
- the Glue catalog: a catalog the script configures with `catalog-impl` GlueCatalog becomes an Iceberg
  Hadoop catalog (its warehouse stays the script's s3:// URI, mounted like the rest);
- the cluster: the session is the job's local session, started before the script runs, so the script's
  `getOrCreate()` gets it (EMR would give it a session from the job run's settings the same way).
Every Spark operation of the script runs as written.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

GLUE_CATALOG = "org.apache.iceberg.aws.glue.GlueCatalog"


def _bucket(text: str) -> tuple[str, Path]:
    name, _, folder = text.partition("=")
    if not name or not folder:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=FOLDER")
    return name, Path(folder)


def _hadoop_catalog_for_glue() -> None:
    from pyspark.sql import SparkSession

    original = SparkSession.Builder.config

    def config(self, key=None, value=None, conf=None, **kwargs):
        if isinstance(key, str) and key.endswith(".catalog-impl") and value == GLUE_CATALOG:
            key, value = key[: -len("catalog-impl")] + "type", "hadoop"
        return original(self, key, value, conf, **kwargs)

    SparkSession.Builder.config = config


def _local_boto3(buckets: dict[str, Path]) -> None:
    import boto3
    from local_s3 import LocalS3

    def client(service_name, *args, **kwargs):
        if service_name != "s3":
            raise NotImplementedError(f"the benchmark shims S3 only, not {service_name}")
        return LocalS3(buckets)

    boto3.client = client


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="guidance_shim", description=__doc__)
    parser.add_argument("--bucket", type=_bucket, action="append", default=[])
    parser.add_argument("script", type=Path)
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    buckets = dict(args.bucket)

    from spark_local import bench_session

    bench_session(buckets)
    _hadoop_catalog_for_glue()
    _local_boto3(buckets)
    sys.argv = [str(args.script), *args.arguments]
    runpy.run_path(str(args.script), run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
