"""The Spark session and the Iceberg catalog the job writes through.

The catalog is chosen by arguments, not by code: `hadoop` (a local warehouse folder, no server) or
`glue` (AWS Glue Data Catalog with S3FileIO, as on EMR Serverless). Both are named `mirror`.
"""

from __future__ import annotations

import os

from .progress import console_progress

CATALOG = "mirror"
ICEBERG_RUNTIME = "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.0"
EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
# The JVM reader (jvm_reader.py), built from assets/spark/engine by `npx projen spark:engine`. A job run
# from the construct's assets has it on spark.jars instead; the variable names such a copy locally.
ENGINE_JAR = os.environ.get("DYNAMO_ICEBERG_MIRROR_ENGINE_JAR") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "engine", "mirror-engine.jar"
)


def local_session(app_name: str = "dynamo-iceberg-mirror"):
    """A local-mode session with the Iceberg runtime, resolved once into the mirror's cache folder."""
    from pyspark.sql import SparkSession

    # Python workers are started by the JVM with this process's environment: let them import the job.
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if package_root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([package_root] + [p for p in paths if p])
    # Spark's start-up warnings (the loopback address, native Hadoop, the default log level) are noise here.
    logging = os.path.join(os.path.dirname(os.path.abspath(__file__)), "local-log4j2.properties")
    builder = (
        SparkSession.builder.appName(app_name)
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{logging}")
        .master(os.environ.get("DYNAMO_ICEBERG_MIRROR_MASTER", "local[2]"))
        .config("spark.sql.extensions", EXTENSIONS)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        # Spark's stage bar for a person at a terminal only (progress.py).
        .config("spark.ui.showConsoleProgress", console_progress())
        .config("spark.driver.memory", os.environ.get("DYNAMO_ICEBERG_MIRROR_DRIVER_MEMORY", "3g"))
        .config("spark.sql.adaptive.enabled", "true")
    )
    for key, value in _jars().items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _jars() -> dict[str, str]:
    """The job's JVM reader, and Iceberg's runtime jar from the cache once Ivy has fetched it (quiet,
    offline), else Ivy's coordinates."""
    default_home = os.path.join(os.path.expanduser("~"), ".cache", "dynamo-iceberg-mirror")
    ivy = os.path.join(os.path.abspath(os.environ.get("DYNAMO_ICEBERG_MIRROR_HOME", default_home)), "ivy")
    group, artifact, version = ICEBERG_RUNTIME.split(":")
    jar = os.path.join(ivy, "jars", f"{group}_{artifact}-{version}.jar")
    if os.path.exists(jar):
        return {"spark.jars": f"{ENGINE_JAR},{jar}"}
    return {"spark.jars": ENGINE_JAR, "spark.jars.packages": ICEBERG_RUNTIME, "spark.jars.ivy": ivy}


def configure_catalog(spark, catalog: str, warehouse: str, properties: dict[str, str] | None = None) -> None:
    """Points the `mirror` catalog at a warehouse; catalog settings may be set on a running session."""
    prefix = f"spark.sql.catalog.{CATALOG}"
    spark.conf.set(prefix, "org.apache.iceberg.spark.SparkCatalog")
    if catalog == "hadoop":
        spark.conf.set(f"{prefix}.type", "hadoop")
    elif catalog == "glue":
        spark.conf.set(f"{prefix}.catalog-impl", "org.apache.iceberg.aws.glue.GlueCatalog")
        spark.conf.set(f"{prefix}.io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
    else:
        raise ValueError(f"unknown catalog {catalog!r}")
    spark.conf.set(f"{prefix}.warehouse", warehouse)
    # Other writers (maintenance, a second execution) commit too: never serve a stale cached table.
    spark.conf.set(f"{prefix}.cache-enabled", "false")
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    for key, value in (properties or {}).items():
        spark.conf.set(f"{prefix}.{key}", value)


def qualified(table: str) -> str:
    """`db.table` as the catalog's `mirror.db.table`."""
    parts = table.split(".")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"--table {table!r}: expected DATABASE.TABLE")
    return ".".join([CATALOG] + [f"`{p}`" for p in parts])
