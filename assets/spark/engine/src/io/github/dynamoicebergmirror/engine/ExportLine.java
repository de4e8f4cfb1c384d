package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Pattern;

/** One line of an export as a change (decode.Change): a put (full item or NewImage) or a delete (Keys only). */
final class ExportLine {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** decode.LONE_SURROGATE: an escaped surrogate that is not half of a pair. */
  private static final Pattern LONE_SURROGATE = Pattern.compile(
      "(?<!\\\\)(?:\\\\\\\\)*\\\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\\\u[dD][c-fC-F])"
      + "|(?<!\\\\)(?:\\\\\\\\)*(?<![\\\\]u[dD][89abAB][0-9a-fA-F]{2})\\\\u[dD][c-fC-F][0-9a-fA-F]{2}");

  // Timestamps Spark reads from a java.sql.Timestamp exactly (no calendar rebasing) and Python can hold.
  private static final long FIRST_MICROS = -2_208_988_800_000_000L; // 1900-01-01
  private static final long LAST_MICROS = 253_402_300_799_999_999L; // 9999-12-31T23:59:59.999999

  final JsonNode keys;
  /** null for a delete. */
  final JsonNode image;
  final long micros;

  private ExportLine(JsonNode keys, JsonNode image, long micros) {
    this.keys = keys;
    this.image = image;
    this.micros = micros;
  }

  static ExportLine parse(String line, DataFileSpec file) {
    checkEscapes(line);
    JsonNode record;
    try {
      record = JSON.readTree(line);
    } catch (JsonProcessingException error) {
      throw new Unsupported("not JSON as the Python reader reads it");
    }
    if (record == null || !record.isObject()) throw new Unsupported("a line that is not an object");
    if (!file.incremental) {
      JsonNode item = record.get("Item");
      if (item == null || !item.isObject()) throw new Unsupported("a line without an Item object");
      return new ExportLine(item, item, file.endMicros);
    }
    long at = writeMicros(record.get("Metadata"));
    JsonNode keys = record.get("Keys");
    JsonNode image = record.get("NewImage");
    if (image != null && image.isNull()) image = null;
    if (keys == null || !keys.isObject() || (image != null && !image.isObject())) {
      throw new Unsupported("Keys or NewImage that is not an object");
    }
    return new ExportLine(keys, image, at);
  }

  /** A lone surrogate escape (decode.LONE_SURROGATE) is left to the Python reader. */
  static void checkEscapes(String line) {
    if (line.indexOf("\\u") >= 0 && LONE_SURROGATE.matcher(line).find()) {
      throw new Unsupported("a lone surrogate escape");
    }
  }

  /** Metadata.WriteTimestampMicros of an incremental line (null when absent), checked. */
  static long writeMicros(JsonNode metadata) {
    JsonNode written = metadata != null && metadata.isObject() ? metadata.get("WriteTimestampMicros") : null;
    JsonNode micros = written != null && written.isObject() ? written.get("N") : null;
    if (micros == null || !micros.isTextual() || !isMicros(micros.textValue())) {
      throw new Unsupported("a WriteTimestampMicros that is not a whole number of microseconds");
    }
    long at = Long.parseLong(micros.textValue());
    if (at < FIRST_MICROS || at > LAST_MICROS) {
      throw new Unsupported("a WriteTimestampMicros outside the years 1900 to 9999");
    }
    return at;
  }

  /** `-?[0-9]{1,18}` */
  private static boolean isMicros(String text) {
    int start = text.startsWith("-") ? 1 : 0;
    int digits = text.length() - start;
    if (digits < 1 || digits > 18) return false;
    for (int i = start; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') return false;
    }
    return true;
  }
}
