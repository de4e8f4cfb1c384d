#!/usr/bin/env bash
# Builds the Spark job's JVM engine (assets/spark/engine/src: the reader, and the writer of position
# deletes) into assets/spark/engine/mirror-engine.jar: Java 17 bytecode (EMR 7.x runs Java 17), compiled
# against the jars of the PySpark in the job's Python environment (Spark 3.5, as on EMR) and Iceberg's
# runtime jar in the cache (fetched by `spark:env`), which the job then runs with. Nothing to do when the
# jar is newer than every source. The jar's entries carry one fixed date, so equal sources give an equal
# jar (and an unchanged CDK asset hash).
set -euo pipefail
cd "$(dirname "$0")/.."

src=assets/spark/engine/src
jar=assets/spark/engine/mirror-engine.jar
if [ -f "$jar" ] && [ -z "$(find "$src" -name '*.java' -newer "$jar")" ]; then
  exit 0
fi
python="${DYNAMO_ICEBERG_MIRROR_HOME:?set by the projen task}/venv/bin/python"
jars="$("$python" -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')"
iceberg="$(PYTHONPATH=assets/spark "$python" -c 'from mirror_job.session import iceberg_runtime_jar; print(iceberg_runtime_jar())')"
[ -f "$iceberg" ] || { echo "$iceberg: missing; run \`npx projen spark:env\` first" >&2; exit 1; }
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
find "$src" -name '*.java' | sort > "$classes/sources.txt"
javac --release 17 -Xlint:all,-serial,-path -Werror -encoding UTF-8 -cp "$jars/*:$iceberg" -d "$classes/out" "@$classes/sources.txt"
jar --create --file "$jar" --date=2026-01-01T00:00:00Z -C "$classes/out" .
echo "built $jar"
