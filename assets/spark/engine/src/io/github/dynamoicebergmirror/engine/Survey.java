package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The first pass (reader.learn_types): checks every file and line, gathers per-attribute type
 * statistics, and finds full-export items sharing one key. One scan; the statistics and each key's
 * count meet in one shuffle, so only key texts and small statistics travel.
 */
final class Survey {
  private Survey() {}

  /** {"passed_over": reason or null, "stats": {...}, "duplicate": [text, [[file, line], ...]] or null} */
  static String run(SparkSession spark, RunSpec run) {
    List<Tuple2<String, Tally>> found = new ArrayList<>();
    if (!run.files.isEmpty()) {
      JavaPairRDD<String, Tally> tallies = DataFiles.read(spark, run)
          .mapPartitionsToPair(files -> tally(run, files))
          .reduceByKey(Tally::merge)
          .filter(entry -> entry._2.worthReporting());
      found = tallies.collect();
    }
    AttributeStats stats = new AttributeStats();
    String passedOver = null;
    Tuple2<String, Tally> duplicate = null;
    for (Tuple2<String, Tally> entry : found) {
      if (entry._1.equals(Tally.STATS)) {
        stats.update(entry._2.stats);
      } else if (entry._1.equals(Tally.PASSED_OVER)) {
        passedOver = entry._2.passedOver;
      } else if (duplicate == null || entry._1.compareTo(duplicate._1) < 0) {
        duplicate = entry;
      }
    }
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

  private static Iterator<Tuple2<String, Tally>> tally(RunSpec run, Iterator<Row> files) {
    List<Tuple2<String, Tally>> out = new ArrayList<>();
    AttributeStats stats = new AttributeStats();
    while (files.hasNext()) {
      Row row = files.next();
      String path = row.getString(0);
      DataFileSpec file;
      List<String> lines;
      try {
        file = run.resolve(path);
        lines = ExportLines.read(file, (byte[]) row.get(1));
      } catch (Unsupported passedOver) {
        out.add(new Tuple2<>(Tally.PASSED_OVER, Tally.passedOver(path + ": " + passedOver.getMessage())));
        continue;
      }
      for (int number = 1; number <= lines.size(); number++) {
        try {
          ExportLine change = ExportLine.parse(lines.get(number - 1), file);
          checkKey(change, run.key, file.incremental);
          if (change.image != null) {
            stats.add(change.image);
          }
          if (!file.incremental) {
            out.add(new Tuple2<>(KeyText.of(change.keys, run.key), Tally.place(file.number, number)));
          }
        } catch (Unsupported passedOver) {
          out.add(new Tuple2<>(Tally.PASSED_OVER,
              Tally.passedOver(file.uri + ": line " + number + ": " + passedOver.getMessage())));
          break;
        }
      }
    }
    out.add(new Tuple2<>(Tally.STATS, Tally.stats(stats)));
    return out.iterator();
  }

  /**
   * key_check.check_line_key, and the Keys' values checked in full (a delete's row is built from them).
   */
  private static void checkKey(ExportLine change, List<String> key, boolean incremental) {
    if (incremental) {
      if (change.keys.size() != key.size()) throw new Unsupported("Keys that are not the declared key");
      Iterator<Map.Entry<String, JsonNode>> entries = change.keys.fields();
      while (entries.hasNext()) {
        Map.Entry<String, JsonNode> entry = entries.next();
        if (!key.contains(entry.getKey())) throw new Unsupported("Keys that are not the declared key");
        Shape.observe(entry.getValue(), 0);
      }
    }
    for (String name : key) {
      keyValue(change.keys.get(name));
      if (change.image != null) keyValue(change.image.get(name));
    }
  }

  private static void keyValue(JsonNode value) {
    if (value == null || !value.isObject() || value.size() != 1) throw new Unsupported("a missing key value");
    String tag = value.fieldNames().next();
    if (!tag.equals("S") && !tag.equals("N") && !tag.equals("B")) {
      throw new Unsupported("a key value not of type S, N or B");
    }
  }
}
