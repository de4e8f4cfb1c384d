package io.github.dynamoicebergmirror.engine;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The run's data files as (path, content) rows: only the files the manifests list, never a folder listing. */
final class DataFiles {
  private DataFiles() {}

  static JavaRDD<Row> read(SparkSession spark, RunSpec run) {
    return spark.read().format("binaryFile").load(run.uris()).select("path", "content").javaRDD();
  }
}
