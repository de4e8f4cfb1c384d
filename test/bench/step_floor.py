"""Measured step, the floor: Spark reads and parses the full export's files with a known schema, no output.

    python step_floor.py DATA_FILE...
"""

import sys

from spark_local import bench_session
from workload import FULL_EXPORT_SCHEMA

spark = bench_session()
spark.read.schema(FULL_EXPORT_SCHEMA).json(sys.argv[1:]).write.format("noop").mode("overwrite").save()
spark.stop()
