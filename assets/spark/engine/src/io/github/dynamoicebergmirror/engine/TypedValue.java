package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Map;

/** One DynamoDB typed value of a line, `{"tag": raw}`, checked as decode.tag_of checks it. */
final class TypedValue {
  final String tag;
  final JsonNode raw;

  private TypedValue(String tag, JsonNode raw) {
    this.tag = tag;
    this.raw = raw;
  }

  static TypedValue of(JsonNode value) {
    if (value == null || !value.isObject() || value.size() != 1) {
      throw new Unsupported("not a DynamoDB typed value");
    }
    Map.Entry<String, JsonNode> entry = value.fields().next();
    String tag = entry.getKey();
    switch (tag) {
      case "S": case "N": case "B": case "BOOL": case "SS": case "NS": case "BS": case "L": case "M":
        return new TypedValue(tag, entry.getValue());
      case "NULL":
        if (!entry.getValue().isBoolean() || !entry.getValue().booleanValue()) {
          throw new Unsupported("a NULL that is not true");
        }
        return new TypedValue(tag, entry.getValue());
      default:
        throw new Unsupported("unknown DynamoDB type tag");
    }
  }

  boolean isNull() {
    return tag.equals("NULL");
  }

  /** The text of an S, N or B value, or of a set element. */
  static String text(JsonNode raw) {
    if (!raw.isTextual()) {
      throw new Unsupported("a typed value whose raw value is not a string");
    }
    return raw.textValue();
  }

  /** Base64 as Python's `b64decode(validate=True)` reads it; only canonical lengths are taken on. */
  static byte[] binary(JsonNode raw) {
    return binary(text(raw));
  }

  static byte[] binary(String text) {
    if (text.length() % 4 != 0) {
      throw new Unsupported("base64 without full padding");
    }
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '=' && text.length() - end < 2) end--;
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
      if (!alphabet) throw new Unsupported("not base64");
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException error) {
      throw new Unsupported("not base64");
    }
  }
}
