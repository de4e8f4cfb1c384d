"""Measured step: start the bench's Spark session and stop it (the fixed cost of any run)."""

from spark_local import bench_session

bench_session().stop()
