package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The second pass (reader.change_rows): each line as a row in the table's layout plus _op, _micros and
 * _order (schema.RowMaker). Runs only on input the survey took on, so a line it cannot read is a bug;
 * a key value that fits no key column is the user's input and is reported as a KeyError.
 */
final class RowBuilder implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String PUT = "U";
  private static final String DELETE = "D";

  private final RunSpec run;
  private final List<ColumnConverter> converters = new ArrayList<>();
  private final Map<String, Integer> positions = new HashMap<>();
  private final int[] keyPositions;

  RowBuilder(RunSpec run, String columnsJson) {
    this.run = run;
    JsonNode columns;
    try {
      columns = new ObjectMapper().readTree(columnsJson);
    } catch (JsonProcessingException error) {
      throw new IllegalArgumentException("columns: " + error.getMessage(), error);
    }
    for (JsonNode column : columns) {
      positions.put(column.get("attribute").textValue(), converters.size());
      converters.add(ColumnConverter.of(column.get("type")));
    }
    keyPositions = run.key.stream().mapToInt(positions::get).toArray();
  }

  /** The rows of a partition's files, built one line at a time as Spark asks for them. */
  Iterator<Row> rows(Iterator<Row> files) {
    return new Iterator<Row>() {
      private DataFileSpec spec;
      private List<String> lines = List.of();
      private int number;

      @Override
      public boolean hasNext() {
        while (number >= lines.size() && files.hasNext()) {
          Row file = files.next();
          spec = run.resolve(file.getString(0));
          lines = ExportLines.read(spec, (byte[]) file.get(1));
          number = 0;
        }
        return number < lines.size();
      }

      @Override
      public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        String line = lines.get(number++);
        ExportLine change = ExportLine.parse(line, spec);
        try {
          return change.image != null ? put(change, spec) : delete(change, spec);
        } catch (KeyError error) {
          throw error.at(spec.uri, number);
        }
      }
    };
  }

  private Row put(ExportLine change, DataFileSpec file) {
    Object[] values = new Object[converters.size() + 6];
    Map<String, String> unmapped = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> entries = change.image.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      Integer position = positions.get(entry.getKey());
      if (position == null) {
        if (!TypedValue.of(entry.getValue()).isNull()) {
          unmapped.put(entry.getKey(), PythonJson.compact(entry.getValue()));
        }
        continue;
      }
      try {
        values[position] = converters.get(position).convert(entry.getValue());
      } catch (NoFit noFit) {
        if (run.key.contains(entry.getKey())) {
          throw KeyError.noFit(entry.getKey(), PythonJson.compact(entry.getValue()));
        }
        unmapped.put(entry.getKey(), PythonJson.compact(entry.getValue()));
      }
    }
    for (int k = 0; k < keyPositions.length; k++) {
      if (values[keyPositions[k]] == null) throw KeyError.missing("item", run.key.get(k));
    }
    return finish(values, unmapped.isEmpty() ? null : unmapped, change, file, PUT);
  }

  private Row delete(ExportLine change, DataFileSpec file) {
    Object[] values = new Object[converters.size() + 6];
    for (int k = 0; k < keyPositions.length; k++) {
      String name = run.key.get(k);
      JsonNode value = change.keys.get(name);
      if (value == null) throw KeyError.missing("Keys", name);
      try {
        values[keyPositions[k]] = converters.get(keyPositions[k]).convert(value);
      } catch (NoFit noFit) {
        throw KeyError.noFit(name, PythonJson.compact(value));
      }
    }
    return finish(values, null, change, file, DELETE);
  }

  /** The metadata columns: _unmapped, _write_ts, _export_id, then _op, _micros, _order. */
  private Row finish(Object[] values, Map<String, String> unmapped, ExportLine change, DataFileSpec file, String op) {
    int at = converters.size();
    values[at] = unmapped == null ? null : ScalaMaps.of(unmapped);
    values[at + 1] = timestamp(change.micros);
    values[at + 2] = file.exportId;
    values[at + 3] = op;
    values[at + 4] = change.micros;
    values[at + 5] = file.order;
    return RowFactory.create(values);
  }

  /** Spark's row encoder takes a Timestamp; ExportLine keeps micros in years where it is exact. */
  private static Timestamp timestamp(long micros) {
    Timestamp timestamp = new Timestamp(Math.floorDiv(micros, 1000L));
    timestamp.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
    return timestamp;
  }
}
