package io.github.dynamoicebergmirror.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import scala.Tuple2;

/**
 * The first pass (reader.learn_types): checks every file and line, gathers per-attribute type
 * statistics, and finds full-export items sharing one key. One scan: each partition sends its statistics
 * through an accumulator and one 64-bit hash of each full-export item's key text into a grouping of
 * Spark's own (no per-item object through the shuffle). Only when two hashes are equal are the key texts
 * themselves compared, by a second scan that also names the items (reader.python_learn_types's way).
 */
final class Survey {
  private static final StructType KEY_HASHES = new StructType().add("hash", DataTypes.LongType, false);

  private Survey() {}

  /** {"passed_over": reason or null, "stats": {...}, "duplicate": [text, [[file, line], ...]] or null} */
  static String run(SparkSession spark, RunSpec run) {
    AttributeStats stats = new AttributeStats();
    String passedOver = null;
    Tuple2<String, Tally> duplicate = null;
    if (!run.files.isEmpty()) {
      CollectionAccumulator<PartitionFindings> findings =
          spark.sparkContext().collectionAccumulator("dynamo-iceberg-mirror survey");
      JavaRDD<Row> hashes = DataFiles.read(spark, run).mapPartitions(files -> new Scan(run, files, findings));
      boolean sharedHash = !spark.createDataFrame(hashes, KEY_HASHES)
          .groupBy("hash").count().where("count > 1").limit(1).collectAsList().isEmpty();
      Map<Integer, PartitionFindings> byPartition = new HashMap<>();
      for (PartitionFindings found : findings.value()) byPartition.put(found.partition, found);
      if (byPartition.size() != hashes.getNumPartitions()) {
        throw new IllegalStateException("the survey heard from " + byPartition.size() + " of "
            + hashes.getNumPartitions() + " partitions");
      }
      for (PartitionFindings found : byPartition.values()) {
        stats.update(found.stats);
        if (found.passedOver != null && (passedOver == null || found.passedOver.compareTo(passedOver) < 0)) {
          passedOver = found.passedOver;
        }
      }
      if (passedOver == null && sharedHash) {
        duplicate = firstDuplicate(spark, run);
      }
    }
    return answer(passedOver, stats, duplicate);
  }

  /** The smallest key text held by two full-export items, with its first two places; null if none. */
  private static Tuple2<String, Tally> firstDuplicate(SparkSession spark, RunSpec run) {
    List<Tuple2<String, Tally>> found = DataFiles.read(spark, run)
        .flatMapToPair(file -> places(run, file))
        .reduceByKey(Tally::merge)
        .filter(entry -> entry._2.count > 1)
        .collect();
    Tuple2<String, Tally> first = null;
    for (Tuple2<String, Tally> entry : found) {
      if (first == null || entry._1.compareTo(first._1) < 0) first = entry;
    }
    return first;
  }

  private static Iterator<Tuple2<String, Tally>> places(RunSpec run, Row row) {
    DataFileSpec file = run.resolve(row.getString(0));
    List<Tuple2<String, Tally>> out = new ArrayList<>();
    if (!file.incremental) {
      List<String> lines = ExportLines.read(file, (byte[]) row.get(1));
      for (int number = 1; number <= lines.size(); number++) {
        ExportLine change = ExportLine.parse(lines.get(number - 1), file);
        out.add(new Tuple2<>(KeyText.of(change.keys, run.key), Tally.place(file.number, number)));
      }
    }
    return out.iterator();
  }

  private static String answer(String passedOver, AttributeStats stats, Tuple2<String, Tally> duplicate) {
    StringBuilder out = new StringBuilder("{\"passed_over\":");
    if (passedOver == null) {
      out.append("null");
    } else {
      PythonJson.string(passedOver, out);
    }
    out.append(",\"stats\":");
    stats.json(out);
    out.append(",\"duplicate\":");
    if (duplicate == null) {
      out.append("null");
    } else {
      out.append('[');
      PythonJson.string(duplicate._1, out);
      out.append(",[");
      long[][] places = duplicate._2.places;
      for (int i = 0; i < places.length; i++) {
        out.append(i > 0 ? "," : "").append('[').append(places[i][0]).append(',').append(places[i][1]).append(']');
      }
      out.append("]]");
    }
    return out.append('}').toString();
  }

  /**
   * One partition's lines, checked and counted as Spark reads them: yields the key hash of each
   * full-export item, and when the partition is done, sends its findings. A file with anything the JVM
   * reader does not take on is left there (the run goes to the Python reader).
   */
  private static final class Scan implements Iterator<Row> {
    private final RunSpec run;
    private final Iterator<Row> files;
    private final CollectionAccumulator<PartitionFindings> findings;
    private final AttributeStats stats = new AttributeStats();
    private String passedOver;
    private DataFileSpec file;
    private List<String> lines = List.of();
    private int number;
    private Row next;
    private boolean sent;

    Scan(RunSpec run, Iterator<Row> files, CollectionAccumulator<PartitionFindings> findings) {
      this.run = run;
      this.files = files;
      this.findings = findings;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (number < lines.size()) {
          next = line();
        } else if (files.hasNext()) {
          open(files.next());
        } else {
          if (!sent) {
            findings.add(new PartitionFindings(TaskContext.getPartitionId(), stats, passedOver));
            sent = true;
          }
          return false;
        }
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) throw new NoSuchElementException();
      Row row = next;
      next = null;
      return row;
    }

    private void open(Row row) {
      String path = row.getString(0);
      lines = List.of();
      number = 0;
      try {
        file = run.resolve(path);
        lines = ExportLines.read(file, (byte[]) row.get(1));
      } catch (Unsupported unsupported) {
        passOver(path + ": " + unsupported.getMessage());
      }
    }

    /** Checks the next line; its key hash for a full-export item, else null. */
    private Row line() {
      number++;
      try {
        String keyText = LineSurvey.read(lines.get(number - 1), file, run.key, stats);
        return keyText == null ? null : RowFactory.create(hash(keyText));
      } catch (Unsupported unsupported) {
        passOver(file.uri + ": line " + number + ": " + unsupported.getMessage());
        lines = List.of();
        return null;
      }
    }

    private void passOver(String reason) {
      if (passedOver == null) passedOver = reason;
    }
  }

  /** FNV-1a, 64 bits: equal texts hash alike; an unequal pair that collides only costs the exact check. */
  static long hash(String text) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      hash ^= text.charAt(i);
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
