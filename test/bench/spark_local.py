"""The one Spark session every measured process starts: the job's own local session (same settings for
every system), with S3 buckets mounted on local folders for the guidance scripts.

The mount is Hadoop's view file system over the `s3` scheme: `s3://<bucket>/<key>` resolves to
`<folder>/<key>`, so a script's paths and its Spark calls stay exactly as written.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "assets" / "spark")]

from mirror_job.session import catalog_settings, local_session  # noqa: E402

VIEW_FS = "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme"


def bench_session(buckets: dict[str, Path] | None = None, warehouse: Path | None = None):
    """The job's local session; `buckets` maps S3 bucket names to folders; `warehouse` is the `mirror`
    catalog's (Hadoop) folder."""
    catalog = catalog_settings("hadoop", Path(warehouse).resolve().as_uri()) if warehouse is not None else None
    spark = local_session("dynamo-iceberg-mirror-bench", catalog)
    if buckets:
        hadoop = spark.sparkContext._jsc.hadoopConfiguration()
        hadoop.set("fs.s3.impl", VIEW_FS)
        hadoop.set("fs.s3.impl.disable.cache", "true")
        hadoop.set("fs.viewfs.overload.scheme.target.s3.impl", "org.apache.hadoop.fs.LocalFileSystem")
        for name, folder in buckets.items():
            hadoop.set(f"fs.viewfs.mounttable.{name}.linkFallback", Path(folder).resolve().as_uri())
    return spark

