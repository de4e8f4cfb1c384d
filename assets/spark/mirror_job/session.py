"""The Spark session and the Iceberg catalog the job writes through.

The catalog is chosen by arguments, not by code: `hadoop` (a local warehouse folder, no server) or
`glue` (AWS Glue Data Catalog with S3FileIO, as on EMR Serverless). Both are named `mirror`.
"""

from __future__ import annotations

import os

from .progress import console_progress

CATALOG = "mirror"
CATALOG_SETTINGS = f"spark.sql.catalog.{CATALOG}"  # the prefix of the catalog's Spark settings
ICEBERG_RUNTIME = "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.0"
EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
# The JVM reader (jvm_reader.py), built from assets/spark/engine by `npx projen spark:engine`. A job run
# from the construct's assets has it on spark.jars instead; the variable names such a copy locally.
ENGINE_JAR = os.environ.get("DYNAMO_ICEBERG_MIRROR_ENGINE_JAR") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "engine", "mirror-engine.jar"
)


def local_session(app_name: str = "dynamo-iceberg-mirror", catalog: dict[str, str] | None = None):
    """A local-mode session with the Iceberg runtime, resolved once into the mirror's cache folder;
    `catalog` is catalog_settings(...)."""
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
    for key, value in {**_jars(), **(catalog or {})}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _jars() -> dict[str, str]:
    """The job's JVM reader, and Iceberg's runtime jar from the cache once Ivy has fetched it (quiet,
    offline), else Ivy's coordinates."""
    jar = iceberg_runtime_jar()
    if os.path.exists(jar):
        return {"spark.jars": f"{ENGINE_JAR},{jar}"}
    ivy = os.path.dirname(os.path.dirname(jar))
    return {"spark.jars": ENGINE_JAR, "spark.jars.packages": ICEBERG_RUNTIME, "spark.jars.ivy": ivy}


def iceberg_runtime_jar() -> str:
    """Where Ivy keeps Iceberg's runtime jar in the mirror's cache (the engine is also compiled against it)."""
    default_home = os.path.join(os.path.expanduser("~"), ".cache", "dynamo-iceberg-mirror")
    ivy = os.path.join(os.path.abspath(os.environ.get("DYNAMO_ICEBERG_MIRROR_HOME", default_home)), "ivy")
    group, artifact, version = ICEBERG_RUNTIME.split(":")
    return os.path.join(ivy, "jars", f"{group}_{artifact}-{version}.jar")


def running_session(catalog: dict[str, str]):
    """The session of a job submitted to a cluster (EMR Serverless); `catalog` is catalog_settings(...)."""
    from pyspark.sql import SparkSession

    return SparkSession.builder.config(map={**catalog, "spark.sql.session.timeZone": "UTC"}).getOrCreate()


def catalog_settings(catalog: str, warehouse: str, properties: dict[str, str] | None = None) -> dict[str, str]:
    """The Spark settings of the `mirror` catalog, given when the session starts: setting them later on a
    running session would start Spark SQL, which a run with nothing to do never needs (see iceberg_catalog)."""
    prefix = CATALOG_SETTINGS
    settings = {prefix: "org.apache.iceberg.spark.SparkCatalog"}
    if catalog == "hadoop":
        settings[f"{prefix}.type"] = "hadoop"
    elif catalog == "glue":
        settings[f"{prefix}.catalog-impl"] = "org.apache.iceberg.aws.glue.GlueCatalog"
        settings[f"{prefix}.io-impl"] = "org.apache.iceberg.aws.s3.S3FileIO"
    else:
        raise ValueError(f"unknown catalog {catalog!r}")
    settings[f"{prefix}.warehouse"] = warehouse
    # Other writers (maintenance, a second execution) commit too: never serve a stale cached table.
    settings[f"{prefix}.cache-enabled"] = "false"
    settings.update({f"{prefix}.{key}": value for key, value in (properties or {}).items()})
    return settings


def iceberg_catalog(spark):
    """Iceberg's own catalog with the `mirror` catalog's settings, for loading and committing table
    metadata: unlike Spark's catalog, it needs no Spark SQL session state, whose start costs a run with
    nothing to do more than the rest of its work. Built once per Spark application."""
    application = spark.sparkContext.applicationId
    if application not in _ICEBERG_CATALOGS:
        prefix = f"{CATALOG_SETTINGS}."
        settings = dict(spark.sparkContext.getConf().getAll())
        if CATALOG_SETTINGS not in settings:
            raise ValueError("the session was started without catalog_settings(...)")
        jvm = spark.sparkContext._jvm
        options = jvm.java.util.HashMap()
        for key, value in settings.items():
            if key.startswith(prefix):
                options.put(key[len(prefix) :], value)
        hadoop = spark.sparkContext._jsc.hadoopConfiguration()
        build = jvm.org.apache.iceberg.CatalogUtil.buildIcebergCatalog
        _ICEBERG_CATALOGS[application] = build(CATALOG, options, hadoop)
    return _ICEBERG_CATALOGS[application]


_ICEBERG_CATALOGS: dict[str, object] = {}


def qualified(table: str) -> str:
    """`db.table` as the catalog's `mirror.db.table`."""
    parts = table.split(".")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"--table {table!r}: expected DATABASE.TABLE")
    return ".".join([CATALOG] + [f"`{p}`" for p in parts])


def table_parts(name: str) -> tuple[str, str]:
    """The database and the table of `mirror.db.table` (parts quoted as qualified() quotes them, or not)."""
    parts = [p[1:-1] if len(p) > 1 and p[0] == p[-1] == "`" else p for p in name.split(".")]
    if len(parts) != 3 or parts[0] != CATALOG or not all(parts):
        raise ValueError(f"{name!r}: expected {CATALOG}.DATABASE.TABLE")
    return parts[1], parts[2]
