package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/** One data file of a run as the Python driver lists it (reader.RunFiles), with what its lines mean. */
final class DataFileSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Position in the run's list of files: the duplicate-key report names files by it. */
  final int number;
  final String uri;
  /** The file's key in its bucket: a read path ends with it. */
  final String key;
  final String md5;
  final long itemCount;
  /** The position of its export in the run: breaks ties between equal timestamps. */
  final int order;
  final boolean incremental;
  /** A full export's items are puts at its exportTime. */
  final long endMicros;
  final String exportId;

  DataFileSpec(int number, JsonNode spec) {
    this.number = number;
    this.uri = spec.get("uri").textValue();
    this.key = spec.get("key").textValue();
    this.md5 = spec.get("md5").isNull() ? null : spec.get("md5").textValue();
    this.itemCount = spec.get("item_count").longValue();
    this.order = spec.get("order").intValue();
    this.incremental = spec.get("incremental").booleanValue();
    this.endMicros = spec.get("end_micros").longValue();
    this.exportId = spec.get("export_id").textValue();
  }
}
