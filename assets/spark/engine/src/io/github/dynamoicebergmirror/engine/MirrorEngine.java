package io.github.dynamoicebergmirror.engine;

import org.apache.iceberg.Table;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The JVM reader of export files, called by the Python driver (mirror_job/jvm_reader.py): the per-line
 * work of a run (JSON, type statistics, conversions) runs here, in Spark's executors, instead of in
 * Python workers. It reads exactly as the Python reader does, and passes over what it does not take on.
 */
public final class MirrorEngine {
  private MirrorEngine() {}

  /** The first pass over a run's files; `runJson` is {"files": [...], "key": [...]}. Returns JSON. */
  public static String survey(SparkSession spark, String runJson) {
    return Survey.run(spark, RunSpec.fromJson(runJson));
  }

  /**
   * The second pass: the run's changes as rows of `schemaJson` (a Spark struct type: the table's
   * columns, the metadata columns, then _op, _micros and _order); `columnsJson` gives each column's
   * attribute and type (schema.TableSchema.to_json).
   */
  public static Dataset<Row> rows(SparkSession spark, String runJson, String columnsJson, String schemaJson) {
    RunSpec run = RunSpec.fromJson(runJson);
    StructType schema = (StructType) DataType.fromJson(schemaJson);
    if (run.files.isEmpty()) {
      return spark.createDataFrame(java.util.List.of(), schema);
    }
    RowBuilder builder = new RowBuilder(run, columnsJson);
    JavaRDD<Row> rows = DataFiles.read(spark, run).mapPartitions(builder::rows);
    return spark.createDataFrame(rows, schema);
  }

  /**
   * Removes the rows at `positions` (_file, _pos of snapshot `snapshotId`) from `branch` of `table`, in one
   * commit on that branch; returns how many.
   */
  public static long deleteRows(SparkSession spark, Dataset<Row> positions, Table table, String branch, long snapshotId) {
    return PositionDeletes.commit(spark, positions, table, branch, snapshotId);
  }
}
