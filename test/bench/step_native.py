"""Measured step, the hand-rolled load: `spark.read.json` of the full export's files written as an Iceberg
table of the raw DynamoDB JSON structs (no type mapping, no checks).

    python step_native.py WAREHOUSE DATA_FILE...
"""

import sys

from spark_local import bench_session

spark = bench_session(warehouse=sys.argv[1])
spark.read.json(sys.argv[2:]).select("Item.*").writeTo("mirror.bench.native").using("iceberg").create()
spark.stop()
