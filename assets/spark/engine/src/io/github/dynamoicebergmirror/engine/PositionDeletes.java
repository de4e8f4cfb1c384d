package io.github.dynamoicebergmirror.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.SerializableTable;
import org.apache.iceberg.Table;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Removes rows of an Iceberg table by position, on a branch: the rows a run replaces or deletes, found by
 * the run's one join of its changes with the table (mirror_job/merge.py). Spark tasks write one position
 * delete file per data file (file-scoped, as Iceberg's own format-v2 writers do), its positions sorted;
 * the driver commits them all in one RowDelta. Spark 3.5's SQL MERGE would find the same rows with a join
 * of its own, and says nothing of which changes matched, which the run's counts need.
 */
final class PositionDeletes {
  private PositionDeletes() {}

  /**
   * `positions` holds (_file, _pos) of rows of snapshot `snapshotId`, which `branch` descends from; returns
   * the number of rows removed. The table is format v2 (table.load_state refuses others): v3 wants deletion
   * vectors instead of position delete files.
   */
  static long commit(SparkSession spark, Dataset<Row> positions, Table table, String branch, long snapshotId) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Table> shared = context.broadcast(SerializableTable.copyOf(table));
    Broadcast<Map<String, DataFile>> dataFiles = context.broadcast(dataFiles(table, snapshotId));
    List<DeleteFile> written;
    try {
      written = positions.select("_file", "_pos")
          .repartition(positions.col("_file"))
          .sortWithinPartitions("_file", "_pos")
          .javaRDD()
          .mapPartitions(rows -> write(shared.value(), dataFiles.value(), rows))
          .collect();
    } finally {
      shared.destroy();
      dataFiles.destroy();
    }
    long removed = 0;
    RowDelta delta = table.newRowDelta().toBranch(branch);
    for (DeleteFile file : written) {
      delta.addDeletes(file);
      removed += file.recordCount();
    }
    if (!written.isEmpty()) delta.commit();
    return removed;
  }

  /** Each data file of the snapshot by location, for its partition spec and partition. */
  private static Map<String, DataFile> dataFiles(Table table, long snapshotId) {
    Map<String, DataFile> files = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshotId).planFiles()) {
      for (FileScanTask task : tasks) files.put(task.file().location(), task.file().copyWithoutStats());
    } catch (IOException error) {
      throw new UncheckedIOException(error);
    }
    return files;
  }

  /** One task's positions, grouped by data file and sorted: a delete file per data file. */
  private static Iterator<DeleteFile> write(Table table, Map<String, DataFile> dataFiles, Iterator<Row> rows)
      throws IOException {
    TaskContext task = TaskContext.get();
    OutputFileFactory names = OutputFileFactory.builderFor(table, task.partitionId(), task.taskAttemptId())
        .format(FileFormat.PARQUET)
        .suffix("deletes")
        .build();
    List<DeleteFile> written = new ArrayList<>();
    PositionDelete<Object> delete = PositionDelete.create();
    PositionDeleteWriter<Object> writer = null;
    String current = null;
    try {
      while (rows.hasNext()) {
        Row row = rows.next();
        String path = row.getString(0);
        if (!path.equals(current)) {
          PositionDeleteWriter<Object> done = writer;
          writer = null;  // closed by finish, not again by the finally block
          finish(done, written);
          writer = open(table, names, dataFiles, path);
          current = path;
        }
        writer.write(delete.set(path, row.getLong(1)));
      }
      PositionDeleteWriter<Object> last = writer;
      writer = null;
      finish(last, written);
    } finally {
      if (writer != null) writer.close();
    }
    return written.iterator();
  }

  private static PositionDeleteWriter<Object> open(
      Table table, OutputFileFactory names, Map<String, DataFile> dataFiles, String path) throws IOException {
    DataFile data = dataFiles.get(path);
    if (data == null) throw new IllegalStateException(path + ": not a data file of the snapshot the run read");
    PartitionSpec spec = table.specs().get(data.specId());
    // An unpartitioned spec has no partition folder (newOutputFile(spec, partition) would write "data//").
    EncryptedOutputFile file =
        spec.isUnpartitioned() ? names.newOutputFile() : names.newOutputFile(spec, data.partition());
    return Parquet.writeDeletes(file)
        .setAll(table.properties())  // not forTable: that would also write each deleted row
        .metricsConfig(MetricsConfig.forPositionDelete(table))
        .withSpec(spec)
        .withPartition(data.partition())
        .overwrite()
        .buildPositionWriter();
  }

  private static void finish(PositionDeleteWriter<Object> writer, List<DeleteFile> written) throws IOException {
    if (writer == null) return;
    writer.close();
    written.add(writer.toDeleteFile());
  }
}
