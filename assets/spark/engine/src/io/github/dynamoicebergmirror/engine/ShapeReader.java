package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;

/**
 * Reads one DynamoDB typed value token by token into its Shape (inference.observe), with every check
 * decode.tag_of and the converters make: no tree is built. Also keeps the text of the last S, N or B
 * value read at the top, which a key value is made of.
 */
final class ShapeReader {
  private final JsonParser parser;
  /** The text of the last top-level S, N or B value read. */
  String text;

  ShapeReader(JsonParser parser) {
    this.parser = parser;
  }

  /** The shape of the typed value starting at the parser's current token, left on its last token. */
  Shape read(int level) throws IOException {
    if (level > Shape.MAX_LEVELS) {
      throw new Unsupported("a value nested deeper than DynamoDB allows");
    }
    if (parser.currentToken() != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME) {
      throw new Unsupported("not a DynamoDB typed value");
    }
    String tag = parser.currentName();
    JsonToken raw = parser.nextToken();
    Shape shape = value(tag, raw, level);
    if (parser.nextToken() != JsonToken.END_OBJECT) {
      throw new Unsupported("not a DynamoDB typed value");
    }
    return shape;
  }

  private Shape value(String tag, JsonToken raw, int level) throws IOException {
    switch (tag) {
      case "S":
        scalar(raw, level);
        return Shape.S;
      case "N":
        return Shape.number("N", NumberShape.of(scalar(raw, level)));
      case "B":
        TypedValue.binary(scalar(raw, level));
        return Shape.B;
      case "BOOL":
        if (raw != JsonToken.VALUE_TRUE && raw != JsonToken.VALUE_FALSE) {
          throw new Unsupported("a BOOL that is not a boolean");
        }
        return Shape.BOOL;
      case "NULL":
        if (raw != JsonToken.VALUE_TRUE) throw new Unsupported("a NULL that is not true");
        return Shape.NULL;
      case "SS":
      case "BS":
      case "NS":
        return set(tag, raw);
      case "L":
        return list(raw, level);
      case "M":
        return map(raw, level);
      default:
        throw new Unsupported("unknown DynamoDB type tag");
    }
  }

  private String scalar(JsonToken raw, int level) throws IOException {
    if (raw != JsonToken.VALUE_STRING) {
      throw new Unsupported("a typed value whose raw value is not a string");
    }
    String value = parser.getText();
    if (level == 0) text = value;
    return value;
  }

  private Shape set(String tag, JsonToken raw) throws IOException {
    if (raw != JsonToken.START_ARRAY || parser.nextToken() == JsonToken.END_ARRAY) {
      throw new Unsupported("a set that is not a non-empty list");
    }
    Shape numbers = null;
    do {
      String element = scalar(parser.currentToken(), 1);
      if (tag.equals("BS")) {
        TypedValue.binary(element);
      } else if (tag.equals("NS")) {
        Shape shape = Shape.number("NS", NumberShape.of(element));
        numbers = numbers == null ? shape : Shape.merge(numbers, shape);
      }
    } while (parser.nextToken() != JsonToken.END_ARRAY);
    return tag.equals("SS") ? Shape.SS : tag.equals("BS") ? Shape.BS : numbers;
  }

  private Shape list(JsonToken raw, int level) throws IOException {
    if (raw != JsonToken.START_ARRAY) throw new Unsupported("an L that is not a list");
    Shape element = null;
    boolean mixed = false;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      Shape shape = read(level + 1);
      if (mixed) continue; // read for its checks only
      Shape merged = element == null ? shape : Shape.merge(element, shape);
      if (merged == null) {
        mixed = true;
      } else {
        element = merged;
      }
    }
    return mixed ? Shape.LJ : Shape.list(element);
  }

  private Shape map(JsonToken raw, int level) throws IOException {
    if (raw != JsonToken.START_OBJECT) throw new Unsupported("an M that is not an object");
    LinkedHashMap<String, Shape> fields = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      fields.put(name, read(level + 1));
    }
    return fields.size() > Shape.MAX_STRUCT_FIELDS ? Shape.MJ : Shape.map(fields);
  }
}
