package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One line as the survey reads it, token by token: the checks of ExportLine.parse and of the key
 * (key_check.check_line_key), the image's attributes straight into the statistics, no tree but the
 * small Metadata object. Which check fails first may differ from the row pass; that any fails does not.
 */
final class LineSurvey {
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final ObjectMapper TREES = new ObjectMapper(JSON);

  private final JsonParser parser;
  private final ShapeReader shapes;
  private final List<String> key;
  private final AttributeStats stats;
  private final String[] keyTags;
  private final String[] keyTexts;

  private LineSurvey(JsonParser parser, List<String> key, AttributeStats stats) {
    this.parser = parser;
    this.shapes = new ShapeReader(parser);
    this.key = key;
    this.stats = stats;
    this.keyTags = new String[key.size()];
    this.keyTexts = new String[key.size()];
  }

  /** Adds the line's image to `stats`; returns the item's key text in a full export, else null. */
  static String read(String line, DataFileSpec file, List<String> key, AttributeStats stats) {
    ExportLine.checkEscapes(line);
    try (JsonParser parser = JSON.createParser(line)) {
      LineSurvey survey = new LineSurvey(parser, key, stats);
      return file.incremental ? survey.change() : survey.item();
    } catch (JsonProcessingException error) {
      throw new Unsupported("not JSON as the Python reader reads it");
    } catch (IOException error) {
      throw new UncheckedIOException(error);
    }
  }

  private String item() throws IOException {
    boolean found = false;
    for (JsonToken value = record(); value != null; value = next()) {
      if (parser.currentName().equals("Item")) {
        found = true;
        image(value, true);
      } else {
        parser.skipChildren();
      }
    }
    if (!found) throw new Unsupported("a line without an Item object");
    return KeyText.of(keyTags, keyTexts);
  }

  private String change() throws IOException {
    boolean timed = false;
    boolean keys = false;
    for (JsonToken value = record(); value != null; value = next()) {
      switch (parser.currentName()) {
        case "Metadata":
          ExportLine.writeMicros(TREES.readTree(parser));
          timed = true;
          break;
        case "Keys":
          keys(value);
          keys = true;
          break;
        case "NewImage":
          if (value != JsonToken.VALUE_NULL) image(value, false);
          break;
        default:
          parser.skipChildren();
      }
    }
    if (!timed) ExportLine.writeMicros(null);
    if (!keys) throw new Unsupported("Keys or NewImage that is not an object");
    return null;
  }

  /** The line's first field's value; the caller has each field's name from the parser. */
  private JsonToken record() throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) throw new Unsupported("a line that is not an object");
    return next();
  }

  /** The next field's value, or null after the line's last field (anything after the object refused). */
  private JsonToken next() throws IOException {
    if (parser.nextToken() == JsonToken.FIELD_NAME) return parser.nextToken();
    if (parser.nextToken() != null) throw new Unsupported("not JSON as the Python reader reads it");
    return null;
  }

  /** An item or NewImage: each attribute's shape counted; its key attributes must be S, N or B. */
  private void image(JsonToken value, boolean keepKey) throws IOException {
    if (value != JsonToken.START_OBJECT) throw new Unsupported("an image that is not an object");
    boolean[] seen = new boolean[key.size()];
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      Shape shape = shapes.read(0);
      stats.add(name, shape);
      int k = key.indexOf(name);
      if (k >= 0) {
        keyValue(shape);
        seen[k] = true;
        if (keepKey) {
          keyTags[k] = shape.tag;
          keyTexts[k] = shapes.text;
        }
      }
    }
    for (boolean present : seen) {
      if (!present) throw new Unsupported("a missing key value");
    }
  }

  /** Keys: exactly the declared key attributes, each S, N or B. */
  private void keys(JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) throw new Unsupported("Keys or NewImage that is not an object");
    int count = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      if (!key.contains(parser.currentName())) throw new Unsupported("Keys that are not the declared key");
      parser.nextToken();
      keyValue(shapes.read(0));
      count++;
    }
    if (count != key.size()) throw new Unsupported("Keys that are not the declared key");
  }

  private static void keyValue(Shape shape) {
    if (shape != Shape.S && shape != Shape.B && !shape.tag.equals("N")) {
      throw new Unsupported("a key value not of type S, N or B");
    }
  }
}
